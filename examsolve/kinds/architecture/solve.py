"""Orchestration of the architecture kind: analyse the network, solve for unknown sizes, write
the derivation and the answers."""

from __future__ import annotations

from examsolve.derivation import Derivation, DerivationBuilder, Shape
from examsolve.mathmodel import Num, Text, eq
from examsolve.kinds.architecture.analysis import Analysis, analyse
from examsolve.kinds.architecture.spec import ArchSpec
from examsolve.kinds.architecture.symbolic import is_known

# Answers boxed at the end; the per-layer ones are listed after them, unboxed.
BOXED = ("output", "params", "trainable", "non_trainable", "macs", "consistent")
# Answer keys whose tuple value is a tensor shape (output[3] is the shape after layer 3).
SHAPE_KEYS = ("shape", "output", "scores")


def solve(spec: ArchSpec) -> Derivation:
    """The derivation of an architecture problem (pure: no printing, no files)."""
    from examsolve.kinds.architecture import narration
    from examsolve.kinds.architecture.unknowns import search

    common = spec.common
    d = DerivationBuilder("architecture", common.title, common.statement, common.source)
    a = analyse(spec)
    values: dict[str, int | None] = {}
    if a.unknowns:
        found = search(spec, a)
        narration.unknowns_step(d, spec, a, found)
        if found.unique is not None:
            values = dict(found.unique)
            a = analyse(spec, found.unique)
        else:
            values = {n: None for n in found.names}
    narration.conventions(d, a, spec.code, len(a.results))
    narration.layers_step(d, a)
    narration.receptive_step(d, a)
    narration.summary_step(d, a)
    for text in a.mismatches:
        d.warn(text)
    _answers(d, a, values, spec)
    return d.build()


def _answers(d: DerivationBuilder, a: Analysis, values: dict[str, int | None],
             spec: ArchSpec) -> None:
    asked = {c.key for c in spec.constraints}
    for name, value in values.items():
        d.answer(name, value)
    for key, value in a.answers.items():
        if key in values:
            continue
        boxed = key in BOXED and key not in asked and not (key == "non_trainable" and value == 0)
        if key == "trainable" and a.answers["non_trainable"] == 0:
            boxed = False
        if isinstance(value, bool):
            d.answer(key, bool(value),
                     eq(Text(key), Text("true" if value else "false")), boxed)
            continue
        known = all(is_known(v) for v in value) if isinstance(value, tuple) else \
            is_known(value)
        if not known:
            d.answer(key, None, eq(Text(key), Text("undetermined")), boxed)
            continue
        if isinstance(value, tuple) and key.startswith(SHAPE_KEYS):
            value = Shape(value)  # check and verdicts show it as the box does: 16 × 32 × 32
        d.answer(key, value, _display(key, value), boxed)


def _display(key: str, value: object):  # type: ignore[no-untyped-def]
    from examsolve.kinds.architecture.notation import grouped, shape_expr

    if isinstance(value, tuple):
        if key.startswith(SHAPE_KEYS):
            return eq(Text(key), shape_expr(value))  # type: ignore[arg-type]
        return eq(Text(key), Text("(" + ", ".join(str(v) for v in value) + ")"))
    return eq(Text(key), Text(grouped(value)) if value >= 10_000 else Num(value))  # type: ignore

