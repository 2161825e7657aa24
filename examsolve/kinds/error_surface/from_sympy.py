"""sympy expressions → examsolve's math model, and → answer values.

The solver works in sympy (exact rationals and algebraic numbers); derivations are written
in `examsolve.mathmodel`, which every printer typesets. This is the one bridge: a number
that is rational becomes an exact `Num(Fraction)`, √2 becomes `sqrt(2)`, a root sympy can
only name (`CRootOf`) becomes its float, and a sum keeps sympy's order of terms.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from examsolve.mathmodel import Add, Call, Div, Expr, Mul, Neg, Num, Pow, Rel
from examsolve.kinds.error_surface.notation import variable

DIGITS = 50  # working precision for signs and ordering of algebraic numbers
# An exact form longer than this (sympy operations) is shown by its decimal alone.
MAX_EXACT_OPS = 12


def to_expr(e: sympy.Expr) -> Expr:
    """The math node of a sympy expression (polynomials, radicals, rationals)."""
    if e.is_Rational:
        return Num(Fraction(int(e.p), int(e.q)))
    if e.is_Float:
        return Num(float(e))
    if e.is_Symbol:
        return variable(e.name)
    if isinstance(e, sympy.Add):
        terms = []
        for term in e.as_ordered_terms():
            coeff, _ = term.as_coeff_Mul()
            terms.append(Neg(to_expr(-term)) if coeff.is_negative and terms else to_expr(term))
        return Add(tuple(terms))
    if isinstance(e, sympy.Mul):
        coeff, rest = e.as_coeff_Mul()
        if coeff.is_negative:
            return Neg(to_expr(-e))
        num, den = sympy.fraction(e)
        if den != 1:
            return Div(to_expr(num), to_expr(den))
        factors = [to_expr(f) for f in rest.as_ordered_factors()]
        if coeff != 1:
            factors.insert(0, to_expr(coeff))
        return factors[0] if len(factors) == 1 else Mul(tuple(factors), "")
    if isinstance(e, sympy.Pow):
        base, exp = e.as_base_exp()
        if exp == sympy.Rational(1, 2):
            return Call("sqrt", (to_expr(base),))
        if exp.is_negative:
            return Div(Num(Fraction(1)), to_expr(base ** -exp))
        return Pow(to_expr(base), to_expr(exp))
    if e.is_number:  # CRootOf and other named algebraic numbers: the decimal
        return Num(float(sympy.re(e.evalf(DIGITS))))
    raise TypeError(f"no math node for the sympy expression {e!r}")


def is_rational(e: sympy.Expr) -> bool:
    return bool(e.is_Rational)


def exactly_shown(e: sympy.Expr) -> bool:
    """Whether the exact form is worth printing: rational, or a short radical expression."""
    if e.is_Rational:
        return True
    if e.has(sympy.Float):
        return False  # already a decimal (a root known to 50 digits)
    return e.is_real is True and not e.has(sympy.CRootOf) and \
        sympy.count_ops(e) <= MAX_EXACT_OPS


def decimal(e: sympy.Expr) -> float:
    return float(sympy.re(sympy.N(e, DIGITS)))


def shown(e: sympy.Expr) -> Expr:
    """A number as a model answer writes it: 2, 1/3, √2 ≈ 1.414, or 1.532 (a cubic's root)."""
    if e.is_Rational:
        return to_expr(e)
    if exactly_shown(e):
        return Rel((to_expr(e), Num(decimal(e))), ("≈",))
    return Num(decimal(e))


def answer(e: sympy.Expr) -> Fraction | float:
    """An answer value: exact when rational, else the float (JSON and `check` read floats)."""
    if e.is_Rational:
        return Fraction(int(e.p), int(e.q))
    return decimal(e)


def exact_or_decimal(e: sympy.Expr) -> Expr:
    """The exact node when it is short, else the decimal: for points and matrix entries."""
    return to_expr(e) if exactly_shown(e) else Num(decimal(e))
