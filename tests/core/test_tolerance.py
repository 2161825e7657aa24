"""The tolerance rule: a number written with d ≥ 3 digits agrees when it is the true value
rounded to d digits; otherwise relative tolerance; an absolute floor only for a true 0.

The printed answers of every spec in problems/ are taken from `run --format json` and written
to 4 significant digits with Python's own formatting (what the answer box shows), then handed
back to `check` as `expected`: they must all pass. Small entries 300× off must fail."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from examsolve.check import compare
from examsolve.cli import app
from examsolve.tolerance import agrees, written

PROBLEMS = sorted(Path(__file__).resolve().parents[2].joinpath("problems").glob("*.yaml"))


@pytest.mark.parametrize("text, digits, place", [
    ("2.079", 4, -3), ("0.006693", 4, -6), ("4.509e-5", 4, -8), ("-350.0", 4, -1),
    ("360", 3, 0), ("0.00009", 1, -5), ("1.000", 4, -3), ("\u22122.08", 3, -2),
])
def test_written_digits(text, digits, place):
    form = written(text)
    assert (form.digits, form.last_place) == (digits, place)


@pytest.mark.parametrize("text", ["1/3", "inf", "cross", "0", "0.000", None])
def test_no_digit_count(text):
    assert written(text) is None


@pytest.mark.parametrize("text, true, ok", [
    ("2.079", 2.0794415416798357, True),     # copied from the answer box
    ("2.0794", 2.0794415416798357, True),
    ("2.08", 2.0794415416798357, True),      # 3 digits, rounded right
    ("2.078", 2.0794415416798357, False),
    ("-2.079", 2.0794415416798357, False),   # the key's sign slip
    ("2.1", 2.0794415416798357, False),      # 2 digits: relative 1e-4 only
    ("0.00009", 3.0e-7, False),              # 300× too large
    ("9e-5", 3.0e-7, False),
    ("3.00e-7", 3.0e-7, True),
    ("-350.0", -349.9842170855673, True),
    ("1.000", 0.9999549059587637, True),
    ("0.333", Fraction(1, 3), True),
    ("0.33", Fraction(1, 3), False),
    ("0.0001", 0, True),                     # the only absolute floor: a true 0
    ("0.001", 0, False),
    ("0.25", Fraction(1, 4), True),
])
def test_agrees(text, true, ok):
    assert agrees(Fraction(text.replace("\u2212", "-")), true, 1e-4, text).ok is ok


def test_too_few_digits_says_so():
    note = agrees(Fraction("2.1"), 2.0794415416798357, 1e-4, "2.1").note
    assert "at least 3 significant digits" in note


def test_a_list_names_every_differing_entry():
    ok, reason = compare([Fraction("0.19"), Fraction("0.6652"), Fraction("0.2")],
                         (0.2119, 0.6652, 0.12), 1e-4, ["0.19", "0.6652", "0.2"], "p")
    assert not ok
    assert reason == "p[1]: 0.19 vs 0.2119; p[3]: 0.2 vs 0.12"


def _printed(value):
    """An answer as the box prints it: exact values plainly, floats to 4 significant digits
    (trailing zeros kept), written with Python's formatting, not examsolve's."""
    if isinstance(value, list):
        return [_printed(v) for v in value]
    if isinstance(value, float):
        return f"{value:#.4g}".rstrip(".").replace(".e", "e") if value == value and abs(value) != float("inf") \
            else value
    return value


@pytest.mark.parametrize("spec", PROBLEMS, ids=lambda p: p.name)
def test_printed_answers_pass_check(spec, tmp_path):
    import json

    runner = CliRunner()
    result = runner.invoke(app, ["run", str(spec), "--format", "json", "--answers-only"])
    answers = json.loads(result.stdout)["answers"]
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    # null entries in expected lists are issue 17's; every other answer is copied.
    data["expected"] = {k: _printed(v) for k, v in answers.items() if "None" not in repr(v)}
    assert len(data["expected"]) >= 2
    copy = tmp_path / spec.name
    copy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    checked = runner.invoke(app, ["check", str(copy)])
    assert checked.exit_code == 0, checked.stdout


def test_small_entries_300_times_off_fail(tmp_path):
    spec = next(p for p in PROBLEMS if p.name.startswith("4-softmax"))
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    p = [0.006693, 4.509e-5 * 300, 0.9933]  # the small entry 300× too large
    data["expected"] = {"p": p}
    copy = tmp_path / spec.name
    copy.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(copy)])
    assert result.exit_code == 1
    assert "p[2]" in result.stdout
