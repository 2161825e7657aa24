"""Marking a student's perceptron answers: presentation by presentation, re-run from the
student's own weights (error carried forward), and the threshold's value at 0 taken the
other way (see examsolve/marking.py for the contract).

Computation order is the training's: at each presentation k the net input, the output, then
the weights and offset after it; an epoch's error count after its last presentation; the
final weights, the epochs and the points classified correctly last. Error carried forward
runs the rule again from the student's values: net@k from the student's w@(k−1), b@(k−1),
y@k from the student's net@k, w@k from the student's w@(k−1) and y@k (net@k for the delta
rule), and the count of correct points from the student's final weights.
"""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction
from operator import mul

import numpy as np

from examsolve.derivation import AnswerValue, Derivation, answer_value
from examsolve.marking import LastSolved, Quantity, Slip
from examsolve.derivation import Equation
from examsolve.mathmodel import Call, Expr, Rel, Sym, eq, num
from examsolve.kinds.perceptron.learning import output
from examsolve.kinds.perceptron.spec import PerceptronSpec

# A longer run is marked without re-running it (each re-run walks every presentation).
MAX_RERUN_PRESENTATIONS = 500
_AT = re.compile(r"^(?P<name>\w+)@(?P<k>\d+)$")
_FIELDS = ("net", "y", "w", "b", "theta")
_FINAL = ("w", "b", "theta", "epochs", "converged", "correct")

def _answers(spec: PerceptronSpec) -> dict[str, AnswerValue]:
    from examsolve.kinds.perceptron.solve import solve

    return solve(spec).answer_map()


_truth = LastSolved(_answers)  # the true answers, one solve per spec while marking


def _rank(spec: PerceptronSpec, key: str) -> tuple:
    match = _AT.match(key)
    if match is not None and match["name"] == "errors":
        return (0, int(match["k"]) * len(spec.points), len(_FIELDS))
    if match is not None and match["name"] in _FIELDS:
        return (0, int(match["k"]), _FIELDS.index(match["name"]))
    return (1, _FINAL.index(key) if key in _FINAL else len(_FINAL))


def _shape(value: AnswerValue) -> tuple[int, int]:
    if isinstance(value, tuple):
        return (1, len(value))
    return (0, 0) if value is None or isinstance(value, (str, bool)) else (1, 1)


def quantities(spec: PerceptronSpec) -> tuple[Quantity, ...]:
    truth = _truth(spec)
    keys = sorted(truth, key=lambda k: _rank(spec, k))
    return tuple(Quantity(k, truth[k], Sym(k.partition("@")[0]) if k in _FINAL else Sym(k),
                          _shape(truth[k])) for k in keys)


def recompute(spec: PerceptronSpec, mine: dict[str, np.ndarray]) -> dict[str, AnswerValue]:
    """Every presentation again from the student's values (the module docstring says how)."""
    truth = _truth(spec)
    n = len(spec.points)
    presentations = n * int(truth["epochs"])  # type: ignore[arg-type]
    if presentations > MAX_RERUN_PRESENTATIONS:
        return {}
    own = {k: tuple(_plain(Fraction(v)) for v in np.asarray(a, dtype=object).reshape(-1))
           for k, a in mine.items() if k != "converged"}
    off_name, low = spec.offset_name, spec.targets[0]
    sign = -1 if spec.threshold else 1
    w, off = tuple(map(_plain, spec.weights)), _plain(spec.offset)
    lr = _plain(spec.lr)
    xs = [tuple(map(_plain, p.x)) for p in spec.points]
    out: dict[str, object] = {}
    errors = 0
    for k in range(1, presentations + 1):
        point, x = spec.points[(k - 1) % n], xs[(k - 1) % n]
        net = sum(map(mul, w, x)) + sign * off
        shown = f"net@{k}" in truth  # the derivation's tables show this presentation
        if shown:
            out[f"net@{k}"] = net
            net = own.get(f"net@{k}", (net,))[0]
        y = output(net, low, spec.at_zero)
        if shown:
            out[f"y@{k}"] = y
            y = own.get(f"y@{k}", (y,))[0]
        errors += y != point.t
        coef = point.t if spec.rule == "hebb" else point.t - net \
            if spec.rule == "delta" else point.t - y
        step = lr * coef
        w = tuple(wi + step * xi for wi, xi in zip(w, x))
        off = off + sign * step if spec.learn_offset else off
        if shown:
            out[f"w@{k}"], out[f"{off_name}@{k}"] = w, off
            w = own.get(f"w@{k}", w)
            off = own.get(f"{off_name}@{k}", (off,))[0]
        if k % n == 0:
            out[f"errors@{k // n}"] = errors
            errors = 0
    out["w"], out[off_name] = w, off
    w, off = own.get("w", w), own.get(off_name, (off,))[0]
    out["correct"] = sum(output(sum(map(mul, w, x)) + sign * off, low, spec.at_zero) == p.t
                         for p, x in zip(spec.points, xs))
    return {k: answer_value(v) for k, v in out.items() if k in truth}


def _plain(q: Fraction) -> int | Fraction:
    """A whole number as an int: the rules' sums stay in fast integer arithmetic."""
    return q.numerator if q.denominator == 1 else q


def slips(spec: PerceptronSpec) -> tuple[Slip, ...]:
    """The activation's value at net = 0 taken the other way (sign(0) = −1 for 1): the whole
    run again with the other convention, when some net input is exactly 0."""
    truth = _truth(spec)
    if not any(k.startswith("net@") and v == 0 for k, v in truth.items()):
        return ()
    low, high = spec.targets
    other = low if spec.at_zero == high else high
    slipped = _answers(replace(spec, at_zero=other))
    changed = tuple((k, v) for k, v in slipped.items() if k in truth and
                    not np.array_equal(np.array(v, dtype=object),
                                       np.array(truth[k], dtype=object)))
    if not changed:
        return ()
    return (Slip(f"{spec.activation}(0) taken the other way",
                 ("the output at ", eq(Sym("net"), 0), " was taken as ", num(other),
                  "; this problem's convention is ", eq(Call(spec.activation, (num(0),)),
                                                         spec.at_zero)), changed),)


def locate(spec: PerceptronSpec, derivation: Derivation, key: str,
           ) -> tuple[int, str, Expr | None] | None:
    """A presentation's values point at its epoch's table, the final weights at their
    equations, `correct` at the check of every point."""
    match = _AT.match(key)
    if match is not None:
        k = int(match["k"])
        epoch = k if match["name"] == "errors" else (k - 1) // len(spec.points) + 1
        heading = f"Epoch {epoch}"
    else:
        heading = "Check of every point" if key == "correct" else "The final weights"
    for number, step in enumerate(derivation.steps, 1):
        if step.heading != heading:
            continue
        equations = [b.expr for b in step.blocks if isinstance(b, Equation) and
                     isinstance(b.expr, Rel)]
        if key == "w":
            equations = [e for e in equations if e.parts[0] == Sym("w")]
        elif key == spec.offset_name:
            equations = [e for e in equations if e.parts[0] != Sym("w")]
        else:
            equations = []
        return number, heading, equations[0] if equations else None
    return None
