"""The written solution of a classifier-design problem: design (or check) → derivation.

Design: the points and the model's conventions, the search for the fewest hidden units (or the
construction when the search finds nothing), the parameters, what each hidden unit responds
to, every point through the network, and for 2-D points a picture of the decision regions.
Check: the same for a given network, with the misclassified points marked and counted.
"""

from __future__ import annotations

from fractions import Fraction

from examsolve.derivation import Derivation, DerivationBuilder, Part, StepBuilder
from examsolve.errors import UnsolvableError
from examsolve.mathmodel import Expr, Num, Sym, Text, add, call, eq, mat, mul, rel, row
from examsolve.kinds.classifier_design.spec import ClassifierSpec
from examsolve.kinds.classifier_design.construct import Construction, construct
from examsolve.kinds.classifier_design.minimality import (MAX_OUTPUT_WEIGHT, MAX_PROGRAMS,
                                                        ReluProof,
                                                        largest_parameter, prove_relu,
                                                        smaller_integer_net)
from examsolve.kinds.classifier_design.minimality_report import relu_proof_step
from examsolve.kinds.classifier_design.search_report import (SEARCHED_HIDDEN,
                                                               construction_step,
                                                               construction_warning,
                                                               proved_lower_bound,
                                                               search_step)
from examsolve.kinds.classifier_design.explain import (coordinate_names, describe_network,
                                                         linear_form, listed, num_text,
                                                         point_expr, point_number,
                                                         worked_point)
from examsolve.kinds.classifier_design.hull import hulls_meet
from examsolve.kinds.classifier_design.net import Forward, Model, forward, sigmoid
from examsolve.kinds.classifier_design.output_unit import (needs, output_symbol, output_value,
                                                           sigmoid_convention,
                                                           threshold_convention)
from examsolve.kinds.classifier_design.picture import (NEGATIVE_MARK, POSITIVE_MARK,
                                                         SHADE, box_of, decision_picture,
                                                         net_inside, region_map)
from examsolve.chart import RegionMap
from examsolve.kinds.classifier_design.search import SearchResult, search


def design_derivation(spec: ClassifierSpec) -> Derivation:
    ys = [1 if p.label == spec.positive else -1 for p in spec.points]
    xs = [p.x for p in spec.points]
    # `hidden:` beyond the search: design with the fewest found, then pad (see _pad).
    counts = SEARCHED_HIDDEN if spec.hidden is None or spec.hidden > max(SEARCHED_HIDDEN) \
        else (spec.hidden,)
    result = search(xs, ys, counts)
    built: Construction | None = None
    model = result.model
    if model is None:
        if spec.hidden == 1 and hulls_meet(xs, ys) is not None:
            raise UnsolvableError("one hidden unit cannot classify these points: the classes "
                                  "are not separable by a " + ("point" if spec.dimension == 1
                                                               else "line" if spec.dimension
                                                               == 2 else "hyperplane")
                                  + " (remove `hidden: 1` to get the fewest that work)")
        built = construct(xs, ys)
        model = built.model
    proof = finder = partial = None
    if spec.hidden is None:
        proof, finder, partial = _prove_fewest(spec, xs, ys, model.hidden)
        if finder is not None:
            model, built = finder.witness, None
    if spec.hidden is not None and model.hidden > spec.hidden:
        finder = _within(spec, xs, ys)
        if finder is not None:
            model, built = finder.witness, None
    searched = None  # the net found first, when one with smaller weights replaces it
    smaller = smaller_integer_net(xs, ys, model)
    if smaller is not None:
        searched, model = model, smaller
    if spec.hidden is not None:
        model = _pad(model, spec.hidden, result)
    d = _begin(spec, design=True)
    proved = search_step(d, spec, result, built, proof, finder, partial)
    if proof is not None and proof.proved and proved == model.hidden \
            and proof.units == model.hidden - 1:
        relu_proof_step(d, spec, proof, model.hidden)
    if built is not None:
        construction_step(d, spec, built)
    if partial is not None:  # after the construction, which the search step calls "next"
        relu_proof_step(d, spec, partial, model.hidden)
    network = d.step("The network")
    if searched is not None:
        _smaller_weights(network, searched, model, "proof's" if finder else
                         "constructed" if built else "search's best")
    _parameters_step(network, spec, model)
    _units_step(d, spec, model)
    rows = [forward(model, p.x) for p in spec.points]
    _table_step(d, spec, model, rows)
    _picture_step(d, spec, model)
    _answers(d, spec, model, rows)
    if spec.hidden is None:
        d.answer("hidden_proved", proved is not None and proved == model.hidden,
                 Text("the minimum H = " + str(model.hidden)
                      + (" is proved" if proved == model.hidden else " is not proved")))
    if built is not None and model.hidden > max(SEARCHED_HIDDEN):
        d.warn(construction_warning(spec, model.hidden))
    return d.build()


