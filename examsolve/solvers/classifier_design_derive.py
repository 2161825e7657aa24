"""The written solution of a classifier-design problem: design (or check) → derivation.

Design: the points and the model's conventions, the search for the fewest hidden units (or the
construction when the search finds nothing), the parameters, what each hidden unit responds
to, every point through the network, and for 2-D points a picture of the decision regions.
Check: the same for a given network, with the misclassified points marked and counted.
"""

from __future__ import annotations

from fractions import Fraction

from examsolve.derivation import Derivation, DerivationBuilder, StepBuilder
from examsolve.errors import UnsolvableError
from examsolve.mathmodel import (Expr, Mul, Neg, Num, Sym, Text, add, call, eq, mat, mul,
                                 rel, row)
from examsolve.numbers import format_number
from examsolve.solvers.classifier_design import ClassifierSpec
from examsolve.solvers.classifier_design_construct import Construction, construct
from examsolve.solvers.classifier_design_hull import hulls_meet
from examsolve.solvers.classifier_design_net import Forward, Model, forward, sigmoid
from examsolve.solvers.classifier_design_picture import (NEGATIVE_MARK, POSITIVE_MARK,
                                                         SHADE, decision_picture)
from examsolve.solvers.classifier_design_search import GRIDS, SearchResult, search

SEARCHED_HIDDEN = (1, 2, 3)


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
    if spec.hidden is not None:
        model = _pad(model, spec.hidden, result)
    d = _begin(spec, design=True)
    _search_step(d, spec, result, built)
    if built is not None:
        _construction_step(d, spec, built)
    _parameters_step(d.step("The network"), spec, model)
    _units_step(d, spec, model)
    rows = [forward(model, p.x) for p in spec.points]
    _table_step(d, spec, rows, design=True)
    _picture_step(d, spec, model)
    _answers(d, spec, model, rows)
    if built is not None and model.hidden > max(SEARCHED_HIDDEN):
        d.warn(f"the construction uses {model.hidden} hidden units (one per class change); "
               "fewer may exist beyond the search")
    return d.build()


def check_derivation(spec: ClassifierSpec) -> Derivation:
    model = spec.model
    assert model is not None
    d = _begin(spec, design=False)
    _parameters_step(d.step("The proposed network"), spec, model)
    _units_step(d, spec, model)
    rows = [forward(model, p.x) for p in spec.points]
    _table_step(d, spec, rows, design=False)
    _picture_step(d, spec, model)
    _answers(d, spec, model, rows)
    return d.build()


# ---- names ---------------------------------------------------------------------------------

def _coordinate_names(spec: ClassifierSpec) -> list[Expr]:
    if spec.dimension == 1:
        return [Sym("x")]
    base = spec.common.indexing
    return [Sym("x", str(k + base)) for k in range(spec.dimension)]


def _number(spec: ClassifierSpec, i: int) -> str:
    return str(i + spec.common.indexing)


def _num(value: object) -> str:
    """A number for prose, with a typographic minus."""
    return format_number(value).replace("-", "−")


def _point_text(x: tuple) -> str:
    """(0.5, −1) — or just the number for a 1-D point."""
    return _num(x[0]) if len(x) == 1 else "(" + ", ".join(_num(v) for v in x) + ")"


def _linear_form(weights: tuple[Fraction, ...], bias: Fraction, names: list[Expr]) -> Expr:
    """w·x + b written out: 2x₁ − x₂ + 1 (zero terms left out, a positive term first so
    −x₁ + x₂ reads x₂ − x₁)."""
    terms: list[Expr] = []
    pairs = [(w, name) for w, name in zip(weights, names) if w != 0]
    first_positive = next((k for k, (w, _) in enumerate(pairs) if w > 0), 0)
    pairs.insert(0, pairs.pop(first_positive))
    for w, name in pairs:
        if w == 1:
            terms.append(name)
        elif w == -1:
            terms.append(Neg(name))
        else:
            terms.append(Mul((Num(w), name), ""))
    if bias != 0 or not terms:
        terms.append(Num(bias))
    return terms[0] if len(terms) == 1 else add(*terms)


