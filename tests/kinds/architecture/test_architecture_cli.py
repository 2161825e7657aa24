"""Bad architecture specs through the CLI: exit 2 and one line naming file, line and path."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from examsolve.cli import app

runner = CliRunner()


def run(tmp_path: Path, *lines: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.yaml"
    path.write_text("\n".join(["kind: architecture", "title: bad", *lines]) + "\n")
    return runner.invoke(app, ["run", str(path)]), str(path)


CASES = [
    (["input: [3, 32, 32]", "layers:", "  - conv3d: {out: 4, kernel: 3}"],
     "5: layers[1]: unknown layer 'conv3d'; did you mean 'conv2d'?"),
    (["input: [3, 32, 32]", "layers:", "  - relu", "  - conv2d: {out: 4, kernal: 3}"],
     "6: layers[2].conv2d.kernal: unknown option 'kernal' for conv2d; did you mean 'kernel'?"),
    (["input: [3, 4, 4]", "layers:", "  - conv2d: {out: 4, kernel: 7}"],
     "5: layers[1]: the kernel (7) is larger than its padded input along H (4 + 2·0)"),
    (["input: [5, 10]", "layers:", "  - multihead_attention: {heads: 3}"],
     "5: layers[1]: 3 heads do not divide the embedding size 10"),
    (["input: [3, 8, 8]", "layers:", "  - conv2d: {out: 4, kernel: 3, stride: 2, padding: same}"],
     '5: layers[1]: padding "same" needs stride 1 in PyTorch (got stride 2)'),
    (["input: [4, 8, 8]", "layers:", "  - conv2d: {out: 6, kernel: 3, groups: 4}"],
     "5: layers[1]: groups = 4 must divide the 4 input and 6 output channels"),
    (["input: [3, 8, 8]", "layers:", "  - maxpool2d: {kernel: 2, padding: 2}"],
     "5: layers[1]: padding 2 is more than half the kernel 2 (PyTorch refuses it)"),
    (["input: [3, 8, 8]", "layers:", "  - residual: [conv2d: {out: 4, kernel: 3}]"],
     "5: layers[1]: cannot add the block's output (4, 6, 6) to its shortcut (3, 8, 8): give "
     "the block a shortcut (a projection)"),
    (["input: [400]", "layers:", "  - conv2d: {out: 4, kernel: 3}"],
     "5: layers[1]: conv2d needs a (C, H, W) input, but the shape before it is (400,)"),
    (["input: [3, 8, 8]", "layers:", "  - linear"],
     "5: layers[1]: linear needs out: write `linear: {out: …}`"),
    (["input: [10]", "layers:", "  - linear: {out: h}"],
     "1: h is unknown: add `constraints:` (answer keys with known values, e.g. params: 4400) "
     "to pin them"),
    (["input: [10]", "layers:", "  - linear: {out: h}", "constraints: {parms: 5}"],
     "6: constraints.parms: no answer named 'parms'; did you mean 'params'?"),
    (["input: [3, 8, 8]", "framework: tensorflow", "layers: [relu]"],
     "4: framework: expected one of pytorch, keras, got 'tensorflow'"),
    (["input: [3, 8, 8]", "layers: [relu]", "code: x"],
     "1: give either `layers` (a YAML layer list) or `code` (PyTorch or Keras code), not both"),
    (["input: [3, 8, 8]", "layers:", "  - dropout: {p: 2}"],
     "5: layers[1].dropout.p: a dropout probability is between 0 and 1, got 2"),
    # code that is not a literal network: loops, exec, attribute tricks, typos
    (["input: [3, 8, 8]", "code: |", "  model = nn.Sequential(nn.ReLU())",
      "  for i in range(3):", "      model.append(nn.ReLU())"],
     "6: code: a `for` loop is not read (the code may hold imports and one nn.Sequential(...) "
     "or nn.Module class; the code is read, never run)"),
    (["input: [3, 8, 8]", "code: |", "  model = nn.Sequential(nn.ReLU())", "  exec('x = 1')"],
     "6: code: a call to `exec` is not read (the code may hold imports and one "
     "nn.Sequential(...) or nn.Module class; the code is read, never run)"),
    (["input: [3, 8, 8]", "code: |", "  model = nn.Sequential(nn.Linear(self.n, 10))"],
     "5: code: `self.n` is not a literal: write the number (the code is read, never run)"),
    (["input: [3, 8, 8]", "code: |", "  model = nn.Sequential(nn.Conv2d(3, 4, 3, strdie=2))"],
     "5: code: nn.Conv2d has no argument 'strdie'; did you mean 'stride'?"),
    (["input: [3, 8, 8]", "code: |", "  model = nn.Sequential(nn.Conv2D(3, 4, 3))"],
     "5: code: unknown layer `nn.Conv2D`; did you mean nn.Conv2d?"),
    (["input: [3, 8, 8]", "code: |", "  class Net(nn.Module):", "      def __init__(self):",
      "          self.c = nn.Conv2d(3, 4, 3)", "      def forward(self, x):",
      "          for _ in range(2):", "              x = self.c(x)", "          return x"],
     "9: code: a `for` loop is not read (forward must be a straight line of assignments and "
     "a return; the code is read, never run)"),
    (["input: [3, 8, 8]", "code: |", "  class Net(nn.Module):", "      def __init__(self):",
      "          self.c = nn.Conv2d(3, 4, 3)", "      def forward(self, x):",
      "          return getattr(self, 'c')(x)"],
     "9: code: `getattr(self, 'c')(x)` is not read: call layers set in __init__, F.* or "
     "torch.flatten"),
    (["input: [3, 8, 8]", "code: |", "  model = nn.Sequential(nn.ReLU(),"],
     "5: code: the code is not valid Python: '(' was never closed"),
    (["input: [8]", "code: |", "  model = nn.Sequential(nn.Linear(8, -3))"],
     "5: code: nn.Linear(8, -3): out must be a whole number from 1 to 999,999,999, got -3"),
    (["input: [8]", "code: |", "  model = nn.Sequential(nn.Linear(8, 10 ** 12))"],
     "5: code: nn.Linear(8, 10 ** 12): out must be a whole number from 1 to 999,999,999, got "
     "1,000,000,000,000"),
    (["input: [1, 1, 1]", "layers:", "  - repeat: {times: 41, layers: [conv2d: {out: 1, "
      "kernel: 1, padding: p}]}", "constraints: {params: 2}"],
     "1: with unknown sizes at most 40 layers, got 41"),
    (["input: [1, 1, 1]", "layers:", "  - repeat: {times: 1001, layers: [relu, relu]}"],
     "1: the network has 2,002 layers after repeats; at most 2,000"),
    (["code: |", "  model = nn.Sequential(nn.ReLU())"],
     "1: PyTorch code needs `input:` (one example's shape, no batch axis)"),
]


@pytest.mark.parametrize("lines, message", CASES)
def test_bad_input_is_one_line_exit_2(tmp_path, lines, message):
    result, path = run(tmp_path, *lines)
    assert result.exit_code == 2, result.output
    assert result.output.strip() == f"examsolve: {path}:{message}"


def test_a_mismatch_in_code_is_a_result_not_an_error(tmp_path):
    result, _ = run(tmp_path, "input: [8]", "code: |", "  model = nn.Sequential(nn.Linear(6, 2))")
    assert result.exit_code == 0
    assert "nn.Linear(6, 2) expects 6 inputs; the input gives 8: write `nn.Linear(8, 2)`" in \
        " ".join(result.output.split())