def _smaller_weights(st: StepBuilder, searched: Model, model: Model, origin: str) -> None:
    """Why the net below is not the search's (or the construction's): the same activation
    pattern with smaller integer weights (minimality.smaller_integer_net)."""
    alpha = Sym("α")
    st.say(f"The {origin} net has largest ", call("abs", Text("parameter")), " ",
           Num(largest_parameter(searched)), ". Keeping its activation pattern (the points "
           "where each hidden unit is active, and the sign of each output weight) and fixing "
           "the output weights to ", Text("±"), alpha, " for ",
           eq(alpha, Text(f"1, …, {MAX_OUTPUT_WEIGHT}")), ", every ", Sym("s", "i"),
           " is linear in the other weights, so for each ", alpha, " linear programs give "
           "the weights with the smallest sum of ", call("abs", Text("parameter")), ", and "
           "those with the smallest largest ", call("abs", Text("parameter")), ", with ",
           rel(mul(Sym("y", "i"), Sym("s", "i"), op=""), "≥", 1), " at every point. The best "
           "of them, rounded to integers and checked in exact arithmetic, has largest ",
           call("abs", Text("parameter")), " ", Num(largest_parameter(model)), " (",
           eq(alpha, abs(model.w2[0])), "): that is the network used below.")


def _prove_fewest(spec: ClassifierSpec, xs, ys, hidden: int
                  ) -> tuple[ReluProof | None, Model | None, ReluProof | None]:
    """The exact proof (minimality.py) that `hidden` − 1 units fail, where the simpler
    bounds (not separable; class changes along a line) leave it open. When the proof finds a
    smaller net instead, that net is adopted and the proof redone for one unit fewer.

    When the proof for `hidden` − 1 stops at its limits before any program (too many
    patterns), it climbs from the bottom instead: m = lower, lower + 1, … units, each a
    smaller proof, until one finds a net (then that net is the minimum: every smaller count
    was excluded on the way) or stops. Returns (the proof for one unit fewer than the net,
    proved or with why it stopped; the proof that found the adopted net (its witness); a
    proof that excludes fewer units, when
    only part of the way was proved)."""
    lower, _ = proved_lower_bound(spec, hulls_meet(xs, ys) is not None)
    proof = finder = partial = None
    allowed = MAX_PROGRAMS  # shared by the rounds, so the whole proof keeps its time limit
    while hidden - 1 >= lower:
        proof = prove_relu(xs, ys, hidden - 1, lower, allowed)
        allowed -= proof.programs
        if proof.witness is not None:
            finder, hidden, proof = proof, proof.witness.hidden, None
            continue
        if proof.proved or proof.programs:
            break
        for m in range(lower, hidden - 1):
            step = prove_relu(xs, ys, m, lower, allowed)
            allowed -= step.programs
            if step.witness is not None:
                finder, hidden = step, step.witness.hidden
                proof, partial = partial, None
                break
            if not step.proved:
                proof = step
                break
            partial = step
        break
    return proof, finder, partial


def check_derivation(spec: ClassifierSpec) -> Derivation:
    model = spec.model
    assert model is not None
    d = _begin(spec, design=False)
    _parameters_step(d.step("The proposed network"), spec, model)
    _units_step(d, spec, model)
    rows = [forward(model, p.x) for p in spec.points]
    _table_step(d, spec, model, rows)
    _picture_step(d, spec, model)
    _answers(d, spec, model, rows)
    return d.build()


