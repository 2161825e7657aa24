"""The derivation of a threshold-unit network: the function, why one unit can or cannot
compute it, the network unit by unit, and a check of every row (or sample point)."""

from __future__ import annotations

from fractions import Fraction

from examsolve.derivation import Derivation, DerivationBuilder
from examsolve.errors import UnsolvableError
from examsolve.wording import plural
from examsolve.mathmodel import Expr, Neg, Num, Sym, Text, add, call, eq, mat, mul, rel, row
from examsolve.kinds.classifier_design.explain import listed, point_expr
from examsolve.kinds.classifier_design.hull import hulls_meet
from examsolve.kinds.classifier_design.threshold import (HALF, Builder, ThresholdNet, Unit,
                                                         parity_deep, parity_one_layer,
                                                         region_net, sum_of_products)
from examsolve.kinds.classifier_design.threshold_minimum import (ThresholdDesign,
                                                                 fewest_threshold_units)
from examsolve.kinds.classifier_design.minimality_report import cuts_step
from examsolve.kinds.classifier_design.threshold_spec import ThresholdSpec

MAX_PERCEPTRON_EPOCHS = 1000
SINGLE_GATES = {"and": "and", "or": "or", "nand": "nand"}


def threshold_derivation(spec: ThresholdSpec) -> Derivation:
    common = spec.common
    d = DerivationBuilder("classifier-design", common.title, common.statement, common.source)
    rows = _rows(spec)
    separable = None
    if spec.function != "region":
        separable = hulls_meet([x for x, _ in rows], [1 if t == 1 else -1 for x, t in rows])
    _function_step(d, spec, rows)
    design = None
    if spec.function is None and separable is not None:
        design = fewest_threshold_units([x for x, _ in rows],
                                        [1 if t == 1 else -1 for _, t in rows], spec.low)
    net, how, proved = _build(spec, rows, separable, design)
    _units_step(d, spec, net, how, separable, proved)
    if how == "cuts":
        cuts_step(d, spec, design, net.hidden)
    correct = _check_step(d, spec, net, rows)
    if spec.inputs == 2:
        _picture_step(d, spec, net, rows)
    _answers(d, spec, net, proved, correct, len(rows))
    return d.build()


def threshold_question(spec: ThresholdSpec) -> tuple:
    """The question sheet's data: the units' definition and the function, nothing solved."""
    d = DerivationBuilder("classifier-design", spec.common.title)
    _function_step(d, spec, _rows(spec))
    return d.build().steps


# ---- the function and its rows ---------------------------------------------------------------

def _class_names(spec: ThresholdSpec) -> tuple[str, str]:
    """What target 1 and the other target are called: the region's classes, the points'
    labels, else the output values."""
    if spec.function == "region":
        return spec.inside, spec.outside
    if spec.function is None:
        labels = sorted({p.label for p in spec.points})
        return labels[-1], labels[0]
    return "1", str(spec.low)


def _picture_step(d: DerivationBuilder, spec: ThresholdSpec, net: ThresholdNet,
                  rows) -> None:
    """Where the built net outputs 1, on the plane of the two inputs, with every checked
    point (or truth-table row) marked by its target."""
    from examsolve.kinds.classifier_design.picture import (NEGATIVE_MARK, POSITIVE_MARK,
                                                             SHADE, box_of, decision_picture,
                                                             region_map, threshold_inside)

    one, other = (f" ({name})" if name != value else ""
                  for name, value in zip(_class_names(spec), ("1", str(spec.low))))
    marks = [(x, POSITIVE_MARK if t == 1 else NEGATIVE_MARK) for x, t in rows]
    box = box_of(marks)
    names = ("x₁", "x₂")
    picture = decision_picture(threshold_inside(net), marks, names, box)
    caption = (f"{SHADE} where the net outputs 1{one}, blank where it outputs {spec.low}"
               f"{other}. {POSITIVE_MARK} = target 1{one}, {NEGATIVE_MARK} = target "
               f"{spec.low}{other}.")
    groups = [(f"target 1{one}", POSITIVE_MARK, [x for x, t in rows if t == 1]),
              (f"target {spec.low}{other}", NEGATIVE_MARK, [x for x, t in rows if t != 1])]
    chart = region_map("Where the network outputs 1", threshold_inside(net), groups, names,
                       box, (f"net outputs 1{one}", f"net outputs {spec.low}{other}"))
    d.step("Decision regions").figure(picture, caption, chart=chart)


