"""Orchestration of the perceptron kind: train, then write the derivation and the answers.

Answer keys: `w`, `b` (or `theta`) at the end; `epochs`; `converged` (the perceptron rule:
an epoch had no error); `errors@e` per epoch; `correct` (points the final weights classify
correctly); and for every presentation k the tables show (all of them up to
narration.MAX_ROWS), `w@k`, `b@k` (or `theta@k`) after it and `y@k`, `net@k` at it.
"""

from __future__ import annotations

from examsolve.derivation import Derivation, DerivationBuilder
from examsolve.mathmodel import Sym, eq, row
from examsolve.kinds.perceptron import narration
from examsolve.kinds.perceptron import notation as n
from examsolve.kinds.perceptron.learning import Trace, train
from examsolve.kinds.perceptron.separability import separability
from examsolve.kinds.perceptron.spec import PerceptronSpec

MAX_ERROR_KEYS = 1_000  # errors@e for every epoch up to this many (the summary shows them)


def solve(spec: PerceptronSpec) -> Derivation:
    trace = train(spec)
    c = spec.common
    d = DerivationBuilder("perceptron", c.title, c.statement, c.source)
    shown = narration.shown_presentations(trace)
    narration.training_set(d, spec)
    narration.the_rule(d, spec)
    narration.epochs(d, spec, trace, shown)
    narration.epoch_summary(d, spec, trace)
    narration.the_end(d, spec, trace)
    wrong = narration.check_points(d, spec, trace)
    perceptron = spec.rule == "perceptron"
    if wrong or (perceptron and not trace.converged):
        separable = separability(d, spec, trace.converged)
        if perceptron and not trace.converged and spec.until_converged:
            why = {False: ": the classes are not linearly separable",
                   True: ": the classes are separable, so more epochs would converge"
                   if spec.learn_offset else "", None: ""}[separable]
            d.warn(f"not converged after {trace.epochs} epoch{'s' * (trace.epochs != 1)}{why}")
    _answers(d, spec, trace, shown, len(spec.points) - len(wrong))
    return d.build()


def _answers(d: DerivationBuilder, spec: PerceptronSpec, trace: Trace, shown: list[int],
             correct: int) -> None:
    off = spec.offset_name
    last = trace.presentations
    d.answer("w", trace.w(last), eq(Sym("w"), row(trace.w(last))))
    d.answer(off, trace.offset(last), eq(n.offset_symbol(spec.threshold), trace.offset(last))
             if spec.threshold else None)
    d.answer("epochs", trace.epochs)
    if spec.rule == "perceptron":
        d.answer("converged", trace.converged)
    d.answer("correct", correct, boxed=False)
    epochs = range(1, trace.epochs + 1)
    if trace.epochs > MAX_ERROR_KEYS:
        per_epoch = len(spec.points)
        epochs = sorted({(k - 1) // per_epoch + 1 for k in shown})  # type: ignore[assignment]
    for e in epochs:
        d.answer(f"errors@{e}", trace.errors[e - 1], boxed=False)
    for k in shown:  # the epoch tables show these: not listed again under the answers
        d.answer(f"w@{k}", trace.w(k), eq(Sym(f"w@{k}"), row(trace.w(k))), False, False)
        d.answer(f"{off}@{k}", trace.offset(k), boxed=False, listed=False)
        d.answer(f"y@{k}", trace.y(k), boxed=False, listed=False)
        d.answer(f"net@{k}", trace.net(k), boxed=False, listed=False)
