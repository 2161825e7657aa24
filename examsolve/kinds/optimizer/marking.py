"""Marking a student's optimizer answers: rows in the order the steps compute them, an EWMA
re-run from the student's own averages (error carried forward), and the "no bias
correction" slip made on purpose (see examsolve/marking.py for the contract).

Computation order: the start (p@0, L@0, ∂L/∂p@0), then each step t — the optimizer state
(m, v, m̂, v̂, the velocity or s) and the parameters p@t — then L@t and ∂L/∂p@t at the new
parameters. An EWMA's v@t and v̂@t come term by term.

Error carried forward: a model's run is re-run (float64, the kind's own gradient and update
rules) with each step starting from the student's p@(t−1), ∂L/∂p@(t−1) and state@(t−1) where
given, so "w@2 follows from your w@1"; within one step the update is taken whole (a wrong
m@t does not carry into m̂@t). An EWMA's v@t = βv@(t−1) + (1 − β)θ_t comes from the student's
v@(t−1) and v̂@t = v@t/(1 − βᵗ) from the student's v@t. Runs of more than
MAX_RERUN_EVALUATIONS passes are marked answer by answer.
"""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction

import numpy as np

from examsolve import mathmodel as m
from examsolve.derivation import AnswerValue, Derivation, Equation, answer_value
from examsolve.errors import UnsolvableError
from examsolve.marking import LastSolved, Quantity, Slip
from examsolve.kinds.optimizer import notation as n
from examsolve.kinds.optimizer.spec import OptimizerSpec
from examsolve.kinds.optimizer.updates import LETTER

_KEY = re.compile(r"^(?:(?P<state>\w+)\((?P<of>\w+)\)|d(?P<loss>\w+)/d(?P<wrt>\w+)|(?P<name>\w+))"
                  r"@(?P<t>\d+)$")
# Within a step: the state in the order the rules compute it, then the parameter, then the
# loss and its gradients at the new parameters.
STATE_ORDER = ("velocity", "s", "m", "v", "mhat", "vhat")
# Forward and backward passes in one re-run (steps × batch size) beyond which a model's
# steps are marked on their own: each answer of a long run would re-run it all.
MAX_RERUN_EVALUATIONS = 10


def _answers(spec: OptimizerSpec) -> dict[str, AnswerValue]:
    from examsolve.kinds.optimizer.solve import solve

    return solve(spec).answer_map()


_truth = LastSolved(_answers)  # the true answers, one solve per spec while marking


def _rank(spec: OptimizerSpec, key: str) -> tuple:
    match = _KEY.match(key)
    if match is None:
        return (10 ** 9, 0)
    t = int(match["t"])
    if spec.optimizer == "ewma":
        return (t, 0 if match["name"] == "v" else 1)
    if match["state"] is not None:
        return (t, 1 + STATE_ORDER.index(match["state"]) if match["state"] in STATE_ORDER
                else 1)
    if match["loss"] is not None:
        return (t, 9)
    if match["name"] == spec.loss:
        return (t, 8)
    return (t, 7)  # the parameter after step t


def _symbol(spec: OptimizerSpec, key: str) -> m.Expr:
    """How the derivation writes the quantity: w⁽¹⁾, m_w⁽¹⁾, g_w⁽¹⁾, L, v₂, v̂₂."""
    match = _KEY.match(key)
    if match is None:
        return m.Sym(key)
    t = int(match["t"])
    if spec.optimizer == "ewma":
        return m.Sym("v" if match["name"] == "v" else "v̂", str(t))
    label_of = (lambda p: p if len(spec.parameters) > 1 else None)  # noqa: E731
    if match["state"] is not None:
        return m.Sym(LETTER.get(match["state"], match["state"]), label_of(match["of"]),
                     f"({t})")
    if match["loss"] is not None:
        return m.Sym("g", label_of(match["wrt"]), f"({t + 1})")
    if match["name"] == spec.loss:
        return n.symbol(spec.loss)
    letter, sub = n.base(match["name"])
    return m.Sym(letter, sub, f"({t})")