def _classify(spec: ClassifierSpec, s: Fraction) -> str | None:
    return spec.positive if s > 0 else spec.negative if s < 0 else None


# ---- steps ---------------------------------------------------------------------------------

def _begin(spec: ClassifierSpec, design: bool) -> DerivationBuilder:
    common = spec.common
    d = DerivationBuilder("classifier-design", common.title, common.statement, common.source)
    st = d.step("The points and the model")
    n, dim = len(spec.points), spec.dimension
    st.say(f"{n} points in {dim} dimension{'s' if dim > 1 else ''}, two classes: "
           f"`{spec.negative}` ({NEGATIVE_MARK}) and `{spec.positive}` ({POSITIVE_MARK}). "
           "The network has a hidden ReLU layer (ReLU(z) = max(0, z), so ReLU(0) = 0) and a "
           "sigmoid output:")
    st.eq(Sym("h"), call("ReLU", add(mul(Sym("W", "1"), Sym("x"), op=""), Sym("b", "1"))))
    st.eq(Sym("s"), add(mul(Sym("w", "2"), Sym("h"), op="·"), Sym("b", "2")))
    st.eq(Sym("p"), call("σ", Sym("s")), _sigmoid_formula())
    st.say(f"It predicts `{spec.positive}` when p > 0.5. σ is increasing with σ(0) = 0.5, so "
           f"p > 0.5 exactly when s > 0: `{spec.positive}` needs s > 0, `{spec.negative}` "
           "needs s < 0; s = 0 (p = 0.5) is on the boundary and decides nothing.")
    if design:
        st.say(f"To stay clear of the boundary the design asks |s| ≥ 1 at every point: then "
               f"p ≥ σ(1) = {format_number(sigmoid(Fraction(1)))} for every `{spec.positive}` "
               f"and p ≤ σ(−1) = {format_number(sigmoid(Fraction(-1)))} for every "
               f"`{spec.negative}`.")
    header_x = "x" if dim == 1 else f"x = ({', '.join(_coordinate_texts(spec))})"
    st.table(["i", header_x, "class", "needs"],
             [[_number(spec, i), _point_text(p.x), p.label,
               ("s ≥ 1" if design else "s > 0") if p.label == spec.positive else
               ("s ≤ −1" if design else "s < 0")]
              for i, p in enumerate(spec.points)])
    return d


def _coordinate_texts(spec: ClassifierSpec) -> list[str]:
    """x₁, x₂, … as plain text (x when D = 1), for table headers and the picture."""
    if spec.dimension == 1:
        return ["x"]
    return [f"x{_sub(str(k + spec.common.indexing))}" for k in range(spec.dimension)]


def _sigmoid_formula() -> Expr:
    from examsolve.mathmodel import Div, Pow

    return Div(Num(1), add(Num(1), Pow(Sym("e"), Neg(Sym("s")))))


