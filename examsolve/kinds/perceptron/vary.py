"""What `examsolve vary` changes in a perceptron spec, and what must survive the change.

By default: the points (each input and target one of the encoding's two values — 0/1 or
−1/1 — so the rows stay a binary or bipolar table; a named truth table becomes another of
its class: AND, OR, NAND, NOR, which one unit separates, or XOR, XNOR, which it cannot), the
initial weights and bias or threshold (written out when the spec left them at 0, then
whole numbers of their magnitude, at least −1..1), and the learning rate (half to double
the original's, nice numbers). The rule `same convergence`: the candidate converges if and
only if the original did, in as many epochs, and classifies as many rows correctly.
"""

from __future__ import annotations

from typing import Any

from examsolve.vary.nice import rates_near, same_answers

SEPARABLE = ("and", "or", "nand", "nor")
NOT_SEPARABLE = ("xor", "xnor")


def plan(spec: Any) -> dict[str, object]:
    out: dict[str, object] = {}
    if spec.truth_table in SEPARABLE:
        out["truth_table"] = list(SEPARABLE)
    elif spec.truth_table in NOT_SEPARABLE:
        out["truth_table"] = list(NOT_SEPARABLE)
    else:
        out["points"] = [-1, 1] if spec.encoding == "bipolar" else [0, 1]
    out["weights"] = "int"
    out["threshold" if spec.threshold else "bias"] = "int"
    out["lr"] = rates_near(spec.lr)
    return out


def explicit(spec: Any) -> dict[str, object]:
    """The start the spec leaves implicit, written out so that it can vary."""
    def number(v: Any) -> object:
        return int(v) if v.denominator == 1 else str(v)
    return {"weights": [number(w) for w in spec.weights],
            ("threshold" if spec.threshold else "bias"): number(spec.offset)}


RULES = {"same convergence": same_answers(("converged", "epochs", "correct"))}
