"""The bracketing rules every printer shares: precedence levels, and how a term joins a sum
and a factor a product. One copy, so the terminal, Markdown and LaTeX bracket alike.
"""

from __future__ import annotations

from examsolve import mathmodel as m
from examsolve.numbers import format_number

PREC_REL, PREC_ADD, PREC_MUL, PREC_NEG, PREC_POW, PREC_ATOM = range(6)


def precedence(node: m.Expr, tex: bool = False) -> int:
    """How tightly a node binds, from PREC_REL (a relation) to PREC_ATOM (never bracketed).

    TeX (`tex`) differs in two places: a quotient is an atom there (\\frac stacks it), and
    a number in scientific notation is a product (1.2 \\times 10^{-5}) where the linear
    form writes a fraction, 1/3, as one.
    """
    if isinstance(node, m.Rel):
        return PREC_REL
    if isinstance(node, m.Add):
        return PREC_ADD
    if isinstance(node, m.Mul) or (isinstance(node, m.Div) and not tex):
        return PREC_MUL
    if isinstance(node, m.Neg):
        return PREC_NEG
    if isinstance(node, m.Pow):
        return PREC_POW
    if isinstance(node, m.Num):
        text = format_number(node.value)
        if text.startswith("-"):
            return PREC_NEG
        if tex:
            return PREC_MUL if "e" in text and text != "inf" else PREC_ATOM
        return PREC_MUL if "/" in text else PREC_ATOM
    return PREC_ATOM


def _is_negative(node: m.Expr) -> bool:
    return isinstance(node, m.Num) and format_number(node.value).startswith("-")


def split_sign(term: m.Expr) -> tuple[str, m.Expr]:
    """How a term after the first joins a sum: ('−', |term|) or ('+', term).

    A negative number or a Neg is written `a − 1`; a coefficient product like (−3)·e as
    `− 3e`; a product of numbers only keeps its sign inside: `+ (−1)·1`, as the key writes.
    """
    if isinstance(term, m.Neg):
        return "−", term.arg
    if _is_negative(term):
        return "−", m.Num(-term.value)  # type: ignore[operator]
    if isinstance(term, m.Mul) and term.factors and _is_negative(term.factors[0]) and \
            any(not isinstance(f, m.Num) for f in term.factors[1:]):
        coeff = -term.factors[0].value  # type: ignore[attr-defined]
        rest = term.factors[1:]
        if coeff == 1:
            return "−", rest[0] if len(rest) == 1 else m.Mul(rest, term.op)
        return "−", m.Mul((m.Num(coeff), *rest), term.op)
    return "+", term


def term_level(sign: str, body: m.Expr) -> int:
    """The precedence a term needs after `+`/`−`: a subtracted sum or negative is bracketed,
    so `a − (b + c)` and `x − (−1)`, never `x − −1`."""
    if sign == "+":
        return PREC_ADD
    if isinstance(body, m.Neg) or _is_negative(body):
        return PREC_ATOM + 1
    return PREC_MUL


def factor_level(node: m.Mul, i: int) -> int:
    """The precedence a factor needs to go without parentheses.

    A leading negative coefficient of a symbol reads `−3e`; any other negative number in a
    product is bracketed, `(−1)·1`, `2·(−1)`.
    """
    f = node.factors[i]
    if i == 0 and _is_negative(f) and len(node.factors) > 1 and \
            not isinstance(node.factors[1], m.Num):
        return PREC_MUL
    return PREC_NEG + 1