def _search_step(d: DerivationBuilder, spec: ClassifierSpec, result: SearchResult,
                 built: Construction | None) -> None:
    st = d.step("Searching for the fewest hidden units")
    if spec.hidden is not None and spec.hidden <= max(SEARCHED_HIDDEN):
        st.say(f"The problem asks for exactly H = {spec.hidden} hidden units.")
    elif spec.hidden is not None:
        st.say(f"The problem asks for exactly H = {spec.hidden} hidden units, more than the "
               f"search goes (H ≤ {max(SEARCHED_HIDDEN)}): the fewest found are designed and "
               "the rest padded with units whose output weight is 0.")
    st.say("Candidates for a hidden unit are all ReLU(w·x + b) with w and b on a small grid "
           "(integers first, then halves). The output layer only sees a unit through its "
           "activations on these points, so units with identical activations count once (the "
           "simplest is kept) and units that are 0 at every point are dropped. For each "
           "combination of H units the output weights are ±α with one magnitude α: a "
           "combination works exactly when some choice of signs puts every "
           f"`{spec.positive}` strictly above every `{spec.negative}` in Σ ±h_j — a gap that a "
           "large enough α turns into |s| ≥ 1 — and then α and b₂ are the smallest grid "
           "numbers that do it. The winner has the smallest largest |parameter|, then the "
           "fewest halves, then the smallest sum of |parameters|.")
    rows = []
    for a in result.attempts:
        if a.skipped:
            searched = a.skipped
        elif a.complete:
            searched = f"all {a.units}"
        else:
            searched = f"the {a.searched} simplest of {a.units} (time budget)"
        rows.append([str(a.hidden), a.grid.describe(), f"|b| ≤ {format_number(a.bias_bound)}",
                     searched, "yes" if a.found else "no"])
    if rows:
        st.table(["H", "weights w", "biases b", "distinct units tried", "net found"], rows)
    if sum(1 for a in result.attempts if a.found) > 1:
        st.say("Of the networks found, the one with the smallest parameters is kept.")
    if built is None:
        hidden = result.attempts[-1].hidden
        fewer = [h for h in SEARCHED_HIDDEN if h < hidden]
        if spec.hidden is None:
            if fewer:
                st.say(f"No network with {' or '.join(map(str, fewer))} hidden unit"
                       f"{'s' if fewer != [1] else ''} exists in this search space; the "
                       f"fewest found is H = {hidden}.")
            else:
                st.say("One hidden unit is enough: the classes are separable by a "
                       + ("point." if spec.dimension == 1 else "line." if spec.dimension == 2
                          else "hyperplane."))
    if spec.hidden is None and result.attempts and result.attempts[0].hidden == 1 and \
            (built is not None or result.attempts[-1].hidden > 1):
        _one_unit_proof(st, spec)
    if built is None:
        return
    if result.attempts:
        tried = sorted({a.hidden for a in result.attempts})
        st.say(f"No network with H = {', '.join(map(str, tried))} exists in this search space, "
               "so the network is constructed instead (next step): it always works, with one "
               "hidden unit per class change along a line.")


def _one_unit_proof(st: StepBuilder, spec: ClassifierSpec) -> None:
    """Why H = 1 fails everywhere, not just on the grid (or the honest opposite)."""
    xs = [p.x for p in spec.points]
    meet = hulls_meet(xs, [1 if p.label == spec.positive else -1 for p in spec.points])
    noun = {1: "a point", 2: "a line"}.get(spec.dimension, "a hyperplane")
    if meet is None:
        st.say(f"(The classes are separable by {noun}, so one hidden unit would work with "
               "weights outside this grid.)")
        return

    def combination(weights: tuple[tuple[int, Fraction], ...]) -> str:
        return " + ".join(f"{_num(v)}·{_point_text(xs[i])}" if v != 1 else
                          _point_text(xs[i]) for i, v in weights)

    st.say("One hidden unit is impossible with any weights, not only on this grid. With one "
           "unit s = v·ReLU(w·x + b) + b₂ is monotone in w·x, so the net predicts by a "
           "threshold on w·x: the two classes would have to lie on opposite sides of "
           f"{noun} w·x = θ. They cannot: the point {_point_text(meet.point)} is an average "
           f"of `{spec.positive}` points and an average of `{spec.negative}` points at once,")
    parts = [combination(meet.positive), _point_text(meet.point), combination(meet.negative)]
    st.eq(*[Text(part) for k, part in enumerate(parts) if part not in parts[:k]])
    st.say(f"and each side of {noun} holds the averages of the points it holds.")


