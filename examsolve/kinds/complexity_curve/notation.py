"""How a complexity-curve derivation writes its symbols and numbers, in equations and in prose.

Prose holds its math as math nodes (`say("at ", at_degree(3), " the …")`), so each printer
typesets it; these are the nodes every narration module shares. A number in prose is a math
node too: 4 significant digits, a power of ten written 8.250 × 10⁸ rather than 8.25e8.
"""

from __future__ import annotations

from fractions import Fraction

from examsolve.mathmodel import Add, Div, Expr, Mul, Neg, Num, Paren, Pow, Rel, Sym, eq
from examsolve.numbers import format_number

# d* as the derivation writes it: a superscript * has no Unicode form, and d^* on the terminal
# would read as code.
D_STAR = Sym("d*")
D = Sym("d")
SIGMA2 = Sym("σ", sup="2")
BIAS2 = Sym("bias²")
N2 = Sym("n", "2")
LAMBDA = Sym("λ")
X = Sym("x")


def fmt(value: float) -> str:
    """A number as text (4 significant digits), where it is not math: a figure's legend."""
    return format_number(float(value))


def number(value: float) -> Expr:
    """A measured number for prose: 4 significant digits, 8.250 × 10⁸ rather than 8.25e8."""
    text = format_number(float(value))
    if "e" not in text:
        return Num(float(value))
    exponent = int(text.split("e")[1])
    # the mantissa from the value, not the text, so that it keeps its digits: 8.260, not 8.26
    return Mul((Num(float(value) / 10 ** exponent), Pow(Num(10), Num(exponent))), "×")


def decimal(text: str) -> Num:
    """A number exactly as formatted (`f"{v:.3g}"`), so 0.142 does not gain digits."""
    return Num(Fraction(text))


def degree_range(degrees: tuple[int, ...]) -> Expr:
    """0–2 for a run of three or more, else 0, 2, 5."""
    if len(degrees) > 2 and list(degrees) == list(range(degrees[0], degrees[-1] + 1)):
        return Mul((Num(degrees[0]), Num(degrees[-1])), "–")
    if len(degrees) == 1:
        return Num(degrees[0])
    return Mul(tuple(Num(d) for d in degrees), ", ")


def degree_list(degrees: tuple[int, ...]) -> str:
    """0–2 for a run, else 0, 2, 5: as text, for captions."""
    if len(degrees) > 2 and list(degrees) == list(range(degrees[0], degrees[-1] + 1)):
        return f"{degrees[0]}–{degrees[-1]}"
    return ", ".join(str(d) for d in degrees)


def at_degree(degrees: int | tuple[int, ...]) -> Rel:
    """d = 3, d = 0–2."""
    return eq(D, Num(degrees) if isinstance(degrees, int) else degree_range(degrees))


def is_(name: Expr | str, value: object) -> Rel:
    """name = value, the value a measured number (`σ² = 0.09`) or a whole number (`R = 200`)."""
    shown = Num(value) if isinstance(value, int) else \
        value if isinstance(value, Expr) else number(value)  # type: ignore[arg-type]
    return eq(name, shown)


def interval(a: Expr, b: Expr) -> tuple[str | Expr, ...]:
    """[a, b] as prose parts: brackets and comma are text, so each end is typeset as a number
    of its own (−1, not the (−1) a negative factor gets inside a product)."""
    return ("[", a, ", ", b, "]")


def squared(expr: Expr) -> Pow:
    return Pow(expr, Num(2))


def minus(a: Expr, b: Expr) -> Add:
    return Add((a, Neg(b)))


def mse_sum(count: str, index: str, y: Expr, p: Expr) -> Mul:
    """(1/count) Σ_index (y − p)²."""
    return Mul((Div(Num(1), Sym(count)), Sym("Σ", index), squared(Paren(minus(y, p)))), "")
