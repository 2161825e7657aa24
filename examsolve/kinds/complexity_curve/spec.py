"""The complexity-curve kind: training vs generalisation error over model complexity, measured.

Instead of sketching the textbook U-curve, examsolve runs the experiment that produces it:
polynomial least-squares fits of rising degree to seeded 1-D regression data, repeated over
fresh training sets to estimate bias² and variance (see experiment.py for the
exact protocol), then writes the exam's answers anchored to the measured numbers.

Modules: target.py (the whitelisted function parser), experiment.py
(the numerics), narration.py, _bias and _prevention (the written solution),
plot.py (the charts as data, and their plotext terminal text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from examsolve.derivation import Derivation
from examsolve.spec.common import Common
from examsolve.kinds.complexity_curve.experiment import Design, Task, draw_data, run
from examsolve.kinds.complexity_curve.target import parse_function
from examsolve.spec.formula import ExpressionError
from examsolve.spec import SpecNode

TASK_KEYS = ("function", "noise", "train", "test", "seed", "domain")
MODEL_KEYS = ("family", "degrees")
FAMILIES = ("polynomial",)

DEFAULTS = {"noise": 0.3, "train": 20, "test": 1000, "seed": 0, "domain": (0.0, 1.0),
            "degrees": "0..12", "repeats": 200, "more_data_factor": 4}
MAX_DEGREE = 40
MAX_REPEATS = 10_000
MAX_POINTS = 100_000
# Work guards: the largest arrays are R × m test predictions and R × n × (d + 1) features.
MAX_PREDICTIONS = 20_000_000
MAX_FEATURES = 50_000_000

RANGE_RE = re.compile(r"^\s*(\d+)\s*\.\.\s*(\d+)\s*$")


@dataclass(frozen=True)
class ComplexityCurveSpec:
    common: Common
    design: Design


def load(node: SpecNode, common: Common) -> ComplexityCurveSpec:
    """Validate the spec (every bad value is a SpecError at its line) into a frozen design."""
    task = _load_task(node["task"])
    degrees = _parse_degrees(None)
    if "models" in node:
        models = node["models"]
        models.check_keys(MODEL_KEYS)
        if "family" in models:
            models["family"].choice(FAMILIES)  # only polynomial least squares, for now
        if "degrees" in models:
            degrees = _parse_degrees(models["degrees"])
    repeats = node["repeats"].integer(2, MAX_REPEATS) if "repeats" in node else DEFAULTS["repeats"]
    strengths = _load_strengths(node.get("regularisation"))
    more = _load_more_data(node.get("more_data"), task.train)
    design = Design(task, degrees, repeats, strengths, more)
    _check_budget(node, design)
    _check_finite(node["task"], design)
    return ComplexityCurveSpec(common, design)


def _load_task(node: SpecNode) -> Task:
    node.check_keys(TASK_KEYS, required=("function",))
    fn_node = node["function"]
    try:
        function = parse_function(fn_node.string())
    except ExpressionError as exc:
        raise fn_node.error(str(exc)) from None
    noise = DEFAULTS["noise"]
    if "noise" in node:
        noise = float(node["noise"].number())
        if not (0 <= noise < float("inf")):
            raise node["noise"].error(f"expected a noise standard deviation ≥ 0, got {noise}")
    train = node["train"].integer(2, MAX_POINTS) if "train" in node else DEFAULTS["train"]
    test = node["test"].integer(10, MAX_POINTS) if "test" in node else DEFAULTS["test"]
    seed = node["seed"].integer(0) if "seed" in node else DEFAULTS["seed"]
    domain = DEFAULTS["domain"]
    if "domain" in node:
        domain = _load_domain(node["domain"])
    return Task(function, noise, train, test, seed, domain)  # type: ignore[arg-type]


def _load_domain(node: SpecNode) -> tuple[float, float]:
    items = node.seq()
    if len(items) != 2:
        raise node.error(f"expected [a, b], the interval x is drawn from, got {len(items)} "
                         "values")
    a, b = (float(it.number()) for it in items)
    if not (np.isfinite(a) and np.isfinite(b) and a < b):
        raise node.error(f"expected a finite interval [a, b] with a < b, got [{a:g}, {b:g}]")
    return a, b


def _parse_degrees(node: SpecNode | None) -> tuple[int, ...]:
    """`a..b` (inclusive) or a list of whole numbers, increasing, from 0 to MAX_DEGREE."""
    if node is None:
        return tuple(range(0, 13))
    if node.is_sequence:
        items = node.seq()
        degrees = tuple(it.integer(0, MAX_DEGREE) for it in items)
        for i in range(1, len(degrees)):
            if degrees[i] <= degrees[i - 1]:
                raise items[i].error(f"degrees must increase: {degrees[i]} follows "
                                     f"{degrees[i - 1]}")
    else:
        match = RANGE_RE.match(node.string()) if node.is_scalar and not node.is_null else None
        if not match:
            raise node.error("expected a range like 0..12 or a list of degrees, got "
                             + (f"'{node.node.value}'" if node.is_scalar else node.type_name))
        low, high = int(match.group(1)), int(match.group(2))
        if high > MAX_DEGREE:
            raise node.error(f"degrees go up to {MAX_DEGREE}, got {high}")
        if high <= low:
            raise node.error(f"the range {low}..{high} is empty or one degree; a curve needs "
                             "at least two")
        degrees = tuple(range(low, high + 1))
    if len(degrees) < 2:
        raise node.error("a complexity curve needs at least two degrees")
    return degrees


def _load_strengths(node: SpecNode | None) -> tuple[float, ...]:
    """Ridge strengths λ > 0 (a 0 entry is the plain least-squares curve, always shown)."""
    if node is None:
        return ()
    items = node.seq() if node.is_sequence else [node]
    strengths: list[float] = []
    for item in items:
        lam = float(item.number())
        if not (0 <= lam < float("inf")):
            raise item.error(f"expected a ridge strength λ ≥ 0, got {lam:g}")
        if lam in strengths:
            raise item.error(f"λ = {lam:g} is listed twice")
        if lam > 0:
            strengths.append(lam)
    if len(strengths) > 5:
        raise node.error("at most five ridge strengths (one curve each)")
    return tuple(sorted(strengths))


def _load_more_data(node: SpecNode | None, train: int) -> int | None:
    """A second, larger training size (default 4 × train); `false` leaves it out."""
    if node is None:
        return DEFAULTS["more_data_factor"] * train
    if node.node.tag == "tag:yaml.org,2002:bool":
        if node.boolean():
            return DEFAULTS["more_data_factor"] * train
        return None
    size = node.integer(2, MAX_POINTS)
    if size <= train:
        raise node.error(f"expected more training points than task.train = {train}, got {size}")
    return size


def _check_budget(node: SpecNode, design: Design) -> None:
    task = design.task
    predictions = design.repeats * task.test
    if predictions > MAX_PREDICTIONS:
        raise node["repeats"].error(
            f"repeats × test points = {predictions:,} is more than {MAX_PREDICTIONS:,}; "
            "lower repeats or task.test") if "repeats" in node else node.error(
            f"repeats × test points = {predictions:,} is more than {MAX_PREDICTIONS:,}")
    largest = max(task.train, design.more_train or 0)
    features = design.repeats * largest * (max(design.degrees) + 1)
    if features > MAX_FEATURES:
        raise node.error(f"repeats × training points × (max degree + 1) = {features:,} is more "
                         f"than {MAX_FEATURES:,}; lower repeats, the training size or the "
                         "degrees")


def _check_finite(task_node: SpecNode, design: Design) -> None:
    """f must be finite at every point the experiment draws (log(x) at x = 0, 1/(x − a), …)."""
    data = draw_data(design)
    samples = [(data.x_test, data.f_test), (data.train[0], data.train[1])]
    if data.more is not None:
        samples.append(data.more)
    for x, values in samples:
        with np.errstate(over="ignore", invalid="ignore"):
            bad = ~np.isfinite(values) | ~np.isfinite(np.square(values))
        if np.any(bad):
            x_bad = float(np.ravel(x)[np.argmax(np.ravel(bad))])
            fn = design.task.function.text
            raise task_node["function"].error(
                f"f(x) = {fn} is not finite (or too large to square) at x = {x_bad:.6g}, "
                "a point the experiment draws; choose a function or a domain where it is "
                "defined")
