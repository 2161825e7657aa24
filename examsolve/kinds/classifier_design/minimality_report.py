"""The minimality proof in words (minimality.py): why H − 1 hidden units cannot work.

A student should be able to follow each sentence: the signs of the output weights, the cuts a
unit can make, one linear program per pattern of cuts and signs, the rules that rule
patterns out without a program, and the count of infeasible programs.
"""

from __future__ import annotations

from examsolve.derivation import DerivationBuilder, StepBuilder
from examsolve.mathmodel import Sym, add, call, eq, mul, rel
from examsolve.kinds.classifier_design.minimality import ReluProof
from examsolve.kinds.classifier_design.threshold_minimum import ThresholdDesign


def _units(m: int) -> str:
    return f"{m} hidden unit{'s' if m != 1 else ''}"


def relu_proof_step(d: DerivationBuilder, spec, proof: ReluProof, found: int) -> None:
    """The step proving that `proof.units` units fail (proof.proved): found − 1 proves the
    minimum; fewer is a lower bound."""
    m = proof.units
    st = d.step(f"Why {_units(m)} cannot work, for any weights")
    j, i = Sym("j"), Sym("i")
    v_j, w_j, b_j, c, x_i = Sym("v", "j"), Sym("w", "j"), Sym("b", "j"), Sym("c"), \
        Sym("x", "i")
    z = add(mul(w_j, Sym("x"), op="·"), b_j)
    st.say(f"Any net with {_range(max(1, proof.least), m)} computes")
    st.eq(Sym("s"), add(c, mul(Sym("Σ", "j"), v_j, call("ReLU", z), op="")))
    a = Sym("a")
    st.say("Since ", eq(call("ReLU", mul(a, Sym("z"), op="")),
                        mul(a, call("ReLU", Sym("z")), op="")), " for ", rel(a, ">", 0),
           ", the size of ", v_j, " can be moved into ", w_j, " and ", b_j, ", so every ",
           v_j, " is ", 1, " or ", -1, ". A unit with ", eq(v_j, 0), " changes nothing: "
           "that is a net with fewer units, "
           + ("checked as well." if proof.least < m else "ruled out in the step before."))
    _cuts_paragraph(st, spec, proof, m)
    st.say("With each unit's cut and sign fixed, ", call("ReLU", add(mul(w_j, x_i, op="·"),
                                                                      b_j)),
           " is ", add(mul(w_j, x_i, op="·"), b_j), " where unit ", j, " is active and 0 "
           "elsewhere, so ", Sym("s"), " at every point is linear in the weights. The pattern "
           "is possible exactly when this linear program is feasible (", eq(Sym("y", "i"), 1),
           f" for `{spec.positive}`, ", eq(Sym("y", "i"), -1), f" for `{spec.negative}`):")
    zi = add(mul(w_j, x_i, op="·"), b_j)
    st.math(rel(zi, "≥", 1), label="where unit j is active at point i")
    st.math(rel(zi, "≤", 0), label="where it is not")
    st.math(rel(mul(Sym("y", "i"), Sym("s", "i"), op=""), "≥", 1), label="at every point i")
    st.say("Margins of 1 lose nothing: scaling every weight and ", c, " by the same factor "
           "scales every ", zi, " and ", Sym("s"), ".")
    if proof.hulls:
        _hulls_paragraph(st, spec, proof)
    of = "more" if proof.hulls else f"of the {proof.patterns:,} patterns"
    if proof.sign_rule:
        st.say(f"{proof.sign_rule:,} {of} fail by the sign rule: where only units with ",
               eq(v_j, 1), " are active, ", rel(Sym("s"), "≥", c), ", and where only units "
               "with ", eq(v_j, -1), " are active, ", rel(Sym("s"), "≤", c), "; so if ",
               rel(c, ">", 0), f" the former points are all `{spec.positive}`, and if ",
               rel(c, "≤", 0), f" the latter are all `{spec.negative}` (in particular the "
               "points where no unit is active all get ", eq(Sym("s"), c), ", one class).")
    if proof.pieces:
        st.say(f"{proof.pieces:,} more fail because points with the same active units have ",
               Sym("s"), " linear in ", Sym("x"), " among them, so their classes would have to "
               "be separable by a line, and they are not.")
    left = proof.patterns - proof.hulls - proof.sign_rule - proof.pieces
    if left:
        st.say(f"The linear programs of the remaining {left:,} patterns are all infeasible. "
               f"{proof.programs:,} were solved (HiGHS), and each infeasible one is confirmed in "
               "exact arithmetic by its certificate (Farkas' lemma): nonnegative weights on its "
               "inequalities that add up to 0 ≤ −1. A certificate uses only some of the "
               "points, and every other pattern that agrees with it on those points is "
               "infeasible too.")
    else:
        st.say("That leaves no pattern, so no linear program is needed.")
    if m == found - 1:
        st.say(f"So no network with {_units(m)} classifies these points, and ",
               eq(Sym("H"), found), " is the fewest possible.")
    else:
        st.say(f"So no network with at most {_units(m)} classifies these points: ",
               rel(Sym("H"), "≥", m + 1), f". The proof for {_units(m + 1)} stopped at its "
               "limits (the step on the fewest hidden units says why), so the minimum is not "
               "proved.")


