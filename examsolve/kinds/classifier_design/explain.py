"""What a classifier-design network computes, said in words, and one point worked in full.

`describe_network` finds the structure a student would point out, in this order:

- mirror pairs: units j, k with (w_k, b_k) = −(w_j, b_j) and the same output weight v add up
  to v·ReLU(z) + v·ReLU(−z) = v·|z|. When every unit is in one pair, s = v·|L(x)| + b₂ and the
  positive class is where |L(x)| is above (v > 0) or below (v < 0) the level θ = −b₂/v.
- parallel units: when every row of W₁ is a multiple c_j·d of one direction d, s depends on x
  only through t = d·x and is piecewise linear in t, with a kink where each unit switches on
  (t = −b_j/c_j). The pieces and the t-intervals where s > 0 are computed exactly.
- otherwise: s = b₂ where no unit is active, and each unit pushes s toward the class of the
  sign of its output weight.

`worked_point` substitutes one point into z = W₁x + b₁, h = ReLU(z), s = w₂·h + b₂, p = σ(s).
"""

from __future__ import annotations

import math
from fractions import Fraction

from examsolve.derivation import Part, StepBuilder
from examsolve.mathmodel import Expr, Mul, Neg, Num, Sym, Text, add, call, eq, mat, mul, rel
from examsolve.numbers import format_number
from examsolve.kinds.classifier_design.net import Model, Vector, forward

MAX_PIECES = 12  # a longer piecewise table is no longer a summary
MAX_EXPANDED = 12  # entries of W₁ beyond which z = W₁x + b₁ is not written entry by entry
MAX_SHOWN_UNITS = 6  # more hidden units: the example shows z without W₁ and b₁ again


def describe_network(st: StepBuilder, spec, model: Model, forms, unit_names) -> None:
    """Say what s is as a function of x (module docstring). `forms[j]` is unit j's w·x + b
    as math, `unit_names[j]` its h_j symbol; `spec` gives the points, classes and numbering."""
    live = [j for j in range(model.hidden) if model.w2[j] != 0 and any(model.W1[j])]
    pairs, rest = _mirror_pairs(model, live)
    if pairs and not rest:
        _say_absolute(st, spec, model, pairs, forms, unit_names)
    elif live and (direction := _common_direction(model, live)) is not None:
        _say_piecewise(st, spec, model, live, direction)
    else:
        _say_pushes(st, spec, model, live, unit_names)
    _say_shared_activations(st, spec, model)


def _mirror_pairs(model: Model, live: list[int]) -> tuple[list[tuple[int, int]], list[int]]:
    pairs, used = [], set()
    for j in live:
        for k in live:
            if k > j and j not in used and k not in used and model.w2[j] == model.w2[k] and \
                    model.b1[k] == -model.b1[j] and \
                    all(a == -b for a, b in zip(model.W1[k], model.W1[j])):
                pairs.append((j, k))
                used |= {j, k}
    return pairs, [j for j in live if j not in used]


def _say_absolute(st: StepBuilder, spec, model: Model, pairs, forms, unit_names) -> None:
    terms: list[Expr] = []
    for j, k in pairs:
        z = Sym("z")
        st.say(unit_names[j], " and ", unit_names[k], " are mirror images, and ",
               eq(add(call("ReLU", z), call("ReLU", Neg(z))), call("abs", z)), " for every ",
               z, ", so together they compute an absolute value:")
        st.eq(add(unit_names[j], unit_names[k]), call("abs", forms[j]))
        v = model.w2[j]
        terms.append(call("abs", forms[j]) if v == 1 else mul(Num(v), call("abs", forms[j]),
                                                              op=""))
    if model.b2 > 0 and all(model.w2[j] < 0 for j, _ in pairs):
        terms.insert(0, Num(model.b2))  # 1 − 2|x| rather than −2|x| + 1
    elif model.b2 != 0:
        terms.append(Num(model.b2))
    st.eq(Sym("s"), terms[0] if len(terms) == 1 else add(*terms))
    if len(pairs) != 1:
        return
    j = pairs[0][0]
    v, theta = model.w2[j], -model.b2 / model.w2[j]
    if theta <= 0:
        return
    zero_positive = spec.predicted(Fraction(0)) == spec.positive
    st.say("So ", rel(Sym("s"), "≥" if zero_positive else ">", 0),
           f", and the net predicts `{spec.positive}`, exactly where")
    st.rel(call("abs", forms[j]), ("≥" if zero_positive else ">") if v > 0
           else ("≤" if zero_positive else "<"), Num(theta))
    groups: dict[Fraction, list[int]] = {}
    for i, p in enumerate(spec.points):
        value = abs(sum((w * x for w, x in zip(model.W1[j], p.x)), Fraction(0)) + model.b1[j])
        groups.setdefault(value, []).append(i)
    if len(groups) <= 4:  # a table, not prose: `(s = −1)` must not wrap mid-formula
        # A header is text, so the table's middle column gets a one-letter name.
        st.say("At the points, with ", eq(Sym("a"), call("abs", forms[j])), ":")
        st.table(["points", "a", "s"],
                 [[_join([point_number(spec, i) for i in members]), Num(value),
                   Num(v * value + model.b2)] for value, members in sorted(groups.items())])