# ---- names ---------------------------------------------------------------------------------

def _point_text(x: tuple) -> str:
    """(0.5, −1) — or just the number for a 1-D point."""
    return num_text(x[0]) if len(x) == 1 else "(" + ", ".join(num_text(v) for v in x) + ")"


def _classify(spec: ClassifierSpec, s: Fraction) -> str | None:
    return spec.predicted(s)


# ---- steps ---------------------------------------------------------------------------------

def _begin(spec: ClassifierSpec, design: bool) -> DerivationBuilder:
    common = spec.common
    d = DerivationBuilder("classifier-design", common.title, common.statement, common.source)
    st = d.step("The points and the model")
    n, dim = len(spec.points), spec.dimension
    z, s = Sym("z"), Sym("s")
    coordinates: tuple[Part, ...] = () if dim == 1 else (
        " ", eq(Sym("x"), call("", *coordinate_names(spec))))
    if spec.rows_of:
        st.say(f"The points are the {n} rows of the truth table of {spec.rows_of}, in binary "
               "counting order: class `1` where it is true, "
               f"`{spec.negative if spec.positive == '1' else spec.positive}` where it is "
               "false.")
    st.say(f"{n} points", *coordinates, f" in {dim} dimension{'s' if dim > 1 else ''}, two "
           f"classes: `{spec.negative}` ({NEGATIVE_MARK}) and `{spec.positive}` ({POSITIVE_MARK}). "
           "The network has a hidden ReLU layer (", eq(call("ReLU", z), call("max", 0, z)),
           ", so ", eq(call("ReLU", 0), 0), f") and a {spec.output} output:")
    st.eq(Sym("h"), call("ReLU", add(mul(Sym("W", "1"), Sym("x"), op=""), Sym("b", "1"))))
    st.eq(Sym("s"), add(mul(Sym("w", "2"), Sym("h"), op="·"), Sym("b", "2")))
    if spec.output == "sigmoid":
        sigmoid_convention(st, spec, design)
    else:
        threshold_convention(st, spec, design)
    st.table(["i", "x", "class", "needs"],
             [[point_number(spec, i), point_expr(pt.x), pt.label,
               (rel(s, "≥", 1) if design else rel(s, needs(spec, True), 0))
               if pt.label == spec.positive
               else (rel(s, "≤", -1) if design else rel(s, needs(spec, False), 0))]
              for i, pt in enumerate(spec.points)])
    return d


def _coordinate_texts(spec: ClassifierSpec) -> list[str]:
    """x₁, x₂, … as plain text (x when D = 1), for table headers and the picture."""
    if spec.dimension == 1:
        return ["x"]
    return [f"x{_sub(str(k + spec.common.indexing))}" for k in range(spec.dimension)]


def _within(spec: ClassifierSpec, xs, ys) -> ReluProof | None:
    """`hidden:` asks for fewer units than the search and construction found: the exact
    proof over cut patterns decides. The proof that finds a net is returned (its witness is
    used, then padded); when it proves there is none, that is the error; when it stops,
    None (and _pad says what failed)."""
    assert spec.hidden is not None
    proof = prove_relu(xs, ys, spec.hidden)
    if proof.witness is not None:
        return proof
    if proof.proved:
        units = f"{spec.hidden} hidden unit{'s' if spec.hidden > 1 else ''}"
        raise UnsolvableError(f"no network with {units} classifies these points, for any "
                              "weights: the exact proof over cut patterns excludes every "
                              f"pattern of cuts and signs with at most {units}. Drop "
                              "`hidden:` to get the fewest, with the proof written out")
    return None


def _pad(model: Model, hidden: int, result: SearchResult) -> Model:
    """`hidden:` asked for more units than the design has: the extra units copy the last one
    with output weight 0 (s is unchanged). Fewer than the construction needs is an error."""
    if model.hidden > hidden:
        tried = "the search and " if result.attempts else ""
        raise UnsolvableError(f"no network with exactly {hidden} hidden unit"
                              f"{'s' if hidden > 1 else ''} found: {tried}the construction "
                              f"(which needs {model.hidden}) both fail. Drop `hidden:` to get "
                              "the fewest found")
    extra = hidden - model.hidden
    return Model(model.W1 + (model.W1[-1],) * extra, model.b1 + (model.b1[-1],) * extra,
                 model.w2 + (Fraction(0),) * extra, model.b2)