def _hulls_paragraph(st: StepBuilder, spec, proof: ReluProof) -> None:
    """The hull rule (pattern_rules.py) in words, with the count it rules out."""
    P, N, c, r = Sym("P"), Sym("N"), Sym("c"), Sym("r")
    z_j, lam = Sym("z", "j"), Sym("λ", "k")
    relu_j = call("ReLU", z_j)
    st.say(f"{proof.hulls:,} of the {proof.patterns:,} patterns fail by convexity. Write ",
           eq(Sym("s"), add(c, P, mul(-1, N))), " with ", P, " the sum of ", relu_j, " over the "
           "units with ", eq(Sym("v", "j"), 1), " and ", N, " the sum over those with ",
           eq(Sym("v", "j"), -1), ", where ",
           eq(z_j, add(mul(Sym("w", "j"), Sym("x"), op="·"), Sym("b", "j"))), ". Both are "
           "convex, being sums of ReLUs of linear functions. Take points ", Sym("p", "k"),
           " that have exactly the same units with ", eq(Sym("v", "j"), -1), " active: at "
           "them ", N, " equals the sum of those units' ", z_j, ", and everywhere ", N,
           " is at least that sum (", rel(call("ReLU", Sym("z")), "≥", Sym("z")), ", and ",
           rel(call("ReLU", Sym("z")), "≥", 0), " for the others). So at any average ",
           eq(r, mul(Sym("Σ", "k"), lam, Sym("p", "k"), op="")), " (", rel(lam, "≥", 0), ", ",
           eq(mul(Sym("Σ", "k"), lam, op=""), 1), ") of them, ",
           rel(call("P", r), "≤", mul(Sym("Σ", "k"), lam, call("P", Sym("p", "k")), op="")),
           " and ",
           rel(call("N", r), "≥", mul(Sym("Σ", "k"), lam, call("N", Sym("p", "k")), op="")),
           ", hence ",
           rel(call("s", r), "≤", mul(Sym("Σ", "k"), lam, call("s", Sym("p", "k")), op="")),
           f": if those points are all `{spec.negative}` (", rel(Sym("s"), "<", 0), f"), no "
           f"`{spec.positive}` point can be such an average. Likewise no `{spec.negative}` "
           f"point can be an average of `{spec.positive}` points that have exactly the same "
           "units with ", eq(Sym("v", "j"), 1), " active.")
    st.say("In each of these patterns some point is such an average (checked exactly: a point "
           "in the convex hull of points " + ("on a line lies between two of them)."
                                              if spec.dimension == 1 else
                                              "in the plane lies in a triangle or on a "
                                              "segment of three or two of them)."))


def _cuts_paragraph(st: StepBuilder, spec, proof: ReluProof, m: int) -> None:
    noun = "a point" if spec.dimension == 1 else "a line"
    st.say("On the points, unit ", Sym("j"), " is active (", rel(add(mul(Sym("w", "j"),
                                                                          Sym("x"), op="·"),
                                                                      Sym("b", "j")), ">", 0),
           f") on a set that {noun} cuts off from the rest. These {proof.points} points have "
           f"{proof.cuts} such cuts (counting none and all; "
           + ("every threshold between sorted points" if spec.dimension == 1 else
              "every cut is made by a line through two of the points, turned slightly")
           + "). Two units of the same sign on the same cut add up to one unit on that cut, "
           "and a unit active nowhere does nothing, so units of one sign take different, "
           f"nonempty cuts: with {_range(proof.least, m)} that is {proof.patterns:,} "
           "patterns of cuts and signs"
           + (f" (fewer than {proof.least} units are ruled out by the bound in the step "
              "before)." if proof.least > 1 else "."))


def _range(least: int, m: int) -> str:
    return f"exactly {_units(m)}" if least == m else f"{least} to {m} hidden units"


def not_proved_reason(proof: ReluProof | None) -> str:
    """Why H − 1 was not excluded, as a clause."""
    if proof is None:
        return "the exact proof over cut patterns was not run"
    return f"the exact proof over cut patterns for {_units(proof.units)} stopped: " \
        + (proof.reason or "")


def cuts_step(d: DerivationBuilder, spec, design: ThresholdDesign, hidden: int) -> None:
    """Why the threshold net's hidden units are the fewest: every smaller subset of cuts
    was tried (threshold_minimum.py)."""
    st = d.step(f"Why {hidden} hidden units are the fewest")
    h = Sym("h")
    noun = {1: "a point", 2: "a line", 3: "a plane"}.get(spec.inputs, "a hyperplane")
    what = "points" if spec.function is None else "rows"
    st.say(f"A hidden {spec.activation} unit gives one value on one side of its boundary and "
           f"the other on the other side, so on the {what} it is a cut by {noun}. A unit on "
           "the complementary cut is the same unit negated, and the output unit absorbs that "
           f"(its weight changes sign): these {what} have {design.cuts} different cuts that "
           "way, leaving out none and all (a constant unit only shifts the output's bias).")
    st.say("The output unit sees only the hidden outputs ", h, ", so ", Sym("m"), " units work "
           f"exactly when no two {what} of different classes get the same ", h, " and the "
           "distinct ", h, " of the two classes are separable by a hyperplane, that is, their "
           "convex hulls do not meet (decided exactly).")
    rows = [[str(m), f"{count:,}", "yes, the first that works" if m == hidden else "none"]
            for m, count in design.tried]
    st.table(["hidden units m", "cut subsets checked", "works"], rows)
    st.say("One hidden unit cannot work either: the output would be a function of one cut, "
           "and no single cut separates the classes (the step before). So ",
           eq(Sym("H"), hidden), " is the fewest possible with one hidden layer.")
