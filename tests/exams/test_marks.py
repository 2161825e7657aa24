"""`marks:` and `parts:`: read, checked against the answers, printed beside the boxed answers."""

from __future__ import annotations

import io
import json
from fractions import Fraction

import pytest
from rich.console import Console
from typer.testing import CliRunner

from conftest import solve_text
from examsolve.cli import app
from examsolve.errors import SpecError
from examsolve.render import Format, document
from examsolve.render.rich_render import render

SPEC = """\
kind: conv-recovery
title: t
input: [3, ?, ?, 1]
output: [?, 2, 2, ?]
kernel: [1, 2, 3]
padding: same
"""

MARKED = SPEC + """\
parts:
  (a): ["X[3]", "X[2]"]
marks: {(a): 3, "Y[1]": 1/2, "Y[4]": 1}
"""


def test_marks_attach_to_parts_and_keys_in_answer_order():
    d = solve_text(MARKED)
    assert [(mk.label, mk.keys, mk.value) for mk in d.marks] == [
        ("(a)", ("X[2]", "X[3]"), 3), (None, ("Y[1]",), Fraction(1, 2)),
        (None, ("Y[4]",), 1)]
    assert d.total_marks() == Fraction(9, 2)
    # a part's marks stand once, after its last answer
    assert d.mark_labels() == {"X[3]": "(a) 3 marks", "Y[1]": "0.5 mark", "Y[4]": "1 mark"}


def test_marks_beside_boxed_answers_in_every_format():
    d = solve_text(MARKED)
    items = [(d, "t.yaml")]
    assert r"\boxed{X[3] = -1} \tag*{(a) 3 marks}" in document(Format.latex, items)
    assert r"\boxed{Y[1] = 9} \qquad \text{0.5 mark}" in document(Format.markdown, items)
    out = io.StringIO()
    render(d, Console(file=out, width=80, color_system=None), "t.yaml", answers_only=True)
    assert "X[3] = −1    [(a) 3 marks]" in out.getvalue()
    doc = json.loads(document(Format.json, items, single=True))
    assert doc["total_marks"] == 4.5
    assert doc["marks"][0] == {"part": "(a)", "keys": ["X[2]", "X[3]"], "marks": 3}


def test_no_marks_no_labels():
    d = solve_text(SPEC)
    assert d.marks == () and d.total_marks() is None
    assert "mark" not in document(Format.latex, [(d, "t.yaml")])
    assert "marks" not in json.loads(document(Format.json, [(d, "t.yaml")], single=True))


@pytest.mark.parametrize("extra, message", [
    ('marks: {"X[9]": 1}\n',
     "t.yaml:7: marks.X[9]: 'X[9]' is neither a part nor an answer of this problem"),
    ('parts: {(a): ["X[2]", "Y[7]"]}\n',
     "t.yaml:7: parts.(a)[2]: part (a): 'Y[7]' is not an answer of this problem"),
    ('marks: {"X[2]": 0}\n', "t.yaml:7: marks.X[2]: marks are a positive exact number"),
    ('marks: {"X[2]": -1}\n', "t.yaml:7: marks.X[2]: marks are a positive exact"),
    ('marks: [1, 2]\n', "t.yaml:7: marks: expected a mapping of answer keys or part names"),
    ('parts: {(a): ["X[2]"], (b): ["X[2]"]}\n', "parts.(b)[1]: 'X[2]' is already in part (a)"),
    ('parts: {(a): ["X[2]"]}\nmarks: {(a): 2, "X[2]": 1}\n',
     "marks.X[2]: 'X[2]' is in part (a), which has its own marks"),
    ('parts: {(a): []}\n', "parts.(a): a part needs at least one answer key"),
])
def test_bad_marks_are_one_line_spec_errors(extra, message):
    with pytest.raises(SpecError) as err:
        solve_text(SPEC + extra)
    assert message in str(err.value)


def test_bad_marks_exit_2_on_the_cli(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(SPEC + 'marks: {"X[9]": 1}\n')
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert "m.yaml:7: marks.X[9]: 'X[9]' is neither a part nor an answer" in result.output
