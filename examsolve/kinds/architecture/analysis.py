"""One pass over a spec's network: every layer's result, the receptive fields, the block
totals, and the answers by key (values may still hold unknowns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from examsolve.kinds.architecture import receptive
from examsolve.kinds.architecture.layers import Layer, Stack, Unknown, Value
from examsolve.kinds.architecture.network import (LayerResult, Propagator, Requirement, Shape,
                                                  all_results, as_dim)
from examsolve.kinds.architecture.symbolic import Dim, Formula, names_of, total

if TYPE_CHECKING:
    from examsolve.kinds.architecture.spec import ArchSpec

Answer = Dim | tuple[Dim, ...] | bool


@dataclass
class Analysis:
    framework: str
    input: Shape
    results: list[LayerResult]
    requirements: list[Requirement]
    mismatches: list[str]
    is_code: bool
    base: int
    answers: dict[str, Answer] = field(default_factory=dict)
    unknowns: frozenset[str] = frozenset()

    def answer_keys(self) -> list[str]:
        return list(self.answers)


def analyse(spec: "ArchSpec", values: dict[str, int] | None = None) -> Analysis:
    """Propagate `spec`'s stack; `values` substitutes unknowns by numbers first."""
    stack = spec.stack if values is None else substitute(spec.stack, values)
    prop = Propagator(spec.framework, spec.common.file)
    shape = tuple(as_dim(v) for v in stack.input)  # type: ignore[union-attr]
    results = prop.run(stack.layers, shape)
    for res in results:
        fill_block(res)
    spatial = len(shape) - 1 if len(shape) >= 2 else 0
    receptive.annotate(results, tuple((1, 1) for _ in range(spatial)) or None)
    a = Analysis(spec.framework, shape, results, prop.requirements, prop.mismatches,
                 spec.code is not None, spec.common.indexing)
    _answers(a, results)
    found = names_of(*shape)
    for r in all_results(results):
        found |= names_of(*r.out_shape, r.params, r.macs.value)
    a.unknowns = found
    for name in sorted(found):
        a.answers[name] = as_dim(Unknown(name))
    return a


def fill_block(res: LayerResult) -> None:
    """A repeat or residual block's counts: the sums over the layers inside it."""
    if res.layer.op not in ("repeat", "residual"):
        return
    inner = [r for copy in res.children for r in copy] + res.shortcut
    for r in inner:
        fill_block(r)
    res.weights = Formula(total(*(r.weights.value for r in inner)))
    res.biases = Formula(total(*(r.biases.value for r in inner)))
    res.non_trainable = Formula(total(*(r.non_trainable.value for r in inner)))
    res.macs = Formula(total(*(r.macs.value for r in inner)))


def _layer_answers(a: Analysis, key: str, r: LayerResult) -> None:
    a.answers[f"shape[{key}]"] = r.out_shape
    a.answers[f"params[{key}]"] = r.params
    a.answers[f"weights[{key}]"] = r.weights.value
    a.answers[f"biases[{key}]"] = r.biases.value
    if r.layer.op in ("batchnorm",) and a.framework == "keras" or r.layer.op in ("repeat",
                                                                                   "residual"):
        a.answers[f"non_trainable[{key}]"] = r.non_trainable.value
    a.answers[f"macs[{key}]"] = r.macs.value
    if r.rf is not None:
        a.answers[f"receptive_field[{key}]"] = r.rf
    if r.d_k is not None:
        a.answers[f"d_k[{key}]"] = r.d_k
        a.answers[f"scores[{key}]"] = r.scores  # type: ignore[assignment]


def _answers(a: Analysis, results: list[LayerResult]) -> None:
    for i, r in enumerate(results):
        _layer_answers(a, str(i + a.base), r)
    for r in all_results(results):
        if r.layer.name is not None and f"shape[{r.layer.name}]" not in a.answers:
            _layer_answers(a, r.layer.name, r)
    a.answers["output"] = results[-1].out_shape if results else a.input
    a.answers["params"] = total(*(r.params for r in results))
    a.answers["trainable"] = total(*(r.trainable for r in results))
    a.answers["non_trainable"] = total(*(r.non_trainable.value for r in results))
    a.answers["weights"] = total(*(r.weights.value for r in results))
    a.answers["biases"] = total(*(r.biases.value for r in results))
    a.answers["macs"] = total(*(r.macs.value for r in results))
    if a.is_code:
        a.answers["consistent"] = not a.mismatches


def substitute(stack: Stack, values: dict[str, int]) -> Stack:
    """The stack with every unknown replaced by its value."""
    def value(v: Value) -> Value:
        if isinstance(v, Unknown):
            return values.get(v.name, v)
        if isinstance(v, tuple):
            return tuple(value(x) for x in v)
        return v

    def layer(l: Layer) -> Layer:
        return Layer(l.op, tuple((k, value(v)) for k, v in l.opts), l.where, l.written, l.name,
                     tuple(layer(c) for c in l.body), tuple(layer(c) for c in l.shortcut),
                     l.times, l.code, l.fix)

    return Stack(tuple(value(v) for v in stack.input),  # type: ignore[union-attr]
                 tuple(layer(l) for l in stack.layers), stack.input_where, stack.code_lines)
