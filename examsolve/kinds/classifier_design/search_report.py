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
from examsolve.mathmodel import (Ellipsis_, Expr, Neg, Num, Pow, Sym, Text, add, call, eq, mat, mul,
                                 rel)
from examsolve.kinds.classifier_design.construct import Construction
from examsolve.kinds.classifier_design.explain import (coordinate_names, linear_form, listed,
                                                         num_text,
                                                         point_expr)
from examsolve.kinds.classifier_design.hull import hulls_meet
from examsolve.kinds.classifier_design.net import Vector
from examsolve.kinds.classifier_design.minimality import (FRIENDLIEST, MAX_FOUND,
                                                        MORE_PROGRAMS, ReluProof)
from examsolve.kinds.classifier_design.minimality_report import not_proved_reason
from examsolve.kinds.classifier_design.search import BUDGET, SearchResult

SEARCHED_HIDDEN = (1, 2, 3)


def _noun(dimension: int) -> str:
    return {1: "a point", 2: "a line"}.get(dimension, "a hyperplane")


def _half_space(dimension: int) -> str:
    return {1: "half-line", 2: "half-plane"}.get(dimension, "half-space")


def search_step(d: DerivationBuilder, spec, result: SearchResult,
                built: Construction | None, proof: ReluProof | None = None,
                finder: ReluProof | None = None, partial: ReluProof | None = None
                ) -> int | None:
    """Why fewer units cannot work (when that is proven), then the search in two sentences
    and its table: a model answer leads with the argument, not the procedure. Returns the
    hidden-unit count that is proved to be the fewest, or None when the minimum is not proved
    (a grid search that finds nothing smaller excludes nothing beyond its grids). `proof` is
    the exact proof over cut patterns (minimality.py) for one unit fewer than the net has;
    `finder` the proof that found a smaller net outside the grids (its witness); `partial` a
    proof that excludes fewer units than that (a better lower bound, when the full proof
    stopped)."""
    st = d.step("The fewest hidden units")
    H = Sym("H")
    if spec.hidden is not None and spec.hidden <= max(SEARCHED_HIDDEN):
        st.say("The problem asks for exactly ", eq(H, spec.hidden), " hidden units.")
    elif spec.hidden is not None:
        st.say("The problem asks for exactly ", eq(H, spec.hidden), " hidden units, more than "
               "the search goes (", rel(H, "≤", max(SEARCHED_HIDDEN)), "). The fewest found "
               "are designed and the rest padded with units whose output weight is 0.")
    winner = None if built is not None or not result.attempts else result.attempts[-1].hidden
    if finder is not None:
        winner = None
    proven = False
    if spec.hidden is None and result.attempts and result.attempts[0].hidden == 1 \
            and winner != 1:
        proven = one_unit_proof(st, spec)
    if result.attempts:
        _search_table(st, spec, result)
    if spec.hidden is not None:
        st.heading = "The hidden units"
        if finder is not None:
            k = finder.witness.hidden
            st.say("The grids hold no net with ", eq(H, spec.hidden), ", but the exact proof "
                   "over cut patterns finds one with ", eq(H, k), ": with the points where "
                   "each unit is active and the sign of its output weight fixed, ", Sym("s"),
                   " is linear in the weights, and ", *_feasible_words(finder))
            if k < spec.hidden:
                st.say("The extra units get output weight 0 (they change nothing).")
        return None
    lower, reasons = proved_lower_bound(spec, proven)
    if partial is not None and partial.units >= lower:
        lower = partial.units + 1
        where = "in the next step" if built is None else "after the construction"
        reasons = [f"the exact proof over cut patterns, {where}, shows that no net with at "
                   f"most {partial.units} hidden units classifies these points"]
    found = winner if winner is not None else (built.model.hidden if built else None)
    if finder is not None:
        found = finder.witness.hidden
        shown = proof is not None and proof.proved and proof.units == found - 1
        proof_words = "the exact proof over cut patterns" + (" (next step)" if shown else "")
        grids = ("The grids hold no net with ", eq(H, found), f", but {proof_words} finds one") \
            if found <= max(SEARCHED_HIDDEN) else \
            ("The grids go up to ", rel(H, "≤", max(SEARCHED_HIDDEN)), f" only; {proof_words} "
             "finds a net with ", eq(H, found))
        st.say(*grids, ": with the points where each unit is active and the sign of its output "
               "weight fixed, ", Sym("s"), " is linear in the weights, and ",
               *_feasible_words(finder))
    if winner == 1:
        st.say(f"One hidden unit is enough: the classes are separable by "
               f"{_noun(spec.dimension)}.")
        return 1
    if found is not None and found <= lower:
        st.say("So ", eq(H, found), " is the fewest possible: ", *reasons, ".")
        return found
    if found is not None and proof is not None and proof.proved and proof.units == found - 1:
        st.say("So ", eq(H, found), " is the fewest possible: the next step proves that no "
               f"net with at most {found - 1} hidden unit{'s' if found > 2 else ''} classifies "
               "these points, for any weights.")
        return found
    if built is not None and result.attempts and finder is None:
        tried = sorted({a.hidden for a in result.attempts})
        st.say("No network with ", *listed([eq(H, t) for t in tried], "or"), " exists in this "
               "search space, so the network is constructed instead (next step). The "
               "construction always works, with one hidden unit per class change along a line.")
    if found is not None:
        st.heading = "The fewest hidden units found (the minimum is not proved)"
        st.say("What is proved: ", rel(H, "≥", lower), " (", *reasons, "). What is found: ",
               eq(H, found), ". ", *listed([eq(H, h) for h in range(lower, found)], "or"),
               " is not excluded: the search covers only the grids above, not every weight, so "
               "its finding no smaller net proves nothing about other weights, and ",
               not_proved_reason(proof), ".")
    return None


