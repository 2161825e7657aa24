"""Bad softmax-regression specs: exit 2 with one line `file:line: path: message`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from examsolve.cli import app

GOOD = {
    "x": "[1, 2]",
    "W": "[[1, 0], [0, 1], [1, 1]]",
    "b": "[0, 0, 0]",
    "y": "2",
}


def write(tmp_path: Path, **changes: str) -> Path:
    keys = {**GOOD, **changes}
    lines = ["kind: softmax-regression", "title: bad input"]
    lines += [f"{k}: {v}" for k, v in keys.items() if v is not None]
    path = tmp_path / "spec.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def line_of(path: Path, key: str) -> int:
    return next(i for i, ln in enumerate(path.read_text().splitlines(), 1)
                if ln.startswith(f"{key}:"))


@pytest.mark.parametrize("changes, key, message", [
    (dict(x="[[1, 2]]"), "x", "x: x must be a column (D×1); got a 1×2 matrix — write it as "
                              "a flat list like [1, 2]"),
    (dict(x="[1, .inf]"), "x", "x[2]: expected a finite number, got inf"),
    (dict(x="[1, 1e400]"), "x", "x[2]: too large: numbers must fit in float64 (|x| ≤ 1.8e308)"),
    (dict(W="[[1, 0, 2], [0, 1, 2]]"), "W", "W: W must be C×D with D = 2 (the length of "
                                             "x); got 2×3"),
    (dict(W="[1, 2, 3]"), "W", "W: W must be C×D with D = 2 (the length of x); got 3×1 "
                               "(a flat list is read as a column; write one row per class)"),
    (dict(b="[0, 0]"), "b", "b: b must have 3 entries (C×1, one bias per class, C = 3), "
                            "got 2"),
    (dict(y="4"), "y", "y: y must be a class in [1, 3] (C = 3, indexing 1), got 4"),
    (dict(y="0"), "y", "y: y must be a class in [1, 3] (C = 3, indexing 1), got 0"),
    (dict(y="1.5"), "y", "y: expected a whole number, got '1.5'"),
    (dict(y="true"), "y", "y: expected a number, got a boolean (true)"),
    (dict(y="dog"), "y", "y: y must be a class number in [1, 3], got 'dog' (class names "
                         "need a `classes` list)"),
    (dict(y="cow", classes="[cat, dog, fox]"), "y",
     "y: unknown class 'cow'; classes are cat, dog, fox"),
    (dict(y="dgo", classes="[cat, dog, fox]"), "y", "did you mean 'dog'?"),
    (dict(classes="[cat, dog]"), "classes", "classes: expected 3 class names (one per row "
                                            "of W), got 2"),
    (dict(classes="[cat, dog, cat]"), "classes", "classes[3]: duplicate class name 'cat'"),
    (dict(dtype="float16"), "dtype", "dtype: expected one of float64, float32, got "
                                     "'float16'"),
    (dict(dtype="float"), "dtype", "did you mean 'float64'?"),
    (dict(x="[1e308, 1e308]", W="[[1, 1]]", b="[0]", y="1"), "W",
     "W: the scores s = W x + b exceed float64's largest number"),
    (dict(lr="0.1"), "lr", "unknown key 'lr'"),
    (dict(x=None), None, "missing required key 'x'"),
])
def test_bad_input_exits_2_with_the_place_and_the_problem(
        tmp_path: Path, changes: dict, key: str | None, message: str) -> None:
    path = write(tmp_path, **changes)
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2, result.output
    out = result.output.strip()
    assert "Traceback" not in out and len(out.splitlines()) == 1, out
    where = f"{path}:{line_of(path, key)}: " if key else f"{path}:"
    assert out.startswith(f"examsolve: {where}"), out
    assert message in out, out


def test_indexing_zero_moves_the_range_of_y(tmp_path: Path) -> None:
    path = write(tmp_path, y="3", indexing="0")
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert "y must be a class in [0, 2] (C = 3, indexing 0), got 3" in result.output


def test_the_direct_codes_failure_is_reported_and_the_run_succeeds(tmp_path: Path) -> None:
    path = write(tmp_path, x="[1000, 2000]")
    result = CliRunner().invoke(app, ["run", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "RuntimeWarning" not in result.output
    assert '"naive.loss": "nan"' in result.output
    assert '"loss": 1000.0' in result.output


def test_a_class_number_may_be_written_as_a_string():
    from examsolve.problem import load_string

    text = open("problems/4b-softmax-small.yaml").read()
    assert "\ny: 2\n" in text
    quoted = load_string(text.replace("\ny: 2\n", '\ny: "2"\n'), "q.yaml")
    assert quoted.spec.y == 2
