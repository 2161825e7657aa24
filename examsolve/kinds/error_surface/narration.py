"""The written solution, steps 1–5: the surface, its gradient, the stationary points, the
second-derivative test, and the minimum (with whether f is bounded below)."""

from __future__ import annotations

import sympy

from examsolve.derivation import DerivationBuilder
from examsolve.mathmodel import Call, Expr, Mat, Mul, Neg, Num, Sym, Text, deriv, eq, mat, rel
from examsolve.kinds.error_surface.boundedness import BOUNDED, UNBOUNDED, Boundedness
from examsolve.kinds.error_surface.curvature import MAXIMUM, SADDLE, UNDECIDED, Curvature
from examsolve.kinds.error_surface.from_sympy import (DIGITS, answer, decimal, exact_or_decimal,
                                                      exactly_shown, shown, to_expr)
from examsolve.kinds.error_surface.notation import (F, GRAD, H, f_at, f_of, hessian_at,
                                                    point, point_shown, variable)
from examsolve.kinds.error_surface.stationary import Stationary

ZERO = Num(0)


def index(spec, k: int) -> str:
    """The k-th (from 0) point's number as the spec counts (`indexing`)."""
    return str(k + spec.common.indexing)


def coords_shown(p: tuple[sympy.Expr, ...]) -> Expr:
    """A point: exact when rational, √2 ≈ 1.414 style when irrational, else decimals."""
    if all(c.is_Rational for c in p):
        return point(tuple(to_expr(c) for c in p))
    exact = tuple(exact_or_decimal(c) for c in p)
    decimals = tuple(Num(decimal(c)) for c in p)
    if any(exactly_shown(c) and not c.is_Rational for c in p):
        return point_shown(exact, decimals)
    return point(exact)


def point_answer(p: tuple[sympy.Expr, ...]) -> object:
    return answer(p[0]) if len(p) == 1 else tuple(answer(c) for c in p)


def all_rational(points) -> bool:
    return all(c.is_Rational for p in points for c in p)


def words(items: list, last: str = " and ") -> tuple:
    """a, b and c as paragraph parts."""
    out: list = []
    for i, item in enumerate(items):
        if i:
            out.append(last if i == len(items) - 1 else ", ")
        out.append(item)
    return tuple(out)


def f_value(spec, p: tuple[sympy.Expr, ...]) -> sympy.Expr:
    """f at an exact point (sympy numbers), expanded; to DIGITS digits at a CRootOf point."""
    if any(c.has(sympy.CRootOf) for c in p):
        p = tuple(sympy.Float(sympy.N(c, DIGITS), DIGITS) for c in p)
    total = sympy.Integer(0)
    for m, c in spec.f.terms:
        term = sympy.Rational(c.numerator, c.denominator)
        for x, e in zip(p, m):
            term *= x ** e
        total += term
    return sympy.expand(total)


def short(e: sympy.Expr) -> Expr:
    """A number in prose or a table: exact when short (√2 ≈ 1.414 when irrational)."""
    if e.is_Rational or e.has(sympy.Float, sympy.CRootOf):
        return shown(e)
    return shown(sympy.radsimp(sympy.expand(e)))


def partial(spec, i: int) -> Expr:
    """∂f/∂x, or f′(x) in one variable."""
    x = variable(spec.names[i])
    return Call("f′", (x,)) if len(spec.names) == 1 else deriv(F, x)


def _vars(spec) -> tuple:
    return words([variable(n) for n in spec.names])


# ---- 1. the surface -------------------------------------------------------------------------

def surface_step(d: DerivationBuilder, spec) -> None:
    st = d.step("The surface")
    n = len(spec.names)
    expanded = spec.f.expr()
    head = (F, f" is a polynomial of degree {spec.f.degree} in ", *_vars(spec))
    if _as_written(spec.written) != _as_written(expanded):
        st.say(*head, "; multiplied out:")
        st.eq(f_of(spec.names), spec.written, expanded)
    else:
        st.say(*head, ":")
        st.eq(f_of(spec.names), expanded)
    if spec.f.separable and n > 1:
        st.say("No term mixes two variables: ", F, " is a sum of one-variable parts, so each "
               "partial derivative involves its own variable alone.")
    elif spec.f.degree <= 2 and n > 1:
        st.say(F, " is quadratic, so its gradient is linear and its Hessian is constant.")