def _feasible_words(finder: ReluProof) -> list:
    """How the proof's net was chosen among the feasible patterns (minimality._friendliest)."""
    if finder.feasible <= 1:
        return ["the linear program of one such pattern is feasible; its solution, rounded, is "
                "a net that exact arithmetic confirms. It is the network used below."]
    return [f"the linear programs of {finder.feasible} such patterns are feasible (the proof "
            f"stops looking at {MAX_FOUND} feasible patterns or after {MORE_PROGRAMS} more "
            "programs). Their "
            "solutions, rounded, are nets that exact arithmetic confirms; the "
            f"{min(FRIENDLIEST, finder.feasible)} with the smallest largest ",
            call("abs", Text("parameter")), " are each made smaller with integer weights as "
            "the step \"The network\" describes, and the one that ends smallest is the "
            "network used below."]


def proved_lower_bound(spec, one_unit_impossible: bool) -> tuple[int, list]:
    """The fewest hidden units any net needs, as far as it is proved here, with the reasons
    as prose parts: 2 when the classes are not linearly separable (the convex hulls meet),
    k − 1 when all points lie on one line with k class changes (`line_lower_bound`)."""
    lower, reasons = 1, ["a network needs at least one hidden unit"]
    if one_unit_impossible:
        lower, reasons = 2, ["the classes are not separable by " + _noun(spec.dimension)]
    bound = line_lower_bound(spec.points)
    if bound is not None and bound[1] > lower:
        changes, least = bound
        lower, reasons = least, [f"the points lie on a line with {changes} class changes, and "
                                 "along a line s is piecewise linear with at most ",
                                 add(Sym("H"), 1), " pieces, each changing sign at most once"]
    return lower, reasons


