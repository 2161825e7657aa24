"""The backprop kind: forward pass, loss and chain-rule gradients of a small network.

The model is written as the exam writes it, one assignment per line (`k = W @ x + b`,
`h = relu(k)`, `L = nll(p1, "sanguine") + bce(p2, 0)`); `given` holds the inputs and anything
not trained, `parameters` what is trained. The solver runs the lines on a reverse-mode
engine (engine.py, nn.py), then explains the forward pass, the loss and every
backward step as upstream gradient × local derivative (explain.py), and checks the
gradients against central finite differences (finite_differences.py).
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from examsolve.autodiff.values import read_values
from examsolve.spec import SpecNode

if TYPE_CHECKING:  # the engine and the writers load with the first backprop spec, not before
    from examsolve.problem import Common
    from examsolve.kinds.backprop.model import BackpropSpec



# Limits (docs/kinds/backprop.md): a 784→256→10 MLP fits with room to spare; beyond them a
# run could take minutes or gigabytes (conv2d with padding=1000 on a 2×2 input is 4 million
# entries).
MAX_MODEL_LINES = 64  # lines as written (a loop's body counts once)
MAX_GIVEN_ENTRIES = 500_000  # in `given` and `parameters` together


def load(node: SpecNode, common: Common) -> BackpropSpec:
    """Validate the spec: values, model lines (parsed and shape-checked), loss, wrt."""
    import numpy as np

    from examsolve.kinds.backprop.model import BackpropSpec
    from examsolve.autodiff.parse import (MAX_ENTRIES, Line, ModelContext, parse_line,
                                          shape_text)

    from examsolve.kinds.backprop.model import EXACT_LIMIT

    kinds: dict[str, str] = {}
    # Above EXACT_LIMIT entries the work is in float64 anyway: read big blocks as floats.
    total = sum(child.entry_count() for key in ("given", "parameters")
                if node.get(key) is not None and node[key].is_mapping
                for _, child in node[key].items())
    if total > MAX_GIVEN_ENTRIES:
        raise node.error(f"`given` and `parameters` hold {total:,} entries; at most "
                         f"{MAX_GIVEN_ENTRIES:,}")
    floats = total > EXACT_LIMIT
    given = read_values(node.get("given"), "given", kinds, floats)
    parameters = read_values(node.get("parameters"), "parameter", kinds, floats)
    values = {name: np.array(m, dtype=object) for name, m in given + parameters}
    shapes = {name: (len(m), len(m[0])) for name, m in given + parameters}
    classes = _classes(node.get("classes"))
    ctx = ModelContext(shapes, kinds, values, dict(classes), common.indexing)
    lines: list[Line] = []
    model = node["model"]
    items = model.seq() if model.is_sequence else None
    if not items:
        raise model.error("expected a list of model lines like `- h = relu(W @ x + b)`")
    if len(items) > MAX_MODEL_LINES:
        raise model.error(f"{len(items)} model lines; at most {MAX_MODEL_LINES}")
    for name, (rows, cols) in shapes.items():
        if rows * cols > MAX_ENTRIES:
            where = node.get("given") if name in dict(given) else node.get("parameters")
            raise where[name].error(f"{name} is {rows}×{cols} = {rows * cols:,} entries; at "
                                    f"most {MAX_ENTRIES:,}")
    loops: list[tuple[str, int, int, int]] = []
    ends_in_loop = False

    def read(item: SpecNode) -> None:
        line = parse_line(item.string(), ctx, lambda msg, item=item: item.error(msg))
        line = Line(line.name, line.expr, line.text, item.line, item.path, line.shape)
        if line.shape[0] * line.shape[1] > MAX_ENTRIES:
            raise item.error(f"{line.name} is {shape_text(line.shape)} = "
                             f"{line.shape[0] * line.shape[1]:,} entries; at most "
                             f"{MAX_ENTRIES:,} in one line")
        lines.append(line)
        shapes[line.name], kinds[line.name] = line.shape, "line"
        if len(lines) > MAX_LINES:
            raise item.error(f"the model unrolls to more than {MAX_LINES:,} lines")

    for item in items:
        if not item.is_mapping:
            read(item)
            continue
        var, first, last, body = _loop(item)
        loops.append((var, first, last, len(lines)))  # the index of its first line
        for t in range(first, last + 1):
            ctx.loop = {var: t}
            for inner in body:
                read(inner)
        ctx.loop = {}
        ends_in_loop = item is items[-1]
    loss = _loss(node, lines, kinds, shapes, ends_in_loop=bool(loops) and ends_in_loop)
    wrt = _wrt(node, kinds, parameters) if loss is not None else ()
    for name, names in classes:
        if name not in shapes:
            raise node["classes"][name].error(f"`{name}` is not a name in the model"
                                              f"{_hint(name, list(shapes))}")
        if shapes[name] == (1, 1):  # one probability (a sigmoid): names for labels 0, 1
            if len(names) != 2:
                raise node["classes"][name].error(f"{name} is a single number, so it takes 2 "
                                                  f"names (for labels 0 and 1), got "
                                                  f"{len(names)}")
        elif max(shapes[name]) != len(names) or min(shapes[name]) != 1:
            raise node["classes"][name].error(f"{len(names)} class names, but {name} is "
                                              f"{shape_text(shapes[name])}")
    relu0 = 0
    if "relu_grad_at_zero" in node:
        relu0 = node["relu_grad_at_zero"].integer()
        if relu0 not in (0, 1):
            raise node["relu_grad_at_zero"].error(f"expected 0 or 1, got {relu0}")
    derived = _derived(node.get("derived"), set(kinds), loss is not None)
    steps = sum(last - first + 1 for _, first, last, _ in loops)
    starts = tuple((lines[at].name, var, first, last) for var, first, last, at in loops)
    return BackpropSpec(common, given, parameters, classes, tuple(lines), loss, wrt, relu0,
                        derived, steps, starts)


def _derived(node: SpecNode | None, names: set[str], has_loss: bool) -> tuple:
    """The `derived:` lines, each read and checked (names defined, grad only with a loss)."""
    from examsolve.autodiff.derived import DerivedError, DerivedLine, parse_derived

    if node is None:
        return ()
    if not node.is_sequence:
        raise node.error("expected a list of lines like `- pos = argmax(Y)`")
    out = []
    for item in node.seq():
        try:
            name, rhs, tree = parse_derived(item.string(), names, has_loss)
        except DerivedError as exc:
            raise item.error(str(exc)) from None
        names.add(name)
        out.append(DerivedLine(name, rhs, tree, item.line, item.path))
    return tuple(out)


_LOOP_RE = re.compile(r"^for\s+([^\W\d]\w*)\s+in\s+(-?\d+)\s*\.\.\s*(-?\d+)$")
MAX_LINES = 5_000  # an unrolled recurrence past this is a typo, and slow
MAX_STEPS = 1_000


def _loop(item: SpecNode) -> tuple[str, int, int, list[SpecNode]]:
    """`for t in 1..3:` with its list of lines: (t, 1, 3, lines)."""
    keys = item.keys()
    if len(keys) != 1:
        raise item.error("expected a model line, or `for t in 1..T:` with a list of lines")
    match = _LOOP_RE.match(keys[0].strip())
    if not match:
        raise item.error(f"expected `for t in 1..T:` (a name and a range of whole numbers), "
                         f"got `{keys[0]}`")
    var, first, last = match.group(1), int(match.group(2)), int(match.group(3))
    body = item[keys[0]]
    if not body.is_sequence or not body.seq():
        raise body.error(f"`for {var} in {first}..{last}:` needs a list of model lines")
    if last < first or last - first + 1 > MAX_STEPS:
        raise item.error(f"the range {first}..{last} must run upwards over at most "
                         f"{MAX_STEPS} steps")
    for inner in body.seq():
        if inner.is_mapping:
            raise inner.error("loops do not nest: unroll the inner one")
    return var, first, last, body.seq()


def _loss(node: SpecNode, lines: list, kinds: dict[str, str],
          shapes: dict, ends_in_loop: bool = False) -> str | None:
    """The line whose gradients are derived: `loss:` names it, else the last line when it is
    a single number outside a loop. `loss: none`, or a last line that is not a single number
    (or sits in a loop) and no `loss`, makes the problem forward-only (None): evaluated, not
    differentiated."""
    from examsolve.autodiff.parse import shape_text

    if "loss" not in node:
        if ends_in_loop:
            return None
        last = lines[-1].name
        return last if shapes[last] == (1, 1) else None
    if node["loss"].is_null or (node["loss"].is_scalar and
                                str(node["loss"].node.value).strip().lower() == "none"):
        return None
    loss = node["loss"].name()
    if kinds.get(loss) != "line":
        raise node["loss"].error(f"the loss must be a name assigned in `model`, got '{loss}'"
                                 f"{_hint(loss, [ln.name for ln in lines])} (or `none` for "
                                 "a forward pass only)")
    if shapes[loss] != (1, 1):
        where = next(ln for ln in lines if ln.name == loss)
        raise node["model"].error(f"the loss {loss} must be a single number, it is "
                                  f"{shape_text(shapes[loss])} (line: {where.text})",
                                  line=where.line, path=where.path)
    return loss


def _hint(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _classes(node: SpecNode | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if node is None:
        return ()
    if not node.is_mapping:
        raise node.error(f"expected a mapping like `p1: [cat, dog]`, got {node.type_name}")
    node.check_keys(node.keys())
    out = []
    for name, child in node.items():
        names = tuple(item.string().strip() for item in child.seq())
        if len(set(names)) != len(names):
            raise child.error("class names must differ")
        out.append((name, names))
    return tuple(out)


def _wrt(node: SpecNode, kinds: dict[str, str], parameters: tuple) -> tuple[str, ...]:
    if "wrt" not in node:
        if not parameters:
            raise node.error("no `parameters` and no `wrt`: list what to differentiate in "
                             "`wrt`")
        return tuple(name for name, _ in parameters)
    wrt_node = node["wrt"]
    items = wrt_node.seq() if wrt_node.is_sequence else [wrt_node]
    names = []
    for item in items:
        name = item.name()
        if name not in kinds:
            raise item.error(f"'{name}' is not a given value, a parameter or a model line"
                             f"{_hint(name, list(kinds))}")
        if name in names:
            raise item.error(f"'{name}' is listed twice")
        names.append(name)
    if not names:
        raise wrt_node.error("expected at least one name")
    return tuple(names)
