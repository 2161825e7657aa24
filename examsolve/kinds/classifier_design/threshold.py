"""Networks of threshold units, evaluated exactly, and the constructions that build them.

A unit computes act(w·u + b) over named inputs u (the inputs x1 … xn or earlier units), with
    step(z) = 1 for z > 0, 0 for z < 0;   sign(z) = 1 for z > 0, −1 for z < 0;
and the value at exactly 0 given by `at_zero`. Two unit families are built here, each with its
own values: step units on binary (0/1) signals, sign units on bipolar (−1/1) signals.

- A product term (AND of literals, x' for NOT x): weights ±1 and a bias that fires only when
  every literal holds: step: Σ_P x − Σ_N x − |P| + 1/2; sign: Σ ±x − (L − 1).
- OR / AND / NAND of m signals: step biases −1/2, −m + 1/2, m − 1/2 (NAND's weights −1);
  sign biases m − 1, −(m − 1), m − 1 (NAND's weights −1).
- Parity, one hidden layer: the n units "at least k ones" (k = 1 … n) and an output unit
  with alternating weights +1, −1, +1, …: with m ones the sum is 1 for odd m, 0 for even m
  (step; threshold 1/2), 2A(m) − A(n) for sign (A(m) = 1 for odd m, 0 for even).
- Parity, deep: a tree of 2-input XOR blocks AND(OR(a, b), NAND(a, b)), 3 units and 2 layers
  each: 3(n − 1) units in 2⌈log₂ n⌉ layers.
- A convex region: one unit per edge (its inside half-plane) and an AND unit; a union of
  regions: an OR unit over the regions' AND units.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

Vector = tuple[Fraction, ...]
HALF = Fraction(1, 2)


@dataclass(frozen=True)
class Unit:
    name: str
    inputs: tuple[str, ...]
    weights: tuple[Fraction, ...]
    bias: Fraction
    layer: int  # 1 for units that read the inputs; the output unit has the largest


def low_value(activation: str) -> int:
    """A unit's value on the low side: −1 for sign, 0 for step (and a sigmoid's class)."""
    return -1 if activation == "sign" else 0


@dataclass(frozen=True)
class ThresholdNet:
    """Units in evaluation order; the last is the output unit."""

    units: tuple[Unit, ...]
    activation: str  # step | sign: the hidden units (and the output unit, unless `output`)
    at_zero: int  # the value at z = 0 of `activation`: 1 or its low value
    output: str = ""  # the output unit's: step | sign | sigmoid; "" is `activation`

    @property
    def layers(self) -> int:
        return self.units[-1].layer

    @property
    def hidden(self) -> int:
        return len(self.units) - 1

    @property
    def out_activation(self) -> str:
        return self.output or self.activation

    @property
    def out_low(self) -> int:
        return low_value(self.out_activation)

    def act(self, z: Fraction, output: bool = False) -> int:
        """A unit's value at net input z; the output unit's (`output`) in its own family,
        where at_zero keeps its meaning (high, or the low value). A sigmoid output gives its
        class, 1 when p = σ(z) > 0.5, else 0 (z = 0, p = 0.5, counts as 0: it decides
        nothing, and the designs never put a row there)."""
        kind = self.out_activation if output else self.activation
        if z > 0:
            return 1
        low = low_value(kind)
        if z < 0 or kind == "sigmoid":
            return low
        return 1 if self.at_zero == 1 else low

    def run(self, x: Vector) -> dict[str, tuple[Fraction, int]]:
        """Every unit's net input and output on input x (exact)."""
        values: dict[str, Fraction] = {f"x{i + 1}": Fraction(v) for i, v in enumerate(x)}
        out: dict[str, tuple[Fraction, int]] = {}
        last = self.units[-1].name
        for u in self.units:
            z = sum((w * values[i] for w, i in zip(u.weights, u.inputs)), Fraction(0)) + u.bias
            y = self.act(z, u.name == last)
            out[u.name] = (z, y)
            values[u.name] = Fraction(y)
        return out

    def value(self, x: Vector) -> int:
        """The output unit's value on input x."""
        return self.run(x)[self.units[-1].name][1]


