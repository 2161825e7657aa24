"""The derivation of an architecture problem: conventions, every layer with its formulas and
numbers substituted, receptive fields, unknowns, and the summary table."""

from __future__ import annotations

from examsolve.derivation import DerivationBuilder, StepBuilder
from examsolve.mathmodel import (Add, Call, Div, Expr, Mul, Neg, Num, Paren, Sym, Text, eq,
                                 rel)
from examsolve.kinds.architecture.analysis import Analysis
from examsolve.kinds.architecture.network import LayerResult
from examsolve.kinds.architecture.notation import grouped, shape_expr, shape_text
from examsolve.kinds.architecture.symbolic import Formula, is_known, shown

LAYOUT = {"pytorch": "PyTorch layout: channels first, (C, H, W) images and (C, L) signals",
          "keras": "Keras layout: channels last, (H, W, C) images and (L, C) signals"}


def conventions(d: DerivationBuilder, a: Analysis, code: str | None, n_layers: int) -> None:
    step = d.step("Conventions")
    if code is not None:
        step.say("The code, read without running it (", str(n_layers), " layers in the order "
                 "they are applied):")
        step.code(code)
    step.say(LAYOUT[a.framework], "; sequences are (T, features); shapes are for one example "
             "(no batch axis).")
    ops = {r.layer.op for r in _every(a.results)}
    if ops & {"conv1d", "conv2d", "maxpool1d", "maxpool2d", "avgpool1d", "avgpool2d"}:
        step.say("Output size of a sliding window (kernel k, stride s, padding p, dilation d), "
                 "along each axis: ",
                 eq(Sym("out"), Add((_floor_formula(), Num(1)))),
                 "; with ", eq(Sym("d"), 1), " the numerator is ",
                 Add((Sym("n"), Mul((Num(2), Sym("p")), ""), Neg(Sym("k")))), ".")
    if ops & {"conv_transpose2d"}:
        step.say("Transposed convolution: ", eq(Sym("out"), _transposed_formula()), ".")
    says: list = ["Parameters are weights + biases"]
    if ops & {"batchnorm", "layernorm"}:
        says += [" (a norm layer's ", Sym("γ"), " counts as weights, its ", Sym("β"),
                 " as biases)"]
    says.append(". MACs are multiply–accumulates for one example")
    costs: list = []
    if ops & {"conv1d", "conv2d"}:
        costs.append(("a convolution does ",
                      Mul((Text("output elements"), Paren(Div(Text("in"), Text("groups"))),
                           Text("kernel taps")), "·")))
    if "conv_transpose2d" in ops:
        costs.append(("a transposed convolution ",
                      Mul((Text("input elements"), Paren(Div(Text("out"), Text("groups"))),
                           Text("kernel taps")), "·")))
    if "linear" in ops:
        costs.append(("a linear layer ", Mul((Text("in"), Text("out")), "·"), " per position"))
    if ops & {"rnn", "lstm", "gru"}:
        costs.append(("a recurrent layer ", Mul((Sym("T"), Sym("g"), Sym("h"),
                                                   Paren(Add((Sym("i"), Sym("h"))))), "·"),
                      " per direction (", Sym("g"), " = 1, 3, 4 gate groups for RNN, GRU, "
                      "LSTM)"))
    if "multihead_attention" in ops:
        costs.append(("attention its four projections plus ",
                      Mul((Sym("H"), Pow_(Sym("T")), Paren(Add((Sym("d", "k"), Sym("d", "v"))))),
                          "·"), " for the scores and the weighted sum"))
    for k, cost in enumerate(costs):
        says += [": " if k == 0 else "; ", *cost]
    says.append("; biases, activations, pooling, norms and additions count 0.")
    step.say(*says)


def Pow_(base: Expr) -> Expr:
    from examsolve.mathmodel import Pow

    return Pow(base, Num(2))