def _as_written(expr: Expr) -> Expr:
    """32·x² and 32x² are the same writing: compare with every product juxtaposed."""
    from dataclasses import fields, is_dataclass, replace

    if not is_dataclass(expr):
        return expr
    changes = {}
    for f in fields(expr):
        value = getattr(expr, f.name)
        if isinstance(value, Expr):
            changes[f.name] = _as_written(value)
        elif isinstance(value, tuple) and value and isinstance(value[0], Expr):
            changes[f.name] = tuple(_as_written(v) for v in value)
    if isinstance(expr, Mul):
        changes["op"] = ""
        factors = changes.get("factors", expr.factors)
        if isinstance(factors[0], Num) and factors[0].value < 0:  # −32x² as written: −(32x²)
            return Neg(Mul((Num(-factors[0].value), *factors[1:]), ""))
    return replace(expr, **changes)


# ---- 2. the gradient ------------------------------------------------------------------------

def gradient_step(d: DerivationBuilder, spec, gens, grad) -> None:
    st = d.step("The gradient" if len(spec.names) > 1 else "The derivative")
    if len(spec.names) == 1:
        st.say("Stationary points are where the derivative is 0:")
    else:
        st.say("Stationary points are where every partial derivative is 0, ", eq(GRAD, ZERO),
               ":")
    for name, g, i in zip(spec.names, grad, range(len(grad))):
        expr = g.as_expr()
        factored = sympy.factor(expr)
        parts = [partial(spec, i), spec.f.derivative(i).expr()]
        if factored != expr and not factored.is_Add and not factored.is_Number:
            parts.append(to_expr(factored))
        st.eq(*parts)


# ---- 3. the stationary points ---------------------------------------------------------------

def stationary_step(d: DerivationBuilder, spec, gens, found: Stationary) -> None:
    st = d.step("The stationary points")
    if found.method == "separable":
        _separable(st, spec, found)
    elif found.method == "linear":
        st.say("The gradient is linear in ", *_vars(spec), ", so ", eq(GRAD, ZERO),
               " is a linear system, solved exactly.")
    else:
        st.say("The equations are coupled. A lex Gröbner basis of the partial derivatives "
               "(sympy) is an equivalent triangular system:")
        for e in found.details.get("basis", ()):
            st.eq(to_expr(sympy.factor(e)), ZERO)
        st.say("Each coordinate of a solution is a real root of the polynomial that "
               "eliminates the other variables; every combination of those roots is put into ",
               GRAD, " and the ones where it vanishes are kept.")
    if not found.isolated:
        _not_isolated(d, st, spec, found)
        return
    if not found.points:
        st.say(eq(GRAD, ZERO), " has no real solution: ", F, " has no stationary point, so ",
               eq(Text("stationary"), Text("[]")), ".")
        d.answer("stationary", ())
        return
    one = len(found.points) == 1
    st.say("The stationary " + ("point:" if one else
                                "points, sorted by their coordinates (first coordinate first):"))
    st.table(["k", "point"], [[index(spec, k), coords_shown(p)]
                              for k, p in enumerate(found.points)])
    value = tuple(point_answer(p) for p in found.points)
    display = None if all_rational(found.points) else \
        eq(Text("stationary"), Call("", tuple(coords_shown(p) for p in found.points)))
    d.answer("stationary", value, display)


def _separable(st, spec, found: Stationary) -> None:
    for i, name in enumerate(spec.names):
        x = variable(name)
        if i in found.free:
            st.say(F, " does not involve ", x, ": ", eq(partial(spec, i), ZERO), " for every ",
                   x, ".")
        elif not found.roots[i]:
            st.say(eq(partial(spec, i), ZERO), " has no real solution.")
        else:
            roots = [eq(x, shown(r)) for r in found.roots[i]]
            st.say(eq(partial(spec, i), ZERO), " for ", *words(roots, " or "), ".")
    if found.points and len(spec.names) > 1:
        st.say(f"Each combination is a stationary point: {len(found.points)} "
               f"point{'s' if len(found.points) > 1 else ''}.")