def _construction_step(d: DerivationBuilder, spec: ClassifierSpec, built: Construction) -> None:
    st = d.step("Constructing the network along a line")
    names = _coordinate_names(spec)
    t_expr = _linear_form(tuple(Fraction(v) for v in built.direction), Fraction(0), names)
    if spec.dimension == 1:
        st.say(f"The points lie on a line already: t = x, with {built.changes} class changes "
               "along it.")
    else:
        st.say(f"Project every point on the direction u = {_point_text(built.direction)}: no "
               "two points of different classes get the same t, and among the small directions "
               f"this one has the fewest class changes along t ({built.changes}).")
        st.eq(Sym("t"), t_expr)
    first = spec.positive if built.start > 0 else spec.negative
    st.say(f"Along t the points before the first change are `{first}`, so s starts at "
           f"b₂ = {_num(built.start)}. After the last point a_j before each change "
           "the slope changes so that s reaches ±1 (the next class) exactly at the first point "
           "b_j after the change and keeps moving away from 0 until the next change: every "
           "point gets |s| ≥ 1 with the right sign.")
    st.eq(Sym("s"), add(Num(built.start),
                        mul(Sym("Σ", "j"), Sym("v", "j"),
                            call("ReLU", add(Sym("t"), Neg(Sym("a", "j")))), op="")))
    base = spec.common.indexing
    st.table(["j", "a_j", "b_j", "s(a_j)", "slope σ_j", "v_j = σ_j − σ_(j−1)"],
             [[str(j + base), Num(a), Num(b), Num(v), Num(sl), Num(w)]
              for j, (a, b, v, sl, w) in enumerate(zip(built.kinks, built.next_firsts,
                                                       built.values_at_kinks, built.slopes,
                                                       built.model.w2))])
    st.say(f"Hidden unit j is ReLU(t − a_j): every row of W₁ is u, b₁ = −a, w₂ = v. That is "
           f"{built.changes} hidden unit{'s' if built.changes > 1 else ''}, one per class "
           "change — correct by construction, though not necessarily the fewest.")


def _pad(model: Model, hidden: int, result: SearchResult) -> Model:
    """`hidden:` asked for more units than the design has: the extra units copy the last one
    with output weight 0 (s is unchanged). Fewer than the construction needs is an error."""
    if model.hidden > hidden:
        tried = "the search and " if result.attempts else ""
        raise UnsolvableError(f"no network with exactly {hidden} hidden unit"
                              f"{'s' if hidden > 1 else ''} found: {tried}the construction "
                              f"(which needs {model.hidden}) both fail; drop `hidden:` to get "
                              "the fewest found")
    extra = hidden - model.hidden
    return Model(model.W1 + (model.W1[-1],) * extra, model.b1 + (model.b1[-1],) * extra,
                 model.w2 + (Fraction(0),) * extra, model.b2)


def _parameters_step(st: StepBuilder, spec: ClassifierSpec, model: Model) -> None:
    st.eq(Sym("W", "1"), mat(model.W1, summarise=False))
    st.eq(Sym("b", "1"), mat(model.b1, summarise=False))
    st.eq(Sym("w", "2"), row(model.w2))
    st.eq(Sym("b", "2"), model.b2)
    names = _coordinate_names(spec)
    base = spec.common.indexing
    hs = [Sym("h", str(j + base)) for j in range(model.hidden)]
    st.say("Written out, unit by unit:")
    for j, h in enumerate(hs):
        st.eq(h, call("ReLU", _linear_form(model.W1[j], model.b1[j], names)))
    st.eq(Sym("s"), _linear_form(model.w2, model.b2, hs))
    if any(w == 0 for w in model.w2):
        st.say("A unit with output weight 0 does not change s: it is only there because the "
               "problem fixes the number of hidden units.")


def _units_step(d: DerivationBuilder, spec: ClassifierSpec, model: Model) -> None:
    st = d.step("What each hidden unit responds to")
    names = _coordinate_names(spec)
    base = spec.common.indexing
    st.say("Hidden unit j is 0 on one side of the boundary w_j·x + b_j = 0 and grows linearly "
           "on the other (the active side, w_j·x + b_j > 0); points on the boundary give 0.")
    rows = []
    for j, (w, b) in enumerate(zip(model.W1, model.b1)):
        form = _linear_form(w, b, names)
        active = [_number(spec, i) for i, p in enumerate(spec.points)
                  if forward(Model((w,), (b,), (Fraction(1),), Fraction(0)), p.x).s > 0]
        if all(v == 0 for v in w):
            line, side = "none (w = 0)", "everywhere" if b > 0 else "nowhere"
        else:
            line, side = rel(form, "=", 0), rel(form, ">", 0)
        rows.append([f"h{_sub(str(j + base))}", line, side,
                     ", ".join(active) if active else "none"])
    st.table(["unit", "boundary", "active where", "active at points"], rows)


