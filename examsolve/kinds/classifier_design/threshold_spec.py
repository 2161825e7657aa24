"""Reading a classifier-design spec of threshold units: a truth table, a sum of products, a
region, or points, with `activation: step | sign` (see threshold.py for the constructions).

Keys: activation (step | sign), output (the same family), at_zero (the value at exactly 0:
0 or 1 for step, −1 or 1 for sign; default 1), truth_table (and | or | nand | nor | xor |
xnor | majority) with inputs (n, default 2), sop ("x1 x2' + x3"), region (a convex polygon's
vertices in order, a list of half-planes "x2 - 1 > 0", or a list of polygons) with inside /
outside (the class names), construction (one-hidden-layer | deep), encoding (binary |
bipolar: step units work on 0/1, sign units on −1/1), points (checked against the net),
model ({W1, b1, w2, b2}: check this net of threshold units instead of designing one).
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass
from fractions import Fraction

from examsolve.kinds.classifier_design.net import Point
from examsolve.kinds.classifier_design.threshold import (ThresholdNet, Unit, Vector, low_value,
                                                         inner_point, is_convex,
                                                         polygon_half_planes)
from examsolve.spec import SpecNode
from examsolve.spec.common import Common

TRUTH_TABLES = ("and", "or", "nand", "nor", "xor", "xnor", "majority")
CONSTRUCTIONS = ("one-hidden-layer", "deep")
MAX_INPUTS = 12  # 4,096 truth-table rows; the one-layer parity net has 12 units
MAX_TERMS = 64
MAX_EDGES = 64
THRESHOLD_KEYS = ("activation", "output", "at_zero", "truth_table", "inputs", "encoding", "sop",
                  "region", "inside", "outside", "construction")

HalfPlane = tuple[Vector, Fraction]  # (w, b): w·x + b > 0 (or ≥ 0 where the spec says so)


@dataclass(frozen=True)
class ThresholdSpec:
    common: Common
    activation: str  # step | sign
    at_zero: int
    encoding: str  # binary | bipolar
    inputs: int
    function: str | None  # a truth-table name, "sop", "region" or None (points)
    terms: tuple[tuple[tuple[int, bool], ...], ...] = ()  # sop / truth table as minterms
    table: tuple[tuple[Vector, int], ...] = ()  # every row (binary counting order), target
    polygons: tuple[tuple[HalfPlane, ...], ...] = ()
    region_text: tuple[str, ...] = ()
    inside: str = "inside"
    outside: str = "outside"
    construction: str | None = None
    points: tuple[Point, ...] = ()
    model: ThresholdNet | None = None  # check mode: a proposed net of threshold units
    # Per polygon and edge: does the edge belong to the region (≥ as written, or a vertex
    # polygon's edges under at_zero: 1)?
    closed: tuple[tuple[bool, ...], ...] = ()
    positive: str = ""  # points: the class of target 1 (default the second class listed)
    negative: str = ""

    output: str = ""  # the output unit: step | sign | sigmoid ("" is `activation`)

    @property
    def low(self) -> int:
        """The inputs' and hidden units' low value (0 binary/step, −1 bipolar/sign)."""
        return 0 if self.encoding == "binary" else -1

    @property
    def out(self) -> str:
        return self.output or self.activation

    @property
    def out_low(self) -> int:
        """The targets' low value: the output unit's."""
        return low_value(self.out)


def wants_threshold(node: SpecNode) -> bool:
    """A threshold-unit spec: step/sign units, or a function or region to build a net for."""
    act = node.get("activation")
    if act is not None and act.is_scalar and act.string().strip() in ("step", "sign"):
        return True
    if act is not None and act.is_scalar and act.string().strip() == "relu" \
            and "region" not in node and "construction" not in node:
        return False  # ReLU units on a truth table's rows (spec.py)
    return any(k in node for k in ("truth_table", "sop", "region", "construction"))


def load_threshold(node: SpecNode, common: Common, read_points, read_model,
                   two_classes, check_duplicates) -> ThresholdSpec:
    activation = node["activation"].choice(("step", "sign")) if "activation" in node else "step"
    output = node["output"].choice(("step", "sign", "sigmoid")) if "output" in node \
        else activation
    encoding = "binary" if activation == "step" else "bipolar"
    if "encoding" in node:
        encoding = node["encoding"].choice(("binary", "bipolar"))
        if (encoding == "binary") != (activation == "step"):
            raise node["encoding"].error(f"{activation} units work on "
                                         f"{'0/1' if activation == 'step' else '−1/1'} signals: "
                                         f"use encoding: "
                                         f"{'binary' if activation == 'step' else 'bipolar'}")
    low = 0 if encoding == "binary" else -1
    out_low = low_value(output)  # the targets are the output unit's values
    at_zero = 1
    if "at_zero" in node:
        at_zero = node["at_zero"].integer()
        allowed = (0, 1) if activation == "step" else (-1, 1)
        if at_zero not in allowed:
            raise node["at_zero"].error(f"a {activation} unit's value at 0 is "
                                        f"{' or '.join(map(str, allowed))}, got {at_zero}")
    construction = node["construction"].choice(CONSTRUCTIONS) if "construction" in node else None
    given = [k for k in ("truth_table", "sop", "region") if k in node]
    if len(given) > 1:
        raise node[given[1]].error(f"give one of truth_table, sop and region, not "
                                   f"{given[0]} and {given[1]}")
    function = given[0] if given else None
    inputs = node["inputs"].integer(minimum=1, maximum=MAX_INPUTS) if "inputs" in node else None
    terms: tuple = ()
    table: tuple = ()
    polygons: tuple = ()
    region_text: tuple = ()
    closed: tuple | None = ()
    if function in ("truth_table", "sop"):
        function, inputs, terms, table = function_table(node, low, out_low)
    elif function == "region":
        polygons, region_text, closed = _region(node["region"])
        if closed is None:  # vertices do not say: the edges go as a unit does at z = 0
            closed = tuple((at_zero == 1,) * len(polygon) for polygon in polygons)
        for k, polygon in enumerate(polygons):
            if polygon and len(polygon[0][0]) == 2 and inner_point(list(polygon)) is None:
                raise node["region"].error(
                    ("these half-planes have" if len(polygons) == 1 else
                     f"polygon {k + 1}'s half-planes have")
                    + " no point in common (the region is empty)")
        inputs = 2 if polygons and polygons[0] and len(polygons[0][0][0]) == 2 else \
            len(polygons[0][0][0])
    if construction is not None and function in (None, "region"):
        raise node["construction"].error(
            "a construction needs a truth_table or a sop: " + (
                "a region's net is built edge by edge" if function == "region" else
                "for points the design finds the fewest units"))
    if "inputs" in node and function in (None, "region"):
        raise node["inputs"].error("inputs goes with truth_table or sop; "
                                   + ("a region is in the plane" if function == "region" else
                                      "points give their own coordinates"))
    if construction == "deep" and function not in ("xor", "xnor"):
        raise node["construction"].error("deep builds parity (truth_table: xor); "
                                         "use one-hidden-layer for other functions")
    if construction == "deep" and inputs is not None and inputs < 2:
        raise node["construction"].error(
            f"deep builds parity from 2-input XOR blocks and needs at least 2 inputs, "
            f"got {inputs} (the parity of one input is x1 itself)")
    for key in ("inside", "outside"):
        if key in node and function != "region":
            raise node[key].error("names a region's classes, and here there is no region")
    inside = node["inside"].string().strip() if "inside" in node else "inside"
    outside = node["outside"].string().strip() if "outside" in node else "outside"
    points: tuple[Point, ...] = ()
    if "points" in node and function not in (None, "region"):
        raise node["points"].error(f"with {given[0]}: the rows are the function's own; give "
                                   "one or the other")
    if "positive" in node and function is not None:
        raise node["positive"].error("names one of the points' classes; here " + (
            "the region's classes are inside: and outside:" if function == "region" else
            "target 1 is true"))
    positive = negative = ""
    if "points" in node:
        points = read_points(node["points"])
        if function == "region":
            check_duplicates(points, node.file)
            for p in points:
                if p.label not in (inside, outside):
                    raise node["points"].error(f"a point of class '{p.label}': a region's "
                                               f"points are '{inside}' or '{outside}'")
    if function is None and not points:
        raise node.error("give a truth_table, a sop, a region or points")
    if function is None:
        inputs = len(points[0].x)
        negative, positive = two_classes(node, points)
    if "hidden" in node:
        raise node["hidden"].error("goes with ReLU hidden units; with step or sign "
                                   "units the design finds the fewest (or give "
                                   "construction:, or a model: to check)")
    model = None
    if "model" in node:
        if construction is not None:
            raise node["construction"].error("give a construction or a model: to check, not "
                                             "both")
        given = read_model(node["model"], inputs or 2)
        hidden = tuple(Unit(f"u{j + 1}", tuple(f"x{i + 1}" for i in range(inputs or 2)), w, b, 1)
                       for j, (w, b) in enumerate(zip(given.W1, given.b1)))
        model = ThresholdNet((*hidden, Unit("out", tuple(u.name for u in hidden), given.w2,
                                            given.b2, 2)), activation, at_zero,
                             "" if output == activation else output)
    return ThresholdSpec(common, activation, at_zero, encoding, inputs or 2, function, terms,
                         table, polygons, region_text, inside, outside, construction, points,
                         model, closed or (), positive, negative,
                         "" if output == activation else output)


def function_table(node: SpecNode, low: int, out_low: int) -> tuple[str, int, tuple, tuple]:
    """A `truth_table` (with `inputs`) or a `sop`: its name ("sop" for a sum of products),
    inputs, product terms and rows (inputs low/1 in binary counting order, target 1 or
    out_low)."""
    inputs = node["inputs"].integer(minimum=1, maximum=MAX_INPUTS) if "inputs" in node else None
    if "truth_table" in node:
        name = node["truth_table"].choice(TRUTH_TABLES)
        n = inputs or 2
        if name == "majority" and n % 2 == 0:
            raise node["inputs"].error(f"majority needs an odd number of inputs, got {n}")
        terms = tuple(tuple((i + 1, b == 0) for i, b in enumerate(bits))
                      for bits in itertools.product((0, 1), repeat=n) if _truth(name, bits))
    else:
        name = "sop"
        terms, n = _sop(node["sop"])
        if inputs is not None and inputs < n:
            raise node["inputs"].error(f"the sum of products uses x{n}, but inputs is {inputs}")
        n = inputs or n
    table = tuple((tuple(Fraction(low if b == 0 else 1) for b in bits),
                   1 if any(all(bits[i - 1] == (0 if neg else 1) for i, neg in t)
                            for t in terms) else out_low)
                  for bits in itertools.product((0, 1), repeat=n))
    return name, n, terms, table


def _truth(name: str, bits: tuple[int, ...]) -> bool:
    ones = sum(bits)
    return {"and": ones == len(bits), "or": ones > 0, "nand": ones < len(bits),
            "nor": ones == 0, "xor": ones % 2 == 1, "xnor": ones % 2 == 0,
            "majority": 2 * ones > len(bits)}[name]


def _sop(node: SpecNode) -> tuple[tuple[tuple[tuple[int, bool], ...], ...], int]:
    """"x1 x2' x3 + x1' x4" → terms of (index, negated); the largest index used."""
    text = node.string()
    terms = []
    for raw in text.split("+"):
        literals = []
        for lit in raw.replace("*", " ").replace("·", " ").split():
            neg = lit.endswith("'")
            name = lit.rstrip("'")
            if not (name.startswith("x") and name[1:].isdigit() and int(name[1:]) >= 1):
                raise node.error(f"'{lit}' is not a literal: write x1, x2' (NOT x2), …")
            if lit.count("'") > 1:
                raise node.error(f"'{lit}': one ' negates a variable")
            literals.append((int(name[1:]), neg))
        if not literals:
            raise node.error("an empty product term (two + in a row?)")
        if len({i for i, _ in literals}) != len(literals):
            raise node.error(f"'{raw.strip()}' uses a variable twice")
        terms.append(tuple(sorted(literals)))
    if len(terms) > MAX_TERMS:
        raise node.error(f"at most {MAX_TERMS} product terms")
    n = max(i for t in terms for i, _ in t)
    if n > MAX_INPUTS:
        raise node.error(f"at most {MAX_INPUTS} inputs (x1 … x{MAX_INPUTS})")
    return tuple(terms), n


def _region(node: SpecNode) -> tuple[tuple[tuple[HalfPlane, ...], ...], tuple[str, ...],
                                     tuple[tuple[bool, ...], ...] | None]:
    """A convex polygon, a list of half-plane inequalities, or a list of polygons; and for
    half-planes, which are written closed (≥, ≤)."""
    if not node.is_sequence or not node.seq():
        raise node.error("expected a region: a polygon's vertices, half-planes or polygons")
    items = node.seq()
    if all(i.is_scalar for i in items):
        read = [_inequality(i) for i in items]
        if len(read) > MAX_EDGES:
            raise node.error(f"at most {MAX_EDGES} half-planes")
        return (tuple(plane for plane, _ in read),), tuple(i.string().strip() for i in items), \
            (tuple(closed for _, closed in read),)
    if all(i.is_sequence and i.seq() and all(c.is_scalar for c in i.seq()) for i in items):
        return (_polygon(node),), (), None
    if all(i.is_sequence for i in items):
        return tuple(_polygon(i) for i in items), (), None
    raise node.error("expected a region: [[x, y], …] vertices, [\"x2 - 1 > 0\", …] "
                     "half-planes, or a list of polygons")


def _polygon(node: SpecNode) -> tuple[HalfPlane, ...]:
    grid = node.grid()
    for row in grid.rows:
        for v in row:  # .inf or a name would reach Fraction() as an internal error
            if not isinstance(v, (int, Fraction)):
                raise node.error(f"a vertex needs finite numbers, got {v}")
    vertices = [tuple(Fraction(v) for v in row) for row in grid.rows]
    if any(len(v) != 2 for v in vertices):
        raise node.error("a polygon's vertices are points (x1, x2) of the plane")
    if len(vertices) < 3:
        raise node.error("a polygon needs at least 3 vertices")
    if len(vertices) > MAX_EDGES:
        raise node.error(f"at most {MAX_EDGES} vertices")
    if len(set(vertices)) != len(vertices):
        raise node.error("a vertex is repeated")
    if not is_convex(vertices):
        raise node.error("the polygon is not convex (or its vertices are not in order): "
                         "split it into convex pieces and give them as a list of polygons")
    try:
        return tuple(polygon_half_planes(vertices))
    except ValueError as exc:
        raise node.error(str(exc)) from None


def _inequality(node: SpecNode) -> tuple[HalfPlane, bool]:
    """"-3*x1 - 2*x2 + 17 > 0" → (w, b) with w·x + b > 0 (also <, and x1 > 2 forms), and
    whether it is closed (≥ or ≤: the edge belongs to the half-plane)."""
    text = node.string().strip()
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise node.error(f"'{text}' is not an inequality like x2 - 1 > 0") from None
    if not (isinstance(tree, ast.Compare) and len(tree.ops) == 1
            and isinstance(tree.ops[0], (ast.Gt, ast.Lt, ast.GtE, ast.LtE))):
        raise node.error(f"'{text}': expected one comparison, like x2 - 1 > 0")
    left = _linear(tree.left, node)
    right = _linear(tree.comparators[0], node)
    coef = {k: left.get(k, 0) - right.get(k, 0) for k in set(left) | set(right)}
    if isinstance(tree.ops[0], (ast.Lt, ast.LtE)):
        coef = {k: -v for k, v in coef.items()}
    w = (Fraction(coef.get("x1", 0)), Fraction(coef.get("x2", 0)))
    if w == (0, 0):
        raise node.error(f"'{text}' does not depend on x1 or x2")
    closed = isinstance(tree.ops[0], (ast.GtE, ast.LtE))
    return (w, Fraction(coef.get("", 0))), closed  # as written: the derivation repeats it


def _linear(e: ast.expr, node: SpecNode) -> dict[str, Fraction]:
    if isinstance(e, ast.Constant) and isinstance(e.value, (int, float)) \
            and not isinstance(e.value, bool):
        return {"": Fraction(str(e.value))}
    if isinstance(e, ast.Name) and e.id in ("x1", "x2"):
        return {e.id: Fraction(1)}
    if isinstance(e, ast.UnaryOp) and isinstance(e.op, (ast.USub, ast.UAdd)):
        inner = _linear(e.operand, node)
        return {k: -v for k, v in inner.items()} if isinstance(e.op, ast.USub) else inner
    if isinstance(e, ast.BinOp) and isinstance(e.op, (ast.Add, ast.Sub)):
        a, b = _linear(e.left, node), _linear(e.right, node)
        sign = 1 if isinstance(e.op, ast.Add) else -1
        return {k: a.get(k, 0) + sign * b.get(k, 0) for k in set(a) | set(b)}
    if isinstance(e, ast.BinOp) and isinstance(e.op, (ast.Mult, ast.Div)):
        a, b = _linear(e.left, node), _linear(e.right, node)
        if isinstance(e.op, ast.Div):
            if set(b) != {""} or b[""] == 0:
                raise node.error("divide only by a nonzero number")
            return {k: v / b[""] for k, v in a.items()}
        if set(a) == {""}:
            return {k: a[""] * v for k, v in b.items()}
        if set(b) == {""}:
            return {k: b[""] * v for k, v in a.items()}
        raise node.error("the inequality must be linear in x1 and x2")
    raise node.error("an inequality uses numbers, x1, x2, +, −, * and / only")
