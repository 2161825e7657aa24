"""The derivation of a threshold-unit network: the function, why one unit can or cannot
compute it, the network unit by unit, and a check of every row (or sample point)."""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

from examsolve.derivation import Derivation, DerivationBuilder
from examsolve.errors import UnsolvableError
from examsolve.wording import number, plural
from examsolve.mathmodel import Expr, Neg, Num, Sym, Text, add, call, eq, mat, mul, rel, row
from examsolve.kinds.classifier_design.explain import listed, point_expr
from examsolve.kinds.classifier_design.cube_cover import (MAX_INPUTS, CoverBound, row_index,
                                                         smaller_net, too_few, unit_for)
from examsolve.kinds.classifier_design.hull import hulls_meet
from examsolve.kinds.classifier_design.threshold import (HALF, Builder, ThresholdNet, Unit,
                                                         flipped_edges, parity_deep, parity_one_layer,
                                                         region_net, sum_of_products,
                                                         inner_point)
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
    _function_step(d, spec, rows)
    if spec.model is not None:
        return _check_derivation(d, spec, rows)
    net, how, proved, design, separable, cover, scale, exhausted = build_net(spec)
    _units_step(d, spec, net, how, separable, proved, scale)
    if exhausted:
        sizes = "2" if net.hidden == 3 else f"2 … {net.hidden - 1}"
        d.last_step().say(f"These {net.hidden} hidden units are the fewest with one hidden "
                          "layer: a threshold unit cuts the 16 rows in one of 940 ways up to "
                          "complement (the 1,882 threshold functions of 4 inputs, the known "
                          f"count), and a search over every set of {sizes} of these cuts finds "
                          "none that gives rows of different classes different hidden "
                          "outputs separable by an output unit.")
    if design is not None and design.output is not None and proved \
            and design.tried[-1][0] == net.hidden:
        cuts_step(d, spec, design, net.hidden)  # the enumeration is the proof
    if cover is not None:
        _cover_step(d, spec, net, cover)
    correct = _check_step(d, spec, net, rows)
    if spec.inputs == 2:
        _picture_step(d, spec, net, rows)
    _answers(d, spec, net, proved, correct, len(rows))
    return d.build()


def _cover_step(d: DerivationBuilder, spec: ThresholdSpec, net: ThresholdNet,
                cover: CoverBound) -> None:
    """Why H − 1 hidden units are too few for a function of 4 inputs (cube_cover.py)."""
    m, unit = cover.units, spec.activation
    positive = sum(1 for _, t in _rows(spec) if t == 1)
    st = d.step(f"Why {net.hidden} hidden units are the fewest")
    st.say(f"A hidden {unit} unit's output, as a function of the inputs, never decreases as an "
           "input with weight ≥ 0 goes from its low value to its high one, and never increases "
           "for an input with weight ≤ 0: it is unate. Of the "
           f"{2 ** 2 ** spec.inputs:,} functions of {spec.inputs} inputs, {cover.unate:,} are "
           "unate; leaving out the two constants and "
           f"counting a function and its complement once (the unit negated), {cover.cuts:,} "
           "cuts of the rows remain, and every cut a unit can make is among them.")
    st.say(f"For {m} hidden units to work, no two rows of different classes may get the same "
           f"hidden outputs, so their {plural(m, 'cut')} must separate each of the "
           f"{positive} × {len(_rows(spec)) - positive} = {cover.pairs} pairs of a target-1 "
           "row and another row. An exhaustive search over the cuts (branching on a pair that "
           f"the fewest cuts separate; {cover.nodes:,} nodes) finds no {m} that do.")
    st.say(f"So under any {m} hidden units two rows of different classes share their hidden "
           "outputs, and no output unit can tell them apart: "
           f"H = {net.hidden} is the fewest with one hidden layer.")


def _check_derivation(d: DerivationBuilder, spec: ThresholdSpec, rows) -> Derivation:
    """Check mode: the proposed net run over every row or point, exactly."""
    net = spec.model
    assert net is not None
    st = d.step("The proposed network")
    st.say(f"The net given in the problem: {plural(net.hidden, f'hidden {spec.activation} unit')}"
           f" reading the inputs, and a {spec.out} output unit reading them.")
    _units_table(st, spec, net)
    correct = _check_step(d, spec, net, rows)
    if spec.inputs == 2:
        _picture_step(d, spec, net, rows)
    d.answer("correct", correct, Text(f"correct: {correct} of {len(rows)}"))
    if spec.out == "sigmoid":
        d.answer("p", tuple(_p(net.run(x)["out"][0], None) for x, _ in rows), boxed=False)
    d.answer("hidden", net.hidden, eq(Sym("hidden"), net.hidden))
    d.answer("units", len(net.units), eq(Sym("units"), len(net.units)))
    d.answer("layers", net.layers, eq(Sym("layers"), net.layers))
    return d.build()