def _rows(spec: ThresholdSpec) -> list[tuple[tuple[Fraction, ...], int]]:
    """(input, target) for every truth-table row, or every sample point of a region."""
    if spec.table:
        return list(spec.table)
    low = spec.low
    if spec.function == "region":
        pts = [(p.x, 1 if p.label == spec.inside else low) for p in spec.points]
        return pts + [(x, t) for x, t in _region_samples(spec) if x not in {q for q, _ in pts}]
    labels = sorted({p.label for p in spec.points})
    positive = labels[-1]
    return [(p.x, 1 if p.label == positive else low) for p in spec.points]


def _region_samples(spec: ThresholdSpec) -> list[tuple[tuple[Fraction, ...], int]]:
    """Sample points: each polygon's inner point, and its mirror image across each edge (just
    outside that edge), with the class the region's own inequalities give."""
    out = []
    for polygon in spec.polygons:
        inner = _inner_point(polygon)
        if inner is None:
            continue
        out.append(inner)
        for w, c in polygon:
            z = w[0] * inner[0] + w[1] * inner[1] + c
            k = 2 * z / (w[0] * w[0] + w[1] * w[1])
            out.append((inner[0] - k * w[0], inner[1] - k * w[1]))
    seen, samples = set(), []
    for x in out:
        if x not in seen:
            seen.add(x)
            inside = any(all(w[0] * x[0] + w[1] * x[1] + c > 0 for w, c in poly)
                         for poly in spec.polygons)
            samples.append((x, 1 if inside else spec.low))
    return samples


def _inner_point(polygon) -> tuple[Fraction, ...] | None:
    """A point strictly inside every half-plane, found exactly over a small grid."""
    import itertools

    for scale in (1, 2, 4, 8):
        for a, b in itertools.product(range(-40 * scale, 40 * scale + 1), repeat=2):
            x = (Fraction(a, scale), Fraction(b, scale))
            if all(w[0] * x[0] + w[1] * x[1] + c > 0 for w, c in polygon):
                return x
        if scale >= 2:
            break
    return None


def _function_step(d: DerivationBuilder, spec: ThresholdSpec, rows) -> None:
    st = d.step("The units and the function")
    z = Sym("z")
    if spec.activation == "step":
        st.say("A step unit outputs ", eq(call("step", z), 1), " for ", rel(z, ">", 0), " and ",
               0, " for ", rel(z, "<", 0), "; at exactly ", eq(z, 0), " it outputs ",
               spec.at_zero, " (at_zero). Inputs and outputs are 0/1 (binary encoding).")
    else:
        st.say("A sign unit outputs ", eq(call("sign", z), 1), " for ", rel(z, ">", 0), " and ",
               -1, " for ", rel(z, "<", 0), "; at exactly ", eq(z, 0), " it outputs ",
               spec.at_zero, " (at_zero). Inputs and outputs are −1/1 (bipolar encoding: "
               "false is −1, true is 1).")
    n = spec.inputs
    if spec.function == "region":
        st.say(f"The region (class `{spec.inside}` inside, `{spec.outside}` outside) is "
               + ("the intersection of the half-planes" if len(spec.polygons) == 1 else
                  f"the union of {len(spec.polygons)} convex polygons, each the intersection "
                  "of its edges' half-planes") + ":")
        for k, polygon in enumerate(spec.polygons):
            st.say(*(["Polygon ", k + 1, ": "] if len(spec.polygons) > 1 else []),
                   *listed([rel(_affine(w, c), ">", 0) for w, c in polygon]), ".")
        return
    if spec.function is None:
        st.say(f"The {len(rows)} points, with their targets:")
    elif spec.function == "sop":
        st.say("The function is the sum of products ", Text(_sop_text(spec.terms)),
               f"; its truth table ({len(rows)} rows, in binary counting order):")
    else:
        what = {"xor": "1 when an odd number of inputs is 1 (parity)",
                "xnor": "1 when an even number of inputs is 1", "majority":
                "1 when more than half the inputs are 1"}.get(spec.function, "")
        st.say(f"The function is {spec.function.upper()} of {plural(n, 'input')}"
               + (f", {what}" if what else "") + f"; its truth table ({len(rows)} rows, in "
               "binary counting order):")
    if len(rows) <= 64:
        st.table([f"x{i + 1}" for i in range(n)] + ["target"],
                 [[Num(v) for v in x] + [Num(t)] for x, t in rows])