def _not_isolated(d, st, spec, found: Stationary) -> None:
    st.say("The stationary points are not isolated: ", eq(GRAD, ZERO), " on the whole set")
    for e in found.equations:
        st.eq(to_expr(e), ZERO)
    if found.free:
        st.say("(every value of ", *words([variable(spec.names[i]) for i in found.free],
                                          " and "), " allowed).")
    st.say("There is no finite list of stationary points: ", eq(Text("stationary"),
                                                                 Text("null")), ".")
    sets = " and ".join(f"{_plain(e)} = 0" for e in found.equations)
    free = "; " + ", ".join(spec.names[i] for i in found.free) + " free" if found.free else ""
    d.warn(f"the stationary points are not isolated: ∇f = 0 on the set {sets}{free}; "
           "stationary is null")
    d.answer("stationary", None)


def _plain(e: sympy.Expr) -> str:
    """An equation in a one-line warning (text, as warnings are)."""
    return str(e).replace("**", "^").replace("*", "·").replace("-", "−")


# ---- 4. the second-derivative test ----------------------------------------------------------

def test_step(d: DerivationBuilder, spec, gens, h, found: Stationary,
              tests: list[Curvature]) -> None:
    st = d.step("The second-derivative test")
    one_d = len(spec.names) == 1
    if one_d:
        x = variable(spec.names[0])
        st.say("The second derivative (the one entry of the Hessian ", H, ", and so its "
               "eigenvalue):")
        st.eq(Call("f″", (x,)), to_expr(sympy.expand(h[0, 0])))
        st.say("At a stationary point ", rel(Call("f″", (x,)), ">", ZERO), " is a minimum, ",
               rel(Call("f″", (x,)), "<", ZERO), " a maximum; ", eq(Call("f″", (x,)), ZERO),
               " leaves the test undecided.")
    else:
        st.say("The Hessian, the matrix of second derivatives:")
        st.eq(H, hessian_matrix(h))
        st.say("At a stationary point: every eigenvalue of ", H, " positive is a minimum, "
               "every one negative a maximum, both signs a saddle. An eigenvalue 0 with the "
               "others of one sign leaves the test undecided: the second-order terms vanish "
               "along its eigenvector.")
    if h.is_diagonal() and not one_d:
        st.say(H, " is diagonal, so its eigenvalues are its diagonal entries.")
    rows = []
    for k, (p, t) in enumerate(zip(found.points, tests)):
        key = index(spec, k)
        eig = [short(v) for v in t.eigenvalues]
        rows.append([key, coords_shown(p), short(f_value(spec, p)),
                     Call("", tuple(eig)) if len(eig) > 1 else eig[0], t.kind])
        d.answer(f"type@{key}", t.kind, eq(Sym("type", key), Text(t.kind)))
        d.answer(f"hessian@{key}", matrix_answer(t.hessian),
                 eq(hessian_at(int(key)), hessian_matrix(t.hessian)), boxed=False)
        d.answer(f"eigenvalues@{key}", tuple(answer(v) for v in t.eigenvalues),
                 eq(Call("λ", (hessian_at(int(key)),)), Call("", tuple(eig))
                    if len(eig) > 1 else eig[0]), boxed=False)
    st.table(["k", "x" if one_d else "point", "f", "f″" if one_d else "eigenvalues of H",
              "type"], rows)
    for k, (p, t) in enumerate(zip(found.points, tests)):
        if t.kind == UNDECIDED:
            st.say(f"At point {index(spec, k)}, ", H, " is singular (an eigenvalue is 0) and "
                   "the others do not change sign: the Hessian cannot classify it, so its "
                   "type is undecided.")
            if len(spec.names) == 1:
                _higher_order(st, gens, spec, p)
        elif t.kind == SADDLE and t.singular:
            st.say(f"At point {index(spec, k)}, ", H, " is singular but has eigenvalues of "
                   "both signs: f rises along one eigenvector and falls along another, a "
                   "saddle whatever the higher-order terms do.")
    if any(not t.exact for t in tests):
        st.say("Eigenvalues sympy cannot write in radicals are given as decimals (computed "
               "to 50 digits).")


def _higher_order(st, gens, spec, p) -> None:
    """1-D: the first non-zero derivative decides (even order: min/max; odd: neither)."""
    x = gens[0]
    expr = sympy.Add(*[sympy.Rational(c.numerator, c.denominator) * x ** m[0]
                       for m, c in spec.f.terms])
    for order in range(3, spec.f.degree + 1):
        value = sympy.diff(expr, x, order).subs(x, p[0])
        if value != 0:
            name = Call("f" + "′" * order if order <= 3 else f"f^({order})", (to_expr(p[0]),))
            if order % 2:
                verdict = ("of odd order: f keeps rising (or falling) through the point, which "
                           "is neither a minimum nor a maximum but an inflection point")
            else:
                verdict = "of even order: a " + ("minimum" if value > 0 else "maximum")
            st.say("The higher-derivative test settles it: the first derivative that is not 0 "
                   "there is ", eq(name, short(value)), f", {verdict}.")
            return