def _transposed_formula() -> Expr:
    km1 = Paren(Add((Sym("k"), Neg(Num(1)))))
    return Add((Mul((Paren(Add((Sym("n"), Neg(Num(1))))), Sym("s")), ""),
                Neg(Mul((Num(2), Sym("p")), "")), Mul((Sym("d"), km1), ""),
                Text("output_padding"), Num(1)))


def _floor_formula() -> Expr:
    num = Add((Sym("n"), Mul((Num(2), Sym("p")), "·"),
               Neg(Mul((Sym("d"), Paren(Add((Sym("k"), Neg(Num(1)))))), "·")), Neg(Num(1))))
    return Call("floor", (Div(num, Sym("s")),))


def _every(results: list[LayerResult]) -> list[LayerResult]:
    out = []
    for r in results:
        out.append(r)
        for copy in r.children:
            out += _every(copy)
        out += _every(r.shortcut)
    return out


def _label(r: LayerResult, position: str | None) -> str:
    head = f"{position} " if position is not None and "." in position else \
        f"{position}. " if position is not None else ""
    name = f" ({r.layer.name})" if r.layer.name and r.layer.code is None else ""
    return f"{head}{r.layer.written}{name}"


def layers_step(d: DerivationBuilder, a: Analysis) -> None:
    step = d.step("Layer by layer")
    step.say("The input is ", shape_expr(a.input), ".")
    said: set[str] = set()
    for i, r in enumerate(a.results):
        layer_text(step, r, str(i + a.base), said)


def layer_text(step: StepBuilder, r: LayerResult, position: str, said: set[str]) -> None:
    """One layer: what it does to the shape, its formulas with the numbers in, its counts.
    A convention said once (`said`, compared without its numbers) is not repeated."""
    op = r.layer.op
    label = _label(r, position)
    if op == "repeat":
        _repeat(step, r, label, position, said)
        return
    if op == "residual":
        _residual(step, r, label, position, said)
        return
    notes = []
    for note in r.notes:
        parts = note if isinstance(note, tuple) else (note,)
        key = "".join(c for c in "".join(p if isinstance(p, str) else "·" for p in parts)
                      if not c.isdigit())
        if key not in said:
            notes.append(parts)
            said.add(key)
    r = _with_notes(r, notes)
    has_counts = r.params != 0
    if not r.shape_steps and not has_counts and not r.notes:
        same = r.in_shape == r.out_shape
        step.say(label, ": no parameters; ", "shape unchanged, " if same else "",
                 shape_expr(r.out_shape), "." if same else
                 f" (from {shape_text(r.in_shape)}).")
        return
    step.say(label, ": ", shape_expr(r.in_shape), " → ", shape_expr(r.out_shape),
             *_notes(r))
    steps = r.shape_steps
    if len(steps) > 1 and all(f == steps[0][1] for _, f in steps):
        steps = [("", steps[0][1])]  # the same along H and W: written once
    for axis, f in steps:
        if f.shown is None and axis in ("features", "d_k"):
            continue
        lhs = Sym("d", "k") if axis == "d_k" else Sym(axis) if axis == "features" else \
            Sym("out", axis or None)
        step.eq(*_chain(lhs, f))
    if has_counts:
        weights, biases = r.weights, r.biases
        if weights.shown is not None or weights.value != 0:
            step.eq(*_chain(Sym("weights"), weights))
        if biases.value != 0:
            step.eq(*_chain(Sym("biases"), biases))
        if r.non_trainable.value != 0:
            step.eq(*_chain(Sym("non-trainable"), r.non_trainable))
        parts = [p for p in (weights.value, biases.value, r.non_trainable.value) if p != 0]
        if len(parts) > 1:
            step.eq(Sym("params"), Add(tuple(shown(p) for p in parts)), shown(r.params))
        else:
            step.eq(Sym("params"), shown(r.params))
    if r.macs.value != 0:
        step.eq(*_chain(Sym("MACs"), r.macs))


