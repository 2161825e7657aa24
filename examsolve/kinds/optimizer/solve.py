"""Orchestration of the optimizer kind: run the steps, write the derivation, record the
answers (`p@t`, `L@t`, `dL/dp@t`, the optimizer state; `v@t`, `vhat@t` for an EWMA)."""

from __future__ import annotations

from examsolve.derivation import Derivation, DerivationBuilder
from examsolve.kinds.optimizer.spec import OptimizerSpec



def solve(spec: OptimizerSpec) -> Derivation:
    """The derivation of every step, the trajectory and the answers."""
    d = DerivationBuilder(spec.common.kind, spec.common.title, spec.common.statement,
                          spec.common.source)
    if spec.optimizer == "ewma":
        from examsolve.kinds.optimizer.ewma import solve_ewma

        solve_ewma(spec, d)
        return d.build()
    from examsolve.autodiff import engine as eng
    from examsolve.errors import UnsolvableError
    from examsolve.kinds.optimizer.narration import derive
    from examsolve.kinds.optimizer.trajectory import run

    try:
        result = run(spec)
    except eng.DomainError as exc:
        raise UnsolvableError(f"{spec.common.file}: the model is undefined on these numbers "
                              f"({exc})") from None
    except OverflowError:
        raise UnsolvableError(f"{spec.common.file}: a value exceeds float64's range during "
                              "the run (the steps diverge)") from None
    derive(spec, result, d)
    _answers(spec, result, d)
    return d.build()


def _answers(spec: OptimizerSpec, result, d: DerivationBuilder) -> None:  # type: ignore[no-untyped-def]
    from examsolve.autodiff.values import answer_of

    steps = result.steps
    loss = spec.loss
    entries = sum(v.size for v in result.start.values())
    every = result.keep_all
    for step in steps:
        d.answer(f"{loss}@{step.t - 1}", step.loss, boxed=False)
    if result.final_loss is not None:
        d.answer(f"{loss}@{len(steps)}", result.final_loss, boxed=False)
    if not every:
        d.warn(f"{len(steps)} steps of {entries:,} parameter entries: the answers hold every "
               f"{loss}@t and the parameters after the last step only (their gradients and "
               "the optimizer state are shown in the derivation, summarised)")
        for name, value in steps[-1].after.items():
            d.answer(f"{name}@{len(steps)}", answer_of(value))
        return
    for name, value in result.start.items():
        d.answer(f"{name}@0", answer_of(value), boxed=False)
    for step in steps:
        for name, g in step.grads.items():
            d.answer(f"d{loss}/d{name}@{step.t - 1}", answer_of(g), boxed=False)
    for step in steps:
        last = step.t == len(steps)
        for name, value in step.after.items():
            d.answer(f"{name}@{step.t}", answer_of(value), boxed=last)
            for key, arr in step.state[name].items():
                d.answer(f"{key}({name})@{step.t}", answer_of(arr), boxed=last)
