"""What `examsolve vary` changes in an optimizer spec, and what must survive.

By default: the parameters' start values and the given data (whole numbers within −m..m,
m their largest magnitude and at least 3, tied: equal entries stay equal, zeros zero), a sequence's values (whole numbers of their magnitude),
and the learning rate (half to double the original's, nice numbers). The rule `no
divergence`: where the original's loss after the last step is below its loss at the start,
the candidate's is too; and `small denominators` keeps the printed numbers short.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from examsolve.vary.nice import rates_near


def plan(spec: Any) -> dict[str, object]:
    ints = [abs(int(v)) for _, m in spec.parameters + spec.given for row in m for v in row
            if isinstance(v, (int, Fraction)) and Fraction(v).denominator == 1]
    m = max([3] + ints)  # at least −3..3: a single start p = 1 has few neighbours
    out: dict[str, object] = {name: f"int {-m}..{m} tied"
                              for name, _ in spec.parameters + spec.given}
    if spec.data:
        out["data"] = "int"
    if spec.sequence:
        out["sequence"] = "int"
    lr = dict(spec.options).get("lr")
    if lr is not None:
        out["lr"] = rates_near(lr)
    return out


def _losses(solution: Any) -> list[float]:
    steps = sorted((int(k[2:]), v) for k, v in solution.answer_map().items()
                   if k.startswith("L@") and k[2:].isdigit())
    return [float(v) for _, v in steps]


def no_divergence(o: Any, original: Any, c: Any, candidate: Any) -> bool:
    """A loss that fell over the steps falls again (and none that grew appears)."""
    a, b = _losses(original), _losses(candidate)
    if len(a) < 2 or len(b) < 2:
        return True
    return (b[-1] < b[0]) == (a[-1] < a[0])


RULES = {"no divergence": no_divergence}