def _with_notes(r: LayerResult, notes: list[str]) -> LayerResult:
    import dataclasses

    return dataclasses.replace(r, notes=notes)


def _notes(r: LayerResult) -> tuple:
    out: list = []
    for note in r.notes:
        out += ["; ", *(note if isinstance(note, tuple) else (note,))]
    return (*out, ".")


def _chain(lhs: Expr, f: Formula) -> tuple:
    if f.shown is None or (is_known(f.value) and f.shown == Num(f.value)):
        return (lhs, shown(f.value))
    if not is_known(f.value):
        return (lhs, f.shown)
    return (lhs, f.shown, shown(f.value))


def _identical_from(copies: list[list[LayerResult]]) -> int | None:
    """The first copy from which every later copy sees the same input shape (so does the
    same arithmetic), or None."""
    for start in range(len(copies) - 1):
        if all(c[0].in_shape == copies[start][0].in_shape for c in copies[start:] if c):
            return start
    return None


def _repeat(step: StepBuilder, r: LayerResult, label: str, position: str,
            said: set[str]) -> None:
    copies = r.children
    n = len(copies)
    step.say(Mul((Text(label), Num(n)), "×"), ": ", shape_expr(r.in_shape), " → ",
             shape_expr(r.out_shape), "; each copy sees the previous copy's output.")
    same = _identical_from(copies)
    shown_copies = range(n) if same is None else range(same + 1)
    for k in shown_copies:
        if same is not None and k == same and n - k > 1:
            step.say(f"Copies {k + 1} to {n} are identical (each sees ", shape_expr(
                copies[k][0].in_shape), f"), so copy {k + 1} is written once for all "
                f"{n - k}:")
        elif n > 1:
            step.say(f"Copy {k + 1}:")
        for j, inner in enumerate(copies[k], 1):
            layer_text(step, inner, f"{position}.{j}" if n == 1 else f"{position}.{k + 1}.{j}",
                       said)
    step.eq(Sym("params"), _repeat_sum(copies, same), shown(r.params))


def _repeat_sum(copies: list[list[LayerResult]], same: int | None) -> Expr:
    """The block's parameters: each copy's, the identical ones as count × n."""
    from examsolve.mathmodel import Mul
    from examsolve.kinds.architecture.symbolic import total

    def params(copy: list[LayerResult]):  # type: ignore[no-untyped-def]
        return total(*(x.params for x in copy))

    end = len(copies) if same is None else same
    terms: list[Expr] = [shown(params(c)) for c in copies[:end]]
    if same is not None:
        terms.append(Mul((shown(params(copies[same])), Num(len(copies) - same)), "·"))
    return Add(tuple(terms)) if len(terms) > 1 else terms[0]


def _residual(step: StepBuilder, r: LayerResult, label: str, position: str,
              said: set[str]) -> None:
    x = Sym("x")
    step.say(label, ": ", eq(Sym("out"), Add((Call("f", (x,)), Call("shortcut", (x,))
                                              if r.shortcut else x))),
             ", so ", Sym("f"), " must give the shape ", shape_expr(r.out_shape),
             "" if not r.shortcut else " that the shortcut gives", "; ", Sym("f"), ":")
    for j, inner in enumerate(r.children[0], 1):
        layer_text(step, inner, f"{position}.{j}", said)
    if r.shortcut:
        step.say("Shortcut (a projection on the skip path):")
        for j, inner in enumerate(r.shortcut, 1):
            layer_text(step, inner, f"{position}.s{j}", said)
    step.say("The sum adds no parameters (its additions count 0 MACs); the block has "
             f"{grouped(r.params) if is_known(r.params) else '…'} parameters.")