def hessian_matrix(h: sympy.Matrix) -> Mat:
    return mat([[to_expr(sympy.expand(h[i, j])) if h[i, j].free_symbols or
                 exactly_shown(h[i, j]) else Num(decimal(h[i, j]))
                 for j in range(h.shape[1])] for i in range(h.shape[0])])


def matrix_answer(h: sympy.Matrix):
    """H as an answer: a matrix, or its one number in one variable (as `hessian` at `at`)."""
    if h.shape == (1, 1):
        return answer(sympy.expand(h[0, 0]))
    return tuple(tuple(answer(sympy.expand(h[i, j])) for j in range(h.shape[1]))
                 for i in range(h.shape[0]))


# ---- 5. the minimum -------------------------------------------------------------------------

def minimum_step(d: DerivationBuilder, spec, gens, found: Stationary,
                 tests: list[Curvature], bound: Boundedness) -> list[int]:
    """The minimum and its minimisers; returns the indices of the minimisers in the list."""
    st = d.step("The minimum")
    say_bound(st, spec, bound)
    MIN, ARGMIN, NULL = Text("minimum"), Text("argmin"), Text("null")
    if bound.verdict == UNBOUNDED:
        st.say("So ", F, " has no minimum: ", eq(MIN, NULL), " and ", eq(ARGMIN, NULL), ".")
        d.answer("minimum", None)
        d.answer("argmin", None)
        return []
    if not found.isolated:
        value = _set_minimum(spec, found)
        if value is not None and bound.verdict == BOUNDED:
            st.say(F, " takes one value on the whole stationary set, so the minimum is ",
                   eq(MIN, short(value)), "; it is attained at every point of the set, so it "
                   "has no single minimiser: ", eq(ARGMIN, NULL), ".")
            d.answer("minimum", answer(value), _display("minimum", value))
            d.answer("argmin", None)
            d.warn("argmin is null: the minimum is attained on the whole stationary set")
            return []
        st.say("The stationary points are not isolated and ", F, " is not known to be bounded "
               "below: no minimum is reported (", eq(MIN, NULL), ").")
        d.answer("minimum", None)
        d.answer("argmin", None)
        return []
    if not found.points:
        st.say(F, " has no stationary point, so it has no minimum (a minimum of a polynomial "
               "is a stationary point): ", eq(MIN, NULL), ".")
        d.answer("minimum", None)
        d.answer("argmin", None)
        return []
    values = [f_value(spec, p) for p in found.points]
    if bound.verdict == BOUNDED:
        candidates = list(range(len(values)))
        st.say("Such a polynomial, bounded below, attains its infimum at a stationary point: "
               "the minimum is the smallest value of ", F, " over the stationary points.")
    else:
        candidates = [k for k, t in enumerate(tests) if t.kind not in (SADDLE, MAXIMUM)] or \
            list(range(len(values)))
        st.say("Whether ", F, " is bounded below is not decided, so the minimum reported is "
               "the smallest value of ", F, " at its local minima (and undecided points) — "
               "the global minimum only if ", F, " is bounded below.")
        d.warn("f is not proved bounded below: minimum is the smallest value at a "
               "stationary point")
    best = min(decimal(values[k]) for k in candidates)
    winners = [k for k in candidates
               if abs(decimal(values[k]) - best) <= 1e-12 * (1 + abs(best))]
    value = values[winners[0]]
    at = words([eq(f_at(_coords(found.points[k])), short(value)) for k in winners])
    st.say("The smallest: ", *at, ".")
    d.answer("minimum", answer(value), _display("minimum", value))
    pts = [found.points[k] for k in winners]
    if len(pts) == 1:  # a point reads as a tuple, as in the table (not as a column)
        d.answer("argmin", point_answer(pts[0]), None if all_rational(pts) and
                 len(spec.names) == 1 else eq(Text("argmin"), coords_shown(pts[0])))
    else:
        d.answer("argmin", tuple(point_answer(p) for p in pts), None if all_rational(pts) else
                 eq(Text("argmin"), Call("", tuple(coords_shown(p) for p in pts))))
    return winners