def _parameters_step(st: StepBuilder, spec: ClassifierSpec, model: Model) -> None:
    st.eq(Sym("W", "1"), mat(model.W1, summarise=False))
    st.eq(Sym("b", "1"), mat(model.b1, summarise=False))
    st.eq(Sym("w", "2"), row(model.w2))
    st.eq(Sym("b", "2"), model.b2)
    names = coordinate_names(spec)
    base = spec.common.indexing
    hs = [Sym("h", str(j + base)) for j in range(model.hidden)]
    st.say("Written out, unit by unit:")
    for j, h in enumerate(hs):
        st.eq(h, call("ReLU", linear_form(model.W1[j], model.b1[j], names)))
    st.eq(Sym("s"), linear_form(model.w2, model.b2, hs))
    if any(w == 0 for w in model.w2):
        st.say("A unit with output weight 0 does not change ", Sym("s"), ": it is only there "
               "because the problem fixes the number of hidden units.")


def _units_step(d: DerivationBuilder, spec: ClassifierSpec, model: Model) -> None:
    st = d.step("What each hidden unit responds to")
    names = coordinate_names(spec)
    base = spec.common.indexing
    unit = add(mul(Sym("w", "j"), Sym("x")), Sym("b", "j"))
    st.say("Hidden unit ", Sym("j"), " is 0 on one side of its boundary ", rel(unit, "=", 0),
           " and grows linearly on the other, the active side ", rel(unit, ">", 0),
           ". Points on the boundary give 0.")
    rows = []
    for j, (w, b) in enumerate(zip(model.W1, model.b1)):
        active = [point_number(spec, i) for i, p in enumerate(spec.points)
                  if forward(Model((w,), (b,), (Fraction(1),), Fraction(0)), p.x).s > 0]
        if all(v == 0 for v in w):
            line, side = "none (w = 0)", "everywhere" if b > 0 else "nowhere"
        else:
            line, side = unit_sides(w, b, names)
        rows.append([Sym("h", str(j + base)), line, side,
                     ", ".join(active) if active else "none"])
    st.table(["unit", "boundary", "active where", "active at points"], rows)
    forms = [linear_form(w, b, names) for w, b in zip(model.W1, model.b1)]
    units = [Sym("h", str(j + base)) for j in range(model.hidden)]
    describe_network(st, spec, model, forms, units)


def unit_sides(w: tuple[Fraction, ...], b: Fraction, names: list[Expr]) -> tuple[Expr, Expr]:
    """The boundary w·x + b = 0 and the active side w·x + b > 0, the constant moved right and
    both sides multiplied by −1 when every weight is negative: −x > 0 reads x < 0."""
    flip = all(v <= 0 for v in w)
    sign = -1 if flip else 1
    lhs = linear_form(tuple(sign * v for v in w), Fraction(0), names)
    return rel(lhs, "=", Num(-sign * b)), rel(lhs, "<" if flip else ">", Num(-sign * b))


