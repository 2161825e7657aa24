"""Reading an error-surface spec: the parameters, the polynomial f, and the optional point,
learning rate and start of gradient descent. No sympy here: `examsolve list` validates a spec
at numpy's start-up cost.

Size limits (so that nothing accepted takes more than a few seconds): at most
MAX_PARAMETERS parameters; f multiplied out has at most polynomial.MAX_TERMS terms; a
one-variable part up to degree MAX_DEGREE_1D; a surface that mixes variables (not a sum of
one-variable parts) up to MAX_MIXED_DEGREE[n] in n variables, with coefficients of at most
MAX_MIXED_COEFFICIENT_DIGITS digits — a quadratic always — because solving ∇f = 0 for such a
surface takes Gröbner bases, whose cost grows quickly with all three (the slowest of 40 random
dense surfaces at the limits took 4.3 s); a sum of one-variable parts with at most MAX_POINTS
possible stationary points.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from examsolve.problem import Common
from examsolve.spec import SpecNode
from examsolve.kinds.error_surface.polynomial import Polynomial, parse_polynomial
from examsolve.spec.formula import ExpressionError

MAX_PARAMETERS = 6
MAX_DEGREE_1D = 24
# A sum of one-variable parts has up to Π (degree_i − 1) stationary points, one table row each.
MAX_POINTS = 100
MAX_MIXED_DEGREE = {2: 4, 3: 3}  # more variables than listed: quadratics only
MAX_MIXED_COEFFICIENT_DIGITS = 2  # in a coefficient's numerator and in its denominator
MAX_MIXED_TERMS = 30
MAX_COORDINATE_DIGITS = 30


@dataclass(frozen=True)
class ErrorSurfaceSpec:
    common: Common
    names: tuple[str, ...]
    f: Polynomial
    written: object  # f as the spec writes it (a math node)
    text: str
    at: tuple[Fraction, ...] | None
    lr: Fraction | None
    start: tuple[Fraction, ...] | None


def load(node: SpecNode, common: Common) -> ErrorSurfaceSpec:
    """Validate the spec (every bad value a SpecError at its line) into a frozen spec."""
    names = _load_parameters(node["parameters"])
    fn_node = node["function"]
    text = fn_node.string()
    try:
        f, written = parse_polynomial(text, names)
    except ExpressionError as exc:
        raise fn_node.error(str(exc)) from None
    _check_size(fn_node, f)
    at = _load_point(node["at"], names) if "at" in node else None
    start = _load_point(node["start"], names) if "start" in node else None
    lr = None
    if "lr" in node:
        lr_node = node["lr"]
        value = lr_node.number()
        if isinstance(value, float) or value <= 0:
            raise lr_node.error(f"expected a learning rate η > 0, got {lr_node.node.value}")
        lr = value
    if start is not None and lr is None:
        raise node["start"].error("start is where gradient descent starts: give lr as well")
    return ErrorSurfaceSpec(common, names, f, written, text.strip(), at, lr, start)


def _load_parameters(node: SpecNode) -> tuple[str, ...]:
    items = node.seq() if node.is_sequence else [node]
    if not items:
        raise node.error("expected at least one parameter name, e.g. [x, y]")
    if len(items) > MAX_PARAMETERS:
        raise node.error(f"at most {MAX_PARAMETERS} parameters, got {len(items)}")
    names: list[str] = []
    for item in items:
        name = item.name()
        if name in names:
            raise item.error(f"the parameter '{name}' is listed twice")
        if name in ("f", "lr", "eta"):
            raise item.error(f"'{name}' names something else in the derivation; "
                             "choose another parameter name")
        names.append(name)
    return tuple(names)


def _check_size(fn_node: SpecNode, f: Polynomial) -> None:
    n = len(f.names)
    if f.separable:
        worst = max(range(n), key=f.variable_degree)
        if f.variable_degree(worst) > MAX_DEGREE_1D:
            raise fn_node.error(f"degree {f.variable_degree(worst)} in {f.names[worst]} is "
                                f"more than {MAX_DEGREE_1D}, the largest this kind solves "
                                "exactly")
        possible = 1
        for i in range(n):
            possible *= max(1, f.variable_degree(i) - 1)
        if possible > MAX_POINTS:
            raise fn_node.error(f"up to {possible} stationary points (the product of each "
                                f"variable's degree − 1) is more than {MAX_POINTS}; use "
                                "fewer variables or lower degrees")
        return
    limit = MAX_MIXED_DEGREE.get(n, 2)
    if f.degree > 2:
        for _, c in f.terms:
            if max(len(str(abs(c.numerator))), len(str(c.denominator))) > \
                    MAX_MIXED_COEFFICIENT_DIGITS:
                raise fn_node.error(f"the coefficient {c} has more than "
                                    f"{MAX_MIXED_COEFFICIENT_DIGITS} digits: a surface that "
                                    "mixes its variables (degree > 2) is solved with Gröbner "
                                    "bases, whose cost grows with the coefficients' size")
    if f.degree > limit:
        raise fn_node.error(f"degree {f.degree} in {n} variables is more than {limit}: a "
                            "surface that mixes its variables is solved exactly with a "
                            f"Gröbner basis, up to degree {MAX_MIXED_DEGREE[2]} in 2 "
                            f"variables, {MAX_MIXED_DEGREE[3]} in 3 and 2 in more")
    if f.degree > 2 and len(f.terms) > MAX_MIXED_TERMS:
        raise fn_node.error(f"{len(f.terms)} terms is more than {MAX_MIXED_TERMS} for a "
                            "surface that mixes its variables (degree > 2)")


def _load_point(node: SpecNode, names: tuple[str, ...]) -> tuple[Fraction, ...]:
    """A point as a mapping {x: 2, y: 2} (every parameter) or a list in parameter order."""
    if node.is_mapping:
        node.check_keys(names, required=names)
        items = [node[name] for name in names]
    elif node.is_sequence:
        items = node.seq()
        if len(items) != len(names):
            raise node.error(f"expected {len(names)} coordinates ({', '.join(names)}), got "
                             f"{len(items)}")
    elif len(names) == 1 and node.is_scalar:
        items = [node]
    else:
        raise node.error(f"expected a point like {{{', '.join(f'{n}: 1' for n in names)}}}, "
                         f"got {node.type_name}")
    coords = []
    for item in items:
        value = item.number()
        if isinstance(value, float):
            raise item.error(f"expected a finite number, got {item.node.value}")
        if len(str(value.numerator)) + len(str(value.denominator)) > MAX_COORDINATE_DIGITS:
            raise item.error(f"a coordinate with more than {MAX_COORDINATE_DIGITS} digits")
        coords.append(value)
    return tuple(coords)