def _coords(p) -> tuple[Expr, ...]:
    return tuple(exact_or_decimal(c) for c in p)


def _display(key: str, value: sympy.Expr):
    return None if value.is_Rational else eq(Text(key), shown(value))


def _set_minimum(spec, found: Stationary) -> sympy.Expr | None:
    """f on a non-isolated stationary set where it is constant: a quadratic's (at one point
    of it), or a sum of parts with free variables (each part at its lowest root)."""
    if found.particular is not None:
        return f_value(spec, found.particular)
    if found.method != "separable":
        return None
    at = []
    for i in range(len(spec.names)):
        if i in found.free:
            at.append(sympy.Integer(0))
            continue
        part = {e: sympy.Rational(c.numerator, c.denominator) for e, c in spec.f.part(i).items()}
        at.append(min(found.roots[i], key=lambda r: decimal(
            sum(c * r ** e for e, c in part.items()))))
    return f_value(spec, tuple(at))


def say_bound(st, spec, bound: Boundedness) -> None:
    x = variable(spec.names[bound.variable]) if bound.variable is not None else None
    if bound.case == "constant":
        st.say(F, " is constant: bounded below.")
    elif bound.case in ("1d", "separable") and bound.verdict == UNBOUNDED:
        part = (F,) if bound.case == "1d" else ("the part of ", F, " in ", x)
        if bound.degree % 2:  # odd: falls at the end where the leading term is negative
            ends = "−∞" if bound.leading > 0 else "+∞"
        else:
            ends = "±∞"
        why = "odd degree" if bound.degree % 2 else "even degree, negative leading coefficient"
        st.say("Bounded below? No: ", *part, f" has degree {bound.degree} and leading "
               "coefficient ", short(bound.leading), ", so ", F, " falls without bound as ",
               x, f" tends to {ends} ({why}).")
    elif bound.case == "1d":
        st.say("Bounded below? Yes: ", F, " is constant or has even degree and a positive "
               "leading coefficient, so it rises without bound in both directions.")
    elif bound.case == "separable":
        st.say("Bounded below? Yes: every one-variable part is constant or has even degree "
               "and a positive leading coefficient, and ", F, " is their sum.")
    elif bound.case == "quadratic" and bound.negative is not None:
        st.say("Bounded below? No: ", H, " has the eigenvalue ", short(bound.negative),
               ", which is negative, so ", F, " falls without bound along its eigenvector.")
    elif bound.case == "quadratic" and bound.direction is not None:
        direction = point(tuple(to_expr(c) for c in bound.direction))
        st.say("Bounded below? No: ", H, " is positive semidefinite but ", eq(GRAD, ZERO),
               " has no solution. Along ", eq(Sym("d"), direction), ", where ",
               eq(Mul((H, Sym("d")), ""), ZERO), ", ", F, " is linear and not constant, so it "
               "falls without bound.")
    elif bound.case == "quadratic":
        st.say("Bounded below? Yes: ", H, " is positive semidefinite (every principal minor "
               "is nonnegative) and ", eq(GRAD, ZERO), " has a solution, so ", F, " is a convex "
               "quadratic and attains its minimum.")
    elif bound.case == "line":
        t = Sym("t")
        along = f_at(tuple(_times(c, t) for c in bound.direction))
        st.say("Bounded below? No: on the line ", eq(Sym("p"), Mul((t, point(
            tuple(Num(c) for c in bound.direction))), "·")), ", ", eq(along, to_expr(bound.along)),
            f", of degree {bound.degree} with leading coefficient ", short(bound.leading),
            ", so ", F, " falls without bound along it.")
    else:
        st.say("Bounded below? Not decided: ", F, " is neither one-variable, nor quadratic, "
               "nor a sum of one-variable parts, and it does not fall without bound along the "
               "axes or the diagonals.")


def _times(c: int, t: Sym) -> Expr:
    if c == 0:
        return ZERO
    if c == 1:
        return t
    if c == -1:
        return Neg(t)
    return Mul((Num(c), t), "")


def no_rates(d: DerivationBuilder) -> None:
    st = d.step("Learning rates")
    st.say(F, " is not quadratic, no point is given under ", "`at`", ", and ", F, " has no "
           "single minimiser (nor minimisers sharing one Hessian), so there is no one "
           "quadratic model to analyse gradient descent on. Give ", "`at`", " to analyse it "
           "near a point.")