def _sub(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _example_point(spec: ClassifierSpec, rows: list[Forward]) -> int:
    """The point worked in full: the first misclassified one, else the first with the most
    active units (so the substitution shows a unit at work)."""
    wrong = [i for i, (p, r) in enumerate(zip(spec.points, rows))
             if _classify(spec, r.s) != p.label]
    if wrong:
        return wrong[0]
    active = [sum(1 for v in r.h if v > 0) for r in rows]
    return active.index(max(active))


def _active_parts(spec: ClassifierSpec, r: Forward) -> tuple[Part, ...]:
    base = spec.common.indexing
    names: list[Expr] = [Sym("h", str(j + base)) for j, v in enumerate(r.h) if v > 0]
    if not names:
        return ("no unit is active there, so ", eq(Sym("s"), Sym("b", "2")))
    return ("only " if len(names) < len(r.h) else "", *listed(names),
            f" {'is' if len(names) == 1 else 'are'} active there")


def _table_step(d: DerivationBuilder, spec: ClassifierSpec, model: Model,
                rows: list[Forward]) -> None:
    st = d.step("Every point through the network")
    z, h, s = Sym("z"), Sym("h"), Sym("s")
    y = output_symbol(spec)
    st.say("For each point: ", eq(z, add(mul(Sym("W", "1"), Sym("x"), op=""), Sym("b", "1"))),
           ", ", eq(h, call("ReLU", z)), ", ", eq(s, add(mul(Sym("w", "2"), h), Sym("b", "2"))),
           " and ", eq(y, call("σ" if spec.output == "sigmoid" else spec.output, s)),
           f". The prediction is `{spec.positive}` when ", rel(s, ">", 0),
           f" and `{spec.negative}` when ", rel(s, "<", 0),
           *(() if spec.output == "sigmoid" else
             ("; at ", eq(s, 0), f" it is `{spec.predicted(Fraction(0))}` (", eq(y, spec.at_zero),
              ")")), ".")
    example = _example_point(spec, rows)
    where = (f"point {point_number(spec, example)}, ",
             eq(Sym("x"), point_expr(spec.points[example].x)))
    if _classify(spec, rows[example].s) != spec.points[example].label:
        st.say("In full for ", *where, ", which the net gets wrong:")
    else:
        st.say("For example, ", *where, ":")
    worked_point(st, spec, model, example)
    st.say("Every point (z and h written as rows):")
    table = []
    wrong = []
    for i, (point, r) in enumerate(zip(spec.points, rows)):
        predicted = _classify(spec, r.s)
        ok = predicted == point.label
        if not ok:
            wrong.append((i, point, r, predicted))
        table.append([point_number(spec, i), point_expr(point.x), row(r.z), row(r.h), Num(r.s),
                      output_value(spec, r), predicted or "boundary", point.label,
                      "✓" if ok else "✗"])
    st.table(["i", "x", "z", "h", "s", y.name, "predicted", "class", "ok"], table)
    n = len(rows)
    if not wrong:
        low = min(abs(r.s) for r in rows)
        s_abs = call("abs", Sym("s"))
        if low >= 1 and spec.output != "sigmoid":
            st.say(f"All {n} points are classified correctly, each with ", rel(s_abs, "≥", 1),
                   ".")
        elif low >= 1:
            st.say(f"All {n} points are classified correctly, each with ", rel(s_abs, "≥", 1),
                   " (", rel(Sym("p"), "≤", Num(sigmoid(Fraction(-1)))), " or ",
                   rel(Sym("p"), "≥", Num(sigmoid(Fraction(1)))), ").")
        else:
            st.say(f"All {n} points are classified correctly. The closest to the boundary has ",
                   eq(s_abs, Num(low)), "." if low != 0 else
                   f" (the convention at_zero = {num_text(spec.at_zero)} decides those points).")
        return
    st.say(f"{n - len(wrong)} of {n} points are classified correctly. Misclassified:")
    for i, point, r, predicted in wrong:
        side = ">" if r.s > 0 else "<" if r.s < 0 else "="
        what = f"predicted `{predicted}`" if predicted else "on the boundary, no class"
        st.say(f"Point {point_number(spec, i)} ", point_expr(point.x),
               f" is `{point.label}`, but ", *_active_parts(spec, r), " and ",
               rel(Sym("s"), "=", Num(r.s), side, 0) if r.s != 0 else eq(Sym("s"), 0),
               " (", eq(y, output_value(spec, r)),
               f"): {what}.")


def points_figure(spec: ClassifierSpec) -> tuple[str, str, RegionMap]:
    """A question sheet's picture of 2-D points: (text, caption, chart), no regions."""
    first, second = _coordinate_texts(spec)
    marks = [(p.x, POSITIVE_MARK if p.label == spec.positive else NEGATIVE_MARK)
             for p in spec.points]
    box = box_of(marks)
    groups = [(label, glyph, [p.x for p in spec.points if p.label == label])
              for label, glyph in ((spec.positive, POSITIVE_MARK),
                                   (spec.negative, NEGATIVE_MARK))]
    return (decision_picture(None, marks, (first, second), box),
            f"{POSITIVE_MARK} = {spec.positive}, {NEGATIVE_MARK} = {spec.negative}.",
            region_map("The points", None, groups, (first, second), box, ("", "")))


def _picture_step(d: DerivationBuilder, spec: ClassifierSpec, model: Model) -> None:
    if spec.dimension != 2:
        return
    first, second = _coordinate_texts(spec)
    marks = [(p.x, POSITIVE_MARK if p.label == spec.positive else NEGATIVE_MARK)
             for p in spec.points]
    box = box_of(marks)
    picture = decision_picture(net_inside(model), marks, (first, second), box)
    wrong = [point_number(spec, i) for i, p in enumerate(spec.points)
             if _classify(spec, forward(model, p.x).s) != p.label]
    # A caption is text: the legend says it in words (p > 0.5 is "predicts positive").
    rest = f"{spec.negative} or the boundary" if spec.output == "sigmoid" else spec.negative
    caption = (f"{SHADE} where the net predicts {spec.positive}, blank elsewhere "
               f"({rest}). "
               f"{POSITIVE_MARK} = {spec.positive}, {NEGATIVE_MARK} = {spec.negative}.")
    if wrong:
        caption += (f" Point{'s' if len(wrong) > 1 else ''} {', '.join(wrong)} "
                    f"{'are' if len(wrong) > 1 else 'is'} on the wrong side.")
    groups = [(label, glyph, [p.x for p in spec.points if p.label == label])
              for label, glyph in ((spec.positive, POSITIVE_MARK),
                                   (spec.negative, NEGATIVE_MARK))]
    chart = region_map("Decision regions of the network", net_inside(model), groups,
                       (first, second), box, (f"net predicts {spec.positive}",
                                              f"net predicts {spec.negative} "
                                              "(or the boundary)"))
    d.step("Decision regions").figure(picture, caption, chart=chart)


def _verdict(spec: ClassifierSpec, rows: list[Forward], correct: int) -> str:
    """The boxed answer to "does it classify the points?" (key `correct`, the count)."""
    n = len(rows)
    if spec.model is None:
        return f"points classified correctly: {correct} of {n}"
    if correct == n:
        return f"yes: all {n} points are classified correctly"
    wrong = [(i, p, r) for i, (p, r) in enumerate(zip(spec.points, rows))
             if _classify(spec, r.s) != p.label]
    if len(wrong) > 1:
        numbers = [point_number(spec, i) for i, _, _ in wrong]
        return (f"no: points {', '.join(numbers[:-1])} and {numbers[-1]} are misclassified "
                f"({correct} of {n} correct)")
    (i, p, r), = wrong
    predicted = _classify(spec, r.s)
    what = f"is predicted {predicted}" if predicted else "is on the boundary"
    where = f"(x = {_point_text(p.x)})" if spec.dimension == 1 else _point_text(p.x)
    return f"no: point {point_number(spec, i)} {where} {what} (s = {num_text(r.s)})"


def _answers(d: DerivationBuilder, spec: ClassifierSpec, model: Model,
             rows: list[Forward]) -> None:
    correct = sum(1 for p, r in zip(spec.points, rows) if _classify(spec, r.s) == p.label)
    d.answer("W1", model.W1, eq(Sym("W", "1"), mat(model.W1, summarise=False)))
    d.answer("b1", model.b1, eq(Sym("b", "1"), mat(model.b1, summarise=False)))
    d.answer("w2", (model.w2,), eq(Sym("w", "2"), row(model.w2)))
    d.answer("b2", model.b2, eq(Sym("b", "2"), model.b2))
    d.answer("hidden", model.hidden, eq(Sym("H"), model.hidden))
    d.answer("correct", correct, Text(_verdict(spec, rows, correct)))
    if spec.output == "sigmoid":
        d.answer("p", tuple(r.p for r in rows), boxed=False)