def _common_direction(model: Model, live: list[int]) -> tuple[Fraction, ...] | None:
    """d with every live row of W₁ a multiple of d (first nonzero entry of d positive)."""
    first = model.W1[live[0]]
    lead = next(k for k, v in enumerate(first) if v != 0)
    # The smallest integer multiple with a positive first entry: t = 2x₁ + x₂, not x₁ + 0.5x₂.
    scale = Fraction(math.lcm(*(v.denominator for v in first)),
                     math.gcd(*(v.numerator for v in first))) * (1 if first[lead] > 0 else -1)
    d = tuple(v * scale for v in first)
    for j in live:
        c = model.W1[j][lead] / d[lead]
        if any(a != c * b for a, b in zip(model.W1[j], d)):
            return None
    return d


def _say_piecewise(st: StepBuilder, spec, model: Model, live: list[int],
                   d: tuple[Fraction, ...]) -> None:
    """s as a piecewise-linear function of t = d·x, and where it is positive."""
    lead = next(k for k, v in enumerate(d) if v != 0)
    scale = {j: model.W1[j][lead] / d[lead] for j in live}  # row j = scale_j · d
    kinks = sorted({-model.b1[j] / scale[j] for j in live})
    if len(kinks) + 1 > MAX_PIECES:
        return
    names = coordinate_names(spec)
    t = Sym("t") if spec.dimension > 1 else names[0]
    kinks_at = (", with a kink where a unit switches on or off (at ",
                *listed([eq(t, Num(k)) for k in kinks]), "):")
    if spec.dimension > 1:
        st.say("Every unit reads ", Sym("x"), " only through one combination of the "
               "coordinates,")
        st.eq(t, linear_form(d, Fraction(0), names))
        st.say("so ", Sym("s"), " is a piecewise-linear function of ", t, *kinks_at)
    else:
        st.say(Sym("s"), " is a piecewise-linear function of ", t, *kinks_at)

    def piece(at: Fraction) -> tuple[Fraction, Fraction]:
        """s = a + b·t on the piece containing `at`."""
        a, b = model.b2, Fraction(0)
        for j in live:
            if scale[j] * at + model.b1[j] > 0:
                a, b = a + model.w2[j] * model.b1[j], b + model.w2[j] * scale[j]
        return a, b

    bounds = [None, *kinks, None]
    rows, positive = [], []
    for lo, hi in zip(bounds, bounds[1:]):
        at = hi - 1 if lo is None else lo + 1 if hi is None else (lo + hi) / 2
        a, b = piece(at)
        where = rel(t, "≤", Num(hi)) if lo is None else rel(t, "≥", Num(lo)) if hi is None \
            else rel(Num(lo), "≤", t, "≤", Num(hi))
        rows.append([where, _piece_form(a, b, t)])
        positive.append(_positive_part(a, b, lo, hi))
    st.table([t.name, "s"], rows)
    intervals = _merge([iv for iv in positive if iv is not None])
    zero_positive = spec.predicted(Fraction(0)) == spec.positive
    if intervals:
        st.say(rel(Sym("s"), ">", 0), "" if zero_positive else
               f", so the net predicts `{spec.positive}`,", " exactly for")
        for lo, hi in intervals:
            st.math(rel(t, ">", Num(lo)) if hi is None else rel(t, "<", Num(hi)) if lo is None
                    else rel(Num(lo), "<", t, "<", Num(hi)))
        if zero_positive:
            st.say(f"The net predicts `{spec.positive}` there and also wherever ",
                   eq(Sym("s"), 0), " (at_zero = 1).")
    ts = [sum((a * b for a, b in zip(d, p.x)), Fraction(0)) for p in spec.points]
    if spec.dimension > 1 and len(ts) <= 12:
        st.say("At the points, in order, ", t, " is ", *listed([Num(v) for v in ts]), ".")


