"""What `examsolve vary` changes in an architecture spec, and what must survive.

By default: the input's sizes, every layer's output size (`out`, `hidden`), kernel size
and stride, each as `size tied` — a power of two becomes half, itself or double, an odd
kernel stays odd, 1 and 2 stay, and every layer that had the same number gets the same new
one, so channels that must agree (a residual block's two branches) still agree. The rule
`divides evenly`: every sliding window whose output was exactly its input over its stride
(32 → 16 under a stride of 2) is so again — no floor drops a row the original kept. A stack
given as code cannot vary (its numbers are Python source), nor one whose sizes are solved
from a constraint (new sizes would leave no whole solution).
"""

from __future__ import annotations

from typing import Any

from examsolve.kinds.architecture.analysis import analyse
from examsolve.kinds.architecture.network import all_results


def fixed(spec: Any) -> str | None:
    if spec.code is not None:
        return ("an architecture given as code keeps its numbers in Python source; write it "
                "as `layers:` to vary it")
    if spec.unknowns or spec.constraints:
        return ("its unknowns are solved from a constraint, which new sizes would leave "
                "without a whole solution")
    return None


def plan(spec: Any) -> dict[str, str]:
    return {key: "size tied" for key in ("input", "out", "hidden", "kernel", "stride")}


def _even(spec: Any) -> list[bool]:
    """Per sliding-window layer (in order): whether each spatial size came out as its
    input over the stride exactly."""
    out = []
    for r in all_results(analyse(spec).results):
        if r.window is None:
            continue
        sizes = list(zip(r.in_shape[1:], r.out_shape[1:], (s for _, s, _ in r.window)))
        out.append(all(isinstance(n, int) and isinstance(m, int) and isinstance(s, int)
                       and n == m * s for n, m, s in sizes))
    return out


def divides_evenly(o: Any, _original: Any, c: Any, _candidate: Any) -> bool:
    """No window layer that divided its input exactly leaves a remainder now."""
    a, b = _even(o.spec), _even(c.spec)
    return len(a) == len(b) and all(y or not x for x, y in zip(a, b))


RULES = {"divides evenly": divides_evenly}