def _sub(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _table_step(d: DerivationBuilder, spec: ClassifierSpec, rows: list[Forward],
                design: bool) -> None:
    st = d.step("Every point through the network")
    st.say("For each point: z = W₁x + b₁, h = ReLU(z), s = w₂·h + b₂, p = σ(s); the prediction "
           f"is `{spec.positive}` when s > 0 and `{spec.negative}` when s < 0.")
    table = []
    wrong = []
    for i, (point, r) in enumerate(zip(spec.points, rows)):
        predicted = _classify(spec, r.s)
        ok = predicted == point.label
        if not ok:
            wrong.append((i, point, r, predicted))
        table.append([_number(spec, i), _point_text(point.x), row(r.z), row(r.h), Num(r.s),
                      Num(r.p), predicted or "boundary", point.label,
                      "✓" if ok else "✗"])
    st.table(["i", "x", "z", "h", "s", "p = σ(s)", "predicted", "class", ""], table)
    n = len(rows)
    if not wrong:
        low = min(abs(r.s) for r in rows)
        st.say(f"All {n} points are classified correctly"
               + (", each with |s| ≥ 1 (p ≤ 0.2689 or p ≥ 0.7311)." if low >= 1 else
                  f"; the closest to the boundary has |s| = {_num(low)}."))
        return
    st.say(f"{n - len(wrong)} of {n} points are classified correctly. Misclassified:")
    for i, point, r, predicted in wrong:
        side = ">" if r.s > 0 else "<" if r.s < 0 else "="
        what = f"predicted `{predicted}`" if predicted else "on the boundary, no class"
        st.say(f"point {_number(spec, i)} {_point_text(point.x)} is `{point.label}`, but "
               f"s = {_num(r.s)} {side} 0 (p = {_num(r.p)}): {what}.")
    close = [i for i, (p, r) in enumerate(zip(spec.points, rows))
             if _classify(spec, r.s) == p.label and abs(r.s) < 1]
    if close:
        st.say("Right but close to the boundary (|s| < 1): point"
               f"{'s' if len(close) > 1 else ''} {', '.join(_number(spec, i) for i in close)}.")


def _picture_step(d: DerivationBuilder, spec: ClassifierSpec, model: Model) -> None:
    if spec.dimension != 2:
        return
    first, second = _coordinate_texts(spec)
    picture = decision_picture(model, spec.points, spec.positive, (first, second))
    wrong = [_number(spec, i) for i, p in enumerate(spec.points)
             if _classify(spec, forward(model, p.x).s) != p.label]
    caption = (f"{SHADE} where p > 0.5 (predicted `{spec.positive}`), blank where p < 0.5; "
               f"{POSITIVE_MARK} = {spec.positive}, {NEGATIVE_MARK} = {spec.negative}.")
    if wrong:
        caption += (f" Point{'s' if len(wrong) > 1 else ''} {', '.join(wrong)} "
                    f"{'are' if len(wrong) > 1 else 'is'} on the wrong side.")
    d.step("Decision regions").figure(picture, caption)


def _answers(d: DerivationBuilder, spec: ClassifierSpec, model: Model,
             rows: list[Forward]) -> None:
    correct = sum(1 for p, r in zip(spec.points, rows) if _classify(spec, r.s) == p.label)
    d.answer("W1", model.W1, eq(Sym("W", "1"), mat(model.W1, summarise=False)))
    d.answer("b1", model.b1, eq(Sym("b", "1"), mat(model.b1, summarise=False)))
    d.answer("w2", (model.w2,), eq(Sym("w", "2"), row(model.w2)))
    d.answer("b2", model.b2, eq(Sym("b", "2"), model.b2))
    d.answer("hidden", model.hidden, eq(Sym("H"), model.hidden))
    d.answer("correct", correct, eq(Text("correct"), Num(correct)))
    d.answer("p", tuple(r.p for r in rows), boxed=False)
