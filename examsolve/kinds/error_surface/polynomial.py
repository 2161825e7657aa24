"""A polynomial in named variables, read from text with `ast` and a whitelist, kept exact.

The text is never evaluated by Python: `ast.parse(mode="eval")` gives a tree whose nodes must
be numbers, the spec's parameters, `+ - *`, `/` by a number, `**` with a whole exponent,
unary minus and brackets. The tree is multiplied out into a sparse polynomial — a mapping
from exponent tuples to `Fraction` coefficients — so the spec loader knows the degree and
the shape of f without sympy, and the solver hands sympy a polynomial, never text.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from fractions import Fraction

from examsolve.mathmodel import Add, Div, Expr, Mul, Neg, Num, Paren, Pow, Sym
from examsolve.spec.formula import ExpressionError, parse_formula
from examsolve.kinds.error_surface.notation import variable

Monomial = tuple[int, ...]
Terms = dict[Monomial, Fraction]

MAX_LENGTH = 2000  # characters: a surface is a formula, not a program
MAX_NODES = 2000
MAX_EXPONENT = 40
MAX_TERMS = 400  # in f and in any product formed while multiplying it out
MAX_DEGREE_WHILE_EXPANDING = 40
MAX_COEFFICIENT_DIGITS = 30
NOT_POLYNOMIAL = ("error-surface finds stationary points exactly, which needs a polynomial "
                  "(numbers, the parameters, + - *, / by a number, ** with a whole exponent)")


@dataclass(frozen=True)
class Polynomial:
    """f as exact terms: `terms[(4, 0)] = 1` is x⁴ in variables (x, y)."""

    names: tuple[str, ...]
    terms: tuple[tuple[Monomial, Fraction], ...]  # no zero coefficients, in display order

    @property
    def degree(self) -> int:
        return max((sum(m) for m, _ in self.terms), default=0)

    def as_dict(self) -> Terms:
        return dict(self.terms)

    def variable_degree(self, i: int) -> int:
        return max((m[i] for m, _ in self.terms), default=0)

    @property
    def separable(self) -> bool:
        """A sum of one-variable polynomials: no term mixes two variables."""
        return all(sum(1 for e in m if e) <= 1 for m, _ in self.terms)

    def part(self, i: int) -> dict[int, Fraction]:
        """The one-variable part in variable i of a separable f (constant term left out)."""
        return {m[i]: c for m, c in self.terms if m[i] and sum(m) == m[i]}

    @property
    def constant(self) -> Fraction:
        return self.as_dict().get((0,) * len(self.names), Fraction(0))

    def __call__(self, point: tuple[Fraction, ...]) -> Fraction:
        total = Fraction(0)
        for m, c in self.terms:
            value = c
            for x, e in zip(point, m):
                value *= x ** e
            total += value
        return total

    def derivative(self, i: int) -> "Polynomial":
        """∂f/∂x_i, exactly."""
        out: Terms = {}
        for m, c in self.terms:
            if m[i]:
                lowered = m[:i] + (m[i] - 1,) + m[i + 1:]
                out[lowered] = out.get(lowered, Fraction(0)) + c * m[i]
        return polynomial(self.names, out, self.separable)

    def expr(self) -> Expr:
        """The math node, terms in display order (an empty polynomial is 0)."""
        if not self.terms:
            return Num(Fraction(0))
        shown = [term_expr(self.names, m, c) for m, c in self.terms]
        return shown[0] if len(shown) == 1 else Add(tuple(shown))


def polynomial(names: tuple[str, ...], terms: Terms, by_variable: bool = False) -> Polynomial:
    """A Polynomial from a mapping, zero terms dropped, in display order: highest degree
    first (ties: the earlier variable's higher power first); `by_variable` groups a
    separable f by variable, x's terms then y's, as such sums are usually written."""
    kept = [(m, c) for m, c in terms.items() if c]
    if by_variable:
        def key(item):
            m = item[0]
            used = next((i for i, e in enumerate(m) if e), len(m))
            return (used, -sum(m))
    else:
        def key(item):
            return (-sum(item[0]), tuple(-e for e in item[0]))
    return Polynomial(names, tuple(sorted(kept, key=key)))


def term_expr(names: tuple[str, ...], m: Monomial, c: Fraction) -> Expr:
    """c·x^a·y^b as written by hand: 32x², −x y, (1/2)x², 7."""
    powers: list[Expr] = [Sym_power(variable(n), e) for n, e in zip(names, m) if e]
    if not powers:
        return Num(c)
    body = powers[0] if len(powers) == 1 else Mul(tuple(powers), "")
    if c == 1:
        return body
    if c == -1:
        return Neg(body)
    if c < 0:  # − 64x, and − 64·2 once a number is put in for x
        return Neg(Mul((Num(-c), *powers), ""))
    return Mul((Num(c), *powers), "")


def Sym_power(base: Sym, e: int) -> Expr:  # noqa: N802 - reads as the node it makes
    return base if e == 1 else Pow(base, Num(Fraction(e)))


# ---- parsing --------------------------------------------------------------------------------

def parse_polynomial(text: str, names: tuple[str, ...]) -> tuple[Polynomial, Expr]:
    """f as a Polynomial and as written (a math node), or ExpressionError saying what is wrong."""
    source, tree = parse_formula(
        text, "write a polynomial of the parameters, e.g. x**4 - 32*x**2", MAX_LENGTH,
        MAX_NODES)
    reader = _Reader(source, names)
    terms, written = reader.read(tree.body)
    for c in terms.values():
        if len(str(c.numerator)) + len(str(c.denominator)) > MAX_COEFFICIENT_DIGITS:
            raise ExpressionError(f"a coefficient of the expanded function, {c}, has more than "
                                  f"{MAX_COEFFICIENT_DIGITS} digits")
    poly = polynomial(names, terms)
    return polynomial(names, terms, by_variable=poly.separable), written


class _Reader:
    """Walks the whitelisted tree: each node → (its exact terms, its math node as written)."""

    def __init__(self, source: str, names: tuple[str, ...]) -> None:
        self.source = source
        self.names = names
        self.zero = (0,) * len(names)

    def read(self, node: ast.AST) -> tuple[Terms, Expr]:
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.refuse(node, f"the constant {value!r} (only real numbers)")
            if isinstance(value, float) and not abs(value) < float("inf"):
                raise self.refuse(node, "a number too large for a float")
            # 0.1 means 1/10, as everywhere in a spec: the literal's digits, not its float.
            segment = ast.get_source_segment(self.source, node) or repr(value)
            exact = Fraction(value) if isinstance(value, int) else \
                Fraction(segment.replace("_", ""))
            return ({self.zero: exact} if exact else {}), Num(exact)
        if isinstance(node, ast.Name):
            if node.id in self.names:
                i = self.names.index(node.id)
                m = tuple(1 if j == i else 0 for j in range(len(self.names)))
                return {m: Fraction(1)}, variable(node.id)
            raise self.refuse(node, f"the name '{node.id}' (the parameters are "
                                    f"{', '.join(self.names)})")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            terms, shown = self.read(node.operand)
            if isinstance(node.op, ast.UAdd):
                return terms, shown
            return {m: -c for m, c in terms.items()}, Neg(shown)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.Call):
            shown = ast.get_source_segment(self.source, node) or "a call"
            raise self.refuse(node, f"the function call '{shown}': {NOT_POLYNOMIAL}")
        raise self.refuse(node, _describe(node))

    def binary(self, node: ast.BinOp) -> tuple[Terms, Expr]:
        if isinstance(node.op, ast.BitXor):
            raise self.refuse(node, "'^' (write powers as **, e.g. x**2)")
        left, left_shown = self.read(node.left)
        if isinstance(node.op, ast.Pow):
            return self.power(node, left, left_shown)
        right, right_shown = self.read(node.right)
        if isinstance(node.op, ast.Add):
            return _sum(left, right, 1), Add((*_terms(left_shown), right_shown))
        if isinstance(node.op, ast.Sub):
            negative = isinstance(right_shown, Neg) or (isinstance(right_shown, Num)
                                                        and right_shown.value < 0)
            return _sum(left, right, -1), Add((*_terms(left_shown),
                                               Neg(Paren(right_shown) if negative
                                                   else right_shown)))
        if isinstance(node.op, ast.Mult):
            factors = left_shown.factors if isinstance(left_shown, Mul) else (left_shown,)
            return self.product(node, left, right), Mul((*factors, right_shown), "·")
        if isinstance(node.op, ast.Div):
            if any(m != self.zero for m in right):
                raise self.refuse(node, f"division by an expression of the parameters: "
                                        f"{NOT_POLYNOMIAL}")
            divisor = right.get(self.zero, Fraction(0))
            if divisor == 0:
                raise self.refuse(node, "division by zero")
            return {m: c / divisor for m, c in left.items()}, Div(left_shown, right_shown)
        raise self.refuse(node, "this operator (allowed: + - * / **)")

    def power(self, node: ast.BinOp, base: Terms, base_shown: Expr) -> tuple[Terms, Expr]:
        exponent = _whole_number(node.right)
        if exponent is None or not 0 <= exponent <= MAX_EXPONENT:
            shown = ast.get_source_segment(self.source, node.right) or "this exponent"
            raise self.refuse(node, f"the exponent {shown} (a polynomial needs a whole "
                                    f"number from 0 to {MAX_EXPONENT})")
        result: Terms = {self.zero: Fraction(1)}
        for _ in range(exponent):
            result = self.product(node, result, base)
        return result, Pow(base_shown, Num(Fraction(exponent)))

    def product(self, node: ast.AST, a: Terms, b: Terms) -> Terms:
        out: Terms = {}
        for ma, ca in a.items():
            for mb, cb in b.items():
                m = tuple(x + y for x, y in zip(ma, mb))
                if sum(m) > MAX_DEGREE_WHILE_EXPANDING:
                    raise self.refuse(node, f"a degree above {MAX_DEGREE_WHILE_EXPANDING}")
                out[m] = out.get(m, Fraction(0)) + ca * cb
        out = {m: c for m, c in out.items() if c}
        if len(out) > MAX_TERMS:
            raise self.refuse(node, f"more than {MAX_TERMS} terms once multiplied out")
        return out

    def refuse(self, node: ast.AST, what: str) -> ExpressionError:
        segment = ast.get_source_segment(self.source, node)
        col = getattr(node, "col_offset", None)
        where = f" (at '{segment}', column {col + 1})" if segment and col is not None \
            and segment != self.source else ""
        return ExpressionError(f"not allowed in the function: {what}{where}")


def _whole_number(node: ast.AST) -> int | None:
    """The exponent when it is a whole-number literal (2, +2, 2.0), else None."""
    sign = 1
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign *= -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and not isinstance(node.value, bool) and \
            isinstance(node.value, (int, float)) and float(node.value).is_integer():
        return sign * int(node.value)
    return None


def _sum(a: Terms, b: Terms, sign: int) -> Terms:
    out = dict(a)
    for m, c in b.items():
        out[m] = out.get(m, Fraction(0)) + sign * c
    return {m: c for m, c in out.items() if c}


def _terms(expr: Expr) -> tuple[Expr, ...]:
    return expr.terms if isinstance(expr, Add) else (expr,)


def _describe(node: ast.AST) -> str:
    names = {ast.Attribute: "attribute access (.)", ast.Subscript: "indexing ([...])",
             ast.Compare: "comparisons", ast.BoolOp: "and/or", ast.IfExp: "if/else",
             ast.Lambda: "lambda", ast.UnaryOp: "this operator (allowed: unary minus)",
             ast.Tuple: "a tuple", ast.List: "a list"}
    for kind, text in names.items():
        if isinstance(node, kind):
            return text
    return type(node).__name__
