"""The classifier-design kind: design (or check) a two-layer ReLU/sigmoid net for labelled points.

    h = ReLU(W1 x + b1),   s = w2 · h + b2,   p = σ(s),   predict the positive class iff p > 0.5

With `output: step` (y = step(s), 1 or 0) or `output: sign` (y = sign(s), 1 or −1) the positive
class is y = 1, and s = 0 gives y = `at_zero` (default 1).

Design mode finds the fewest hidden units, then the smallest friendly weights, with every
point at |s| ≥ 1 (a grid search, `search.py`; a construction that always works
as the fallback, `construct.py`). Check mode (`model:` given) runs a proposed
network over the points and counts the correct ones. The derivation is written by
`derive.py`.

Spec keys (besides the shared ones):
    points:    one point per line: its coordinates, then its class (exactly two classes)
    positive:  the class predicted when p > 0.5 (default: the second class listed)
    hidden:    use exactly this many hidden units (default: the fewest found)
    model:     {W1, b1, w2, b2}: check this network instead of designing one
    output:    sigmoid (default), step or sign
    at_zero:   a step/sign output's value at s = 0 (step: 0 or 1, sign: −1 or 1; default 1)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from examsolve.errors import SpecError
from examsolve.numbers import NumberRangeError, format_number, parse_number
from examsolve.spec.common import Common
from examsolve.kinds.classifier_design.net import Model, Point
from examsolve.kinds.classifier_design.threshold_spec import (THRESHOLD_KEYS, ThresholdSpec,
                                                              function_table,
                                                              load_threshold, wants_threshold)
from examsolve.spec import SpecNode


MAX_HIDDEN = 64  # a bigger `hidden:` is surely a typo; the construction never needs it here
# Limits (docs/kinds/classifier-design.md): the search is exponential in the points and
# its memory grows with the dimension (5 points in 2,000 dimensions asked for 1.4 GiB).
# Measured worst cases: 48 random points in the plane about 4 s; in 3-D 16 points took 4 s
# and 32 took 10 s; 12 points in 6-D about 6 s.
MAX_POINTS = 48  # in one or two dimensions
MAX_POINTS_3D = 12  # in three dimensions or more
MAX_DIMENSION = 6
MAX_COORDINATE = 10 ** 6
# A proposed model's weights and biases: with coordinates and hidden units within their limits
# the score s stays far inside float range, so σ(s) can be computed (1e308 would overflow it).
MAX_WEIGHT = 10 ** 6


@dataclass(frozen=True)
class ClassifierSpec:
    common: Common
    points: tuple[Point, ...]
    negative: str  # the class predicted when p < 0.5
    positive: str  # the class predicted when p > 0.5
    hidden: int | None = None  # exactly this many hidden units, if asked
    model: Model | None = None  # check mode when given
    output: str = "sigmoid"  # sigmoid | step | sign: the output unit's activation
    at_zero: int = 1  # a step/sign output's value at s = 0 (1: the positive class)
    rows_of: str = ""  # the points are this truth table's rows ("XOR of 2 inputs"), if any

    def predicted(self, s: Fraction) -> str | None:
        """The class at output pre-activation s: the sign of s, and at s = 0 the sigmoid's
        boundary (no class) or a step/sign output's `at_zero` (1 is the positive class)."""
        if s > 0 or (s == 0 and self.output != "sigmoid" and self.at_zero == 1):
            return self.positive
        if s < 0 or self.output != "sigmoid":
            return self.negative
        return None

    @property
    def dimension(self) -> int:
        return len(self.points[0].x)


def load(node: SpecNode, common: Common) -> ClassifierSpec | ThresholdSpec:
    """Validate the spec: every bad input names its line (see the module docstring)."""
    if wants_threshold(node):
        return load_threshold(node, common, read_points, read_model, two_classes,
                              check_duplicates)
    if "activation" in node and node["activation"].choice(("relu", "step", "sign")) != "relu":
        raise node["activation"].error("expected relu, step or sign")
    output = node["output"].choice(("sigmoid", "step", "sign")) if "output" in node \
        else "sigmoid"
    function = "truth_table" in node or "sop" in node
    for key in THRESHOLD_KEYS:
        if key in node and key not in ("activation", "output") \
                and not (key == "at_zero" and output != "sigmoid") \
                and not (function and key in ("truth_table", "sop", "inputs", "encoding")):
            raise node[key].error(f"{key} goes with threshold units (activation: step or sign"
                                  + (", or output: step or sign)" if key == "at_zero" else ")"))
    at_zero = 1
    if "at_zero" in node:
        at_zero = node["at_zero"].integer()
        allowed = (0, 1) if output == "step" else (-1, 1)
        if at_zero not in allowed:
            raise node["at_zero"].error(f"a {output} output's value at s = 0 is "
                                        f"{' or '.join(map(str, allowed))}, got {at_zero}")
    points = function_points(node, output) if function else read_points(node["points"])
    negative, positive = two_classes(node, points)
    hidden = node["hidden"].integer(minimum=1, maximum=MAX_HIDDEN) if "hidden" in node else None
    model = read_model(node["model"], len(points[0].x)) if "model" in node else None
    if model is not None and hidden is not None and model.hidden != hidden:
        raise node["hidden"].error(f"hidden is {hidden} but the model has {model.hidden} "
                                   "hidden units (rows of W1)")
    return ClassifierSpec(common, points, negative, positive, hidden, model, output, at_zero,
                          _rows_of(node) if function else "")


