"""Running the optimizer: every step's batch, loss, gradient, update equations and state.

Exact while every number stays rational and small: a float (an irrational root, a division
by √s + ε) or a denominator past DIGITS digits switches the rest of the run to float64, and
the step where that happened is recorded so the derivation can say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from examsolve.autodiff import engine as eng
from examsolve.kinds.optimizer.gradient import as_array, batch_gradient, batches, constants
from examsolve.kinds.optimizer.spec import OptimizerSpec
from examsolve.kinds.optimizer.updates import STATE, Line, Rules

DETAILED = 3  # steps written in full at the start of a long run (and the last one)
DIGITS = 30  # a denominator longer than this is noise to a reader: go on in float64
EXACT_WORK = 200_000
# Above this many tensor entries over all steps' answers, only the start and the end are
# kept (100 steps of a 784×256 weight with Adam's state would hold 1 GB).
ANSWER_ENTRIES = 100_000  # entries × passes above which exact Fractions would be too slow


@dataclass
class Step:
    t: int
    samples: tuple[int, ...]
    loss: object
    grads: dict[str, np.ndarray]  # the loss's own gradient at p_{t−1}
    before: dict[str, np.ndarray]
    after: dict[str, np.ndarray]
    state: dict[str, dict[str, np.ndarray]]  # after the step
    lines: dict[str, list[Line]]
    values: dict[str, np.ndarray]  # the model's line values (a one-sample or no-data batch)
    losses: tuple[object, ...] = ()  # each sample's loss in the batch


@dataclass
class Run:
    steps: list[Step] = field(default_factory=list)
    start: dict[str, np.ndarray] = field(default_factory=dict)
    final_loss: object = None  # L at p_T (full batch or no data only)
    exact_from_start: bool = True
    float_from: int | None = None  # the first step computed in float64, after a switch
    float_reason: str = ""
    keep_all: bool = True  # every step keeps its arrays (else only the shown steps do)


def _prune(step: Step) -> None:
    """Drop a step's big arrays once neither the derivation nor the answers need them: the
    table keeps single numbers."""
    def small(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {k: v for k, v in arrays.items() if v.size == 1}

    step.grads, step.before, step.after = small(step.grads), small(step.before), \
        small(step.after)
    step.state = {k: small(v) for k, v in step.state.items()}


def _is_exact_input(spec: OptimizerSpec) -> bool:
    mats = [mx for _, mx in spec.given + spec.parameters] + \
        [mx for sample in spec.data for _, mx in sample]
    if any(isinstance(mx, np.ndarray) for mx in mats):
        return False
    if any(isinstance(v, float) for _, v in spec.options):
        return False
    entries = sum(len(mx) * len(mx[0]) for _, mx in spec.given + spec.parameters)
    return entries * spec.steps * spec.batch_size <= EXACT_WORK


def _floated(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=float) for k, v in arrays.items()}


def _float_options(options: dict[str, object]) -> dict[str, object]:
    return {k: float(v) if isinstance(v, Fraction) else v for k, v in options.items()}


def _inexact(arrays: list[np.ndarray]) -> str:
    """Why exact work must stop ('' when it need not): a float entry or a long denominator."""
    for arr in arrays:
        if arr.dtype != object:
            return "a float"
        for v in arr.flat:
            if isinstance(v, float):
                return "a float"
            if isinstance(v, Fraction) and len(str(v.denominator)) > DIGITS:
                return "long denominators"
    return ""


def run(spec: OptimizerSpec) -> Run:
    """Every step of the optimizer (eng.DomainError where the model is undefined)."""
    exact = _is_exact_input(spec)
    out = Run(exact_from_start=exact)
    options = dict(spec.options) if exact else _float_options(dict(spec.options))
    given = constants(spec, exact)
    params = {name: as_array(mx, exact) for name, mx in spec.parameters}
    out.start = dict(params)
    state: dict[str, dict[str, np.ndarray]] = {name: {} for name in params}
    entries = sum(v.size for v in params.values())
    out.keep_all = entries * (2 + len(STATE[spec.optimizer])) * spec.steps <= ANSWER_ENTRIES
    for t, samples in enumerate(batches(spec), start=1):
        if not out.keep_all and len(out.steps) >= 2 and DETAILED < out.steps[-2].t:
            _prune(out.steps[-2])
        bg = batch_gradient(spec, given, params, samples, exact)
        after, lines, new_state = {}, {}, {}
        for name, p in params.items():
            rules = Rules(spec.optimizer, options, t, name, spec.loss, len(params) > 1,
                          dict(spec.options), write=t <= DETAILED or t == spec.steps)
            after[name], new_state[name] = rules.run(p, bg.grads[name], state[name])
            lines[name] = rules.lines
        values = {k: node.value for k, node in bg.evaluation.named.items()} \
            if len(samples) <= 1 else {}
        out.steps.append(Step(t, samples, bg.loss, bg.grads, params, after, new_state, lines,
                              values, bg.losses))
        params, state = after, new_state
        if exact:
            reason = _inexact(list(params.values()) +
                              [v for st in state.values() for v in st.values()])
            if reason:
                exact = False
                out.float_from, out.float_reason = t + 1, reason
                options = _float_options(options)
                given = _floated(given)
                params = _floated(params)
                state = {k: _floated(v) for k, v in state.items()}
    if spec.batch is None or not spec.data:
        all_samples = tuple(range(len(spec.data)))
        out.final_loss = batch_gradient(spec, given, params, all_samples, exact).loss
    return out


__all__ = ["Run", "Step", "run", "eng"]
