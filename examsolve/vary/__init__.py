"""Randomised variants of one spec: new numbers, the same problem, checked to be as nice.

`vary:` in a spec says what changes, per key: `{x: "int -3..3", W: "int tied", lr: [0.1,
0.01]}` (the modes are in `examsolve.vary.template`); a key is found anywhere in the spec's
data (`parameters.W` or a top-level `x`). Without `vary:` the kind's default applies: the
kind's `vary.py` hook `plan(spec)` (or a plain `VARY` tuple of keys in the kind's cheap
`__init__`, each varied as `int`).

A candidate is kept only if every niceness rule holds: the shared ones (`rules.RULES`, on
the two solutions) and the kind's (`RULES` in its `vary.py`, on the problems and their
solutions), the kind's cheap `PRECHECK` rules first, before the candidate is solved at all;
the rest are counted by the rule that rejected them. The same seed gives the same variants,
byte for byte (one `random.Random(seed)`).
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

import yaml

from examsolve.derivation import Derivation
from examsolve.errors import ExamsolveError, SpecError
from examsolve.spec import SpecNode
from examsolve.vary import rules
from examsolve.vary.nice import terminates
from examsolve.vary.rules import RULES, same_steps, same_structure, small_denominators
from examsolve.vary.template import _UNKNOWN, Mode, Template, find, parse_mode

__all__ = ["RULES", "same_steps", "same_structure", "small_denominators", "variants",
           "VaryError", "Variant", "Tally", "default_plan"]

# How far one run may go: candidates tried per variant asked for, and variants at most.
TRIES_PER_VARIANT = 50
MAX_VARIANTS = 1000


class VaryError(ExamsolveError):
    """Fewer variants than asked within the budget, or a spec that cannot vary (exit 1)."""


@dataclass
class Tally:
    kept: int = 0
    tried: int = 0
    rejected: dict[str, int] = field(default_factory=dict)

    def reject(self, rule: str) -> None:
        self.rejected[rule] = self.rejected.get(rule, 0) + 1


@dataclass(frozen=True)
class Variant:
    name: str  # its file name, `3-backprop-two-headed-07.yaml`
    text: str  # the spec, with `expected` filled from its own solution
    problem: object
    solution: Derivation


def default_plan(kind: str, spec: Any) -> dict[str, Mode]:
    """What varies in a spec without `vary:`: the kind's `plan(spec)`, or its VARY keys."""
    from examsolve import kinds

    hooks = kinds.variation(kind)
    if hooks is not None:
        return {key: _mode(written) for key, written in hooks.plan(spec).items()}
    return {key: Mode("int") for key in getattr(kinds.kind(kind), "VARY", ())}


def _mode(written: object) -> Mode:
    mode = parse_mode(written)
    if isinstance(mode, str):  # a kind's own plan: a bug, not bad input
        raise ValueError(mode)
    return mode


def declared_plan(root: yaml.Node, node: SpecNode) -> dict[str, Mode]:
    """The spec's own `vary:` (SpecError at the offending line)."""
    vary = node["vary"]
    if not vary.is_mapping:
        raise vary.error('expected a mapping like {x: "int -3..3"}')
    out: dict[str, Mode] = {}
    for key, child in vary.items():
        if child.is_scalar:
            written: object = child.node.value
        elif isinstance(child.node, yaml.SequenceNode) and all(
                isinstance(v, yaml.ScalarNode) for v in child.node.value):
            written = [v.value for v in child.node.value]
        else:
            written = None
        mode = parse_mode(written) if written is not None else \
            'expected a range like "int -3..3", "size" or a list of values'
        if isinstance(mode, str):
            raise child.error(mode)
        if not find(root, key):
            raise child.error(f"'{key}' is not a key of this spec's data")
        out[key] = mode
    return out


def _retitle(text: str, title: str) -> str:
    root = yaml.compose(text)
    for k, v in root.value:
        if k.value == "title":
            v.value, v.style = title, None
    return yaml.serialize(root, allow_unicode=True, width=100).replace(_UNKNOWN, '"?"')


def _exact(value: object) -> object:
    """An answer as `expected` writes it: a fraction whose decimal does not end as `1/6`
    (as a TA would write it, and exact), every other number as JSON writes it."""
    from examsolve.render.json_render import json_number

    if isinstance(value, (tuple, list)):
        return [_exact(v) for v in value]
    if isinstance(value, Fraction) and not terminates(value):
        return str(value)
    return json_number(value)


