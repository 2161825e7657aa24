"""Marking a student's architecture answers: the layer formulas re-run from the student's own
shapes and counts (error carried forward; see examsolve/marking.py for the contract).

Computation order is the network's: an unknown size first (`h`), then layer by layer its
output shape, weights, biases, parameters, MACs and receptive field, then the totals.
Error carried forward walks the stack again with the kind's own propagator, and wherever
the student gave a layer's output shape the next layer starts from it: a wrong channel
count after layer k gives layer k + 1 the weights that count implies. A student's unknown
size (`h: 21`) is substituted before the walk. A layer's parameters follow from the
student's weights and biases where given, and the totals are the sums of the student's
per-layer values where given (the rest recomputed). A student's shape the next layer
cannot take (a kernel larger than it) stops the walk there: later layers are then marked
on their own, as are all layers of a stack longer than MAX_RERUN_LAYERS.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np

from examsolve.derivation import AnswerValue, Derivation, Equation, Para
from examsolve.errors import SpecError
from examsolve.marking import LastSolved, Quantity
from examsolve.mathmodel import Expr, Rel, Sym, eq
from examsolve.kinds.architecture import receptive
from examsolve.kinds.architecture.analysis import fill_block, substitute
from examsolve.kinds.architecture.network import LayerResult, Propagator, as_dim
from examsolve.kinds.architecture.spec import ArchSpec
from examsolve.kinds.architecture.symbolic import total

# A longer stack is marked without re-walking it for each answer (500 answers on 2,000
# layers would take minutes): each answer is then judged on its own.
MAX_RERUN_LAYERS = 120
# Within a layer, the order a student computes in: the shape, then the counts.
FIELDS = ("shape", "weights", "biases", "non_trainable", "params", "macs", "receptive_field",
          "d_k", "scores")
TOTALS = ("output", "weights", "biases", "non_trainable", "trainable", "params", "macs",
          "consistent")
# What each per-layer key's equation is called in the derivation's "Layer by layer" step.
LHS = {"weights": Sym("weights"), "biases": Sym("biases"),
       "non_trainable": Sym("non-trainable"), "params": Sym("params"), "macs": Sym("MACs"),
       "d_k": Sym("d", "k")}
_KEY = re.compile(r"^(?P<field>\w+)\[(?P<at>[^\]]+)\]$")


def _answers(spec: ArchSpec) -> dict[str, AnswerValue]:
    from examsolve.kinds.architecture.solve import solve

    return solve(spec).answer_map()


_truth = LastSolved(_answers)  # the true answers, one solve per spec while marking


def _positions(spec: ArchSpec) -> dict[str, int]:
    """A layer's key (`4`, or its name `conv2`) → its 0-based place in the top-level stack."""
    out: dict[str, int] = {}
    for i, layer in enumerate(spec.stack.layers):
        out[str(i + spec.common.indexing)] = i
        if layer.name is not None:
            out[layer.name] = i
    return out


def _rank(key: str, spec: ArchSpec, positions: dict[str, int]) -> tuple:
    """Where a key comes in computation order."""
    if key in spec.unknowns:
        return (0, spec.unknowns.index(key))
    m = _KEY.match(key)
    if m is not None and m["field"] in FIELDS:
        at = positions.get(m["at"], len(spec.stack.layers))  # a block's inner name: last
        return (1, at, FIELDS.index(m["field"]), not m["at"].isdigit())
    return (2, TOTALS.index(key) if key in TOTALS else len(TOTALS))


def quantities(spec: ArchSpec) -> tuple[Quantity, ...]:
    truth = _truth(spec)
    positions = _positions(spec)
    keys = sorted(truth, key=lambda k: _rank(k, spec, positions))
    return tuple(Quantity(k, truth[k], Sym(k), _shape(truth[k])) for k in keys)


def _shape(value: AnswerValue) -> tuple[int, int]:
    if isinstance(value, tuple):
        return (len(value), 1)
    if value is None or isinstance(value, (bool, str)):
        return (0, 0)
    return (1, 1)


def _whole(arr: np.ndarray) -> tuple[int, ...] | None:
    """The student's sizes as whole numbers, or None (a fraction is no size)."""
    out = []
    for v in np.asarray(arr, dtype=object).reshape(-1):
        if v is None or Fraction(v).denominator != 1:
            return None
        out.append(int(v))
    return tuple(out)


