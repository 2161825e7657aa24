"""Inline math in a paragraph reaches LaTeX as math: the placeholders the prose printer uses
while it escapes the text around the math must survive the escaping."""

from __future__ import annotations

from examsolve import mathmodel as m
from examsolve.derivation import Para
from examsolve.render.latex import LatexBlocks


def test_inline_math_in_a_paragraph_is_typeset():
    para = Para("the targets are ", m.Num(-1), " and ", m.eq(m.Sym("t"), m.Num(1)), " (bipolar).")
    tex = LatexBlocks().block(para)
    assert tex == r"\noindent the targets are \(-1\) and \(t = 1\) (bipolar)."