def build_net(spec: ThresholdSpec) -> Built:
    """The designed net, how it was built, whether its size is proved the fewest, the
    enumeration over cuts (if run) and the common point of both classes (None when one unit
    separates them)."""
    rows = _rows(spec)
    separable = None
    if spec.function != "region":
        separable = hulls_meet([x for x, _ in rows], [1 if t == 1 else -1 for x, t in rows])
    design = None
    # Design mode (no construction asked for) finds the fewest units for points and for
    # functions alike; a function's rows are points of the cube (3 inputs at most: cuts.py).
    if separable is not None and spec.construction is None and spec.function != "region" \
            and (spec.function is None or spec.inputs <= 3):
        design = fewest_threshold_units([x for x, _ in rows],
                                        [1 if t == 1 else -1 for _, t in rows], spec.low)
    net, how, proved = _build(spec, rows, separable, design)
    exhausted = False
    if not proved and design is None and spec.construction is None and net.layers == 2 \
            and spec.function not in (None, "region") and spec.inputs == MAX_INPUTS:
        found, searched = smaller_net(rows, net.hidden)
        if found is None and searched and net.hidden > 2:
            exhausted = True  # no smaller count works: said after the cover bound's turn
        if found is not None:
            from examsolve.kinds.classifier_design.threshold_minimum import design_from_cuts

            xs = [x for x, _ in rows]
            assert [row_index(x) for x in xs] == list(range(len(xs)))  # counting order
            small = [tuple(map(Fraction, w)) + (b,) for w, b in
                     (unit_for(spec.inputs, cut) for cut in found)] if spec.low == 0 else None
            net = _cuts_net(spec, design_from_cuts(
                xs, [1 if t == 1 else -1 for _, t in rows], found, spec.low,
                [(u[:-1], u[-1]) for u in small] if small else None))
            # Every smaller count was searched over every threshold cut (threshold_cuts).
            how, proved = "cube", True
    scale = 1
    if spec.output:
        net, scale = _with_output(spec, net, rows)
    cover = None
    if not proved and separable is not None and spec.function not in (None, "region") \
            and net.layers == 2:
        cover = too_few(rows, net.hidden - 1)
        proved = cover is not None
    exhausted = exhausted and cover is None
    return Built(net, how, proved or exhausted, design, separable, cover, scale, exhausted)