def _piece_form(a: Fraction, b: Fraction, t: Sym) -> Expr:
    """a + b·t, written 1.5 − t rather than −t + 1.5 when the slope alone is negative."""
    if b < 0 < a:
        return add(Num(a), Neg(t if b == -1 else Mul((Num(-b), t), "")))
    return linear_form((b,), a, [t])


def _positive_part(a: Fraction, b: Fraction, lo, hi) -> tuple | None:
    """The open t-interval inside [lo, hi] where a + b·t > 0 (None ends are infinite)."""
    if b == 0:
        return (lo, hi) if a > 0 else None
    root = -a / b
    new_lo, new_hi = (root, hi) if b > 0 else (lo, root)
    if new_lo is not None and lo is not None and new_lo < lo:
        new_lo = lo
    if new_hi is not None and hi is not None and new_hi > hi:
        new_hi = hi
    if new_lo is not None and new_hi is not None and new_lo >= new_hi:
        return None
    return new_lo, new_hi


def _merge(intervals: list[tuple]) -> list[tuple]:
    merged: list[tuple] = []
    for lo, hi in intervals:
        if merged and merged[-1][1] is not None and lo is not None and merged[-1][1] == lo:
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def _say_pushes(st: StepBuilder, spec, model: Model, live: list[int], unit_names) -> None:
    rest = f"`{spec.positive}`" if model.b2 > 0 else f"`{spec.negative}`" if model.b2 < 0 \
        else "the boundary"
    up = [unit_names[j] for j in live if model.w2[j] > 0]
    down = [unit_names[j] for j in live if model.w2[j] < 0]
    s = Sym("s")
    parts: list[Part] = ["Where no unit is active ", eq(s, Sym("b", "2"), Num(model.b2)),
                         f" ({rest}). An active unit adds ",
                         mul(Sym("w", "2j"), Sym("h", "j"), op=""), " to ", s, ":"]
    if up:
        parts += [" ", *listed(up), f" push{'es' if len(up) == 1 else ''} ", s,
                  f" toward `{spec.positive}`"]
    if down:
        parts += [("," if up else "") + " ", *listed(down),
                  f" push{'es' if len(down) == 1 else ''} ", s, f" toward `{spec.negative}`"]
    st.say(*parts, ".")


def _say_shared_activations(st: StepBuilder, spec, model: Model) -> None:
    """Points of different classes with the same h get the same s, whatever w₂ and b₂ are:
    then the hidden layer itself has to change."""
    seen: dict[Vector, int] = {}
    for i, p in enumerate(spec.points):
        h = forward(model, p.x).h
        first = seen.setdefault(h, i)
        if spec.points[first].label != p.label:
            st.say(f"Points {point_number(spec, first)} (`{spec.points[first].label}`) and "
                   f"{point_number(spec, i)} (`{p.label}`) have the same hidden activations ",
                   Sym("h"), ", so they get the same ", Sym("s"), " whatever ", Sym("w", "2"),
                   " and ", Sym("b", "2"), " are: no output layer can separate them, only a "
                   "different hidden layer can.")
            return


