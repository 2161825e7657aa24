"""The torch oracle shared by the tests, in the spirit of tinygrad's `helper_test_op`.

A test builds the same computation twice — as a spec for examsolve and as torch code in
float64 — and `helper_test_op` compares every value and every gradient to 1e-6. torch is the
independent oracle: its autograd shares no code with examsolve's engine.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

import numpy as np
import torch

from examsolve.derivation import Derivation
from examsolve.problem import load_string, solve

TOLERANCE = 1e-6


def tensor(values: object, grad: bool = False) -> torch.Tensor:
    """A float64 torch tensor of `values` (numbers, Fractions, nested lists, arrays)."""
    return torch.tensor(np.array(values, dtype=float), dtype=torch.float64, requires_grad=grad)


def as_array(value: object) -> np.ndarray:
    """An answer (number, Fraction, nested list) as a float64 numpy array."""
    return np.array(value, dtype=float)


def assert_close(got: object, want: torch.Tensor | np.ndarray, what: str, context: str = "",
                 tol: float = TOLERANCE) -> None:
    """`got` (an answer) equals `want` entry by entry, to `tol` absolute and relative.

    Both are flattened: examsolve writes a column vector as a flat list, torch keeps (n, 1).
    """
    if isinstance(want, torch.Tensor):
        want = want.detach().numpy()
    want = np.asarray(want, dtype=float).reshape(-1)
    got_array = as_array(got).reshape(-1)
    assert got_array.shape == want.shape, f"{what}: {got_array.shape} entries, torch has " \
                                          f"{want.shape}\n{context}"
    np.testing.assert_allclose(got_array, want, rtol=tol, atol=tol, err_msg=f"{what}\n{context}")


def helper_test_op(text: str, forward: Callable[[dict[str, torch.Tensor]], Mapping[str, torch.Tensor]],
                   tensors: Mapping[str, torch.Tensor], wrt: Iterable[str],
                   values: Iterable[str] | None = None, loss: str = "L",
                   tol: float = TOLERANCE, file: str = "op.yaml") -> Derivation:
    """Solve the spec `text` and check it against the same computation in torch float64.

    `tensors` are the spec's given values and parameters as torch leaves (those in `wrt` with
    requires_grad); `forward(env)` computes the model's lines from them and returns them by
    name, `loss` among them. Every line named in `values` (default: all `forward` returns)
    must equal its answer, and every `dL/d<name>` for `name` in `wrt` must equal torch's
    gradient. Returns the derivation for further checks.
    """
    derivation = solve(load_string(text, file))
    answers = derivation.answer_map()
    env = dict(tensors)
    computed = dict(forward(env))
    computed[loss].backward()
    for name in (computed if values is None else values):
        assert_close(answers[name], computed[name], name, text, tol)
    for name in wrt:
        assert tensors[name].grad is not None, f"torch computed no gradient for {name}"
        assert_close(answers[f"dL/d{name}"], tensors[name].grad, f"dL/d{name}", text, tol)
    return derivation