def _with_output(spec: ThresholdSpec, net: ThresholdNet, rows) -> tuple[ThresholdNet, int]:
    """The net with its output unit of `output:`'s family. The output unit's weights and
    bias read the hidden signals, so they stay; its net input is never 0 on a row, so only
    its values change (high 1, low the output's). A sigmoid output is scaled by the
    smallest whole k that puts every row at |z| ≥ 1 (p ≤ 0.2689 or ≥ 0.7311, as for ReLU
    nets)."""
    net = ThresholdNet(net.units, net.activation, net.at_zero, spec.output)
    if spec.output != "sigmoid":
        return net, 1
    out = net.units[-1]
    nearest = min(abs(net.run(x)["out"][0]) for x, _ in rows)
    if nearest == 0 or nearest >= 1:
        return net, 1
    k = int(-(-1 // nearest))  # ceil(1 / nearest)
    scaled = Unit(out.name, out.inputs, tuple(k * w for w in out.weights), k * out.bias,
                  out.layer)
    return ThresholdNet(net.units[:-1] + (scaled,), net.activation, net.at_zero,
                        spec.output), k


class Built(NamedTuple):
    """What build_net designed, and what proves its size (cuts.py's enumeration, or the
    bound of cube_cover.py for a function of 4 inputs)."""
    net: ThresholdNet
    how: str
    proved: bool
    design: ThresholdDesign | None
    separable: object
    cover: CoverBound | None
    scale: int = 1  # a sigmoid output unit's weights were multiplied by this
    exhausted: bool = False  # every smaller count was searched over every threshold cut


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
        return spec.positive, spec.negative
    return "1", str(spec.out_low)


def _output_unit(st, spec: ThresholdSpec, coded: bool) -> None:  # type: ignore[no-untyped-def]
    """The output unit when it is of another family than the hidden units."""
    z = Sym("z")
    if spec.out == "sigmoid":
        st.say("The output unit is a sigmoid unit: ", eq(Sym("p"), call("σ", z)), ", and the "
               "net says target 1 when ", rel(Sym("p"), ">", 0.5), ", that is ", rel(z, ">", 0),
               ", and target 0 when z < 0 (p = 0.5 at z = 0 decides nothing). The targets are "
               "1 and 0" + (f" (the inputs stay {'0/1' if spec.low == 0 else '−1/1'})." if coded
                            else "."))
        return
    low = spec.out_low
    at = 1 if spec.at_zero == 1 else low
    st.say(f"The output unit is a {spec.out} unit: ", eq(call(spec.out, z), 1), " for ",
           rel(z, ">", 0), " and ", low, " for ", rel(z, "<", 0), "; at exactly ", eq(z, 0),
           " it outputs ", at, f" (at_zero {'1' if at == 1 else 'low'}, as for the hidden "
           f"units). So the targets are 1 and {number(low)}"
           + (f" (the inputs stay {'0/1' if spec.low == 0 else '−1/1'})." if coded else "."))


def _picture_step(d: DerivationBuilder, spec: ThresholdSpec, net: ThresholdNet,
                  rows) -> None:
    """Where the built net outputs 1, on the plane of the two inputs, with every checked
    point (or truth-table row) marked by its target."""
    from examsolve.kinds.classifier_design.picture import (NEGATIVE_MARK, POSITIVE_MARK,
                                                             SHADE, box_of, decision_picture,
                                                             region_map, threshold_inside)

    one, other = (f" ({name})" if name != value else ""
                  for name, value in zip(_class_names(spec), ("1", str(spec.out_low))))
    marks = [(x, POSITIVE_MARK if t == 1 else NEGATIVE_MARK) for x, t in rows]
    box = box_of(marks)
    names = ("x₁", "x₂")
    picture = decision_picture(threshold_inside(net), marks, names, box)
    caption = (f"{SHADE} where the net outputs 1{one}, blank where it outputs {number(spec.out_low)}"
               f"{other}. {POSITIVE_MARK} = target 1{one}, {NEGATIVE_MARK} = target "
               f"{number(spec.out_low)}{other}.")
    groups = [(f"target 1{one}", POSITIVE_MARK, [x for x, t in rows if t == 1]),
              (f"target {number(spec.out_low)}{other}", NEGATIVE_MARK, [x for x, t in rows if t != 1])]
    chart = region_map("Where the network outputs 1", threshold_inside(net), groups, names,
                       box, (f"net outputs 1{one}", f"net outputs {number(spec.out_low)}{other}"))
    d.step("Decision regions").figure(picture, caption, chart=chart)


def _rows(spec: ThresholdSpec) -> list[tuple[tuple[Fraction, ...], int]]:
    """(input, target) for every truth-table row, or every sample point of a region."""
    if spec.table:
        return list(spec.table)
    low = spec.out_low
    if spec.function == "region":
        pts = [(p.x, 1 if p.label == spec.inside else low) for p in spec.points]
        return pts + [(x, t) for x, t in _region_samples(spec) if x not in {q for q, _ in pts}]
    return [(p.x, 1 if p.label == spec.positive else low) for p in spec.points]


def checked_rows(spec: ThresholdSpec) -> list[tuple[tuple[Fraction, ...], int]]:
    """Every row the check step runs: the function's, or the points with a region's own
    samples."""
    return _rows(spec)


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
            samples.append((x, 1 if inside else spec.out_low))
    return samples


def _inner_point(polygon) -> tuple[Fraction, ...] | None:
    """A point strictly inside every half-plane: the small grid's nearest the origin (a
    friendly sample: a strip 0 < x1 < 2 gets (1, 0), not (1, −40)), else the exact one of
    threshold.inner_point."""
    import itertools

    for scale in (1, 2, 4, 8):
        grid = sorted(itertools.product(range(-40 * scale, 40 * scale + 1), repeat=2),
                      key=lambda p: (max(abs(p[0]), abs(p[1])), abs(p[0]) + abs(p[1]), p))
        for a, b in grid:
            x = (Fraction(a, scale), Fraction(b, scale))
            if all(w[0] * x[0] + w[1] * x[1] + c > 0 for w, c in polygon):
                return x
        if scale >= 2:
            break
    return inner_point(list(polygon))  # a region too thin for the grid


def _function_step(d: DerivationBuilder, spec: ThresholdSpec, rows) -> None:
    st = d.step("The units and the function")
    z = Sym("z")
    # Truth tables and sums of products are encoded; points and regions are coordinates.
    coded = spec.function not in (None, "region")
    hid = "hidden units' " if spec.output else ""
    if spec.activation == "step":
        st.say("A step unit outputs ", eq(call("step", z), 1), " for ", rel(z, ">", 0), " and ",
               0, " for ", rel(z, "<", 0), "; at exactly ", eq(z, 0), " it outputs ",
               spec.at_zero, " (at_zero). "
               + (f"Inputs and {hid}outputs are 0/1 (binary encoding)." if coded else
                  f"The inputs are the coordinates as written; the {hid}outputs are 0/1."))
    else:
        st.say("A sign unit outputs ", eq(call("sign", z), 1), " for ", rel(z, ">", 0), " and ",
               -1, " for ", rel(z, "<", 0), "; at exactly ", eq(z, 0), " it outputs ",
               spec.at_zero, " (at_zero). "
               + (f"Inputs and {hid}outputs are −1/1 (bipolar encoding: false is −1, true "
                  "is 1)." if coded else f"The inputs are the coordinates as written; the "
                  f"{hid}outputs are −1/1."))
    if spec.output:
        _output_unit(st, spec, coded)
    n = spec.inputs
    if spec.function == "region":
        named = (spec.inside, spec.outside) != ("inside", "outside")
        st.say("The region " + (f"(class `{spec.inside}` inside, `{spec.outside}` outside) "
                                if named else f"(target 1 inside, {number(spec.out_low)} "
                                "outside) ") + "is "
               + ("the intersection of the half-planes" if len(spec.polygons) == 1 else
                  f"the union of {len(spec.polygons)} convex polygons, each the intersection "
                  "of its edges' half-planes") + ":")
        for k, polygon in enumerate(spec.polygons):
            st.say(*(["Polygon ", k + 1, ": "] if len(spec.polygons) > 1 else []),
                   *listed([rel(_affine(w, c), "≥" if shut else ">", 0)
                            for (w, c), shut in zip(polygon, spec.closed[k])]), ".")
        if not spec.region_text:
            st.say("The vertices do not say whether the edges belong to the region; here "
                   + ("they do (≥), as a unit outputs 1 at z = 0 (at_zero: 1)." if
                      spec.at_zero == 1 else "they do not (>), as a unit outputs "
                      f"{number(spec.at_zero)} at z = 0 (at_zero: {number(spec.at_zero)})."))
        return
    if spec.function is None:
        st.say(f"The {len(rows)} points, with their targets: class `{spec.positive}` is "
               f"target 1 (positive), class `{spec.negative}` target {number(spec.out_low)}.")
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
        net = region_net([list(p) for p in spec.polygons], spec.activation, spec.at_zero,
                         list(spec.closed), _touched(spec))
        return net, "region", len(net.units) == 1  # one half-plane: one unit, the fewest
    # The enumeration's count (a function's rows as points, no construction asked for):
    # the textbook construction is kept when it is that small, else the enumeration's net.
    fewest = design.tried[-1][0] if design is not None and design.output is not None \
        else None
    if f in ("xor", "xnor") and (spec.construction == "deep"):
        net = parity_deep(spec.inputs, spec.activation, spec.at_zero)
        return (_negated(net) if f == "xnor" else net), "deep", \
            spec.inputs == 2 and separable is not None
    if f in ("xor", "xnor") and separable is not None:
        net = parity_one_layer(spec.inputs, spec.activation, spec.at_zero)
        if fewest is not None and fewest < net.hidden:
            return _cuts_net(spec, design), "cuts", True
        return (_negated(net) if f == "xnor" else net), "parity", \
            net.hidden == 2 or fewest == net.hidden
    if separable is None and spec.construction is None:
        return _single_unit(spec, rows), "single", True
    if separable is None and spec.points:
        return _single_unit(spec, rows), "single", True
    if spec.terms:
        net = sum_of_products([list(t) for t in spec.terms], spec.activation, spec.at_zero)
        if fewest is not None and (fewest < net.hidden or net.layers != 2):
            return _cuts_net(spec, design), "cuts", True
        # One unit (a single term) is the fewest; 2 hidden units are, for a non-separable
        # function (one hidden unit's output is still a threshold of the input).
        proved = net.hidden == 0 or (net.hidden == 2 and separable is not None
                                     and net.layers == 2) or fewest == net.hidden
        return net, "sop", proved
    if design is not None and design.output is not None:
        return _cuts_net(spec, design), "cuts", True
    why = f" ({design.reason})" if design is not None and design.reason else ""
    raise UnsolvableError(f"{spec.common.file}: the points are not linearly separable, and no "
                          f"threshold network for them was found{why}; a region, a truth "
                          "table or a sum of products gives a construction")


def _touched(spec: ThresholdSpec) -> list[tuple[bool, ...]]:
    """Per polygon and edge: does a given point lie exactly on it?"""
    return [tuple(any(w[0] * p.x[0] + w[1] * p.x[1] + c == 0 for p in spec.points)
                  for w, c in polygon) for polygon in spec.polygons]


def _cuts_net(spec: ThresholdSpec, design: ThresholdDesign) -> ThresholdNet:
    """The enumeration's net: one hidden unit per chosen cut, and the output unit."""
    b = Builder(spec.activation)
    xs = [f"x{i + 1}" for i in range(spec.inputs)]
    names = [b.unit(xs, list(w), bias) for w, bias in design.hidden]
    b.unit(names, list(design.output[0]), design.output[1], "out")
    return b.net(spec.at_zero)


def _negated(net: ThresholdNet) -> ThresholdNet:
    """NOT of the output unit: its weights and bias negated (its net input is never 0 on
    these signals, so step(−z) = 1 − step(z) and sign(−z) = −sign(z) hold)."""
    out = net.units[-1]
    flipped = Unit(out.name, out.inputs, tuple(-w for w in out.weights), -out.bias, out.layer)
    return ThresholdNet(net.units[:-1] + (flipped,), net.activation, net.at_zero, net.output)


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
    small = smallest_unit(rows)
    if small is not None:
        b.unit(xs, *small)
        return b.net(spec.at_zero)
    w, bias = _perceptron_unit(spec, rows)
    b.unit(xs, w, _centred(w, bias, rows))
    return b.net(spec.at_zero)


SMALL_WEIGHT = 3        # whole weights |w_i| ≤ 3 are tried, for up to
SMALL_INPUTS = 6        # 6 inputs (7⁶ = 117,649 weight vectors)


def smallest_unit(rows) -> tuple[list[Fraction], Fraction] | None:
    """The whole weights of smallest size (largest |w_i|, then Σ|w_i|) that put every
    target-1 row above every other row, with the bias halfway between the two classes' net
    inputs (so no row is at z = 0); None when no |w_i| ≤ SMALL_WEIGHT works."""
    import itertools

    import numpy as np

    inputs = len(rows[0][0])
    if inputs > SMALL_INPUTS:
        return None
    X = np.array([[float(v) for v in x] for x, _ in rows])
    ones = np.array([t == 1 for _, t in rows])
    if ones.all() or not ones.any():  # a constant: the bias alone
        return [Fraction(0)] * inputs, Fraction(1 if ones.all() else -1, 2)
    for k in range(1, SMALL_WEIGHT + 1):
        W = np.array(list(itertools.product(range(-k, k + 1), repeat=inputs)), dtype=float)
        W = W[np.abs(W).max(axis=1) == k]
        Z = W @ X.T
        gap = Z[:, ones].min(axis=1) - Z[:, ~ones].max(axis=1)
        for i in np.lexsort((-gap, np.abs(W).sum(axis=1))):
            if gap[i] <= 0:
                continue
            w = [Fraction(int(v)) for v in W[i]]  # confirmed exactly: floats only search
            zs = [(sum((wi * xi for wi, xi in zip(w, x)), Fraction(0)), t) for x, t in rows]
            low = min(z for z, t in zs if t == 1)
            high = max(z for z, t in zs if t != 1)
            if low > high:
                return w, -(low + high) / 2
    return None


def _centred(w, bias: Fraction, rows) -> Fraction:
    """The bias moved to the middle of the gap between the two classes' net inputs when some
    row sits at exactly z = 0 (right only through at_zero, as the perceptron rule may leave
    it): then every row has |z| ≥ half the gap. Unchanged when no row is at 0."""
    zs = [(sum((wi * xi for wi, xi in zip(w, x)), Fraction(0)) + bias, t) for x, t in rows]
    if all(z != 0 for z, _ in zs):
        return bias
    ones = min(z for z, t in zs if t == 1)
    others = max(z for z, t in zs if t != 1)
    return bias - (ones + others) / 2


def _perceptron_unit(spec: ThresholdSpec, rows) -> tuple[list[Fraction], Fraction]:
    """The perceptron rule run exactly from w = 0, b = 0 with η = 1, to convergence."""
    w = [Fraction(0)] * spec.inputs
    bias = Fraction(0)
    probe = ThresholdNet((), spec.activation, spec.at_zero, spec.output)
    for _ in range(MAX_PERCEPTRON_EPOCHS):
        updated = False
        for x, t in rows:
            y = probe.act(sum((wi * xi for wi, xi in zip(w, x)), Fraction(0)) + bias, True)
            if y != t:
                w = [wi + (t - y) * xi for wi, xi in zip(w, x)]
                bias += t - y
                updated = True
        if not updated:
            break
    else:
        raise UnsolvableError(f"{spec.common.file}: the perceptron rule did not converge in "
                              f"{MAX_PERCEPTRON_EPOCHS} epochs")
    return w, bias


# ---- the network, unit by unit -------------------------------------------------------------

def _units_step(d: DerivationBuilder, spec: ThresholdSpec, net: ThresholdNet, how: str,
                separable, proved: bool, scale: int = 1) -> None:
    st = d.step("The network")
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
               f" is at once an average of target-1 {'points' if spec.function is None else 'rows'} "
               "and of the others, and a unit's "
               "half-space is convex. One hidden unit cannot either (the output would be a "
               "function of that one unit's cut), so at least 2 hidden units are needed.")
    intro = {"region": "One hidden unit per edge (on its half-plane), an AND unit per "
                       "polygon" + (", an OR unit over the polygons." if len(spec.polygons) > 1
                                    else "."),
             "deep": "A tree of 2-input XOR blocks, each XOR(a, b) = AND(OR(a, b), NAND(a, b)): "
                     f"3 units and 2 layers per block, {3 * (spec.inputs - 1)} units in "
                     f"{net.layers} layers." + (
                         f" One hidden layer needs fewer: the {spec.inputs} \"at least k ones\" "
                         f"units and an output unit, {spec.inputs + 1} units in 2 layers "
                         "(construction: one-hidden-layer); the tree keeps every unit to 2 "
                         "inputs." if spec.inputs > 2 else ""),
             "parity": f"The {spec.inputs} units \"at least k ones\" (k = 1 … {spec.inputs}) "
                       "and an output unit with alternating weights +1, −1, …: with m ones it "
                       "sums to an odd/even indicator of m." + (
                           " For XNOR the output unit is negated (its weights −1, +1, … and its "
                           "bias change sign)." if spec.function == "xnor" else ""),
             "sop": "One hidden unit per product term (it fires only when every literal "
                    "holds), and an OR unit over them.",
             "cube": f"{plural(net.hidden, 'hidden unit')}, fewer than the construction's "
                     "one per product term. A threshold unit cuts the 16 rows in one of 940 "
                     "ways up to complement (the 1,882 threshold functions of 4 inputs, the "
                     "known count; every one has whole weights |wᵢ| ≤ 3, and each unit below "
                     "has its cut's smallest). Sets of cuts are searched from 2 up, keeping "
                     "only those that give rows of different classes different hidden "
                     "outputs and then asking that the classes' hidden outputs be separable "
                     "by the output unit (their convex hulls do not meet, decided exactly): "
                     f"{net.hidden} is the first count that works, so fewer cannot work "
                     "with one hidden layer.",
             "cuts": f"{plural(net.hidden, 'hidden unit')}, each on one cut of the "
                     f"{'points' if spec.function is None else 'rows'} by "
                     f"{_cutter(spec.inputs)}, and an output unit over them (next step: why "
                     "fewer cannot work).",
             "single": ("A single unit, the textbook gate." if spec.function in
                        (*SINGLE_GATES, "nor", "majority") else
                        _single_intro(spec, net))}[how]
    if how == "sop" and net.hidden == 0:
        intro = "A single product term: one unit that fires only when every literal holds."
    if how == "region" and len(net.units) == 1:
        intro = "A single half-plane: one unit on it is the whole network."
    elif how == "region":
        edges = sum(len(p) for p in spec.polygons)
        units = sum(1 for u in net.units if u.layer == 1)
        if units < edges:
            intro += (f" Edges on the same line with the same inside share their unit: "
                      f"{units} units for {edges} edges.")

    st.say(intro + (" This is a construction, not a proved minimum." if not proved and how
                    != "single" else ""))
    if how == "single" and spec.function not in (*SINGLE_GATES, "nor", "majority") \
            and smallest_unit(_rows(spec)) is None:
        _, raw = _perceptron_unit(spec, _rows(spec))
        moved = net.units[-1].bias / scale  # as built, before a sigmoid output's scaling
        if raw != moved:
            st.say("The rule stops with bias ", Num(raw), " and some row at exactly ",
                   eq(Sym("z"), 0), ", right only through the value at 0; the bias is moved "
                   "to the middle of the gap between the two targets' net inputs, ",
                   Num(moved), ", so no row is at 0.")
    if scale > 1:
        st.say(f"For the sigmoid output, the output unit's weights and bias (as built for a "
               f"threshold output) are multiplied by {scale}, so every "
               f"{'point' if spec.function in (None, 'region') else 'row'} has |z| ≥ 1 "
               "(p ≤ 0.2689 or p ≥ 0.7311); the signs of z, and so the classes, stay.")
    _units_table(st, spec, net)
    if len(net.units) == 1:
        _as_threshold(st, spec, net.units[0])
    if how == "region":
        _edges_at_zero(st, spec)


def _single_intro(spec: ThresholdSpec, net: ThresholdNet) -> str:
    if smallest_unit(_rows(spec)) is None:
        return ("A single unit, its weights found by the perceptron rule run exactly from "
                "w = 0, b = 0 with η = 1 (it converges on separable data).")
    found = smallest_unit(_rows(spec))
    largest = max(abs(w) for w in found[0]) if found else 0
    what = 'point' if spec.function is None else 'row'
    return ("A single unit with the smallest whole weights that work: weight vectors are "
            "tried by their largest |wᵢ| (1, then 2, then 3), then by Σ|wᵢ|, and the first "
            f"that puts every target-1 {what} above the others is used (here the largest "
            f"|wᵢ| is {largest}). The bias puts z = 0 halfway between the two classes' net "
            f"inputs, so no {what} is at z = 0.")


def _edges_at_zero(st, spec: ThresholdSpec) -> None:  # type: ignore[no-untyped-def]
    """How a point exactly on an edge is decided, and which edge units are turned round
    (threshold.flipped_edges: the edges written ≥ when a unit outputs its low value at 0)."""
    edges = [shut for polygon in spec.closed for shut in polygon]
    touched = _touched(spec)
    flips = [(shut, f) for k, polygon in enumerate(spec.closed)
             for shut, f in zip(polygon, flipped_edges(polygon, spec.at_zero, touched[k]))]
    flipped = sum(1 for _, f in flips if f)
    open_flipped = sum(1 for shut, f in flips if f and not shut)
    high = spec.at_zero == 1
    st.say("A point exactly on an edge gets ", eq(Sym("z"), 0), " at that edge's unit, "
           f"which outputs {number(spec.at_zero)} there (at_zero: {number(spec.at_zero)})"
           + (", so it counts as inside that edge." if high else
              ", so it counts as outside that edge." if not flipped else
              "." if flipped == len(edges) else
              ": an edge written > leaves its points out, as written."))
    if open_flipped:
        st.say(f"A given point lies exactly on {plural(open_flipped, 'edge')} written >, "
               "which must leave it out: "
               + ("that edge's unit is" if open_flipped == 1 else "those edges' units are")
               + " turned round, a unit on −(w·x + b) that outputs 1 exactly off the "
               "half-plane (z ≥ 0 there means w·x + b ≤ 0), taken by the AND unit with "
               "weight −1 (true when that unit is not 1).")
    if high and spec.region_text and len(edges) > open_flipped and not all(edges):
        other = "other " if open_flipped else ""
        st.say(f"That is as written for the edges written ≥; the {other}edges written > count "
               "their own points as inside too" if any(edges) else
               "The edges are written >, so this counts their own points as inside, unlike "
               "the inequalities", f" (at_zero: {number(spec.low)} would leave them out"
               + (", and turn the ≥ edges' units round)." if any(edges) else ")."))
    if flipped > open_flipped:
        st.say(f"The {plural(flipped, 'edge')} written ≥ need the value 1 at z = 0, so their "
               "units are turned round: a unit on −(w·x + b) outputs 1 exactly off that "
               "half-plane (z < 0), and the AND unit takes it with weight −1 (true when that "
               "unit is not 1). So the points on every edge fall as the inequalities are "
               "written.")


def _as_threshold(st, spec: ThresholdSpec, unit: Unit) -> None:  # type: ignore[no-untyped-def]
    """A lone unit's weights, bias and threshold θ = −b, and the firing rule they give."""
    wx = add(*[mul(Num(w), Sym(*_split(i)), op="") if abs(w) != 1 else
               (Sym(*_split(i)) if w == 1 else Neg(Sym(*_split(i))))
               for w, i in zip(unit.weights, unit.inputs) if w != 0] or [Num(0)])
    kind = spec.out
    fires = "≥" if spec.at_zero == 1 and kind != "sigmoid" else ">"
    at_zero = 1 if spec.at_zero == 1 else spec.out_low
    why = ((" (", rel(Sym("p"), ">", 0.5), " exactly when ", rel(Sym("z"), ">", 0), ").")
           if kind == "sigmoid" else
           (f" ({fires} because ", eq(call(kind, 0), at_zero), " here)."))
    st.say("So the weights are ", eq(Sym("w"), row(unit.weights)), " and the bias ",
           eq(Sym("b"), unit.bias), "; as a threshold, ", eq(Sym("θ"), Neg(Sym("b")),
                                                              -unit.bias),
           ": the unit " + ("says 1" if kind == "sigmoid" else "outputs 1")
           + " when ", rel(wx, fires, Num(-unit.bias)), *why)


def _units_table(st, spec: ThresholdSpec, net: ThresholdNet) -> None:  # type: ignore[no-untyped-def]
    """Every unit's layer and what it computes, then the counts."""
    act = spec.activation
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
        kind = spec.out if u is net.units[-1] else act
        rows.append([Text(u.name), Num(u.layer), eq(Sym(*_split(u.name)),
                                                    call("σ" if kind == "sigmoid" else kind, z))])
    st.table(["unit", "layer", "computes"], rows)
    st.say(f"Counting: {net.hidden} hidden unit{'s' if net.hidden != 1 else ''}, "
           f"{len(net.units)} unit{'s' if len(net.units) != 1 else ''} with the output, "
           f"{net.layers} layer{'s' if net.layers != 1 else ''} (the input is not a layer).")


def _cutter(dimension: int) -> str:
    return {1: "a point", 2: "a line", 3: "a plane"}.get(dimension, "a hyperplane")


def _split(name: str) -> tuple[str, ...]:
    """x3 → (x, 3); u12 → (u, 12); out stays a word."""
    head = name.rstrip("0123456789")
    return (head, name[len(head):]) if head != name and head else (name,)


def _check_step(d: DerivationBuilder, spec: ThresholdSpec, net: ThresholdNet, rows) -> int:
    st = d.step("Check every " + ("point" if spec.function in (None, "region") else "row"))
    hidden = [u.name for u in net.units[:-1]]
    table, correct = [], 0
    sigmoid = spec.out == "sigmoid"
    for x, t in rows:
        run = net.run(x)
        z, y = run["out"]
        right = (z > 0) == (t == 1) and z != 0 if sigmoid else y == t
        correct += right
        table.append([point_expr(x)] + [Num(run[h][1]) for h in hidden[:12]]
                     + [Num(z), Num(_p(z)) if sigmoid else Num(y), Num(t),
                        "✓" if right else "✗"])
    headers = ["x"] + hidden[:12] + ["z(out)", "p = σ(z)" if sigmoid else "out", "target",
                                     "ok"]
    st.table(headers, table)
    if sigmoid:
        st.say("The net says target 1 where p > 0.5 (z > 0) and " f"{number(spec.out_low)} where "
               "p < 0.5; p = 0.5 (z = 0) would decide nothing.")
    st.say(f"{correct} of {len(rows)} correct.")
    return correct


def _p(z: Fraction, digits: int | None = 4) -> float:
    """σ(z) in floats (z is exact), rounded for the table unless digits is None."""
    import math

    v = float(z)
    p = 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))
    return p if digits is None else round(p, digits)