def _shape(value: AnswerValue) -> tuple[int, int]:
    if isinstance(value, tuple):
        arr = np.array(value, dtype=object)
        return (arr.shape[0], arr.shape[1] if arr.ndim == 2 else 1)
    return (0, 0) if value is None or isinstance(value, (str, bool)) else (1, 1)


def quantities(spec: OptimizerSpec) -> tuple[Quantity, ...]:
    truth = _truth(spec)
    keys = sorted(truth, key=lambda k: _rank(spec, k))
    return tuple(Quantity(k, truth[k], _symbol(spec, k), _shape(truth[k])) for k in keys)


def recompute(spec: OptimizerSpec, mine: dict[str, np.ndarray]) -> dict[str, AnswerValue]:
    """Every quantity again from the student's earlier values (the module docstring says
    how); {} where the model is undefined on them or the run is too long to re-run."""
    if spec.optimizer == "ewma":
        return _ewma(spec, mine)
    if spec.steps * spec.batch_size > MAX_RERUN_EVALUATIONS:
        return {}
    from examsolve.autodiff import engine as eng

    try:
        return _steps(spec, mine)
    except (eng.DomainError, ArithmeticError, ValueError, OverflowError):
        return {}


def _ewma(spec: OptimizerSpec, mine: dict[str, np.ndarray]) -> dict[str, AnswerValue]:
    beta = spec.option("beta")
    own = {k: _number(v) for k, v in mine.items()}
    out: dict[str, AnswerValue] = {}
    v = Fraction(0)
    for t, theta in enumerate(spec.sequence, start=1):
        v = beta * v + (1 - beta) * theta  # type: ignore[operator,assignment]
        out[f"v@{t}"] = v
        v = own.get(f"v@{t}", v)  # type: ignore[assignment]
        out[f"vhat@{t}"] = v / (1 - beta ** t)  # type: ignore[operator]
    return {k: answer_value(x) for k, x in out.items() if k in _truth(spec)}


def _steps(spec: OptimizerSpec, mine: dict[str, np.ndarray]) -> dict[str, AnswerValue]:
    """The run again in float64, each step from the student's parameters, gradients and
    state where given (the kind's own gradient and update rules)."""
    from examsolve.kinds.optimizer.gradient import as_array, batch_gradient, batches, constants
    from examsolve.kinds.optimizer.updates import Rules

    own = {k: np.asarray(v, dtype=float) for k, v in mine.items()}
    options = {k: float(v) if isinstance(v, Fraction) else v for k, v in spec.options}
    given = constants(spec, False)
    params = {name: as_array(mx, False) for name, mx in spec.parameters}
    state: dict[str, dict[str, np.ndarray]] = {name: {} for name in params}
    out: dict[str, object] = {}
    loss = spec.loss

    def mine_or(key: str, value: np.ndarray) -> np.ndarray:
        return own[key].reshape(value.shape) if key in own else value

    steps = batches(spec)
    for t, samples in enumerate(steps, start=1):
        params = {name: mine_or(f"{name}@{t - 1}", p) for name, p in params.items()}
        bg = batch_gradient(spec, given, params, samples, False)
        out[f"{loss}@{t - 1}"] = bg.loss
        after: dict[str, np.ndarray] = {}
        for name, p in params.items():
            grad = bg.grads[name]
            out[f"d{loss}/d{name}@{t - 1}"] = grad
            grad = mine_or(f"d{loss}/d{name}@{t - 1}", grad)
            old = {k: mine_or(f"{k}({name})@{t - 1}", v) for k, v in state[name].items()}
            rules = Rules(spec.optimizer, options, t, name, loss, len(params) > 1,
                          dict(spec.options), write=False)
            after[name], state[name] = rules.run(p, grad, old)
            out[f"{name}@{t}"] = after[name]
            out.update({f"{k}({name})@{t}": v for k, v in state[name].items()})
        params = after
    if spec.batch is None or not spec.data:
        params = {name: mine_or(f"{name}@{len(steps)}", p) for name, p in params.items()}
        out[f"{loss}@{len(steps)}"] = batch_gradient(spec, given, params,
                                                     tuple(range(len(spec.data))), False).loss
    truth = _truth(spec)
    return {k: _as_answer(v) for k, v in out.items() if k in truth}