def receptive_step(d: DerivationBuilder, a: Analysis) -> None:
    """r for every conv/pool layer; a repeat block by its last copy only (its copies repeat
    the same steps), a residual block by its branch's layers."""
    rows: list[tuple[str, LayerResult]] = []
    for i, r in enumerate(a.results):
        _rf_rows(rows, r, str(i + a.base))
    if not rows:
        return
    step = d.step("Receptive fields")
    r, j = Sym("r"), Sym("j")
    step.say("From ", eq(r, j, 1), " at the input, each conv/pool layer sets ",
             rel(r, ":=", Add((r, Mul((Paren(Add((Sym("k"), Neg(Num(1))))), Sym("d"), j),
                                     "·")))),
             " and ", rel(j, ":=", Mul((j, Sym("s")), "·")), " (", j, " is the distance in "
             "input positions between neighbouring outputs; padding does not change ", r, "):")
    for position, r in rows:
        label = _label(r, position)
        if r.layer.op == "repeat":
            step.say(Mul((Text(label), Num(r.layer.times)), "×"), ": after the last copy ",
                     eq(Sym("r"), _rf_value(r)), ".")
            continue
        steps = r.rf_steps
        if len(steps) == 1 or all(f == steps[0][1] for _, f in steps):
            step.say(label, ": ", eq(*_chain(Sym("r"), steps[0][1])),
                     "" if len(steps) == 1 else " along H and W", ".")
        else:
            step.say(label, ":")
            for axis, f in steps:
                step.eq(*_chain(Sym("r", axis), f))


def _rf_rows(rows: list, r: LayerResult, position: str) -> None:  # type: ignore[type-arg]
    if r.layer.op == "repeat":
        if r.rf is not None:
            rows.append((position, r))
    elif r.layer.op == "residual":
        for j, inner in enumerate(r.children[0], 1):
            _rf_rows(rows, inner, f"{position}.{j}")
        for j, inner in enumerate(r.shortcut, 1):
            _rf_rows(rows, inner, f"{position}.s{j}")
    elif r.rf_steps:
        rows.append((position, r))


def _rf_value(r: LayerResult) -> Expr:
    from examsolve.kinds.architecture.notation import shape_text

    values = r.rf or ()
    if len(set(values)) == 1:
        return shown(values[0])
    return Text(shape_text(values))


def summary_step(d: DerivationBuilder, a: Analysis) -> None:
    step = d.step("Summary")
    rows = []
    for i, r in enumerate(a.results):
        label: Expr | str = f"{i + a.base}. {r.layer.short}"
        if r.layer.op == "repeat":
            label = Mul((Text(str(label)), Num(r.layer.times)), "×")
        rows.append([label, _cell_shape(r), _cell_count(r.params), _cell_count(r.macs.value)])
    totals = a.answers
    rows.append(["total", shape_expr(totals["output"]), _cell_count(totals["params"]),
                 _cell_count(totals["macs"])])
    step.table(["layer", "output shape", "params", "MACs"], rows)
    def count(v):  # type: ignore[no-untyped-def]
        return Text(grouped(v)) if isinstance(v, int) else v.expr

    parts: list = ["Total ", eq(Sym("params"), count(totals["params"]))]
    if totals["non_trainable"] != 0:
        parts += [" (", eq(Sym("trainable"), count(totals["trainable"])), ", ",
                  eq(Sym("non-trainable"), count(totals["non_trainable"])), ")"]
    parts += [": ", eq(Sym("weights"), count(totals["weights"])), " and ",
              eq(Sym("biases"), count(totals["biases"])), "."]
    step.say(*parts)


def _cell_shape(r: LayerResult) -> Expr:
    return shape_expr(r.out_shape)


def _cell_count(v) -> Expr | str:  # type: ignore[no-untyped-def]
    if isinstance(v, int):
        return grouped(v)
    return v.expr



