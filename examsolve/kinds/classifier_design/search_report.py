"""The design path in words: the grid search, why one unit cannot work, the construction.

- The step leads with the one-unit proof (a point of both classes' convex hulls, as math),
  then states the search space and the preference order in two sentences exactly as
  `search.py` implements them (grids in order, stop at the first grid whose
  best net stays within its bound, then max |param|, halves, Σ |param|), so nothing is
  claimed beyond what was searched.
- The construction names its pieces tⱼ (last point before change j), tⱼ⁺ (first after),
  mⱼ (slopes), vⱼ (output weights) and d (the direction), and `line_lower_bound` gives the
  bound a warning quotes: along a line, s = Σ vⱼ ReLU(aⱼ t + cⱼ) + b₂ is piecewise linear with
  at most H kinks, so at most H + 1 linear pieces, each changing sign at most once; k class
  changes along the line need k sign changes of s, so H ≥ k − 1.
"""

from __future__ import annotations

from fractions import Fraction

from examsolve.derivation import DerivationBuilder, StepBuilder
from examsolve.mathmodel import Expr, Neg, Num, Sym, add, call, mat, mul
from examsolve.numbers import format_number
from examsolve.kinds.classifier_design.construct import Construction
from examsolve.kinds.classifier_design.explain import coordinate_names, linear_form
from examsolve.kinds.classifier_design.hull import hulls_meet
from examsolve.kinds.classifier_design.net import Vector
from examsolve.kinds.classifier_design.search import SearchResult
from examsolve.wording import number

SEARCHED_HIDDEN = (1, 2, 3)


def _noun(dimension: int) -> str:
    return {1: "a point", 2: "a line"}.get(dimension, "a hyperplane")


def _point_text(x: Vector) -> str:
    return number(x[0]) if len(x) == 1 else "(" + ", ".join(number(v) for v in x) + ")"


def _half_space(dimension: int) -> str:
    return {1: "half-line", 2: "half-plane"}.get(dimension, "half-space")


def search_step(d: DerivationBuilder, spec, result: SearchResult,
                built: Construction | None) -> None:
    """Why fewer units cannot work (when that is proven), then the search in two sentences
    and its table: a model answer leads with the argument, not the procedure."""
    st = d.step("The fewest hidden units")
    if spec.hidden is not None and spec.hidden <= max(SEARCHED_HIDDEN):
        st.say(f"The problem asks for exactly H = {spec.hidden} hidden units.")
    elif spec.hidden is not None:
        st.say(f"The problem asks for exactly H = {spec.hidden} hidden units, more than the "
               f"search goes (H ≤ {max(SEARCHED_HIDDEN)}). The fewest found are designed and "
               "the rest padded with units whose output weight is 0.")
    winner = None if built is not None or not result.attempts else result.attempts[-1].hidden
    proven = False
    if spec.hidden is None and result.attempts and result.attempts[0].hidden == 1 \
            and winner != 1:
        proven = one_unit_proof(st, spec)
    if result.attempts:
        _search_table(st, spec, result)
    if spec.hidden is None and winner == 1:
        st.say(f"One hidden unit is enough: the classes are separable by "
               f"{_noun(spec.dimension)}.")
    if spec.hidden is None and winner is not None and winner > 1:
        unproven = [h for h in SEARCHED_HIDDEN if h < winner and not (h == 1 and proven)]
        if unproven:
            st.say(f"No network with {' or '.join(map(str, unproven))} hidden unit"
                   f"{'s' if unproven != [1] else ''} exists in this search space. The fewest "
                   f"found is H = {winner}.")
        else:
            st.say(f"So H = {winner} is the fewest possible.")
    if built is not None and result.attempts:
        tried = sorted({a.hidden for a in result.attempts})
        st.say(f"No network with H = {', '.join(map(str, tried))} exists in this search space, "
               "so the network is constructed instead (next step). The construction always "
               "works, with one hidden unit per class change along a line.")


def _search_table(st: StepBuilder, spec, result: SearchResult) -> None:
    """The search space and its stopping rule, exactly as `search.py` runs
    them (so nothing is claimed beyond what was searched), and one row per (H, grid)."""
    st.say("An exact search finds the network: output weights ±α with the smallest α that "
           "gives |s| ≥ 1, and units ReLU(w·x + b) with w ≠ 0 and b on the grids below (units "
           "with the same activations on the points count once, units 0 at every point are "
           "dropped). For each H the grids are tried in order, stopping at the first whose "
           "best net (smallest largest |parameter|, then fewest halves, then smallest sum) "
           "stays within that grid's bound on |w|:")
    rows = []
    for a in result.attempts:
        if a.skipped:
            searched = a.skipped
        elif a.complete:
            searched = str(a.units)
        else:
            searched = f"{a.searched} of {a.units} (time budget)"
        rows.append([str(a.hidden), f"{a.grid.describe()}, |b| ≤ {format_number(a.bias_bound)}",
                     searched, "yes" if a.found else "no"])
    st.table(["H", "grid", "units", "net found"], rows)