class Builder:
    """Adds units layer by layer: each unit's layer is one more than its deepest input's."""

    def __init__(self, activation: str) -> None:
        self.activation = activation
        self.units: list[Unit] = []
        self.depth: dict[str, int] = {}

    def unit(self, inputs: list[str], weights: list, bias, name: str | None = None) -> str:
        name = name or f"u{len(self.units) + 1}"
        layer = 1 + max((self.depth.get(i, 0) for i in inputs), default=0)
        self.units.append(Unit(name, tuple(inputs), tuple(Fraction(w) for w in weights),
                               Fraction(bias), layer))
        self.depth[name] = layer
        return name

    def gate(self, op: str, inputs: list[str], name: str | None = None) -> str:
        """OR / AND / NAND of signals of this family (see the module docstring)."""
        m = len(inputs)
        sign = self.activation == "sign"
        if op == "or":
            return self.unit(inputs, [1] * m, m - 1 if sign else -HALF, name)
        if op == "and":
            return self.unit(inputs, [1] * m, -(m - 1) if sign else -m + HALF, name)
        if op == "nand":
            return self.unit(inputs, [-1] * m, m - 1 if sign else m - HALF, name)
        raise ValueError(op)

    def conjunction(self, inputs: list[str], negated: list[bool],
                    name: str | None = None) -> str:
        """AND of signals, each taken as it is or negated (weight −1)."""
        weights = [-1 if neg else 1 for neg in negated]
        if self.activation == "sign":
            return self.unit(inputs, weights, -(len(inputs) - 1), name)
        return self.unit(inputs, weights, -sum(1 for neg in negated if not neg) + HALF, name)

    def term(self, literals: list[tuple[int, bool]], name: str | None = None) -> str:
        """A product term: (input index from 1, negated) for each literal."""
        inputs = [f"x{i}" for i, _ in literals]
        weights = [-1 if neg else 1 for _, neg in literals]
        positives = sum(1 for _, neg in literals if not neg)
        if self.activation == "sign":
            return self.unit(inputs, weights, -(len(literals) - 1), name)
        return self.unit(inputs, weights, -positives + HALF, name)

    def net(self, at_zero: int) -> ThresholdNet:
        units = list(self.units)
        last = units[-1]
        if last.name != "out":  # the output unit is always called out
            units[-1] = Unit("out", last.inputs, last.weights, last.bias, last.layer)
        return ThresholdNet(tuple(units), self.activation, at_zero)


def sum_of_products(terms: list[list[tuple[int, bool]]], activation: str,
                    at_zero: int) -> ThresholdNet:
    """One hidden unit per product term, an OR unit over them (a single term is its unit)."""
    b = Builder(activation)
    names = [b.term(t) for t in terms]
    if len(names) > 1:
        b.gate("or", names, "out")
    return b.net(at_zero)


def parity_one_layer(n: int, activation: str, at_zero: int) -> ThresholdNet:
    """The n "at least k ones" units and the alternating output unit."""
    b = Builder(activation)
    xs = [f"x{i + 1}" for i in range(n)]
    names = []
    for k in range(1, n + 1):
        if activation == "sign":  # Σx = 2m − n, so m ≥ k ⇔ Σx − (2k − n) + 1 > 0
            names.append(b.unit(xs, [1] * n, n - 2 * k + 1))
        else:
            names.append(b.unit(xs, [1] * n, -k + HALF))
    alternating = [1 if k % 2 else -1 for k in range(1, n + 1)]
    a_n = n % 2
    b.unit(names, alternating, a_n - 1 if activation == "sign" else -HALF, "out")
    return b.net(at_zero)


def parity_deep(n: int, activation: str, at_zero: int) -> ThresholdNet:
    """A balanced tree of XOR blocks AND(OR(a, b), NAND(a, b)); an odd signal out waits."""
    b = Builder(activation)
    level = [f"x{i + 1}" for i in range(n)]
    while len(level) > 1:
        nxt = []
        for j in range(0, len(level) - 1, 2):
            a, c = level[j], level[j + 1]
            last = len(level) == 2
            o = b.gate("or", [a, c])
            nd = b.gate("nand", [a, c])
            nxt.append(b.gate("and", [o, nd], "out" if last else None))
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return b.net(at_zero)


def region_net(polygons: list[list[tuple[Vector, Fraction]]], activation: str,
               at_zero: int, closed: list[tuple[bool, ...]] | None = None,
               touched: list[tuple[bool, ...]] | None = None) -> ThresholdNet:
    """Each polygon is a list of half-planes (w, b) meaning w·x + b > 0 (≥ 0 where closed):
    one unit per half-plane, an AND per polygon, an OR over the polygons.

    A unit outputs its high value at z = 0 exactly when at_zero is 1, so a closed edge under
    a low at_zero gets its unit turned round, step(−(w·x + b)), which is high exactly off the
    half-plane, and enters its AND negated (see `flipped_edges`)."""
    b = Builder(activation)
    ands = []
    made: dict[tuple, str] = {}  # an edge two polygons share is one unit

    def key_args(key: tuple) -> tuple:
        w, c = key
        return [f"x{i + 1}" for i in range(len(w))], list(w), c

    for k, polygon in enumerate(polygons):
        flip = flipped_edges(closed[k] if closed else (at_zero == 1,) * len(polygon), at_zero,
                             touched[k] if touched else None)
        edges = [made.get(key) or made.setdefault(key, b.unit(*key_args(key)))
                 for key in ((tuple(-v for v in w) if f else tuple(w), -c if f else c)
                             for (w, c), f in zip(polygon, flip))]
        if any(flip):
            ands.append(b.conjunction(edges, list(flip)))
        else:
            ands.append(b.gate("and", edges) if len(edges) > 1 else edges[0])
    if len(ands) > 1:
        b.gate("or", ands, "out")
    return b.net(at_zero)


