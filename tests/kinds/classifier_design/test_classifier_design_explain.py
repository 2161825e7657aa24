"""classifier-design's explanations: every formula the derivation displays is evaluated here by
a small evaluator of the math nodes and compared with a numpy forward pass written in the test
(never the solver's), and the wording claims only what was searched or proved."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examsolve.render.textmath import para_text
from examsolve import mathmodel as m
from examsolve.problem import load, load_string, solve
from examsolve.render.textmath import linear

TEMPLATE = "examsolve/kinds/classifier_design/template.yaml"


def value(node, env):
    """The number (or numpy array) a math node stands for; symbols from env[(name, sub)]."""
    if isinstance(node, m.Num):
        return float(node.value)
    if isinstance(node, m.Sym):
        return env[(node.name, node.sub)]
    if isinstance(node, m.Add):
        return sum(value(t, env) for t in node.terms)
    if isinstance(node, m.Neg):
        return -value(node.arg, env)
    if isinstance(node, m.Mul):
        out = value(node.factors[0], env)
        for f in node.factors[1:]:
            v = value(f, env)
            out = out @ v if isinstance(out, np.ndarray) and isinstance(v, np.ndarray) and \
                out.shape[-1] == v.shape[0] and out.ndim == 2 and out.shape[1] > 1 else out * v
        return out
    if isinstance(node, m.Mat):
        return np.array([[value(e, env) for e in row] for row in node.rows], dtype=float)
    if isinstance(node, m.Call):
        arg = value(node.args[0], env)
        return {"abs": np.abs, "ReLU": lambda v: np.maximum(v, 0),
                "σ": lambda v: 1 / (1 + np.exp(-v))}[node.fn](arg)
    raise TypeError(type(node).__name__)


def numpy_s(answers, x):
    W1 = np.array(answers["W1"], dtype=float)
    b1 = np.array(answers["b1"], dtype=float).reshape(-1)
    w2 = np.array(answers["w2"], dtype=float).reshape(-1)
    h = np.maximum(W1 @ np.array(x, dtype=float) + b1, 0)
    return float(w2 @ h + float(answers["b2"]))


def blocks(derivation, kind):
    return [(s.heading, b) for s in derivation.steps for b in s.blocks
            if type(b).__name__ == kind]


def prose(derivation) -> str:
    return " ".join(para_text(b) for _, b in blocks(derivation, "Para"))


def coordinate_env(x, names=("x",)):
    if len(x) == 1:
        return {("x", None): float(x[0])}
    return {("x", str(k + 1)): float(v) for k, v in enumerate(x)}


# ---- finding 1: what the network computes -----------------------------------------------

def test_exam_net_is_twice_an_absolute_difference_minus_one():
    derivation = solve(load("problems/1-classifier-design.yaml"))
    answers = derivation.answer_map()
    rels = [b.expr for _, b in blocks(derivation, "Equation")
            if isinstance(b.expr, m.Rel) and b.expr.parts[0] == m.Sym("s")
            and any(isinstance(f, m.Call) and f.fn == "abs"
                    for t in getattr(b.expr.parts[1], "terms", ())
                    for f in getattr(t, "factors", (t,)))]
    assert len(rels) == 1
    two_abs, minus_one = rels[0].parts[1].terms
    assert two_abs.factors[0] == m.Num(2) and linear(two_abs.factors[1].args[0]) == "x₁ − x₂"
    assert minus_one == m.Num(-1)
    rng = np.random.default_rng(0)
    for x in rng.uniform(-3, 3, size=(50, 2)):
        assert value(rels[0].parts[1], coordinate_env(x)) == pytest.approx(numpy_s(answers, x))
    # The values at the points are a table (prose wrapped mid-formula): checked in numpy.
    # The header is text, so the column is named in the prose before it: a = |x₁ − x₂|.
    (named,) = [b for _, b in blocks(derivation, "Para")
                if any(linear(x) == "a = |x₁ − x₂|" for x in b.math)]
    table = next(b for _, b in blocks(derivation, "Table") if b.headers == ("points", "a", "s"))
    points = [(0, 0), (1, 1), (0.5, 0.5), (0, 1), (1, 0)]
    seen = []
    for members, level, s in table.rows:
        for number in re.split(r", | and ", members):
            x = points[int(number) - 1]
            assert abs(x[0] - x[1]) == value(level, {})
            assert numpy_s(answers, x) == pytest.approx(value(s, {}))
            seen.append(int(number))
    assert sorted(seen) == [1, 2, 3, 4, 5]
    assert [r[0] for r in table.rows] == ["1, 2 and 3", "4 and 5"]


def piecewise_table(derivation):
    return next(b for _, b in blocks(derivation, "Table") if b.headers[1:] == ("s",))


@pytest.mark.parametrize("path, direction", [
    ("problems/1b-classifier-check.yaml", (1, 1)),
])
def test_piecewise_table_matches_the_network(path, direction):
    derivation = solve(load(path))
    answers = derivation.answer_map()
    table = piecewise_table(derivation)
    rng = np.random.default_rng(1)
    for where, s_expr in table.rows:
        bounds = [value(p, {}) for p in where.parts if isinstance(p, m.Num)]
        lo = bounds[0] if where.ops[0] == "≤" and len(bounds) == 2 or where.ops[0] == "≥" \
            else bounds[0] - 5
        hi = bounds[-1] if where.ops[-1] == "≤" else lo + 5
        for t in rng.uniform(lo, hi, 20):
            # a point with d·x = t: x = t·d/|d|²
            d = np.array(direction, dtype=float)
            x = t * d / (d @ d)
            assert value(s_expr, {("t", None): t}) == pytest.approx(numpy_s(answers, x))
    text = prose(derivation)
    # By hand: s = t − 0.5 on [0, 1] and 1.5 − t beyond, so cross exactly for 0.5 < t < 1.5.
    assert any(linear(b.expr) == "0.5 < t < 1.5" for _, b in blocks(derivation, "Equation"))
    assert "Points 3 (`circle`) and 4 (`cross`) have the same hidden activations h" in text


def test_one_dimensional_construction_pieces_match_numpy():
    points = "\n".join(f"  {i} {'odd' if bin(i).count('1') % 2 else 'even'}" for i in range(8))
    derivation = solve(load_string(f"kind: classifier-design\ntitle: t\npoints: |\n{points}\n"
                                   "positive: odd\n"))
    answers = derivation.answer_map()
    table = piecewise_table(derivation)
    assert len(table.rows) == answers["hidden"] + 1
    for where, s_expr in table.rows:
        nums = [value(p, {}) for p in where.parts if isinstance(p, m.Num)]
        for t in np.linspace(nums[0] - (3 if where.ops == ("≤",) else 0),
                             nums[-1] + (3 if where.ops == ("≥",) else 0), 7):
            assert value(s_expr, {("x", None): t}) == pytest.approx(numpy_s(answers, [t]))


def test_generic_net_says_which_way_each_unit_pushes():
    model = "model:\n  W1: [[1, 0], [0, 1]]\n  b1: [0, 0]\n  w2: [1, -1]\n  b2: -1\n"
    spec = "kind: classifier-design\ntitle: t\npoints: \"0 0 a; 2 0 b; 0 2 a\"\n" + model
    text = prose(solve(load_string(spec)))
    assert "Where no unit is active s = b₂ = −1 (`a`)" in text
    assert "h₁ pushes s toward `b`, h₂ pushes s toward `a`" in text


# ---- finding 2: one point substituted in full --------------------------------------------

@pytest.mark.parametrize("path", ["problems/1-classifier-design.yaml",
                                  "problems/1b-classifier-check.yaml", TEMPLATE])
def test_worked_point_chains_are_true(path):
    derivation = solve(load(path))
    answers = derivation.answer_map()
    text = prose(derivation)
    number = int(re.search(r"(?:For example, point|In full for point) (\d+),", text).group(1))
    step = next(s for s in derivation.steps if s.heading == "Every point through the network")
    eqs = [b.expr for b in step.blocks if type(b).__name__ == "Equation"]
    z_chain, h_chain, s_chain, p_chain = eqs[:4]
    x = np.array([float(Fraction(v)) for v in derivation_points(path)[number - 1]])
    z = np.array(answers["W1"], dtype=float) @ x + np.array(answers["b1"], dtype=float)
    for part in z_chain.parts[2:]:  # the substituted forms and the result
        assert value(part, {}).reshape(-1) == pytest.approx(z)
    assert value(h_chain.parts[-1], {}).reshape(-1) == pytest.approx(np.maximum(z, 0))
    s = numpy_s(answers, x)
    for part in s_chain.parts[2:]:
        assert value(part, {}) == pytest.approx(s)
    assert value(p_chain.parts[2], {}) == pytest.approx(1 / (1 + math.exp(-s)), rel=1e-3)


def derivation_points(path):
    import yaml

    with open(path) as f:
        text = yaml.safe_load(f)["points"]
    return [line.split()[:-1] for line in text.strip().splitlines()]


def test_exam_worked_point_is_point_four_as_a_student_writes_it():
    derivation = solve(load("problems/1-classifier-design.yaml"))
    step = next(s for s in derivation.steps if s.heading == "Every point through the network")
    lines = [linear(b.expr) for b in step.blocks if type(b).__name__ == "Equation"]
    assert lines[2] == "s = w₂·h + b₂ = 2·0 + 2·1 − 1 = 1"
    assert lines[3] == "p = σ(1) = 0.7311 > 0.5 ⇒ cross"
    assert "For example, point 4, x = (0, 1):" in prose(derivation)


# ---- findings 3, 4, 8: claims, table headers, captions -----------------------------------

def test_search_text_claims_only_what_was_searched():
    derivation = solve(load("problems/1-classifier-design.yaml"))
    text = prose(derivation)
    assert "The winner has the smallest largest" not in text
    assert "stopping at the first whose best net" in text
    search = next(b for _, b in blocks(derivation, "Table") if b.headers[0] == "H")
    assert search.headers == ("H", "grid", "w", "b", "units", "net found")
    halves_for_two = any(r[0] == "2" and r[1] == "halves" for r in search.rows)
    assert not halves_for_two
    # The stopping rule must be said: a net with largest parameter 1.5 exists (numpy check),
    # so the kept net (largest 2) is not the one with the smallest parameters overall.
    answers = {"W1": [[1.5, -1.5], [-1.5, 1.5]], "b1": [0, 0], "w2": [1.5, 1.5], "b2": -1}
    for x, y in [((0, 0), -1), ((1, 1), -1), ((0.5, 0.5), -1), ((0, 1), 1), ((1, 0), 1)]:
        assert y * numpy_s(answers, x) >= 1
    assert "No network with 1 hidden unit" not in text
    assert "One hidden unit is impossible" in text and "So H = 2 is the fewest possible" in text
    # a model answer leads with the proof; the procedure follows it
    assert text.index("One hidden unit is impossible") < text.index("An exact search")


def test_search_unit_counts_are_the_distinct_live_units_with_w_nonzero():
    """The table's unit counts, brute-forced here: w ≠ 0 (w = 0 is constant), activations on
    the points distinct, not 0 at every point (the prose says exactly that)."""
    derivation = solve(load("problems/1-classifier-design.yaml"))
    search = next(b for _, b in blocks(derivation, "Table") if b.headers[0] == "H")
    points = [(0, 0), (1, 1), (Fraction(1, 2), Fraction(1, 2)), (0, 1), (1, 0)]
    for _h, kind, w_cell, b_cell, units, _found in search.rows:
        # the bounds are relations, |w| ≤ 1 and |b| ≤ 2, as math
        w_bound, b_bound = (re.fullmatch(rf"\|{v}\| ≤ (\d+)", linear(c)).group(1)
                            for v, c in (("w", w_cell), ("b", b_cell)))
        q = 1 if kind == "integers" else 2
        ws = [Fraction(k, q) for k in range(-q * int(w_bound), q * int(w_bound) + 1)]
        bs = [Fraction(k, q) for k in range(-q * int(b_bound), q * int(b_bound) + 1)]
        live = {tuple(max(Fraction(0), w1 * a + w2 * c + b) for a, c in points)
                for w1 in ws for w2 in ws if (w1, w2) != (0, 0) for b in bs}
        live.discard((0,) * 5)
        assert int(units) == len(live)
    text = prose(derivation)
    assert "w ≠ 0" in text and "units 0 at every point are dropped" in text


def test_table_headers_and_caption():
    derivation = solve(load("problems/1b-classifier-check.yaml"))
    table = next(b for _, b in blocks(derivation, "Table") if "predicted" in b.headers)
    assert table.headers[-1] == "ok"
    assert "Every point (z and h written as rows):" in prose(derivation)
    (_, figure), = blocks(derivation, "Figure")
    assert "`" not in figure.caption
    assert "; " not in " ".join(para_text(b) for _, b in blocks(derivation, "Para")
                                if "s = 0 (p = 0.5)" in para_text(b))


# ---- finding 5: the hull proof is math, in every format ----------------------------------

def test_template_proof_says_a_single_point_is_its_own_average():
    text = prose(solve(load(TEMPLATE)))
    assert ("The point 0 is at once one of the `inner` points (a single point is its own "
            "average) and an average of `outer` points") in text
    assert "Each half-line is convex, so it contains every average of its points" in text


@pytest.mark.parametrize("path, line", [
    (TEMPLATE, "0 = 0.5·(−1) + 0.5·1"),
    ("problems/1-classifier-design.yaml", "0.5[0  1]ᵀ + 0.5[1  0]ᵀ = [0.5  0.5]ᵀ = "
                                          "0.5[0  0]ᵀ + 0.5[1  1]ᵀ"),
])
def test_hull_proof_is_built_from_math_nodes(path, line):
    derivation = solve(load(path))
    step = next(s for s in derivation.steps if s.heading == "The fewest hidden units")
    eqs = [b.expr for b in step.blocks if type(b).__name__ == "Equation"]
    # the one-unit model is displayed (inline it wrapped mid-formula), then the average
    assert [linear(e) for e in eqs] == ["s = v·ReLU(w·x + b) + b₂", line]
    assert not any(isinstance(n, m.Text) for n in walk(eqs[1]))
    parts = [value(p, {}) for p in eqs[1].parts]  # the averages really agree
    for p in parts[1:]:
        assert np.allclose(p, parts[0])


def walk(node):
    yield node
    for child in (getattr(node, "parts", ()) or getattr(node, "terms", ()) or
                  getattr(node, "factors", ()) or getattr(node, "args", ())):
        yield from walk(child)
    for row in getattr(node, "rows", ()):
        for e in row:
            yield from walk(e)


# ---- finding 6: unit sides normalised ----------------------------------------------------

def test_template_unit_table_reads_x_less_than_zero():
    derivation = solve(load(TEMPLATE))
    table = next(b for _, b in blocks(derivation, "Table") if b.headers[0] == "unit")
    assert [(linear(r[1]), linear(r[2])) for r in table.rows] == [("x = 0", "x > 0"),
                                                                 ("x = 0", "x < 0")]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=2, max_size=2).filter(any),
       st.integers(-4, 4))
def test_unit_sides_hold_exactly_where_the_unit_is_active(w, b):
    from examsolve.kinds.classifier_design.derive import unit_sides

    names = [m.Sym("x", "1"), m.Sym("x", "2")]
    _, side = unit_sides(tuple(Fraction(v) for v in w), Fraction(b), names)
    lhs, op, rhs = side.parts[0], side.ops[0], side.parts[1]
    for x in np.random.default_rng(abs(b) + 7).uniform(-3, 3, size=(30, 2)):
        env = coordinate_env(x)
        holds = value(lhs, env) > value(rhs, env) if op == ">" else \
            value(lhs, env) < value(rhs, env)
        assert holds == (np.dot(w, x) + b > 0)


# ---- finding 7: the construction's names and the lower bound -----------------------------

def test_construction_names_and_lower_bound_warning():
    # 20 points: beyond the exact proof's 16, so the construction is what gives the net.
    labels = ['odd' if bin(i).count('1') % 2 else 'even' for i in range(20)]
    changes = sum(1 for a, b in zip(labels, labels[1:]) if a != b)
    points = "\n".join(f"  {i} {2 * i} {label}" for i, label in enumerate(labels))
    derivation = solve(load_string(f"kind: classifier-design\ntitle: t\npoints: |\n{points}\n"
                                   "positive: odd\n"))
    table = next(b for _, b in blocks(derivation, "Table") if b.headers[0] == "j")
    assert table.headers[1].startswith("tⱼ") and "σ" not in " ".join(table.headers)
    assert not any("a_j" in h or "b_j" in h for h in table.headers)
    text = prose(derivation)
    assert "direction d = " in text and "every row of W₁ is d" in text
    # Collinear points, labels change k times along the line: H + 1 pieces ≥ k, so H ≥ k − 1.
    assert derivation.warnings and f"at least {changes - 1} hidden units" in \
        derivation.warnings[0]


def test_lower_bound_lemma_sign_changes_at_most_h_plus_one():
    """Along a line s has at most H kinks, so at most H + 1 sign changes: checked on random
    1-D nets by dense sampling, and H = 3 reaching 4 (so the bound H ≥ k − 1 is sharp)."""
    rng = np.random.default_rng(3)
    t = np.linspace(-20, 20, 40001)
    for _ in range(300):
        H = int(rng.integers(1, 5))
        a, c, v = rng.normal(size=H), rng.normal(size=H) * 5, rng.normal(size=H)
        s = np.maximum(np.outer(t, a) + c, 0) @ v + rng.normal()
        signs = np.sign(s[np.abs(s) > 1e-9])
        assert np.count_nonzero(np.diff(signs)) <= H + 1
    # One right-facing and two left-facing units (worked by hand): slopes +½, −½, +1, −1
    # with s(0) = 1, s(4) = −1, s(6) = 1.
    s = -np.maximum(t, 0) + 1.5 * np.maximum(4 - t, 0) - 2 * np.maximum(6 - t, 0) + 7
    assert np.count_nonzero(np.diff(np.sign(s[np.abs(s) > 1e-9]))) == 4


def test_line_lower_bound_brute_force():
    from examsolve.kinds.classifier_design.search_report import line_lower_bound
    from examsolve.kinds.classifier_design.net import Point

    rng = np.random.default_rng(5)
    for _ in range(100):
        ts = sorted(set(int(v) for v in rng.integers(-9, 9, size=6)))
        labels = [str(rng.integers(0, 2)) for _ in ts]
        pts = [Point((Fraction(t), Fraction(3 * t + 1)), lab, 0) for t, lab in zip(ts, labels)]
        changes = sum(a != b for a, b in zip(labels, labels[1:]))
        assert line_lower_bound(pts) == (changes, max(1, changes - 1))
    off_line = [Point((Fraction(0), Fraction(0)), "a", 0), Point((Fraction(1), Fraction(0)), "b", 0),
                Point((Fraction(0), Fraction(1)), "a", 0)]
    assert line_lower_bound(off_line) is None


# ---- finding 9: why a student's net fails, from the numbers -----------------------------

def test_check_mode_says_which_units_are_active_at_a_wrong_point():
    text = prose(solve(load("problems/1b-classifier-check.yaml")))
    assert "Point 3 (0.5, 0.5) is `circle`, but only h₁ is active there and s = 0.5 > 0" in \
        text
    model = "model:\n  W1: [[1]]\n  b1: [-5]\n  w2: [1]\n  b2: 1\n"
    spec = "kind: classifier-design\ntitle: t\npoints: \"0 a; 9 b\"\n" + model
    text = prose(solve(load_string(spec)))
    # By hand: at x = 0 the unit is off (0 − 5 < 0), so s = b₂ = 1 > 0: predicted b.
    assert "Point 1 0 is `a`, but no unit is active there, so s = b₂ and s = 1 > 0" in text


# ---- every displayed formula for s is true, on random sets -------------------------------

coordinate = st.integers(-6, 6).map(lambda k: Fraction(k, 2))


@st.composite
def labelled_sets(draw):
    dim = draw(st.sampled_from((1, 2)))
    xs = draw(st.lists(st.tuples(*[coordinate] * dim), min_size=2, max_size=9, unique=True))
    labels = draw(st.lists(st.sampled_from(["a", "b"]), min_size=len(xs), max_size=len(xs)))
    labels[0], labels[1] = "a", "b"
    return xs, labels


@settings(max_examples=25, deadline=None)
@given(labelled_sets())
def test_displayed_formulas_for_s_agree_with_numpy(data):
    xs, labels = data
    lines = "\n".join("  " + " ".join(str(v) for v in x) + " " + lab for x, lab in zip(xs, labels))
    derivation = solve(load_string(f"kind: classifier-design\ntitle: t\npoints: |\n{lines}\n"))
    answers = derivation.answer_map()
    dim = len(xs[0])
    step = next(s for s in derivation.steps if s.heading == "What each hidden unit responds to")
    eqs = [b.expr for b in step.blocks if type(b).__name__ == "Equation"]
    rng = np.random.default_rng(len(xs))
    samples = rng.uniform(-4, 4, size=(20, dim))
    for e in eqs:
        if e.parts[0] == m.Sym("s"):  # s = 2|x₁ − x₂| − 1 and the like
            for x in samples:
                assert value(e.parts[1], coordinate_env(x)) == pytest.approx(numpy_s(answers, x))
    t_eq = next((e for e in eqs if e.parts[0] == m.Sym("t")), None)
    tables = [b for b in step.blocks if type(b).__name__ == "Table" and b.headers[1:] == ("s",)]
    if not tables:
        return
    if t_eq is None:
        d = np.ones(1)
        name = ("x", None)
    else:
        d = np.array([value(t_eq.parts[1], coordinate_env(np.eye(dim)[k])) for k in range(dim)])
        name = ("t", None)
    for where, s_expr in tables[0].rows:
        nums = [value(p, {}) for p in where.parts if isinstance(p, m.Num)]
        lo = nums[0] if where.ops != ("≤",) else nums[0] - 3
        hi = nums[-1] if where.ops != ("≥",) else nums[-1] + 3
        for t in np.linspace(lo, hi, 5):
            x = t * d / (d @ d)
            assert value(s_expr, {name: t}) == pytest.approx(numpy_s(answers, x), abs=1e-9)


def test_worked_point_shows_every_bias_alike():
    """b₁ = (0, −1): both rows of the substitution end in their bias, + 0 too."""
    derivation = solve(load("problems/1b-classifier-check.yaml"))
    step = next(s for s in derivation.steps if s.heading == "Every point through the network")
    z_chain = next(b.expr for b in step.blocks if type(b).__name__ == "Equation")
    expanded = z_chain.parts[3]
    assert [linear(r[0]) for r in expanded.rows] == ["1·0.5 + 1·0.5 + 0", "1·0.5 + 1·0.5 − 1"]
    exam = solve(load("problems/1-classifier-design.yaml"))  # b₁ = 0: no bias term at all
    step = next(s for s in exam.steps if s.heading == "Every point through the network")
    z_chain = next(b.expr for b in step.blocks if type(b).__name__ == "Equation")
    assert [linear(r[0]) for r in z_chain.parts[3].rows] == ["1·0 + (−1)·1", "(−1)·0 + 1·1"]


# ---- issue 10: math in prose is math, in every format ---------------------------------------

@pytest.mark.parametrize("path", ["problems/1-classifier-design.yaml",
                                  "problems/1b-classifier-check.yaml"])
def test_prose_math_is_math_nodes(path):
    """No text part of a paragraph holds math (a relation on s, p, w·x, a subscripted name,
    |s|): each is a math node the printers typeset. The relations the model answer states
    are among the math parts."""
    derivation = solve(load(path))
    paras = [b for _, b in blocks(derivation, "Para")]
    for para in paras:
        for part in para.parts:
            if isinstance(part, str):
                assert not re.search(r"\b[spzhxwbt] ?[<>=≤≥≠]|[a-zσ][₀-₉ⱼ]|\|[a-z]|·x|σ\(",
                                     part), part
    math = {linear(x) for p in paras for x in p.math}
    assert {"s > 0", "s < 0", "p > 0.5", "σ(0) = 0.5"} <= math
