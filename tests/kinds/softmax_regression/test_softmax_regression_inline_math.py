"""Prose holds its math as math nodes (issue 10): no text part of a paragraph, and no text
cell of a table, carries math written as Unicode or TeX-like text (sᵢ, p_y, Σⱼ, ≤, −, ²,
x^d) for a printer to guess at; and the kind never imports a renderer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from examsolve.derivation import Para, Table
from examsolve.problem import load, load_string, solve

ROOT = Path(__file__).resolve().parents[3]
KIND = ROOT / "examsolve/kinds/softmax_regression"
SPECS = [ROOT / "problems/4-softmax-overflow.yaml", ROOT / "problems/4b-softmax-small.yaml",
         KIND / "template.yaml"]
# Sub/superscripts, Greek, operators and relations, combining accents, the minus sign, and a
# letter with _ or ^ after it: math that text would have to be parsed to typeset.
MATH_AS_TEXT = re.compile(
    r"[\u2080-\u209c\u1d62-\u1d6a\u2c7c\u2070-\u207f²³¹\u0391-\u03a9\u03b1-\u03c9Σ∑∂√≤≥≈≠∈×·"
    r"\u0302\u0304−]|(?<![\w.])[A-Za-z]_[A-Za-z0-9]|\^")
# scores that reach every branch of steps 2 and 3: overflow, underflow, subnormal, a zero p
EXTREME = """kind: softmax-regression
title: t
x: [1, 1]
y: {y}
W: [[{a}, 0], [0, {b}], [{c}, 0]]
b: [0, 0, 0]
"""


# A table's text cells may spell math in Unicode (sⱼ < −745.1): a cell is text or one math node,
# and only text wraps in a column. What they may not hold is what only latex.py's regex read.
GUESSED = re.compile(r"(?<![\w.])[A-Za-z]_[A-Za-z0-9]|\^|√")


def text_pieces(derivation) -> list[str]:
    """The paragraphs' text parts, and the table cells' text with its Unicode math masked."""
    out = []
    for step in derivation.steps:
        for block in step.blocks:
            if isinstance(block, Para):
                out += [p for p in block.parts if isinstance(p, str)]
            elif isinstance(block, Table):
                out += [c for row in block.rows for c in row
                        if isinstance(c, str) and GUESSED.search(c)]
    return [re.sub(r"`[^`]*`", "", p) for p in out]  # code spans are code, not math


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_no_math_left_as_text(path: Path) -> None:
    pieces = text_pieces(solve(load(path)))
    assert pieces  # the test reads something
    left = [(p, MATH_AS_TEXT.findall(p)) for p in pieces if MATH_AS_TEXT.search(p)]
    assert not left, left


@pytest.mark.parametrize("a, b, c, y", [(710, -800, 715, 2), (0, -740, -2000, 1),
                                        (-746, -746, -746, 1), (709.5, 709.5, 0, 3)])
def test_no_math_left_as_text_on_every_branch(a: float, b: float, c: float, y: int) -> None:
    pieces = text_pieces(solve(load_string(EXTREME.format(a=a, b=b, c=c, y=y))))
    left = [(p, MATH_AS_TEXT.findall(p)) for p in pieces if MATH_AS_TEXT.search(p)]
    assert not left, left


def test_the_check_can_fail() -> None:
    assert MATH_AS_TEXT.search("p_y = 0") and MATH_AS_TEXT.search("exp(sᵢ)")
    assert not MATH_AS_TEXT.search("the largest argument of exp that float64 can hold")


def test_no_module_imports_a_renderer() -> None:
    for module in KIND.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.startswith("examsolve.render") for n in names), module.name
