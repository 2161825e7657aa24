"""Golden strings for the terminal's math: one-line and two-dimensional."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from examsolve import mathmodel as m
from examsolve.render.printer import UnknownNodeError
from examsolve.render.textmath import layout_text, linear


@pytest.mark.parametrize("expr, text", [
    (m.eq(m.add(m.mul(3, "e", op=""), m.mul(2, "f", op=""), "b"), 6), "3e + 2f + b = 6"),
    (m.eq(m.add(m.mul(-3, "e", op=""), m.mul(3, "f", op=""), "b"), 2), "−3e + 3f + b = 2"),
    (m.eq(m.add(m.mul(3, 1), m.mul(-1, 1), m.mul(2, m.sym("x", "4,1")), m.mul(2, 0), -1), 3),
     "3·1 + (−1)·1 + 2·x₄,₁ + 2·0 − 1 = 3"),
    (m.mul(2, -1), "2·(−1)"),
    (m.Pow(m.add("y", m.Neg(m.Sym("p"))), m.num(2)), "(y − p)²"),
    (m.Pow(m.Sym("x"), m.num(-1)), "x⁻¹"),
    (m.Pow(m.Sym("x"), m.Sym("d")), "x^d"),
    (m.Pow(m.Sym("x"), m.Div(m.num(1), m.num(2))), "x^(1/2)"),
    (m.add(m.mul(2, m.call("abs", m.add(m.sym("x", 1), m.Neg(m.sym("x", 2))))), -1),
     "2·|x₁ − x₂| − 1"),
    (m.add("x", m.Neg(m.num(-1))), "x − (−1)"),
    (m.add("x", m.Neg(m.Neg(m.Sym("y")))), "x − (−y)"),
    (m.add("a", m.mul(-3, "e", op="")), "a − 3e"),
    (m.add("a", m.Neg(m.add("b", "c"))), "a − (b + c)"),
    (m.eq("p", Fraction(1, 3)), "p = 1/3"),
    (m.mul("x", Fraction(1, 3)), "x·(1/3)"),
    (m.deriv("L", m.sym("W", 1)), "∂L/∂W₁"),
    (m.Transpose(m.sym("w", 2)), "w₂ᵀ"),
    (m.call("log", m.add(1, m.Neg(m.num(0.5)))), "log(1 − 0.5)"),
    (m.eq("k", m.mat([3, 3])), "k = [3  3]ᵀ"),
    (m.row([Fraction(1, 4), -1]), "[0.25  −1]"),
    (m.Sym("x", "ij"), "xᵢⱼ"),
    (m.Sym("p", "sanguine"), "p_{sanguine}"),
    (m.add(m.call("floor", m.Div(m.add(32, m.mul(2, 1), m.Neg(m.num(3))), m.num(2))), 1),
     "⌊(32 + 2·1 − 3)/2⌋ + 1"),
    (m.call("ceil", m.Div(m.num(5), m.num(2))), "⌈5/2⌉"),
])
def test_linear(expr, text):
    assert linear(expr) == text


def test_layout_aligns_matrices_on_their_centre_rows():
    e = m.eq("k", m.add(m.mul(m.mat([[1, 1, 0], [0, 0, 1]]), m.mat([1, 2, 3]), op=""),
                        m.mat([0, 0])), m.mat([3, 3]))
    assert layout_text(e) == (
        "              ⎡1⎤\n"
        "k = ⎡1  1  0⎤ ⎢2⎥ + ⎡0⎤ = ⎡3⎤\n"
        "    ⎣0  0  1⎦ ⎣3⎦   ⎣0⎦   ⎣3⎦"
    )


def test_big_matrices_are_summarised_numpy_style():
    big = m.mat(np.arange(30 * 20).reshape(30, 20))
    assert big.shape == (30, 20)
    lines = layout_text(big).split("\n")
    assert len(lines) == 7 and "…" in lines[0] and "⋮" in lines[3]
    assert lines[0].strip("⎡⎤").split() == ["0", "1", "2", "…", "17", "18", "19"]


def test_unknown_node_type_is_an_error_not_str():
    class Strange(m.Expr):
        pass

    with pytest.raises(UnknownNodeError):
        linear(m.eq("a", Strange()))