def _affine(w, c) -> Expr:
    terms: list = []
    for i, v in enumerate(w):
        if v:  # a coefficient of ±1 is its sign alone: −x₂, not −1x₂
            x = Sym("x", str(i + 1))
            terms.append(x if v == 1 else Neg(x) if v == -1 else mul(Num(v), x, op=""))
    if c:
        terms.append(Num(c))
    return add(*terms) if len(terms) > 1 else terms[0]


def _sop_text(terms) -> str:
    return " + ".join(" ".join(f"x{i}{chr(39) if neg else ''}" for i, neg in t) for t in terms)


# ---- building the network --------------------------------------------------------------------

def _build(spec: ThresholdSpec, rows, separable, design: ThresholdDesign | None = None
           ) -> tuple[ThresholdNet, str, bool]:
    """The net, a sentence of how it was built, and whether its size is proved the fewest.
    `design` is the enumeration over cuts for points (threshold_minimum.py)."""
    f = spec.function
    if f == "region":
        net = region_net([list(p) for p in spec.polygons], spec.activation, spec.at_zero)
        return net, "region", False
    if f in ("xor", "xnor") and (spec.construction == "deep"):
        net = parity_deep(spec.inputs, spec.activation, spec.at_zero)
        return (_negated(net) if f == "xnor" else net), "deep", \
            spec.inputs == 2 and separable is not None
    if f in ("xor", "xnor") and separable is not None:
        net = parity_one_layer(spec.inputs, spec.activation, spec.at_zero)
        return (_negated(net) if f == "xnor" else net), "parity", \
            net.hidden == 2 and separable is not None
    if separable is None and spec.construction is None:
        return _single_unit(spec, rows), "single", True
    if separable is None and spec.points:
        return _single_unit(spec, rows), "single", True
    if spec.terms:
        net = sum_of_products([list(t) for t in spec.terms], spec.activation, spec.at_zero)
        # One unit (a single term) is the fewest; 2 hidden units are, for a non-separable
        # function (one hidden unit's output is still a threshold of the input).
        proved = net.hidden == 0 or (net.hidden == 2 and separable is not None
                                     and net.layers == 2)
        return net, "sop", proved
    if design is not None and design.output is not None:
        b = Builder(spec.activation)
        xs = [f"x{i + 1}" for i in range(spec.inputs)]
        names = [b.unit(xs, list(w), bias) for w, bias in design.hidden]
        b.unit(names, list(design.output[0]), design.output[1], "out")
        return b.net(spec.at_zero), "cuts", True
    why = f" ({design.reason})" if design is not None and design.reason else ""
    raise UnsolvableError(f"{spec.common.file}: the points are not linearly separable, and no "
                          f"threshold network for them was found{why}; a region, a truth "
                          "table or a sum of products gives a construction")


def _negated(net: ThresholdNet) -> ThresholdNet:
    """NOT of the output unit: its weights and bias negated (its net input is never 0 on
    these signals, so step(−z) = 1 − step(z) and sign(−z) = −sign(z) hold)."""
    out = net.units[-1]
    flipped = Unit(out.name, out.inputs, tuple(-w for w in out.weights), -out.bias, out.layer)
    return ThresholdNet(net.units[:-1] + (flipped,), net.activation, net.at_zero)


