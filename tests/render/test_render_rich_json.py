"""The terminal and JSON renderers on a small hand-built derivation (golden output)."""

from __future__ import annotations

import io
import json
from fractions import Fraction

import pytest
from rich.console import Console

from examsolve import mathmodel as m
from examsolve.derivation import DerivationBuilder, Step
from examsolve.render.printer import UnknownNodeError
from examsolve.render.json_render import to_json
from examsolve.render.rich_render import render


def small_derivation():
    d = DerivationBuilder("demo", "Tiny", statement="Find [e].", source="Quiz 1")
    s = d.step("Solve")
    s.say("Subtract `b` from both sides:")
    s.eq(m.add(m.mul(3, "e", op=""), "b"), 7, label="(1)")
    s.eq("k", m.mat([3, 3]))
    d.answer("e", Fraction(2))
    d.answer("X[1,1]", None)
    d.answer("p", [Fraction(1, 4), 0.5])
    d.answer("L", float("inf"), boxed=False)
    d.warn("X[1,1] is not determined: only X[1,1] + X[1,2] = 2 is.")
    return d.build()


def test_rich_golden():
    out = io.StringIO()
    render(small_derivation(), Console(file=out, width=60, color_system=None), "t.yaml")
    assert out.getvalue() == (
        "Tiny ───────────────────────────────────────────────────────\n"
        "demo · Quiz 1 · t.yaml\n"
        "╭─ Problem ────────────────────────────────────────────────╮\n"
        "│ Find [e].                                                │\n"
        "╰──────────────────────────────────────────────────────────╯\n"
        "\n"
        "1. Solve\n"
        "Subtract b from both sides:\n"
        "  3e + b = 7    (1)\n"
        "  k = ⎡3⎤\n"
        "      ⎣3⎦\n"
        "\n"
        "╭─ Answers ─────────────╮\n"
        "│ e = 2                 │\n"
        "│ X[1,1] = undetermined │\n"
        "│ p = ⎡0.25⎤            │\n"
        "│     ⎣ 0.5⎦            │\n"
        "│ also: L = inf         │\n"
        "╰───────────────────────╯\n"
        "⚠ X[1,1] is not determined: only X[1,1] + X[1,2] = 2 is.\n"
        "\n"
    )


def test_answers_only_skips_the_steps():
    out = io.StringIO()
    render(small_derivation(), Console(file=out, width=60, color_system=None), "t.yaml",
           answers_only=True)
    assert "1. Solve" not in out.getvalue() and "e = 2" in out.getvalue()


def test_json_shape_and_values():
    doc = to_json(small_derivation(), "t.yaml")
    assert list(doc) == ["file", "kind", "title", "answers", "warnings", "steps"]
    assert doc["answers"] == {"e": 2, "X[1,1]": None, "p": [0.25, 0.5], "L": "inf"}
    assert doc["steps"][0]["blocks"][1] == {"type": "math", "text": "3e + b = 7", "label": "(1)"}
    json.dumps(doc, allow_nan=False)  # strictly valid JSON


def test_unknown_block_type_is_an_error():
    d = small_derivation()
    broken = type(d)(d.kind, d.title, (Step("x", (object(),)),), d.answers)
    with pytest.raises(UnknownNodeError):
        to_json(broken, "t.yaml")


def test_answers_panel_summarises_long_lists():
    d = DerivationBuilder("demo", "Many")
    for i in range(30):
        d.answer(f"a{i}", i)
    for i in range(40):
        d.answer(f"X[{i}]", i, boxed=False)
    out = io.StringIO()
    render(d.build(), Console(file=out, width=200, color_system=None), answers_only=True)
    text = out.getvalue()
    assert "a23 = 23" in text and "a24 = 24" not in text
    assert "… and 6 more (all in --format json)" in text
    assert "X[11] = 11" in text and "X[12] = 12" not in text
    assert "… and 28 more (all in --format json)" in text


def test_wide_chains_break_before_a_relation_and_nothing_is_cropped():
    d = DerivationBuilder("demo", "Wide")
    long_sum = m.add(*[m.mul(i, m.sym("x", i)) for i in range(1, 9)])
    d.step("s").eq("y", long_sum, m.add(*range(1, 9)), 36)
    out = io.StringIO()
    render(d.build(), Console(file=out, width=40, color_system=None))
    lines = [ln.rstrip() for ln in out.getvalue().splitlines()]
    body = lines[lines.index("1. s") + 1:]
    assert body[0] == "  y = 1·x₁ + 2·x₂ + 3·x₃ + 4·x₄ + 5·x₅ + 6·x₆ + 7·x₇ + 8·x₈"
    assert body[1] == "    = 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 = 36"  # fits in 40 - 2 again


def test_long_answer_lists_wrap_instead_of_being_cropped():
    d = DerivationBuilder("demo", "Long")
    d.answer("train_mse", [[0.123456 * i for i in range(1, 10)]])  # a 1×9 row: too wide
    d.answer("w", [[1, 2], [3, 4]])
    out = io.StringIO()
    render(d.build(), Console(file=out, width=60, color_system=None), answers_only=True)
    text = out.getvalue()
    assert "1.111" in text  # the last entry, 9 × 0.123456, is still there
    assert all(len(line) <= 60 for line in text.splitlines())
    assert "w = ⎡1  2⎤" in text and "    ⎣3  4⎦" in text  # what fits stays 2-D


def test_a_tall_matrix_answer_stays_two_dimensional():
    d = DerivationBuilder("demo", "Tall")
    d.answer("W", [[Fraction(12345, 100) * (i + j) for j in range(3)] for i in range(6)])
    out = io.StringIO()
    render(d.build(), Console(file=out, width=60, color_system=None), answers_only=True)
    assert "⎣617.25   740.7  864.15⎦" in out.getvalue()  # columns right-aligned