def _as_answer(value: object) -> AnswerValue:
    """A float array as the answers hold it: a number, or nested tuples (column vectors as
    one list, as answer_of writes them)."""
    from examsolve.autodiff.values import answer_of

    if isinstance(value, np.ndarray):
        return answer_value(answer_of(value))
    return answer_value(value)


def _number(arr: np.ndarray) -> Fraction | float:
    v = np.asarray(arr, dtype=object).reshape(-1)[0]
    return v if isinstance(v, (Fraction, float)) else Fraction(v)


def slips(spec: OptimizerSpec) -> tuple[Slip, ...]:
    """No bias correction (Adam, AdamW, an EWMA with it): the whole run again with
    `bias_correction: false`; a student who skipped it writes m (v) where m̂ (v̂) is asked."""
    options = dict(spec.options)
    if not options.get("bias_correction"):
        return ()
    truth = _truth(spec)
    plain = replace(spec, options=tuple((k, False if k == "bias_correction" else v)
                                        for k, v in spec.options))
    try:
        without = _answers(plain)
    except UnsolvableError:
        return ()
    values: dict[str, AnswerValue] = {}
    for key in truth:
        match = _KEY.match(key)
        if match is None:
            continue
        if spec.optimizer == "ewma" and match["name"] == "vhat":
            values[key] = without.get(f"v@{match['t']}")
        elif match["state"] in ("mhat", "vhat"):
            values[key] = without.get(f"{match['state'][0]}({match['of']})@{match['t']}")
        elif key in without:
            values[key] = without[key]
    changed = tuple((k, v) for k, v in values.items() if v is not None and
                    not np.array_equal(np.array(v, dtype=object),
                                       np.array(truth[k], dtype=object)))
    if not changed:
        return ()
    return (Slip("no bias correction", _no_correction(spec.optimizer), changed),)


def _no_correction(optimizer: str) -> tuple:
    """What was left out, as the derivation writes it: v̂ₜ = vₜ/(1 − βᵗ), or Adam's two."""
    def divisor(beta: m.Expr) -> m.Expr:
        return m.Add((m.num(1), m.Neg(m.Pow(beta, m.Sym("t")))))

    if optimizer == "ewma":
        return ("the bias correction was left out: ", m.eq(m.Sym("v̂", "t"), m.Sym("v", "t")),
                " was used, without the division by ", divisor(n.BETA))
    return ("the bias correction was left out: ", m.eq(m.Sym("m̂"), m.Sym("m")), " and ",
            m.eq(m.Sym("v̂"), m.Sym("v")), " were used, without the divisions by ",
            divisor(n.BETA1), " and ", divisor(n.BETA2))


def locate(spec: OptimizerSpec, derivation: Derivation, key: str,
           ) -> tuple[int, str, m.Expr | None] | None:
    """The step that computes the quantity (p@t and its state in "Step t", L@t and ∂L/∂p@t
    at the start of "Step t+1"; an EWMA's terms in "Each term"), at its equation."""
    match = _KEY.match(key)
    if match is None:
        return None
    t = int(match["t"])
    if spec.optimizer == "ewma":
        heading = "Each term"
    elif match["loss"] is not None or match["name"] == spec.loss:
        heading = f"Step {t + 1}"
    else:
        heading = f"Step {t}"
    symbol = _symbol(spec, key)
    for number, step in enumerate(derivation.steps, 1):
        if step.heading != heading:
            continue
        found = [b.expr for b in step.blocks if isinstance(b, Equation) and
                 isinstance(b.expr, m.Rel) and b.expr.parts[0] == symbol]
        return number, step.heading, (found[0] if found else None)
    return None