def _answers(d: DerivationBuilder, spec: ThresholdSpec, net: ThresholdNet, proved: bool,
             correct: int, total: int) -> None:
    d.answer("hidden", net.hidden, eq(Sym("hidden"), net.hidden))
    d.answer("units", len(net.units), eq(Sym("units"), len(net.units)))
    d.answer("layers", net.layers, eq(Sym("layers"), net.layers))
    d.answer("hidden_proved", proved, Text(
        "no hidden units: one unit is the fewest" if net.hidden == 0 else
        f"the {plural(net.hidden, 'hidden unit')} " + ("are proved the fewest" if proved else
                                                      "are a construction, not a proved "
                                                      "minimum") if net.hidden != 1 else
        "the 1 hidden unit is " + ("proved the fewest" if proved else
                                   "a construction, not a proved minimum")))
    d.answer("correct", correct, Text(f"correct: {correct} of {total}"))
    if spec.out == "sigmoid":
        d.answer("p", tuple(_p(net.run(x)["out"][0], None) for x, _ in _rows(spec)),
                 boxed=False)
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
    if len(net.units) == 1:
        unit = net.units[0]
        d.answer("w", unit.weights, eq(Sym("w"), row(unit.weights)))
        d.answer("b", unit.bias, eq(Sym("b"), unit.bias))
        d.answer("theta", -unit.bias, eq(Sym("θ"), -unit.bias))
    for u in net.units:
        # Per unit, for check and JSON: the units table shows them already.
        d.answer(f"w[{u.name}]", u.weights, boxed=False, listed=False)
        d.answer(f"b[{u.name}]", u.bias, boxed=False, listed=False)
