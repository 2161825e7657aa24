"""Unknown sizes pinned by constraints: the equations written out, then every whole solution.

Each constraint equates an answer (an expression in the unknowns, from the same formulas as
the known case) with its value. Candidates are tried exhaustively: every whole number from the
option's minimum (0 for paddings, 1 otherwise) up to a bound — the largest number in the spec
and its constraints, at least 256, fewer when several unknowns share the search (at most
200,000 combinations in all). A candidate must also let the shapes flow (every requirement
the propagation recorded). A solution on the bound may continue past it, and is said so.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from examsolve.kinds.architecture.analysis import Analysis
from examsolve.kinds.architecture.layers import Layer, Unknown, option_minimum
from examsolve.kinds.architecture.spec import ArchSpec
from examsolve.kinds.architecture.symbolic import evaluate

MAX_COMBINATIONS = 200_000
WORK = 4_000_000  # candidates × layers: each candidate evaluates every layer's formulas once
MIN_BOUND = 256


@dataclass(frozen=True)
class Search:
    names: tuple[str, ...]
    ranges: tuple[tuple[int, int], ...]  # (lowest, highest) tried per name
    solutions: tuple[dict[str, int], ...]
    at_bound: bool  # a solution sits on a bound

    @property
    def unique(self) -> dict[str, int] | None:
        return self.solutions[0] if len(self.solutions) == 1 and not self.at_bound else None


def minimums(spec: ArchSpec) -> dict[str, int]:
    """The least value each unknown may take: 0 where every use allows 0 (padding)."""
    low: dict[str, int] = {}

    def visit(layers: tuple[Layer, ...]) -> None:
        for layer in layers:
            for key, v in layer.opts:
                for item in (v if isinstance(v, tuple) else (v,)):
                    if isinstance(item, Unknown):
                        m = option_minimum(layer.op, key)
                        low[item.name] = max(low.get(item.name, 0), 1 if m is None else m)
            visit(layer.body)
            visit(layer.shortcut)

    visit(spec.stack.layers)
    for v in spec.stack.input or ():
        if isinstance(v, Unknown):
            low[v.name] = max(low.get(v.name, 0), 1)
    return low


def _bound(spec: ArchSpec, n_names: int, n_layers: int) -> int:
    biggest = MIN_BOUND
    for c in spec.constraints:
        values = c.value if isinstance(c.value, tuple) else (c.value,)
        biggest = max(biggest, *values)
    for v in spec.stack.input or ():
        if isinstance(v, int):
            biggest = max(biggest, v)
    combinations = min(MAX_COMBINATIONS, max(1_000, WORK // max(n_layers, 1)))
    cap = int(combinations ** (1 / n_names))
    return min(biggest, cap)


def search(spec: ArchSpec, a: Analysis) -> Search:
    names = tuple(sorted(a.unknowns))
    low = minimums(spec)
    from examsolve.kinds.architecture.network import all_results

    high = _bound(spec, len(names), len(all_results(a.results)))
    ranges = tuple((low.get(n, 1), high) for n in names)
    checks = [(a.answers[c.key], c.value) for c in spec.constraints]
    solutions = []
    for combo in itertools.product(*(range(lo, hi + 1) for lo, hi in ranges)):
        env = dict(zip(names, combo))
        if all(_holds(answer, value, env) for answer, value in checks) and \
                all(req.test(env) for req in a.requirements):
            solutions.append(env)
    at_bound = any(env[n] == hi for env in solutions for n, (_, hi) in zip(names, ranges))
    return Search(names, ranges, tuple(solutions), at_bound)


def _holds(answer: object, value: object, env: dict[str, int]) -> bool:
    if isinstance(value, tuple):
        if not isinstance(answer, tuple) or len(answer) != len(value):
            return False
        return all(evaluate(x, env) == v for x, v in zip(answer, value))  # type: ignore[arg-type]
    if isinstance(answer, tuple):
        return False
    return evaluate(answer, env) == value  # type: ignore[arg-type]