def unknowns_step(d: DerivationBuilder, spec, a: Analysis, found) -> None:  # type: ignore[no-untyped-def]
    """The constraints as equations in the unknowns, then every whole solution."""
    from examsolve.mathmodel import Mul
    from examsolve.kinds.architecture.symbolic import evaluate

    names = found.names
    step = d.step("Unknown sizes")
    listed = ", ".join(names)
    step.say(*_and([Sym(n) for n in names]),
             f" {'is a whole number' if len(names) == 1 else 'are whole numbers'}; "
             "the constraints, with the formulas of the layers written in "
             f"{'it' if len(names) == 1 else 'them'}:")
    for c in spec.constraints:
        answer = a.answers[c.key]
        if isinstance(c.value, tuple):
            written = []
            for k, (x, v) in enumerate(zip(answer, c.value)):  # type: ignore[arg-type]
                if not is_known(x) and (x.expr, v) not in written:
                    written.append((x.expr, v))
                    step.eq(shown(x), v, label=f"{c.key}, axis {k + 1}")
        else:
            step.eq(shown(answer), c.value, label=c.key)  # type: ignore[arg-type]
    ranges = " and ".join(f"{n} = {lo} … {hi}" for n, (lo, hi) in zip(names, found.ranges))
    searched: list = ["Trying every whole "]
    for i, (n, (lo, hi)) in enumerate(zip(names, found.ranges)):
        searched += [" and " if i else "", Sym(n), f" from {lo} to {hi}"]
    step.say(*searched, " (each candidate must also let the shapes flow):")
    sols = found.solutions
    if not sols:
        step.say("no value satisfies the constraints.")
        d.warn(f"no whole {listed} satisfies the constraints (searched {ranges}); "
               "the unknowns are left undetermined")
        return
    rows = []
    for env in sols[:6]:
        rows.append(", ".join(f"{n} = {env[n]}" for n in names))
    more = f" and {len(sols) - 6} more" if len(sols) > 6 else ""
    if found.unique is not None:
        env = found.unique
        step.say("the only solution is ", *_and([eq(Sym(n), env[n]) for n in names]), ".")
        for c in spec.constraints:
            answer = a.answers[c.key]
            if not isinstance(c.value, tuple):
                step.eq(_substituted(answer, env), evaluate(answer, env), label="check")  # type: ignore[arg-type]
        return
    shown_sols: list = []
    for k, env in enumerate(sols[:6]):
        shown_sols += ["; " if k else "", *_and([eq(Sym(n), env[n]) for n in names])]
    if more:
        shown_sols.append(more)
    text = "; ".join(rows) + more
    if found.at_bound:
        step.say("solutions: ", *shown_sols, "; one lies on the search bound, so larger "
                 "values may satisfy the constraints as well.")
        d.warn(f"{listed} not determined: the constraints hold for {text}, and possibly for "
               "larger values beyond the search bound")
    else:
        step.say(f"{len(sols)} solutions: ", *shown_sols, ".")
        d.warn(f"{listed} not determined: the constraints hold for {len(sols)} solutions "
               f"({text})")
    del Mul


def _and(items: list) -> tuple:  # type: ignore[type-arg]
    out: list = []
    for i, item in enumerate(items):
        if i:
            out.append(" and " if i == len(items) - 1 else ", ")
        out.append(item)
    return tuple(out)


def _substituted(answer, env):  # type: ignore[no-untyped-def]
    """The equation's left side with the found values in place of the names."""
    from examsolve.mathmodel import Num
    import dataclasses

    def walk(e):  # type: ignore[no-untyped-def]
        if isinstance(e, Sym) and e.name in env and e.sub is None:
            return Num(env[e.name])
        if dataclasses.is_dataclass(e):
            changes = {}
            for f in dataclasses.fields(e):
                v = getattr(e, f.name)
                if isinstance(v, tuple):
                    changes[f.name] = tuple(walk(x) if isinstance(x, Expr) else x for x in v)
                elif isinstance(v, Expr):
                    changes[f.name] = walk(v)
            return dataclasses.replace(e, **changes)
        return e

    return walk(shown(answer))