def _single_unit(spec: ThresholdSpec, rows) -> ThresholdNet:
    """One unit: the textbook gate where the function is one, else the perceptron rule run
    exactly from w = 0, b = 0 with η = 1 (it converges on separable data)."""
    b = Builder(spec.activation)
    xs = [f"x{i + 1}" for i in range(spec.inputs)]
    if spec.function in SINGLE_GATES:
        b.gate(SINGLE_GATES[spec.function], xs)
        return b.net(spec.at_zero)
    if spec.function == "nor":
        b.unit(xs, [-1] * len(xs), HALF if spec.activation == "step" else -(len(xs) - 1))
        return b.net(spec.at_zero)
    if spec.function == "majority":
        b.unit(xs, [1] * len(xs), 0 if spec.activation == "sign" else -Fraction(len(xs), 2))
        return b.net(spec.at_zero)
    w = [Fraction(0)] * spec.inputs
    bias = Fraction(0)
    probe = ThresholdNet((), spec.activation, spec.at_zero)
    for _ in range(MAX_PERCEPTRON_EPOCHS):
        updated = False
        for x, t in rows:
            y = probe.act(sum((wi * xi for wi, xi in zip(w, x)), Fraction(0)) + bias)
            if y != t:
                w = [wi + (t - y) * xi for wi, xi in zip(w, x)]
                bias += t - y
                updated = True
        if not updated:
            break
    else:
        raise UnsolvableError(f"{spec.common.file}: the perceptron rule did not converge in "
                              f"{MAX_PERCEPTRON_EPOCHS} epochs")
    b.unit(xs, w, bias)
    return b.net(spec.at_zero)


# ---- the network, unit by unit -------------------------------------------------------------

def _units_step(d: DerivationBuilder, spec: ThresholdSpec, net: ThresholdNet, how: str,
                separable, proved: bool) -> None:
    st = d.step("The network")
    act = spec.activation
    if separable is None and spec.function != "region":
        if how == "single" or net.hidden == 0:
            st.say("The targets are linearly separable (no point is an average of both "
                   "classes), so one threshold unit computes them: no hidden layer is needed.")
        else:
            st.say("The targets are linearly separable (no point is an average of both "
                   "classes), so a single threshold unit would compute them; the construction "
                   "asked for uses more units.")
    elif separable is not None:
        st.say("One unit cannot compute this: the point ", point_expr(separable.point),
               " is at once an average of target-1 rows and of the others, and a unit's "
               "half-space is convex. One hidden unit cannot either (the output would be a "
               "function of that one unit's cut), so at least 2 hidden units are needed.")
    intro = {"region": "One hidden unit per edge (its inside half-plane), an AND unit per "
                       "polygon" + (", an OR unit over the polygons." if len(spec.polygons) > 1
                                    else "."),
             "deep": "A tree of 2-input XOR blocks, each XOR(a, b) = AND(OR(a, b), NAND(a, b)): "
                     f"3 units and 2 layers per block, {3 * (spec.inputs - 1)} units in "
                     f"{net.layers} layers.",
             "parity": f"The {spec.inputs} units \"at least k ones\" (k = 1 … {spec.inputs}) "
                       "and an output unit with alternating weights +1, −1, …: with m ones it "
                       "sums to an odd/even indicator of m.",
             "sop": "One hidden unit per product term (it fires only when every literal "
                    "holds), and an OR unit over them.",
             "cuts": f"{net.hidden} hidden units, each on one cut of the points by a line, "
                     "and an output unit over them (next step: why fewer cannot work).",
             "single": ("A single unit, the textbook gate." if spec.function in
                        (*SINGLE_GATES, "nor", "majority") else
                        "A single unit, its weights found by the perceptron rule run exactly "
                        "from w = 0, b = 0 with η = 1 (it converges on separable data).")}[how]
    if how == "sop" and net.hidden == 0:
        intro = "A single product term: one unit that fires only when every literal holds."
    st.say(intro + (" This is a construction, not a proved minimum." if not proved and how
                    != "single" else ""))
    rows = []
    for u in net.units:
        terms: list = []
        for w, i in zip(u.weights, u.inputs):
            if w == 1:
                terms.append(Sym(*_split(i)))
            elif w == -1:
                terms.append(Neg(Sym(*_split(i))))
            elif w != 0:
                terms.append(mul(Num(w), Sym(*_split(i)), op=""))
        if u.bias != 0 or not terms:
            terms.append(Num(u.bias))
        z = add(*terms) if len(terms) > 1 else terms[0]
        rows.append([Text(u.name), Num(u.layer), eq(Sym(*_split(u.name)), call(act, z))])
    st.table(["unit", "layer", "computes"], rows)
    st.say(f"Counting: {net.hidden} hidden unit{'s' if net.hidden != 1 else ''}, "
           f"{len(net.units)} unit{'s' if len(net.units) != 1 else ''} with the output, "
           f"{net.layers} layer{'s' if net.layers != 1 else ''} (the input is not a layer).")
    if how == "region":
        st.say("A point exactly on an edge gets ", eq(Sym("z"), 0), f" there, so it counts as "
               f"{'inside' if spec.at_zero == 1 else 'outside'} that edge (at_zero).")