def _search_table(st: StepBuilder, spec, result: SearchResult) -> None:
    """The search space and its stopping rule, exactly as `search.py` runs
    them (so nothing is claimed beyond what was searched), and one row per (H, grid)."""
    alpha, w = Sym("α"), Sym("w")
    st.say("An exact search finds the network: output weights ", Sym("±α"), " with the "
           "smallest ", alpha, " that gives ", rel(call("abs", Sym("s")), "≥", 1), ", and units ",
           call("ReLU", add(mul(w, Sym("x")), Sym("b"))), " with ", rel(w, "≠", 0), " and ",
           Sym("b"), " on the grids below (units with the same activations on the points count "
           "once, units 0 at every point are dropped). For each ", Sym("H"), " the grids are "
           "tried in order, stopping at the first whose best net (smallest largest ",
           call("abs", Text("parameter")), ", then fewest halves, then smallest sum) stays "
           "within that grid's bound on ", call("abs", w), ":")
    rows = []
    attempts = result.attempts
    for k, a in enumerate(attempts):
        if a.skipped:
            searched = a.skipped
        elif a.complete:
            searched = str(a.units)
        else:
            searched = f"the simplest {a.searched} of {a.units}"
        found = "no"
        if a.found:
            found = "yes"
            if k + 1 < len(attempts) and attempts[k + 1].hidden == a.hidden:
                found = (f"yes, but its largest |parameter| is {num_text(a.largest)} > "
                         f"{a.grid.bound}: next grid")
        rows.append([str(a.hidden), "integers" if a.grid.q == 1 else "halves",
                     rel(call("abs", Sym("w")), "≤", a.grid.bound),
                     rel(call("abs", Sym("b")), "≤", a.bias_bound),
                     searched, found])
    st.table(["H", "grid", "w", "b", "units", "net found"], rows)
    if any(not a.complete and not a.skipped for a in attempts):
        st.say("A row that combines only the simplest of its units does so because the "
               "combinations tried per row are capped (", rel(mul(call("C", Sym("P"), Sym("H")), Pow(Num(2), Sym("H")), Sym("N"), op="·"),
                                 "≤", BUDGET),
               " for ", Sym("P"), " units and ", Sym("N"), " points), so it excludes nothing beyond them.")


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
    wx = mul(Sym("w"), Sym("x"))
    st.say("is monotone in ", wx, ", so the net predicts by a threshold on ", wx, ": the two "
           f"classes would have to lie on opposite sides of {noun} ", eq(wx, Sym("θ")),
           ". They cannot. The point ", point_expr(meet.point), " is at once "
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
    t, s, d_ = Sym("t"), Sym("s"), Sym("d")
    if spec.dimension == 1:
        st.say("The points lie on a line already: ", eq(t, Sym("x")), " (direction ",
               eq(d_, 1), f"), with {built.changes} class changes along it.")
    else:
        st.say("Project every point on the direction ", eq(d_, point_expr(
            tuple(Fraction(v) for v in built.direction))), ", that is ",
            eq(t, mul(d_, Sym("x"))), ":")
        st.eq(Sym("t"), t_expr)
        st.say("No two points of different classes get the same ", t, ", and among the small "
               "directions this one has the fewest class changes along ", t,
               f" ({built.changes}).")
    first = spec.positive if built.start > 0 else spec.negative
    t_j, t_next, m_j = Sym("t", "j"), Sym("t", "j", "+"), Sym("m", "j")
    st.say("Along ", t, f" the points before the first change are `{first}`, so ", s,
           " starts at ", eq(Sym("b", "2"), built.start), ". Let ", t_j, " be the last point "
           "before change ", Sym("j"), " and ", t_next, " the first point after it. From ", t_j,
           " on, ", s, " follows a line of slope ", m_j, " that reaches ", Sym("±1"),
           " (the next class) exactly at ", t_next, " and keeps moving away from 0 until the "
           "next change, so every point gets ", rel(call("abs", s), "≥", 1), " with the right "
           "sign. Output weight ", Sym("v", "j"), " turns the slope from ", Sym("m", "j-1"),
           " to ", m_j, " (the slope before the first change is 0):")
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
    st.say("Hidden unit ", Sym("j"), " is ",
           eq(call("ReLU", add(t, Neg(t_j))), call("ReLU", add(mul(d_, Sym("x")), Neg(t_j)))),
           ": every row of ", Sym("W", "1"), " is ", d_, ", ",
           eq(Sym("b", "1"), call("", Neg(Sym("t", "1")), Neg(Sym("t", "2")), Ellipsis_())),
           " and ", eq(Sym("w", "2"), call("", Sym("v", "1"), Sym("v", "2"), Ellipsis_())),
           f". That is {built.changes} hidden unit{'s' if built.changes > 1 else ''}, one per "
           "class change: correct by construction, though not necessarily the fewest.")


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
