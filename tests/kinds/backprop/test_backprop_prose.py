"""Prose carries its math as math nodes (issue 10), so no printer has to guess it.

The checks read the derivation's structure and the printers' output, never the solver's own
strings: a paragraph's text parts hold no math characters, the LaTeX of the exam problems
has no math recovered from prose even with the recovery switched off, and no module of the
kind imports a renderer or imports inside a function.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from examsolve.derivation import Para
from examsolve.problem import load, solve
from examsolve.render import latex, markdown
from examsolve.render.latex_text import escape_text

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "examsolve" / "kinds" / "backprop"
SPECS = ["3-backprop-two-headed.yaml", "5-backprop-conv1d.yaml"]
# Characters that only math writes: ∂, σ, Σ, ᵀ, ⊙, ≤, ≥, θ, ε, subscript digits.
MATH_CHARS = re.compile("[∂σΣᵀ⊙≤≥θε\u2080-\u2089]")


@pytest.fixture(scope="module", params=SPECS)
def derivation(request):
    return solve(load(ROOT / "problems" / request.param))


def test_prose_text_parts_hold_no_math(derivation):
    paras = [b for s in derivation.steps for b in s.blocks if isinstance(b, Para)]
    assert any(p.math for p in paras)
    for para in paras:
        for part in para.parts:
            if isinstance(part, str):
                assert not MATH_CHARS.search(part), (part, para.parts)


def test_latex_needs_no_math_recovered_from_prose(derivation, monkeypatch):
    """With latex.text reduced to plain escaping (the regex recovery off), no paragraph holds
    an escaped ∂ and the gradients are typeset as fractions in \\( \\)."""
    monkeypatch.setattr(latex, "text", lambda line, before="": escape_text(line, before=before))
    tex = latex.render_derivation(derivation)
    prose = [ln for ln in tex.splitlines() if ln.startswith(r"\noindent ")]
    assert prose and not any(r"\ensuremath{\partial}" in ln for ln in prose)
    assert any(r"\(\frac{\partial \operatorname{bce}(p" in ln for ln in prose)
    assert any(r"\(\frac{\partial L}{\partial h} = \left(\frac{\partial s}{\partial h}"
               r"\right)^{\top}" in ln for ln in prose)


def test_problem3_inline_math_in_latex_and_markdown():
    d = solve(load(ROOT / "problems" / SPECS[0]))
    tex = latex.render_derivation(d)
    assert r"\(h\) is used twice, by \(s_{1}\) and \(s_{2}\), so \(\frac{\partial L}" \
        r"{\partial h}\) sums one branch via each:" in tex
    md = markdown.render_derivation(d)
    assert r"$h$ is used twice, by $s_{1}$ and $s_{2}$, so $\frac{\partial L}{\partial h}$ " \
        "sums one branch via each:" in md
    assert r"ReLU' is 1 where $k \gt 0$ and 0 where $k \lt 0$." in md


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, inside a function) for every import in the file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom):
                    out.append((inner.module or "", True))
                elif isinstance(inner, ast.Import):
                    out += [(a.name, True) for a in inner.names]
        elif isinstance(node, ast.ImportFrom):
            out.append((node.module or "", False))
        elif isinstance(node, ast.Import):
            out += [(a.name, False) for a in node.names]
    return out


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_no_renderer_import_and_no_import_inside_a_function(path):
    imports = _imports(path)
    assert not [m for m, _ in imports if m.startswith("examsolve.render")]
    # solve.py and spec.py import the heavy modules late so `kinds` and `list` stay fast.
    if path.name not in ("solve.py", "spec.py", "__init__.py"):
        assert not [m for m, inside in imports if inside], path.name


def test_an_entry_of_a_word_subscripted_name_reads_like_the_name():
    """b_out is written bₒᵤₜ everywhere, its entries too (not b_out[2] beside bₒᵤₜ)."""
    from examsolve.problem import load_string
    from examsolve.render.textmath import para_text

    d = solve(load_string("""\
kind: backprop
title: a word subscript
given:
  x: [1, 2]
parameters:
  W: [[1, 0], [-2, 1]]
  b_out: [0, 1]
model:
  - h = relu(W @ x + b_out)
  - L = sum(h) + nll(softmax(h), 1)
""", "w.yaml"))
    text = "\n".join(para_text(b) for s in d.steps for b in s.blocks if isinstance(b, Para))
    assert "b_out" not in text and "on every coordinate of W, bₒᵤₜ." in text
    assert re.search(r"\(at ∂L/∂(\(bₒᵤₜ\[[12]\]\)|W\[[12],[12]\])\)\.", text), text