def _expected_yaml(solution: Derivation) -> str:
    # an undetermined entry (a fit with more coefficients than points) has nothing to check
    answers = {a.key: _exact(a.value) for a in solution.answers
               if None not in rules._scalars(a.value)}
    return yaml.safe_dump({"expected": answers}, allow_unicode=True, sort_keys=False,
                          width=100, default_flow_style=None)


def variants(path: str, text: str, n: int, seed: int,
             solve_quietly: Callable) -> tuple[list[Variant], Tally]:
    """Up to `n` variants of the spec `text` (from file `path`), each kept by every rule,
    distinct from each other and from the original; raises VaryError with the tally when
    fewer than `n` were found in n·TRIES_PER_VARIANT candidates, or when the spec has
    nothing to vary."""
    from examsolve import kinds
    from examsolve.problem import load_node, load_string, solve
    from examsolve.spec import compose_text

    if not 1 <= n <= MAX_VARIANTS:
        raise SpecError(f"-n must be 1..{MAX_VARIANTS}, got {n}")
    node = compose_text(text, path)
    original_problem = load_string(text, path)
    original = solve_quietly(solve, original_problem)
    kind = original_problem.common.kind
    hooks = kinds.variation(kind)
    fixed = hooks.fixed(original_problem.spec) if hooks and hasattr(hooks, "fixed") else None
    if fixed:
        raise VaryError(f"{path}: cannot vary: {fixed}")
    if "vary" in node:
        plan = declared_plan(yaml.compose(text), node)
    else:
        plan = default_plan(kind, original_problem.spec)
        if not plan:
            raise node.error("this kind has no default for `vary`; declare what changes, "
                             'e.g. vary: {x: "int -3..3"}')
    extra = hooks.explicit(original_problem.spec) if hooks and hasattr(hooks, "explicit") \
        else {}
    prechecks = getattr(hooks, "PRECHECK", {}) if hooks else {}
    kind_rules = getattr(hooks, "RULES", {}) if hooks else {}
    quick_spec = getattr(hooks, "quick_spec", None) if hooks else None
    rng = random.Random(seed)
    template = Template(text, plan, extra)
    if not template.groups:
        raise VaryError(f"{path}: cannot vary: no number under "
                        f"{', '.join(plan) or 'any key'} changes")
    seen = {template.values()}  # the original
    stem, tally, out = Path(path).stem, Tally(), []
    while len(out) < n and tally.tried < n * TRIES_PER_VARIANT:
        tally.tried += 1
        drawn = template.draw(rng)
        if drawn in seen:
            tally.reject("differs")
            continue
        seen.add(drawn)
        name = f"{stem}-{len(out) + 1:02d}.yaml"
        try:
            # read from the drawn tree as it stands (YAML is written for the kept only); the
            # kind's quick_spec, when it has one, reads just the numbers for the prechecks
            tree = SpecNode(template.root, name)
            quick = quick_spec(original_problem.spec, tree) if quick_spec else None
            problem = dataclasses.replace(original_problem, spec=quick) if quick else \
                load_node(tree)
            broken = next((rule for rule, ok in prechecks.items()
                           if not ok(original_problem, problem)), None)
            if broken:
                tally.reject(broken)
                continue
            if quick:
                problem = load_node(tree)
            solution = solve_quietly(solve, problem)
        except ExamsolveError:
            tally.reject("solves")
            continue
        broken = next((rule for rule, ok in RULES.items() if not ok(original, solution)), None)
        broken = broken or next((rule for rule, ok in kind_rules.items()
                                 if not ok(original_problem, original, problem, solution)),
                                None)
        if broken:
            tally.reject(broken)
            continue
        title = f"{original_problem.common.title} (variant {len(out) + 1})"
        full = _retitle(template.text(), title) + _expected_yaml(solution)
        # the same data, so the same solution: only the title (and expected) changed
        out.append(Variant(name, full, load_string(full, name),
                           dataclasses.replace(solution, title=title)))
    tally.kept = len(out)
    if len(out) < n:
        reasons = ", ".join(f"{rule}: {count}" for rule, count in tally.rejected.items())
        raise VaryError(f"{path}: found {len(out)} of {n} variants in {tally.tried} candidates; "
                        f"rejected by {reasons or 'nothing'}")
    return out, tally

