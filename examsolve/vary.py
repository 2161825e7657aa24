"""Randomised variants of one spec: new numbers, the same problem, checked to be as nice.

`vary:` in a spec says what changes: `{x: "int -3..3", W: "int -2..2"}` — each named key
(found anywhere in the spec's data, `parameters.W` or a top-level `x`) has its whole
numbers replaced by random whole numbers in the range. Without `vary:` the kind's default
applies (`VARY` in the kind's cheap `__init__`: the keys holding its data), each integer
drawn from −m..m, m the largest magnitude the original has there (at least 1). Only whole
numbers change: names, `?`, fractions and words stay.

A candidate is kept only if every niceness rule holds (RULES, each a function of the
original's solution and the candidate's); the rest are counted by the rule that rejected
them. The same seed gives the same variants, byte for byte (one `random.Random(seed)`).
"""

from __future__ import annotations

import dataclasses
import math
import random
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import yaml

from examsolve.derivation import Derivation
from examsolve.errors import ExamsolveError, SpecError
from examsolve.spec import SpecNode

# How far one run may go: candidates tried per variant asked for, and variants at most.
TRIES_PER_VARIANT = 50
MAX_VARIANTS = 1000
MAX_RANGE = 10**6
_RANGE = re.compile(r"^\s*int\s+(-?\d+)\s*\.\.\s*(-?\d+)\s*$")
_INT_TOKEN = re.compile(r"(?<![\w./?])-?\d+(?![\w./-])")
_INT_TAG = "tag:yaml.org,2002:int"
_UNKNOWN = "{? !!null '' : !!null ''}"  # how yaml writes a flow `?`; read back as unknown


class VaryError(ExamsolveError):
    """Fewer variants than asked within the budget (exit 1), with the rules to blame."""


@dataclass
class Tally:
    kept: int = 0
    tried: int = 0
    rejected: dict[str, int] = field(default_factory=dict)

    def reject(self, rule: str) -> None:
        self.rejected[rule] = self.rejected.get(rule, 0) + 1


# ---- niceness rules --------------------------------------------------------------------

def _scalars(value: object) -> list[object]:
    if isinstance(value, tuple):
        return [x for v in value for x in _scalars(v)]
    return [value]


def _shape_of(value: object) -> object:
    """What must not change: undetermined, a word (which one), a non-finite float."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return "number"


def same_structure(original: Derivation, candidate: Derivation) -> bool:
    """The same answers, undetermined where the original's are, the same words (a tie stays
    a tie, no tie appears), infinite where the original overflowed, and nowhere else."""
    a, b = original.answer_map(), candidate.answer_map()
    return list(a) == list(b) and all(
        [_shape_of(x) for x in _scalars(a[k])] == [_shape_of(y) for y in _scalars(b[k])]
        for k in a)


def small_denominators(original: Derivation, candidate: Derivation) -> bool:
    """Exact answers no worse than the original's: no denominator above the original's
    largest (at least 4: halves and quarters are fine), no fraction where it had floats."""
    def largest(d: Derivation) -> int:
        return max((x.denominator for v in d.answer_map().values() for x in _scalars(v)
                    if isinstance(x, Fraction)), default=1)
    return largest(candidate) <= max(largest(original), 4)


def same_steps(original: Derivation, candidate: Derivation) -> bool:
    """The same steps: no ReLU input lands on exactly 0 (a step of its own) unless the
    original's did, and every step the original needed is needed again."""
    return [s.heading for s in original.steps] == [s.heading for s in candidate.steps]


RULES: dict[str, Callable[[Derivation, Derivation], bool]] = {
    "same structure": same_structure,
    "small denominators": small_denominators,
    "same steps": same_steps,
}


# ---- what varies -----------------------------------------------------------------------

def ranges(root: yaml.Node, node: SpecNode, default_keys: tuple[str, ...]
           ) -> dict[str, tuple[int, int] | None]:
    """Key → (low, high), or None for the default range (the original's magnitude)."""
    if "vary" not in node:
        if not default_keys:
            raise node.error("this kind has no default for `vary`; declare what changes, "
                             'e.g. vary: {x: "int -3..3"}')
        return {key: None for key in default_keys}
    vary = node["vary"]
    if not vary.is_mapping:
        raise vary.error('expected a mapping like {x: "int -3..3"}')
    out: dict[str, tuple[int, int] | None] = {}
    for key, child in vary.items():
        match = _RANGE.match(child.string()) if child.is_scalar else None
        if not match:
            raise child.error(f'expected a range like "int -3..3", got {child.node.value!r}')
        low, high = int(match.group(1)), int(match.group(2))
        if not -MAX_RANGE <= low < high <= MAX_RANGE:
            raise child.error(f"expected low < high within ±{MAX_RANGE}, got {low}..{high}")
        if not _find(root, key):
            raise child.error(f"'{key}' is not a key of this spec's data")
        out[key] = (low, high)
    return out


def _find(node: yaml.Node, key: str) -> list[yaml.Node]:
    """Every value node under a mapping key `key` (not inside expected/vary/marks/parts)."""
    found: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value in ("expected", "vary", "marks", "parts", "statement"):
                continue
            if k.value == key:
                found.append(v)
            else:
                found += _find(v, key)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            found += _find(v, key)
    return found


