"""Loading a perceptron spec: the training set, the start, the rule and how long to run it.

Everything is validated here, once; after `load` the solver trusts the spec. The set is
`points:` (one per line: the inputs, then the target) or `truth_table:` with `inputs:`, the
rows in binary counting order. `encoding: bipolar` maps a truth table's 0/1 to −1/1 (inputs
and targets); explicit points are used as written, and their targets decide the encoding
when it is not given. The targets fix the activation's range: step (0/1) or sign (−1/1).

Limits, so that nothing accepted runs for more than a few seconds: at most MAX_POINTS
points of at most MAX_DIMENSION inputs (MAX_NUMBERS numbers in all), MAX_PRESENTATIONS
presentations (points × epochs, or × max_epochs) and MAX_WORK presentations × (inputs + 1)
for the perceptron and Hebb rules; MAX_DELTA_PRESENTATIONS and MAX_DELTA_WORK for the delta
rule, whose exact fractions grow with every step (a run whose net input passes
max_delta_digits(inputs) digits, 1,500 for 2 inputs, 250 for 100, stops with an error naming
the run's length: a diverging run gets there fast); truth tables of at most MAX_TRUTH_INPUTS inputs; numbers whose common denominator
has at most MAX_DENOMINATOR_DIGITS digits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from examsolve.errors import SpecError
from examsolve.numbers import format_number
from examsolve.problem import Common
from examsolve.spec import SpecNode
from examsolve.kinds.perceptron.truth_tables import FUNCTIONS, truth_table

MAX_POINTS = 10_000
MAX_DIMENSION = 100
MAX_NUMBERS = 200_000  # points × (inputs + 1) in the spec
MAX_PRESENTATIONS = 200_000
MAX_WORK = 4_000_000  # presentations × (inputs + 1): about 2 s of the integer loop
MAX_DELTA_PRESENTATIONS = 2_000
MAX_DELTA_WORK = 10_000  # presentations × (inputs + 1) for the delta rule's Fractions
# A delta run stops when its net input's numerator and denominator pass this many digits:
# each step costs about (inputs + 1)·digits², so the cap is lower for more inputs.
DELTA_DIGITS_BUDGET = 6_500_000


def max_delta_digits(inputs: int) -> int:
    return min(1_500, math.isqrt(DELTA_DIGITS_BUDGET // (inputs + 1)))
MAX_TRUTH_INPUTS = 10
MAX_EPOCHS = 100_000
MAX_DENOMINATOR_DIGITS = 60
DEFAULT_MAX_EPOCHS = 100

RULES = ("perceptron", "hebb", "delta")
ACTIVATIONS = ("step", "sign")
ENCODINGS = ("binary", "bipolar")
TARGETS = {"binary": (0, 1), "bipolar": (-1, 1)}  # (negative class, positive class)
ACTIVATION_OF = {"binary": "step", "bipolar": "sign"}


@dataclass(frozen=True)
class Point:
    x: tuple[Fraction, ...]
    t: int
    line: int


@dataclass(frozen=True)
class PerceptronSpec:
    common: Common
    points: tuple[Point, ...]
    truth_table: str | None  # the function's name when the set is a truth table
    inputs: int  # the dimension
    encoding: str  # binary | bipolar: the targets are 0/1 or −1/1
    weights: tuple[Fraction, ...]  # the starting weights
    offset: Fraction  # the starting bias b, or the threshold θ
    threshold: bool  # True: θ (net = w·x − θ), False: b (net = w·x + b)
    learn_offset: bool  # whether b (or θ) is trained
    lr: Fraction
    epochs: int  # the epochs to run, or the most to run when until_converged
    until_converged: bool
    rule: str
    activation: str
    at_zero: int  # the activation's value at net = 0
    length_at: tuple[str, int, str] = ("", 0, "")  # file, line, path of the run's length

    @property
    def targets(self) -> tuple[int, int]:
        return TARGETS[self.encoding]

    @property
    def offset_name(self) -> str:
        return "theta" if self.threshold else "b"


def load(node: SpecNode, common: Common) -> PerceptronSpec:
    """Validate the spec (see the module docstring); every bad input names its line."""
    if ("points" in node) == ("truth_table" in node):
        raise node.error("give the training set as points (inputs, then the target, one "
                         "point per line) or as truth_table (and, or, nand, …)"
                         + (", not both" if "points" in node else ""))
    encoding = node["encoding"].choice(ENCODINGS) if "encoding" in node else None
    if "truth_table" in node:
        name = node["truth_table"].choice(FUNCTIONS)
        inputs = node["inputs"].integer(1, MAX_TRUTH_INPUTS) if "inputs" in node else 2
        if name == "majority" and inputs % 2 == 0:
            raise node["inputs"].error(f"majority needs an odd number of inputs, got {inputs}")
        encoding = encoding or "binary"
        low = TARGETS[encoding][0]
        line = node["truth_table"].line
        points = tuple(Point(tuple(Fraction(low if b == 0 else 1) for b in bits),
                             low if out == 0 else 1, line)
                       for bits, out in truth_table(name, inputs))
    else:
        if "inputs" in node:
            raise node["inputs"].error("inputs goes with truth_table (points give their own "
                                       "inputs)")
        name = None
        points, encoding = _read_points(node["points"], encoding)
        inputs = len(points[0].x)
    rule = node["rule"].choice(RULES) if "rule" in node else "perceptron"
    activation = ACTIVATION_OF[encoding]
    if "activation" in node:
        given = node["activation"].choice(ACTIVATIONS)
        if given != activation:
            lo, hi = TARGETS[encoding]
            raise node["activation"].error(
                f"{given} outputs {'0 or 1' if given == 'step' else '-1 or 1'}, but the "
                f"targets are {lo} and {hi} ({encoding}): use activation: {activation}")
    at_zero = 1
    if "at_zero" in node:
        at_zero = node["at_zero"].integer(-1, 1)
        if activation == "step" and at_zero == -1:
            raise node["at_zero"].error("step(0) is 1 or 0 (step outputs 0 or 1), got -1")
    weights = _read_weights(node, inputs)
    threshold = "threshold" in node
    if threshold and "bias" in node:
        raise node["threshold"].error("give bias (net = w·x + b) or threshold (fires when "
                                      "w·x ≥ θ), not both: θ is −b")
    offset = _exact(node["threshold" if threshold else "bias"]) \
        if threshold or "bias" in node else Fraction(0)
    learn_offset = True
    for key, needs in (("learn_threshold", True), ("learn_bias", False)):
        if key in node:
            if threshold != needs:
                raise node[key].error(f"{key} goes with {'threshold' if needs else 'bias'}")
            learn_offset = node[key].boolean()
    lr = _exact(node["lr"]) if "lr" in node else Fraction(1)
    if lr <= 0:
        raise node["lr"].error(f"the learning rate must be > 0, got {format_number(lr)}")
    epochs, until = _read_epochs(node, rule)
    key = next(k for k in ("epochs", "max_epochs", "until", "points", "truth_table")
               if k in node)
    spec = PerceptronSpec(common, points, name, inputs, encoding, weights, offset, threshold,
                          learn_offset, lr, epochs, until, rule, activation, at_zero,
                          (node.file, node[key].line, node[key].path))
    _check_size(node, node[key], spec)
    return spec


# ---- the training set ------------------------------------------------------------------------

def _read_points(node: SpecNode, encoding: str | None) -> tuple[tuple[Point, ...], str]:
    """Rows of numbers (block string or nested lists): the inputs, then the target."""
    if node.entry_count() > MAX_NUMBERS:
        raise node.error(f"too many numbers: at most {MAX_NUMBERS} (points × (inputs + 1)) "
                         "are accepted")
    grid = node.grid()
    rows = grid.rows
    if grid.flat or grid.scalar:
        raise node.error("expected one point per line (or a list of rows): its inputs, then "
                         "its target")
    if len(rows) > MAX_POINTS:
        raise node.error(f"{len(rows)} points: at most {MAX_POINTS} are accepted")
    if len(rows[0]) < 2:
        raise node.error("a point needs at least one input, then its target")
    if len(rows[0]) - 1 > MAX_DIMENSION:
        raise node.error(f"{len(rows[0]) - 1} inputs: at most {MAX_DIMENSION} are accepted")
    lines = _row_lines(node, len(rows))
    for row, line, in zip(rows, lines):
        for j, value in enumerate(row):
            if isinstance(value, float):
                raise SpecError(f"expected a finite number, got {value}", node.file, line,
                                f"{node.path}[{rows.index(row) + 1}][{j + 1}]")
    targets = {r[-1] for r in rows}
    if encoding is None:
        encoding = "bipolar" if -1 in targets else "binary"
    allowed = TARGETS[encoding]
    for i, (row, line) in enumerate(zip(rows, lines)):
        if row[-1] not in allowed:
            raise SpecError(
                f"the target (last entry) is {format_number(row[-1])}; {encoding} targets are "
                f"{allowed[0]} or {allowed[1]}", node.file, line, f"{node.path}[{i + 1}]"
                f"[{len(row)}]")
    points = tuple(Point(tuple(row[:-1]), int(row[-1]), line)  # type: ignore[arg-type]
                   for row, line in zip(rows, lines))
    return points, encoding


def _row_lines(node: SpecNode, count: int) -> list[int]:
    """The line each row of a matrix is written on (as the grid reader counts them)."""
    if node.is_sequence:
        return [item.line for item in node.seq()]
    text: str = node.node.value
    first = node.line + 1 if node.node.style in ("|", ">") else node.line
    lines = text.split("\n")
    if len([ln for ln in lines if ln.split("#")[0].strip()]) <= 1:
        return [node.line] * count
    return [first + i for i, ln in enumerate(lines) if ln.split("#")[0].strip()]


def _read_weights(node: SpecNode, inputs: int) -> tuple[Fraction, ...]:
    if "weights" not in node:
        return (Fraction(0),) * inputs
    w_node = node["weights"]
    grid = w_node.grid()
    if grid.shape[0] != 1 and grid.shape[1] != 1:
        raise w_node.error(f"weights is a vector, got a {grid.shape[0]}×{grid.shape[1]} matrix")
    values = [v for r in grid.rows for v in r]
    if len(values) != inputs:
        raise w_node.error(f"weights needs {inputs} entr{'y' if inputs == 1 else 'ies'} (one "
                           f"per input), got {len(values)}")
    if any(isinstance(v, float) for v in values):
        raise w_node.error("expected finite numbers")
    return tuple(values)  # type: ignore[arg-type]


def _exact(node: SpecNode) -> Fraction:
    value = node.number()
    if isinstance(value, float):
        raise node.error(f"expected a finite number, got {node.node.value}")
    return value


def _read_epochs(node: SpecNode, rule: str) -> tuple[int, bool]:
    if "until" in node:
        if "epochs" in node:
            raise node["epochs"].error("give epochs (run exactly that many) or until: "
                                       "converged (with max_epochs), not both")
        node["until"].choice(("converged",))
        if rule != "perceptron":
            why = ("it updates on every presentation" if rule == "hebb" else
                   "it updates whenever t ≠ net, so no epoch is free of updates")
            name = "Hebb's rule" if rule == "hebb" else "the delta rule"
            raise node["until"].error(f"converged is the perceptron rule's stopping "
                                      f"test; {name} has none ({why}): give epochs")
        most = node["max_epochs"].integer(1, MAX_EPOCHS) if "max_epochs" in node \
            else DEFAULT_MAX_EPOCHS
        return most, True
    if "max_epochs" in node:
        if "epochs" in node:
            raise node["max_epochs"].error("give epochs (run exactly that many) or "
                                           "max_epochs (run until converged, at most that "
                                           "many), not both")
        if rule != "perceptron":
            raise node["max_epochs"].error("max_epochs bounds the perceptron rule's run "
                                           "until converged; this rule has no such test: "
                                           "give epochs")
        return node["max_epochs"].integer(1, MAX_EPOCHS), True  # as until: converged
    if "epochs" in node:
        return node["epochs"].integer(1, MAX_EPOCHS), False
    if rule == "perceptron":  # a perceptron exercise runs to convergence unless told otherwise
        return DEFAULT_MAX_EPOCHS, True
    return 1, False


def _check_size(node: SpecNode, where: SpecNode, spec: PerceptronSpec) -> None:
    """The run's size against the limits (see the module docstring); `where` is the key that
    sets its length."""
    presentations = len(spec.points) * spec.epochs
    work = presentations * (spec.inputs + 1)
    delta = spec.rule == "delta"
    most, most_work = (MAX_DELTA_PRESENTATIONS, MAX_DELTA_WORK) if delta else \
        (MAX_PRESENTATIONS, MAX_WORK)
    reason = " (its exact fractions grow with every step)" if delta else ""
    rule = {"perceptron": "the perceptron rule", "hebb": "Hebb's rule",
            "delta": "the delta rule"}[spec.rule]
    size = f"{len(spec.points)} points × {spec.epochs} epochs = {presentations} presentations"
    if presentations > most:
        raise where.error(f"{size}: {rule} is run for at most {most}{reason}")
    if work > most_work:
        raise where.error(f"{size} of {spec.inputs} inputs: {rule} is run for at most "
                          f"{most_work} presentations × (inputs + 1){reason}")
    limit_bits = int(MAX_DENOMINATOR_DIGITS / math.log10(2))
    groups = (("lr", [spec.lr]), ("weights", list(spec.weights)),
              ("threshold" if spec.threshold else "bias", [spec.offset]),
              ("points", [q for p in spec.points for q in p.x]))
    common = 1
    for key, values in groups:
        common = math.lcm(common, *(q.denominator for q in values))
        if common.bit_length() > limit_bits:
            at = node[key] if key in node else where
            raise at.error(f"the numbers' common denominator has about "
                           f"{round(common.bit_length() * math.log10(2))} digits: at most "
                           f"{MAX_DENOMINATOR_DIGITS} are accepted (write fewer distinct "
                           "fractions)")
