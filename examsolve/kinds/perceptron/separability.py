"""Why the perceptron rule cannot (or can) classify every point: the convex-hull argument.

If Σλᵢpᵢ = Σμⱼqⱼ = c with convex weights over the positive points p and the negative
points q, then for any w and b, w·c + b is at the same time a convex combination of the
positive points' net inputs and of the negative points' net inputs. A unit that classified
every point would need the first ≥ 0 and the second < 0 (or > 0 and ≤ 0, depending on f(0)):
impossible, so no epoch is ever free of errors. The certificate is found exactly by
examsolve.geometry (Fractions), for sets of at most MAX_PROOF_POINTS points and
MAX_PROOF_SIZE points × (inputs + 2)² (the simplex tableau's rows grow with the inputs).
"""

from __future__ import annotations

from examsolve.derivation import DerivationBuilder
from examsolve.geometry import convex_hulls_meet
from examsolve.mathmodel import Expr, Mul, Num, Sym, add, call, eq, rel
from examsolve.kinds.perceptron import notation as n
from examsolve.kinds.perceptron.spec import PerceptronSpec

MAX_PROOF_POINTS = 400
MAX_PROOF_SIZE = 10_000  # points × (inputs + 2)²: the exact simplex stays near a second


def separability(d: DerivationBuilder, spec: PerceptronSpec, converged: bool | None) -> bool | None:
    """Write the step; True/False when separability was decided, None when too big."""
    lo, hi = spec.targets
    st = d.step("Linear separability")
    size = len(spec.points) * (spec.inputs + 2) ** 2
    if len(spec.points) > MAX_PROOF_POINTS or size > MAX_PROOF_SIZE:
        st.say(f"The exact separability test is run for at most {MAX_PROOF_POINTS} points "
               f"and {MAX_PROOF_SIZE} points × (inputs + 2)²; this set has "
               f"{len(spec.points)} points of {spec.inputs} inputs, so whether it is "
               "linearly separable is not decided here.")
        return None
    positive = [i for i, p in enumerate(spec.points) if p.t == hi]
    negative = [i for i, p in enumerate(spec.points) if p.t == lo]
    if not positive or not negative:
        st.say("Every point has the same target, so the classes are trivially separable.")
        return True
    meet = convex_hulls_meet([spec.points[i].x for i in positive],
                             [spec.points[i].x for i in negative])
    if meet is None:
        st.say("The two classes are linearly separable: the convex hulls of the points with ",
               eq(n.T, Num(hi)), " and with ", eq(n.T, Num(lo)), " do not meet (an exact "
               "linear-programming test in fractions finds no common point), so a separating "
               "hyperplane exists.")
        if spec.rule == "perceptron" and not converged:
            if spec.learn_offset:
                st.say("By the perceptron convergence theorem the rule reaches an epoch with "
                       "no error after finitely many updates: more epochs would converge.")
            else:
                st.say("The " + ("threshold" if spec.threshold else "bias") + " is fixed, "
                       "though, and whether a separating hyperplane with that offset exists "
                       "is not decided here.")
        return True
    c = n.vector(meet.point)
    left = _combination([(spec.points[positive[i]].x, lam) for i, lam in meet.first])
    right = _combination([(spec.points[negative[j]].x, mu) for j, mu in meet.second])
    st.say("The classes are not linearly separable. A point c lies in both convex hulls: a "
           "convex combination of points with ", eq(n.T, Num(hi)), " equals one of points "
           "with ", eq(n.T, Num(lo)), ",")
    st.math(rel(Sym("c"), "=", left, "=", c))
    st.math(rel(Sym("c"), "=", right, "=", c))
    first = ", ".join(str(positive[i] + 1) for i, _ in meet.first)
    second = ", ".join(str(negative[j] + 1) for j, _ in meet.second)
    st.say(f"(points {first} and points {second}; on each side the weights are nonnegative "
           "and sum to 1). For any w and ", n.offset_symbol(spec.threshold), " the net input "
           "is affine in x, so net(c) is the same convex combination of those points' net "
           "inputs on either side.")
    pos_op, neg_op = _sides(spec)
    net_c = call("net", Sym("c"))
    st.say("Classifying every point would need ", rel(n.NET, pos_op, 0), " at each point "
           "with ", eq(n.T, Num(hi)), ", hence ", rel(net_c, pos_op, 0), ", and ",
           rel(n.NET, neg_op, 0), " at each point with ", eq(n.T, Num(lo)), ", hence ",
           rel(net_c, neg_op, 0), ": both cannot "
           "hold. So no w and ", n.offset_symbol(spec.threshold), " classify every point, and "
           "no epoch is ever free of errors" +
           (": the perceptron rule cannot converge, however many epochs it runs."
            if spec.rule == "perceptron" else "."))
    return False


def _combination(terms: list[tuple[tuple, object]]) -> Expr:
    return add(*(Mul((Num(w), n.vector(x)), "·") for x, w in terms))


def _sides(spec: PerceptronSpec) -> tuple[str, str]:
    """The relation net must satisfy for y = t on each class, given f(0) = at_zero."""
    lo, hi = spec.targets
    return ("≥" if spec.at_zero == hi else ">"), ("≤" if spec.at_zero == lo else "<")