def _rows_of(node: SpecNode) -> str:
    """What a ReLU spec's truth-table points are, for the derivation's first sentence."""
    if "sop" in node:
        return f"the sum of products {node['sop'].string().strip()}"
    n = node["inputs"].integer() if "inputs" in node else 2
    return f"{node['truth_table'].string().strip().upper()} of {n} inputs"


# ---- points --------------------------------------------------------------------------------

def function_points(node: SpecNode, output: str) -> tuple[Point, ...]:
    """A truth table's (or sum of products') rows as points for ReLU units: the inputs in
    their encoding (binary 0/1 by default), classes `1` and `0` (`-1` for a sign output)."""
    if "truth_table" in node and "sop" in node:
        raise node["sop"].error("give one of truth_table and sop, not truth_table and sop")
    for key in ("points", "positive"):
        if key in node:
            raise node[key].error("with a truth_table or sop the rows are the points, and "
                                  "target 1 is the class `1`")
    encoding = node["encoding"].choice(("binary", "bipolar")) if "encoding" in node \
        else "binary"
    low = "-1" if output == "sign" else "0"
    _, _, _, table = function_table(node, 0 if encoding == "binary" else -1, 0)
    where = node["truth_table" if "truth_table" in node else "sop"]
    return tuple(Point(x, "1" if t == 1 else low, where.line) for x, t in table)


def two_classes(node: SpecNode, points: tuple[Point, ...]) -> tuple[str, str]:
    """(negative, positive): exactly two classes, no point twice, and `positive:` (default
    the second class listed)."""
    classes: list[str] = []
    for point in points:
        if point.label not in classes:
            if len(classes) == 2:
                raise SpecError(f"a third class '{point.label}': the points already have "
                                f"'{classes[0]}' and '{classes[1]}', and exactly two classes "
                                "are needed", node.file, point.line, "points")
            classes.append(point.label)
    if len(classes) < 2:
        where = node["points"] if "points" in node else node
        raise where.error(f"every point is of class '{classes[0]}': exactly two classes are "
                          "needed")
    check_duplicates(points, node.file)
    positive = "1" if "1" in classes and "points" not in node else classes[1]
    if "positive" in node:
        positive = node["positive"].choice(classes)
    return (classes[0] if positive == classes[1] else classes[1]), positive


def read_points(node: SpecNode) -> tuple[Point, ...]:
    """Points as a block (one per line: coordinates, then the class) or as a list of rows."""
    rows: list[tuple[list[tuple[str, int, str]], str, int, str]] = []
    if node.is_scalar and not node.is_null and node.node.tag == "tag:yaml.org,2002:str":
        text: str = node.node.value
        # A literal block (|) starts on the line after its indicator.
        first = node.line + 1 if node.node.style in ("|", ">") else node.line
        lines = text.split("\n")
        if len([ln for ln in lines if ln.split("#")[0].strip()]) <= 1:
            numbered = [(part, node.line) for part in text.split("#")[0].split(";")]
        else:
            numbered = [(ln, first + i) for i, ln in enumerate(lines)]
        for content, line in numbered:
            tokens = [t for t in re.split(r"[\s,]+", content.split("#")[0].strip()) if t]
            if tokens:
                path = f"{node.path}[{len(rows) + 1}]"
                rows.append(([(t, line, f"{path}[{j + 1}]") for j, t in enumerate(tokens[:-1])],
                             tokens[-1], line, path))
    elif node.is_sequence:
        for item in node.seq():
            if item.is_sequence:
                cells = item.seq()
                if any(not c.is_scalar or c.is_null for c in cells):
                    bad = next(c for c in cells if not c.is_scalar or c.is_null)
                    raise bad.error(f"expected a coordinate or a class, got {bad.type_name}")
                tokens = [(str(c.node.value), c.line, c.path) for c in cells]
            else:
                text = item.string()
                tokens = [(t, item.line, f"{item.path}[{j + 1}]") for j, t in
                          enumerate(t for t in re.split(r"[\s,]+", text.strip()) if t)]
            if not tokens:
                raise item.error("empty point")
            rows.append((tokens[:-1], tokens[-1][0], item.line, item.path))
    else:
        raise node.error(f"expected the points, one per line (coordinates, then the class), "
                         f"got {node.type_name}")
    if not rows:
        raise node.error("no points given")
    dimension = len(rows[0][0])
    if dimension > MAX_DIMENSION:
        raise SpecError(f"a point in {dimension} dimensions; at most {MAX_DIMENSION}",
                        node.file, rows[0][2], rows[0][3])
    most = MAX_POINTS if dimension <= 2 else MAX_POINTS_3D
    if len(rows) > most:
        raise node.error(f"{len(rows)} points in {dimension}-D; at most {most} "
                         f"({MAX_POINTS} in one or two dimensions, {MAX_POINTS_3D} in more)")
    points = []
    for coords, label, line, path in rows:
        if not coords:
            raise SpecError(f"a point needs its coordinates, then its class; got only "
                            f"'{label}'", node.file, line, path)
        if len(coords) != len(rows[0][0]):
            raise SpecError(f"this point has {len(coords)} coordinate(s), the first has "
                            f"{len(rows[0][0])}: every point needs the same dimension, then "
                            "its class", node.file, line, path)
        points.append(Point(tuple(_coordinate(t, ln, p, node.file) for t, ln, p in coords),
                            label, line))
    return tuple(points)