def flipped_edges(closed: tuple[bool, ...], at_zero: int,
                  touched: tuple[bool, ...] | None = None) -> tuple[bool, ...]:
    """Which edges' units are turned round: a closed edge (≥, as written) needs the high
    value at z = 0, so with at_zero low it is; an open edge (>) needs the low value, so with
    at_zero 1 it is where a given point lies exactly on it (`touched`). Elsewhere an open
    edge keeps the textbook unit and its own points count as inside (the derivation says
    so)."""
    touched = touched or (False,) * len(closed)
    return tuple((c and at_zero != 1) or (not c and at_zero == 1 and t)
                 for c, t in zip(closed, touched))


def polygon_half_planes(vertices: list[Vector]) -> list[tuple[Vector, Fraction]]:
    """The inside half-planes of a convex polygon given by its vertices in order (either
    orientation): for the edge p → q, (w, b) with w·x + b > 0 inside."""
    n = len(vertices)
    area2 = sum(vertices[i][0] * vertices[(i + 1) % n][1] - vertices[(i + 1) % n][0]
                * vertices[i][1] for i in range(n))
    if area2 == 0:
        raise ValueError("the vertices do not span an area")
    orient = 1 if area2 > 0 else -1  # counter-clockwise: inside is on the left of p → q
    out = []
    for i in range(n):
        p, q = vertices[i], vertices[(i + 1) % n]
        w = (-(q[1] - p[1]) * orient, (q[0] - p[0]) * orient)
        plane = smallest_integers((w[0], w[1]), -(w[0] * p[0] + w[1] * p[1]))
        if plane not in out:  # a vertex on a straight edge adds no edge of its own
            out.append(plane)
    return out


def smallest_integers(w: Vector, b: Fraction) -> tuple[Vector, Fraction]:
    """The same half-plane w·x + b > 0 with the smallest whole coefficients (a positive
    rescaling changes nothing): (0, 3)·x − 6 becomes x2 − 2."""
    from math import gcd, lcm

    values = [Fraction(v) for v in (*w, b)]
    scale = lcm(*(v.denominator for v in values))
    ints = [int(v * scale) for v in values]
    g = gcd(*ints) or 1
    return tuple(Fraction(v, g) for v in ints[:-1]), Fraction(ints[-1], g)


def inner_point(half_planes: list[tuple[Vector, Fraction]]) -> Vector | None:
    """A point strictly inside every half-plane w·x + c > 0 (two dimensions), exactly, or
    None when they leave no open region: the average of the vertices of their intersection
    with a large box (it is inside exactly when the intersection has an interior)."""
    big = Fraction(10 ** 7)
    one, zero = Fraction(1), Fraction(0)
    planes = list(half_planes) + [((one, zero), big), ((-one, zero), big),
                                  ((zero, one), big), ((zero, -one), big)]
    vertices = set()
    for (w1, c1), (w2, c2) in itertools.combinations(planes, 2):
        det = w1[0] * w2[1] - w1[1] * w2[0]
        if det == 0:
            continue
        p = ((-c1 * w2[1] + c2 * w1[1]) / det, (-w1[0] * c2 + w2[0] * c1) / det)
        if all(w[0] * p[0] + w[1] * p[1] + c >= 0 for w, c in planes):
            vertices.add(p)
    if not vertices:
        return None
    centre = (sum(v[0] for v in vertices) / len(vertices),
              sum(v[1] for v in vertices) / len(vertices))
    if all(w[0] * centre[0] + w[1] * centre[1] + c > 0 for w, c in planes):
        return centre
    return None


def is_convex(vertices: list[Vector]) -> bool:
    n = len(vertices)
    signs = set()
    for i in range(n):
        p, q, r = vertices[i], vertices[(i + 1) % n], vertices[(i + 2) % n]
        cross = (q[0] - p[0]) * (r[1] - q[1]) - (q[1] - p[1]) * (r[0] - q[0])
        if cross != 0:
            signs.add(cross > 0)
    return len(signs) == 1