def _int_leaves(node: yaml.Node) -> list[tuple[yaml.ScalarNode, int | None]]:
    """(scalar, None) for a whole-number scalar; (block, n) for a block of rows holding n
    whole numbers (replaced token by token)."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _INT_TAG:
            return [(node, None)]
        if node.style in ("|", ">") or "\n" in node.value or " " in node.value.strip():
            n = len(_INT_TOKEN.findall(node.value))
            return [(node, n)] if n else []
        return []
    children = node.value if isinstance(node, yaml.SequenceNode) else \
        [v for _, v in node.value] if isinstance(node, yaml.MappingNode) else []
    return [leaf for child in children for leaf in _int_leaves(child)]


def _magnitude(leaves: list[tuple[yaml.ScalarNode, int | None]]) -> int:
    values = [abs(int(t)) for node, n in leaves
              for t in ([node.value] if n is None else _INT_TOKEN.findall(node.value))]
    return max(values + [1])


class Template:
    """The spec's node tree, composed once, with the leaves `plan` varies: each `draw` gives
    them new whole numbers and writes the spec out (comments, the expected answers and a
    statement that writes numbers dropped: they were about the old numbers)."""

    def __init__(self, text: str, plan: dict[str, tuple[int, int] | None]) -> None:
        self.root = yaml.compose(text)
        self.leaves: list[tuple[yaml.ScalarNode, int | None, int, int]] = []
        for key, bounds in plan.items():
            for target in _find(self.root, key):
                leaves = _int_leaves(target)
                low, high = bounds or (-_magnitude(leaves), _magnitude(leaves))
                self.leaves += [(node, n, low, high) for node, n in leaves]
        # A statement that writes numbers would still state the original's: left out.
        self.root.value = [(k, v) for k, v in self.root.value
                           if k.value not in ("expected", "vary") and not (
                               k.value == "statement" and _INT_TOKEN.search(v.value))]

    def text(self) -> str:
        return yaml.serialize(self.root, allow_unicode=True, width=100).replace(_UNKNOWN,
                                                                                '"?"')

    def draw(self, rng: random.Random) -> str:
        for node, n, low, high in self.leaves:
            if n is None:
                node.value = str(rng.randint(low, high))
            else:
                node.value = _INT_TOKEN.sub(lambda _m: str(rng.randint(low, high)), node.value)
        return self.text()


# ---- the run ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Variant:
    name: str  # its file name, `3-backprop-two-headed-07.yaml`
    text: str  # the spec, with `expected` filled from its own solution
    problem: object
    solution: Derivation


def _retitle(text: str, title: str) -> str:
    root = yaml.compose(text)
    for k, v in root.value:
        if k.value == "title":
            v.value, v.style = title, None
    return yaml.serialize(root, allow_unicode=True, width=100).replace(_UNKNOWN, '"?"')


def _expected_yaml(solution: Derivation) -> str:
    from examsolve.render.json_render import json_number

    answers = {a.key: json_number(a.value) for a in solution.answers}
    return yaml.safe_dump({"expected": answers}, allow_unicode=True, sort_keys=False,
                          width=100, default_flow_style=None)


def variants(path: str, text: str, n: int, seed: int,
             solve_quietly: Callable) -> tuple[list[Variant], Tally]:
    """Up to `n` variants of the spec `text` (from file `path`), each kept by every rule in
    RULES, distinct from each other and from the original; raises VaryError with the tally
    when fewer than `n` were found in n·TRIES_PER_VARIANT candidates."""
    from pathlib import Path

    from examsolve import kinds
    from examsolve.problem import load_string, solve
    from examsolve.spec import compose_text

    if not 1 <= n <= MAX_VARIANTS:
        raise SpecError(f"-n must be 1..{MAX_VARIANTS}, got {n}")
    node = compose_text(text, path)
    original_problem = load_string(text, path)
    original = solve_quietly(solve, original_problem)
    kind = original_problem.common.kind
    plan = ranges(yaml.compose(text), node, getattr(kinds.kind(kind), "VARY", ()))
    rng = random.Random(seed)
    template = Template(text, plan)
    seen = {template.text()}  # the original
    stem, tally, out = Path(path).stem, Tally(), []
    while len(out) < n and tally.tried < n * TRIES_PER_VARIANT:
        tally.tried += 1
        data = template.draw(rng)
        if data in seen:
            tally.reject("differs")
            continue
        seen.add(data)
        name = f"{stem}-{len(out) + 1:02d}.yaml"
        try:
            problem = load_string(data, name)
            solution = solve_quietly(solve, problem)
        except ExamsolveError:
            tally.reject("solves")
            continue
        broken = next((rule for rule, ok in RULES.items() if not ok(original, solution)), None)
        if broken:
            tally.reject(broken)
            continue
        title = f"{original_problem.common.title} (variant {len(out) + 1})"
        full = _retitle(data, title) + _expected_yaml(solution)
        # the same data, so the same solution: only the title (and expected) changed
        out.append(Variant(name, full, load_string(full, name),
                           dataclasses.replace(solution, title=title)))
    tally.kept = len(out)
    if len(out) < n:
        reasons = ", ".join(f"{rule}: {count}" for rule, count in tally.rejected.items())
        raise VaryError(f"{path}: found {len(out)} of {n} variants in {tally.tried} candidates; "
                        f"rejected by {reasons or 'nothing'}")
    return out, tally
