"""The Moodle export: a real XML parser reads it, its cloze fields follow Moodle's documented
syntax (`{1:NUMERICAL:=2.079:0.001}`, a backslash before `}` `#` `~` `/` `"` `\\` in answers),
and every field gives back the answer — checked against the JSON answers and against the
spec's own `expected` values (the exam key, independent of the solver)."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import solve_text
from examsolve.check import expected_value
from examsolve.cli import app
from examsolve.derivation import DerivationBuilder
from examsolve.problem import load
from examsolve.render import moodle

PROBLEMS = Path(__file__).resolve().parents[2] / "problems"
SPECS = sorted(PROBLEMS.glob("*.yaml"))
runner = CliRunner()

# Moodle's cloze sub-question: {weight:TYPE:=answer[:tolerance]} — the answer text may hold
# backslash-escaped specials, never a bare one.
FIELD = re.compile(r"\{(\d+):(NUMERICAL|SHORTANSWER):=((?:\\[\\}#~/\"]|[^\\}#~/\"])*?)"
                   r"(?::([0-9.e+-]+))?\}")


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def quiz_of(paths: list[Path], tmp_path: Path, *extra: str) -> ET.Element:
    out = tmp_path / "quiz.xml"
    result = runner.invoke(app, ["run", *map(str, paths), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return ET.parse(out).getroot()  # a real XML parser: malformed XML raises here


def fields(question: ET.Element) -> list[tuple[int, str, str, float | None]]:
    text = question.find("questiontext/text").text
    # every `{digits:` in the text opens a well-formed field: nothing else looks like one
    assert len(re.findall(r"\{\d+:", text)) == len(FIELD.findall(text))
    return [(int(w), t, unescape(a), float(tol) if tol else None)
            for w, t, a, tol in FIELD.findall(text)]


def flat(value: object) -> list[object]:
    if isinstance(value, list):
        return [x for v in value for x in flat(v)]
    return [value]


def matches(field_answer: str, kind: str, tol: float | None, want: object) -> bool:
    if want is None:
        return kind == "SHORTANSWER" and field_answer == "undetermined"
    if isinstance(want, str) and want in ("inf", "-inf", "nan"):
        return kind == "SHORTANSWER" and field_answer == want
    if isinstance(want, str):
        return kind == "SHORTANSWER" and field_answer == want
    return kind == "NUMERICAL" and abs(float(field_answer) - float(want)) <= tol


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_every_field_round_trips_to_the_json_and_expected_answers(path, tmp_path):
    root = quiz_of([path], tmp_path)
    assert root.tag == "quiz"
    category, question = root.findall("question")
    assert category.get("type") == "category"
    assert question.get("type") == "cloze"
    assert question.find("generalfeedback").get("format") == "html"
    answers = json.loads(runner.invoke(app, ["run", str(path), "-f", "json"]).output)["answers"]
    problem = load(path)
    asked = [key for key, _ in problem.common.expected]
    got = fields(question)
    order = [key for key in answers if key in asked]  # the fields stand in answer order
    want = [(key, v) for key in order for v in flat(answers[key])]
    assert len(got) == len(want)
    by_key: dict[str, list] = {}
    for (weight, kind, answer, tol), (key, value) in zip(got, want):
        assert weight >= 1
        assert matches(answer, kind, tol, value), (key, answer, value)
        by_key.setdefault(key, []).append((kind, answer, tol))
    # the exam key itself, read from the spec: the numerical fields accept it
    for key, node in problem.common.expected:
        value = expected_value(node)
        entries = value.ravel().tolist() if hasattr(value, "ravel") else [value]
        assert len(entries) == len(by_key[key]), key
        for entry, (kind, answer, tol) in zip(entries, by_key[key]):
            if kind == "NUMERICAL":
                assert abs(float(answer) - float(entry)) <= tol + 1e-4 * abs(float(entry)), key


def test_a_folder_is_one_category_of_questions(tmp_path):
    root = quiz_of([PROBLEMS], tmp_path, "--title", "Week 5")
    questions = root.findall("question")
    assert questions[0].find("category/text").text == "$course$/top/Week 5"
    assert [q.get("type") for q in questions[1:]] == ["cloze"] * len(SPECS)


def test_statement_is_html_with_mathjax_and_the_solution_is_the_feedback(tmp_path):
    question = quiz_of([PROBLEMS / "2-conv-recovery.yaml"], tmp_path).findall("question")[1]
    text = question.find("questiontext/text").text
    assert r"\[W = \begin{bmatrix} e &amp; e \\ f &amp; f \end{bmatrix}\]" in text
    assert "<h4>1. The data</h4>" in text
    feedback = question.find("generalfeedback/text").text
    assert "<h4>1. The layer and its unknowns</h4>" in feedback


def test_cloze_escapes_moodles_special_characters():
    tricky = 'a}b#c~d/e"f\\g'
    d = DerivationBuilder("k", "t")
    d.answer("word", tricky)
    solution = d.build()
    text = moodle.question_html(solution, solution, 1e-4)
    (weight, kind, answer, _), = [(int(w), t, a, tol) for w, t, a, tol in FIELD.findall(text)]
    assert kind == "SHORTANSWER" and unescape(answer) == tricky
    assert answer == 'a\\}b\\#c\\~d\\/e\\"f\\\\g'


@pytest.mark.parametrize("value, tol, want", [
    (Fraction(2), 1e-4, "{1:NUMERICAL:=2:0.0002}"),
    (Fraction(1, 4), 1e-4, "{1:NUMERICAL:=0.25:0.0001}"),
    (math.log(8), 1e-4, "{1:NUMERICAL:=2.0794415416798357:0.0005}"),  # 2.079 is accepted
    (Fraction(1, 3), 1e-4, "{1:NUMERICAL:=0.3333333333333333:0.0001}"),
    (float("inf"), 1e-4, "{1:SHORTANSWER:=inf}"),
    (None, 1e-4, "{1:SHORTANSWER:=undetermined}"),
])
def test_numerical_fields_and_tolerances(value, tol, want):
    assert moodle.field(value, 1, tol) == want


def test_marks_become_weights_in_their_ratios():
    d = solve_text("""\
kind: conv-recovery
title: t
input: [3, ?, ?, 1]
output: [?, 2, 2, ?]
kernel: [1, 2, 3]
padding: same
parts: {(a): ["X[2]", "X[3]"]}
marks: {(a): 3, "Y[1]": 1/2}
""")
    text = moodle.question_html(d, d, 1e-4)
    weights = {a: int(w) for w, _, a, _ in FIELD.findall(text)}
    # (a) 3 marks over two answers, Y[1] half a mark; Y[4] is not marked, so not asked
    assert sorted(weights.values()) == [1, 3, 3] and len(FIELD.findall(text)) == 3
    assert "(a) " in text


def test_moodle_refuses_questions_flag(tmp_path):
    result = runner.invoke(app, ["run", str(SPECS[0]), "-f", "moodle", "--questions"])
    assert result.exit_code == 2 and "a Moodle quiz is always questions" in result.output