def one_unit_proof(st: StepBuilder, spec) -> bool:
    """Why H = 1 fails for any weights (True), or the honest opposite (False)."""
    xs = [p.x for p in spec.points]
    meet = hulls_meet(xs, [1 if p.label == spec.positive else -1 for p in spec.points])
    noun = _noun(spec.dimension)
    if meet is None:
        st.say(f"(The classes are separable by {noun}, so one hidden unit would work with "
               "weights outside the grids below.)")
        return False

    def vector(x: Vector) -> Expr:
        return Num(x[0]) if len(x) == 1 else mat(x, summarise=False)

    def combination(weights: tuple[tuple[int, Fraction], ...]) -> Expr:
        terms = [vector(xs[i]) if v == 1 else
                 mul(Num(v), vector(xs[i]), op="·" if len(xs[i]) == 1 else "")
                 for i, v in weights]
        return terms[0] if len(terms) == 1 else add(*terms)

    def average_of(label: str, weights: tuple[tuple[int, Fraction], ...]) -> str:
        if len(weights) == 1:  # the equation cannot show it: it would read 0 = 0
            return f"one of the `{label}` points (a single point is its own average)"
        return f"an average of `{label}` points"

    columns = " (points written as columns)" if spec.dimension > 1 else ""
    st.say("One hidden unit is impossible with any weights. With one unit")
    st.eq(Sym("s"), add(mul(Sym("v"), call("ReLU", add(mul(Sym("w"), Sym("x"), op="·"),
                                                      Sym("b"))), op="·"), Sym("b", "2")))
    st.say("is monotone in w·x, so the net predicts by a threshold on w·x: the two classes "
           f"would have to lie on opposite sides of {noun} w·x = θ. They cannot. The point "
           f"{_point_text(meet.point)} is at once "
           f"{average_of(spec.positive, meet.positive)} and "
           f"{average_of(spec.negative, meet.negative)}{columns}:")
    parts = [combination(meet.positive), vector(meet.point), combination(meet.negative)]
    st.eq(*[part for k, part in enumerate(parts) if part not in parts[:k]])
    st.say(f"Each {_half_space(spec.dimension)} is convex, so it contains every average of its "
           "points: the point would be on both sides at once.")
    return True


def construction_step(d: DerivationBuilder, spec, built: Construction) -> None:
    st = d.step("Constructing the network along a line")
    names = coordinate_names(spec)
    t_expr = linear_form(tuple(Fraction(v) for v in built.direction), Fraction(0), names)
    if spec.dimension == 1:
        st.say(f"The points lie on a line already: t = x (direction d = 1), with "
               f"{built.changes} class changes along it.")
    else:
        st.say(f"Project every point on the direction d = {_point_text(built.direction)}, "
               "that is t = d·x:")
        st.eq(Sym("t"), t_expr)
        st.say("No two points of different classes get the same t, and among the small "
               "directions this one has the fewest class changes along t "
               f"({built.changes}).")
    first = spec.positive if built.start > 0 else spec.negative
    st.say(f"Along t the points before the first change are `{first}`, so s starts at "
           f"b₂ = {number(built.start)}. Let tⱼ be the last point before change j and tⱼ⁺ "
           "the first point after it. From tⱼ on, s follows a line of slope mⱼ that reaches "
           "±1 (the next class) exactly at tⱼ⁺ and keeps moving away from 0 until the next "
           "change, so every point gets |s| ≥ 1 with the right sign. Output weight vⱼ turns "
           "the slope from mⱼ₋₁ to mⱼ (the slope before the first change is 0):")
    t_j = Sym("t", "j")
    st.eq(Sym("s"), add(Num(built.start),
                        mul(Sym("Σ", "j"), Sym("v", "j"),
                            call("ReLU", add(Sym("t"), Neg(t_j))), op="")))
    base = spec.common.indexing
    st.table(["j", "tⱼ (last before)", "tⱼ⁺ (first after)", "s(tⱼ)", "slope mⱼ",
              "vⱼ = mⱼ − mⱼ₋₁"],
             [[str(j + base), Num(a), Num(b), Num(v), Num(sl), Num(w)]
              for j, (a, b, v, sl, w) in enumerate(zip(built.kinks, built.next_firsts,
                                                       built.values_at_kinks, built.slopes,
                                                       built.model.w2))])
    st.say("Hidden unit j is ReLU(t − tⱼ) = ReLU(d·x − tⱼ): every row of W₁ is d, "
           f"b₁ = (−t₁, −t₂, …) and w₂ = (v₁, v₂, …). That is {built.changes} hidden "
           f"unit{'s' if built.changes > 1 else ''}, one per class change: correct by "
           "construction, though not necessarily the fewest.")


def line_lower_bound(points) -> tuple[int, int] | None:
    """(k, H_min) when all points lie on one line with k class changes along it: then any net
    needs H ≥ k − 1 (module docstring). None when the points are not collinear."""
    x0 = points[0].x
    direction = next((tuple(a - b for a, b in zip(p.x, x0)) for p in points if p.x != x0),
                     None)
    if direction is None:
        return None
    lead = next(k for k, v in enumerate(direction) if v != 0)
    by_t: dict[Fraction, str] = {}
    for p in points:
        offset = tuple(a - b for a, b in zip(p.x, x0))
        t = offset[lead] / direction[lead]
        if any(o != t * v for o, v in zip(offset, direction)):
            return None
        by_t[t] = p.label
    labels = [by_t[t] for t in sorted(by_t)]
    changes = sum(1 for a, b in zip(labels, labels[1:]) if a != b)
    return changes, max(1, changes - 1)


def construction_warning(spec, hidden: int) -> str:
    """The warning when the construction needs more units than the search covers."""
    text = f"the construction uses {hidden} hidden units, one per class change"
    bound = line_lower_bound(spec.points)
    if bound is None:
        return text + ". Fewer may exist beyond the search."
    changes, least = bound
    return (text + f". The points lie on a line with {changes} class changes. Along a line "
            "s is piecewise linear with at most H + 1 pieces, each changing sign at most "
            f"once, so any net needs at least {least} hidden units. Whether fewer than "
            f"{hidden} suffice was not searched.")