def _split(name: str) -> tuple[str, ...]:
    """x3 → (x, 3); u12 → (u, 12); out stays a word."""
    head = name.rstrip("0123456789")
    return (head, name[len(head):]) if head != name and head else (name,)


def _check_step(d: DerivationBuilder, spec: ThresholdSpec, net: ThresholdNet, rows) -> int:
    st = d.step("Check every " + ("point" if spec.function in (None, "region") else "row"))
    hidden = [u.name for u in net.units[:-1]]
    table, correct = [], 0
    for x, t in rows:
        run = net.run(x)
        y = run["out"][1]
        correct += y == t
        table.append([point_expr(x)] + [Num(run[h][1]) for h in hidden[:12]]
                     + [Num(run["out"][0]), Num(y), Num(t), "✓" if y == t else "✗"])
    headers = ["x"] + hidden[:12] + ["z(out)", "out", "target", "ok"]
    st.table(headers, table)
    st.say(f"{correct} of {len(rows)} correct.")
    return correct


def _answers(d: DerivationBuilder, spec: ThresholdSpec, net: ThresholdNet, proved: bool,
             correct: int, total: int) -> None:
    d.answer("hidden", net.hidden, eq(Sym("hidden"), net.hidden))
    d.answer("units", len(net.units), eq(Sym("units"), len(net.units)))
    d.answer("layers", net.layers, eq(Sym("layers"), net.layers))
    d.answer("hidden_proved", proved, Text(f"the {net.hidden} hidden units are "
                                           + ("proved the fewest" if proved else
                                              "a construction, not a proved minimum")))
    d.answer("correct", correct, Text(f"correct: {correct} of {total}"))
    xs = [f"x{i + 1}" for i in range(spec.inputs)]
    first = [u for u in net.units if u.layer == 1]
    if net.layers == 2 and len(first) == net.hidden:
        # Every hidden unit reads the inputs: W1 has a column per input (0 where unused).
        W1 = [[dict(zip(u.inputs, u.weights)).get(x, Fraction(0)) for x in xs] for u in first]
        d.answer("W1", tuple(tuple(r) for r in W1), eq(Sym("W", "1"), mat(W1, summarise=False)))
        d.answer("b1", tuple(u.bias for u in first), eq(Sym("b", "1"), row(
            [u.bias for u in first])))
        out = net.units[-1]
        d.answer("w2", (out.weights,), eq(Sym("w", "2"), row(out.weights)))
        d.answer("b2", out.bias, eq(Sym("b", "2"), out.bias))
    for u in net.units:
        # Per unit, for check and JSON: the units table shows them already.
        d.answer(f"w[{u.name}]", u.weights, boxed=False, listed=False)
        d.answer(f"b[{u.name}]", u.bias, boxed=False, listed=False)
