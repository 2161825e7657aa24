"""Prose holds its math as math nodes (issue 10): no text part of a paragraph, and no text
cell of a table, carries math written as Unicode or TeX-like text (σ², n₂, Σₖ, ≤, −, ²,
x^d) for a printer to guess at; and the kind never imports a renderer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from examsolve.derivation import Para, Table
from examsolve.problem import load, load_string, solve

ROOT = Path(__file__).resolve().parents[3]
KIND = ROOT / "examsolve/kinds/complexity_curve"
SPECS = [ROOT / "problems/6-complexity-curve.yaml", KIND / "template.yaml"]
# Sub/superscripts, Greek, operators and relations, combining accents, the minus sign, and a
# letter with _ or ^ after it: math that text would have to be parsed to typeset.
MATH_AS_TEXT = re.compile(
    r"[\u2080-\u209c\u1d62-\u1d6a\u2c7c\u2070-\u207f²³¹\u0391-\u03a9\u03b1-\u03c9Σ∑∂√≤≥≈≠∈×·"
    r"\u0302\u0304−]|(?<![\w.])[A-Za-z]_[A-Za-z0-9]|\^")
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


@pytest.mark.parametrize("extra", [
    "task: {function: sin(2*pi*x)}\nmore_data: false",
    "task: {function: x**3, domain: [-1, 2], train: 6, seed: 3}\nregularisation: [0.1]"])
def test_no_math_left_as_text_on_other_branches(extra: str) -> None:
    """No ridge and no more data (the Method step defines the basis), an asymmetric domain
    with d + 1 > n (the interpolant, t = 0.6667x − 0.3333)."""
    spec = (f"kind: complexity-curve\ntitle: t\nrepeats: 20\nmodels: {{degrees: 0..7}}\n{extra}\n")
    pieces = text_pieces(solve(load_string(spec)))
    left = [(p, MATH_AS_TEXT.findall(p)) for p in pieces if MATH_AS_TEXT.search(p)]
    assert not left, left


def test_the_check_can_fail() -> None:
    assert MATH_AS_TEXT.search("d* = 3, σ² = 0.09") and MATH_AS_TEXT.search("x^d")
    assert not MATH_AS_TEXT.search("Training MSE falls from")


def test_no_module_imports_a_renderer() -> None:
    for module in KIND.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.startswith("examsolve.render") for n in names), module.name