def recompute(spec: ArchSpec, mine: dict[str, np.ndarray]) -> dict[str, AnswerValue]:
    """Every quantity again from the student's values (the module docstring says how)."""
    truth = _truth(spec)
    if len(spec.stack.layers) > MAX_RERUN_LAYERS:
        return {}
    given = {k: _whole(v) for k, v in mine.items()}
    values: dict[str, int] = {}
    for name in spec.unknowns:
        own = given.get(name)
        if own is not None and len(own) == 1:
            values[name] = own[0]
        elif isinstance(truth.get(name), (int, Fraction)):
            values[name] = int(truth[name])  # type: ignore[arg-type]
        else:
            return {}  # the sizes are not fixed: nothing to re-run
    stack = substitute(spec.stack, values) if spec.unknowns else spec.stack
    prop = Propagator(spec.framework, spec.common.file)
    shape = tuple(as_dim(v) for v in stack.input)  # type: ignore[union-attr]
    results: list[LayerResult] = []
    after: list[tuple] = []  # the shape each next layer starts from
    sizes = tuple(sorted(values.items()))
    for i, layer in enumerate(stack.layers):
        res = _layer(spec, prop, i, layer, shape, sizes)
        if res is None:
            break
        results.append(res)
        keys = [str(i + spec.common.indexing)] + ([layer.name] if layer.name else [])
        own = next((given[f"shape[{k}]"] for k in keys if given.get(f"shape[{k}]")), None)
        shape = own if own is not None else res.out_shape
        after.append(shape)
    spatial = len(stack.input) - 1 if len(stack.input) >= 2 else 0  # type: ignore[arg-type]
    receptive.annotate(results, tuple((1, 1) for _ in range(spatial)) or None)
    out: dict[str, AnswerValue] = dict(values)
    sums: dict[str, list] = {f: [] for f in ("weights", "biases", "non_trainable", "params",
                                             "macs")}
    for i, res in enumerate(results):
        layer = stack.layers[i]
        keys = [str(i + spec.common.indexing)] + ([layer.name] if layer.name else [])

        def own_or(field: str, computed: object) -> object:
            for k in keys:
                v = given.get(f"{field}[{k}]")
                if v is not None and len(v) == 1:
                    return v[0]
            return computed

        counts = {"weights": res.weights.value, "biases": res.biases.value,
                  "non_trainable": res.non_trainable.value, "macs": res.macs.value}
        per = {f: own_or(f, v) for f, v in counts.items()}
        per["params"] = own_or("params", total(per["weights"], per["biases"],
                                               per["non_trainable"]))
        for k in keys:
            out[f"shape[{k}]"] = res.out_shape
            out.update({f"{f}[{k}]": total(counts[f]) if f != "params" else
                        total(per["weights"], per["biases"], per["non_trainable"])
                        for f in ("weights", "biases", "non_trainable", "macs", "params")})
            if res.rf is not None:
                out[f"receptive_field[{k}]"] = res.rf
        for f in sums:
            sums[f].append(per[f])
    if len(results) == len(stack.layers):
        out["output"] = after[-1] if after else shape
        for f, parts in sums.items():
            out[f] = total(*parts)
        out["trainable"] = total(*(w for w in sums["weights"]), *(b for b in sums["biases"]))
    return {k: v for k, v in out.items()  # type: ignore[misc]  (whole numbers: exact)
            if k in truth and _known(v)}


# A layer's result depends only on the shape it starts from (and the unknown sizes): kept
# while one sheet is marked, so each re-walk of a long stack is mostly look-ups.
_WALKED: dict[tuple, LayerResult | None] = {}
_WALKED_SPEC: list[ArchSpec] = []


def _layer(spec: ArchSpec, prop: Propagator, i: int, layer: object, shape: tuple,
           sizes: tuple) -> LayerResult | None:
    """Layer i's result from `shape` (None when it cannot take that shape)."""
    if not _WALKED_SPEC or _WALKED_SPEC[0] is not spec:
        _WALKED.clear()
        _WALKED_SPEC[:] = [spec]
    key = (i, shape, sizes)
    if key not in _WALKED:
        try:
            res: LayerResult | None = prop.layer(layer, shape)  # type: ignore[arg-type]
        except (SpecError, ZeroDivisionError, TypeError, ValueError):
            res = None
        if res is not None:
            fill_block(res)
        _WALKED[key] = res
    return _WALKED[key]


def _known(value: object) -> bool:
    if isinstance(value, tuple):
        return all(isinstance(v, int) for v in value)
    return isinstance(value, int) and not isinstance(value, bool)


def slips(spec: ArchSpec) -> tuple:
    """No slip of the list applies to counting by formulas; a wrong count is marked and
    carried forward only."""
    return ()


def locate(spec: ArchSpec, derivation: Derivation, key: str,
           ) -> tuple[int, str, Expr | None] | None:
    """A layer's key points into "Layer by layer" at that layer: at the equation for a count
    (`params = 432 + 16 = 448`), and for a shape at the layer with the shape written as the
    derivation writes shapes (16 × 16 × 16). A total points at the summary, an unknown size
    at the step that solves for it."""
    from examsolve.kinds.architecture.notation import shape_expr

    m = _KEY.match(key)
    if m is None or m["field"] not in FIELDS:
        heading = "Summary" if key in TOTALS else "Unknown sizes" if key in spec.unknowns \
            else None
        return next(((n, s.heading, None) for n, s in enumerate(derivation.steps, 1)
                     if s.heading == heading), None)
    at = _positions(spec).get(m["at"])
    if at is None:
        return None
    truth = derivation.answer_map().get(key)
    shape = eq(Sym(key), shape_expr(tuple(int(d) for d in truth))) \
        if m["field"] == "shape" and \
        isinstance(truth, tuple) else None
    position = f"{at + spec.common.indexing}. "
    heading = "Receptive fields" if m["field"] == "receptive_field" else "Layer by layer"
    for number, step in enumerate(derivation.steps, 1):
        if step.heading != heading:
            continue
        inside = False
        for block in step.blocks:
            if isinstance(block, Para) and block.parts and isinstance(block.parts[0], str):
                if block.parts[0].startswith(position):
                    inside = True
                    continue
                if inside and re.match(r"^\d+\. ", block.parts[0]):
                    break
            lhs = LHS.get(m["field"])
            if inside and lhs is not None and isinstance(block, Equation) and \
                    isinstance(block.expr, Rel) and block.expr.parts[0] == lhs:
                return number, step.heading, block.expr
        return number, step.heading, shape
    return None