def worked_point(st: StepBuilder, spec, model: Model, i: int) -> None:
    """z, h, s and p of point i with every number substituted (module docstring)."""
    x = spec.points[i].x
    r = forward(model, x)
    z, h, s_ = Sym("z"), Sym("h"), Sym("s")
    W1, b1, w2, b2 = Sym("W", "1"), Sym("b", "1"), Sym("w", "2"), Sym("b", "2")
    chain: list[Expr] = [z, add(mul(W1, Sym("x"), op=""), b1)]
    if model.hidden <= MAX_SHOWN_UNITS:
        chain.append(add(mul(mat(model.W1, summarise=False), mat(x), op=""),
                         mat(model.b1, summarise=False)))
    if model.hidden * len(x) <= MAX_EXPANDED:
        zero_bias = all(b == 0 for b in model.b1)  # else every row shows its bias, + 0 too
        chain.append(mat([[_dot(model.W1[j], x, model.b1[j], not zero_bias)]
                          for j in range(model.hidden)], summarise=False))
    chain.append(mat(r.z, summarise=False))
    st.eq(*chain)
    st.eq(h, call("ReLU", z), mat(r.h, summarise=False))
    st.eq(s_, add(mul(w2, h, op="·"), b2), _dot(model.w2, r.h, model.b2), Num(r.s))
    output = spec.output
    verdict = spec.predicted(r.s)
    if output == "sigmoid":
        items: list[object] = [Sym("p"), "=", call("σ", Num(r.s)), "=", Num(r.p),
                               ">" if r.s > 0 else "<" if r.s < 0 else "=", Num(Fraction(1, 2))]
    else:
        low = 0 if output == "step" else -1
        items = [Sym("y"), "=", call(output, Num(r.s)), "=",
                 Num(1 if r.s > 0 else low if r.s < 0 else spec.at_zero)]
    if verdict is not None:
        items += ["⇒", Text(verdict)]
    st.rel(*items)


def _dot(weights: Vector, values: Vector, bias: Fraction, keep_zero: bool = False) -> Expr:
    """w₁·v₁ + w₂·v₂ + … + b with every number shown (a zero bias is left out unless
    `keep_zero`: rows of one matrix show their biases alike)."""
    terms: list[Expr] = [mul(Num(w), Num(v)) for w, v in zip(weights, values)]
    if bias != 0 or keep_zero:
        terms.append(Num(bias))
    return terms[0] if len(terms) == 1 else add(*terms)


# ---- names and numbers, shared with derive.py --------------------------

def coordinate_names(spec) -> list[Expr]:
    """x₁, x₂, … in the spec's indexing (just x when D = 1)."""
    if spec.dimension == 1:
        return [Sym("x")]
    return [Sym("x", str(k + spec.common.indexing)) for k in range(spec.dimension)]


def linear_form(weights: Vector, bias: Fraction, names: list[Expr]) -> Expr:
    """w·x + b written out: 2x₁ − x₂ + 1 (zero terms left out, a positive term first so
    −x₁ + x₂ reads x₂ − x₁ and −x₂ + 2 reads 2 − x₂)."""
    terms: list[Expr] = []
    pairs = [(w, name) for w, name in zip(weights, names) if w != 0]
    first_positive = next((k for k, (w, _) in enumerate(pairs) if w > 0), 0)
    if pairs:
        pairs.insert(0, pairs.pop(first_positive))
    for w, name in pairs:
        if w == 1:
            terms.append(name)
        elif w == -1:
            terms.append(Neg(name))
        elif w < 0:  # −(8/9)t, never −8/9t
            terms.append(Neg(Mul((Num(-w), name), "")))
        else:
            terms.append(Mul((Num(w), name), ""))
    if bias > 0 and pairs and all(w < 0 for w, _ in pairs):
        terms.insert(0, Num(bias))  # 2 − x₂ rather than −x₂ + 2
    elif bias != 0 or not terms:
        terms.append(Num(bias))
    return terms[0] if len(terms) == 1 else add(*terms)


def num_text(value: object) -> str:
    """A number for prose, with a typographic minus."""
    return format_number(value).replace("-", "−")


def point_number(spec, i: int) -> str:
    return str(i + spec.common.indexing)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def listed(items: list[Expr], last: str = "and") -> tuple[Part, ...]:
    """Math items as prose parts: `h₁, h₂ and h₃` (`last` joins the last two)."""
    out: list[Part] = []
    for k, item in enumerate(items):
        out += ([", " if k < len(items) - 1 else f" {last} "] if k else []) + [item]
    return tuple(out)


def point_expr(x: Vector) -> Expr:
    """A point as math: the number for a 1-D point, else its coordinates in parentheses,
    (0.5, −1) (a call with no function name is a bracketed tuple in every printer)."""
    return Num(x[0]) if len(x) == 1 else call("", *x)