def _coordinate(text: str, line: int, path: str, file: str) -> Fraction:
    try:
        value = parse_number(text)
    except NumberRangeError as exc:
        raise SpecError(str(exc), file, line, path) from None
    except (ValueError, ZeroDivisionError):
        raise SpecError(f"expected a number (a coordinate), got '{text}'", file, line,
                        path) from None
    if isinstance(value, float):
        raise SpecError(f"expected a finite number, got '{text}'", file, line, path)
    if abs(value) > MAX_COORDINATE:
        raise SpecError(f"coordinate {text}: at most {MAX_COORDINATE:,} in size", file, line,
                        path)
    return value


def check_duplicates(points: tuple[Point, ...], file: str) -> None:
    seen: dict[tuple[Fraction, ...], Point] = {}
    for point in points:
        first = seen.setdefault(point.x, point)
        if first.label != point.label:
            where = "(" + ", ".join(format_number(v) for v in point.x) + ")"
            raise SpecError(f"point {where} is on line {first.line} as '{first.label}' and "
                            f"on line {point.line} as '{point.label}': one point cannot be "
                            "in both classes", file, point.line, "points")


# ---- a proposed model ----------------------------------------------------------------------

def read_model(node: SpecNode, dimension: int) -> Model:
    """W1 (H×D), b1 (H), w2 (1×H), b2 (a number), all exact."""
    node.check_keys(("W1", "b1", "w2", "b2"), required=("W1", "b1", "w2", "b2"))
    w1_node = node["W1"]
    grid = w1_node.grid()
    rows = [tuple(_exact(v, w1_node) for v in r) for r in grid.rows]
    if grid.flat and dimension > 1 and len(rows) == dimension:
        raise w1_node.error(f"W1 is H×D: write it as a list of rows (one per hidden unit, "
                            f"{dimension} entries each)")
    if len(rows[0]) != dimension:
        raise w1_node.error(f"W1 is H×D: each row needs {dimension} entries (one per "
                            f"coordinate), got {len(rows[0])}")
    hidden = len(rows)
    b1 = _vector(node["b1"], hidden, "b1")
    w2 = _vector(node["w2"], hidden, "w2")
    b2 = _exact(node["b2"].number(), node["b2"])
    return Model(tuple(rows), b1, w2, b2)


def _vector(node: SpecNode, length: int, name: str) -> tuple[Fraction, ...]:
    grid = node.grid()
    if grid.shape[0] != 1 and grid.shape[1] != 1:
        raise node.error(f"{name} is a vector, got a {grid.shape[0]}×{grid.shape[1]} matrix")
    values = [_exact(v, node) for r in grid.rows for v in r]
    if len(values) != length:
        raise node.error(f"{name} needs {length} entr{'y' if length == 1 else 'ies'} (one per "
                         f"hidden unit, the rows of W1), got {len(values)}")
    return tuple(values)


def _exact(value: object, node: SpecNode) -> Fraction:
    if not isinstance(value, Fraction) or (isinstance(value, float) and not math.isfinite(value)):
        raise node.error(f"expected finite numbers, got {value}")
    if abs(value) > MAX_WEIGHT:
        raise node.error(f"a weight or bias of {format_number(value)}: at most "
                         f"{MAX_WEIGHT:,} in size")
    return value
