"""Networks of step/sign units (issue 14): every answer checked by a numpy forward pass
written here over every truth-table row, and regions checked on a grid against a
point-in-polygon test written here."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examsolve.problem import load_string, solve


def spec(body: str) -> dict:
    """The answers, plus each unit's inputs (the wiring the units table prints) for the
    forward passes below."""
    from examsolve.kinds.classifier_design.threshold_derive import build_net

    problem = load_string("kind: classifier-design\ntitle: t\n" + body)
    answers = solve(problem).answer_map()
    net = build_net(problem.spec)[0]
    for u in net.units:
        assert answers[f"w[{u.name}]"] == u.weights and answers[f"b[{u.name}]"] == u.bias
        answers[f"inputs[{u.name}]"] = u.inputs
    return answers


def act(z: np.ndarray, kind: str, at_zero: int) -> np.ndarray:
    low = 0 if kind == "step" else -1
    return np.where(z > 0, 1, np.where(z < 0, low, at_zero))


def run_units(answers: dict, x: np.ndarray, kind: str, at_zero: int = 1) -> int:
    """Evaluate the net unit by unit from w[u], b[u] and inputs[u], in answer order."""
    names = [k[2:-1] for k in answers if k.startswith("w[")]
    values = {f"x{i + 1}": v for i, v in enumerate(x)}
    for name in names:
        w = np.array(answers[f"w[{name}]"], dtype=float).reshape(-1)
        z = sum(wi * values[i] for wi, i in zip(w, answers[f"inputs[{name}]"]))
        values[name] = int(act(np.array(z + float(answers[f"b[{name}]"])), kind, at_zero))
    return values[names[-1]]


def two_layer(answers: dict, X: np.ndarray, kind: str, at_zero: int = 1) -> np.ndarray:
    W1 = np.array(answers["W1"], dtype=float)
    b1 = np.array(answers["b1"], dtype=float).reshape(-1)
    w2 = np.array(answers["w2"], dtype=float).reshape(-1)
    h = act(X @ W1.T + b1, kind, at_zero)
    return act(h @ w2 + float(answers["b2"]), kind, at_zero)


TRUTH = {"and": lambda b: all(b), "or": lambda b: any(b), "nand": lambda b: not all(b),
         "nor": lambda b: not any(b), "xor": lambda b: sum(b) % 2 == 1,
         "xnor": lambda b: sum(b) % 2 == 0, "majority": lambda b: 2 * sum(b) > len(b)}


@pytest.mark.parametrize("name", ["and", "or", "nand", "nor", "majority"])
@pytest.mark.parametrize("kind", ["step", "sign"])
def test_separable_gates_are_one_unit(name, kind):
    n = 3
    a = spec(f"truth_table: {name}\ninputs: {n}\nactivation: {kind}\n")
    assert (a["hidden"], a["units"], a["layers"], a["hidden_proved"]) == (0, 1, 1, True)
    low = 0 if kind == "step" else -1
    w = np.array(a["w[out]"], dtype=float).reshape(-1)
    for bits in itertools.product((0, 1), repeat=n):
        x = np.array([low if b == 0 else 1 for b in bits], dtype=float)
        y = int(act(np.array(x @ w + float(a["b[out]"])), kind, 1))
        assert y == (1 if TRUTH[name](bits) else low), bits
        # The boxed threshold form: fires when w·x ≥ θ (step(0) = 1 here).
        fires = x @ np.array(a["w"], dtype=float) >= float(a["theta"])
        assert fires == TRUTH[name](bits), bits
    assert a["correct"] == 2 ** n
    assert a["theta"] == -a["b"] and a["w"] == a["w[out]"]


@pytest.mark.parametrize("at_zero, sign", [(1, "≥"), (0, ">")])
def test_a_lone_unit_states_its_threshold_and_firing_rule(at_zero, sign):
    from examsolve.render.textmath import para_text

    d = solve(load_string("kind: classifier-design\ntitle: t\ntruth_table: nor\n"
                          f"activation: step\nat_zero: {at_zero}\n"))
    text = " ".join(para_text(b) for s in d.steps for b in s.blocks if hasattr(b, "parts"))
    a = d.answer_map()
    theta = a["theta"]
    shown = f"{float(theta):g}".replace("-", "−")
    assert f"θ = −b = {shown}" in text
    assert f"when −x₁ − x₂ {sign} {shown}" in text
    # NOR by the stated rule, computed here.
    for x1, x2 in itertools.product((0, 1), repeat=2):
        w1, w2 = (float(v) for v in a["w"])
        s = w1 * x1 + w2 * x2
        assert (s >= theta if at_zero else s > theta) == (x1 == x2 == 0)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
@pytest.mark.parametrize("kind", ["step", "sign"])
def test_parity_one_hidden_layer(n, kind):
    a = spec(f"truth_table: xor\ninputs: {n}\nactivation: {kind}\n"
             "construction: one-hidden-layer\n")
    assert (a["hidden"], a["layers"]) == (n, 2)
    # XOR of 2: not separable, so 2 hidden are needed; 3 and 4 inputs: the unate-cut bound
    # (cube_cover.py, checked by brute force in test_cube_cover.py); 5: not proved.
    assert a["hidden_proved"] is (n <= 4)
    low = 0 if kind == "step" else -1
    X = np.array([[low if b == 0 else 1 for b in bits]
                  for bits in itertools.product((0, 1), repeat=n)], dtype=float)
    want = np.array([1 if sum(bits) % 2 else low
                     for bits in itertools.product((0, 1), repeat=n)])
    assert (two_layer(a, X, kind) == want).all()


@pytest.mark.parametrize("n", [2, 3, 4, 6])
def test_parity_deep_counts_and_values(n):
    a = spec(f"truth_table: xor\ninputs: {n}\nconstruction: deep\n")
    import math

    assert a["units"] == 3 * (n - 1) and a["hidden"] == 3 * (n - 1) - 1
    assert a["layers"] == 2 * math.ceil(math.log2(n))
    assert a["correct"] == 2 ** n


def test_sum_of_products_one_hidden_layer():
    a = spec("sop: \"x1 x2' x3 + x1' x4\"\n")
    assert a["hidden"] == 2 and a["layers"] == 2
    X = np.array(list(itertools.product((0, 1), repeat=4)), dtype=float)
    want = np.array([int((x[0] and not x[1] and x[2]) or (not x[0] and x[3])) for x in X])
    assert (two_layer(a, X, "step") == want).all()


def inside_convex(poly: list[tuple[float, float]], x: float, y: float) -> bool:
    """Point in a convex polygon (vertices in order, either orientation), boundary inside."""
    signs = set()
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1]):
        c = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
        if c != 0:
            signs.add(c > 0)
    return len(signs) <= 1


@pytest.mark.parametrize("polys", [
    [[(4, 6), (7, 6), (7, 2), (4, 2)]],
    [[(0, 0), (2, 0), (2, 1), (0, 1)], [(3, 2), (5, 2), (5, 4), (3, 4)]],
    [[(0, 0), (4, 0), (1, 3)]],
    [[(0, 0), (2, 0), (4, 0), (0, 4)]],  # (2, 0) lies on an edge: still 3 edges
])
def test_regions_on_a_grid(polys):
    region = polys[0] if len(polys) == 1 else polys
    text = "region: " + str([list(map(list, p)) for p in polys] if len(polys) > 1
                            else [list(v) for v in region]) + "\n"
    a = spec(text)
    names = [k[2:-1] for k in a if k.startswith("w[")]
    assert a["units"] == len(names)
    for gx, gy in itertools.product(np.arange(-1, 8, 0.25), repeat=2):
        want = any(inside_convex(p, gx, gy) for p in polys)
        got = _region_out(a, gx, gy, polys)
        assert got == want, (gx, gy)
    # One unit per edge, an AND per polygon (of several edges), an OR over several polygons.
    edges = [len(p) - sum(1 for i in range(len(p))
                          if _collinear(p[i - 1], p[i], p[(i + 1) % len(p)])) for p in polys]
    assert a["hidden"] == sum(edges) + (len(polys) if len(polys) > 1 else 0)


def _collinear(p, q, r) -> bool:
    return (q[0] - p[0]) * (r[1] - p[1]) == (q[1] - p[1]) * (r[0] - p[0])


@pytest.mark.parametrize("kind, at_zero", [("step", 1), ("step", 0), ("sign", 1), ("sign", -1)])
def test_half_planes_keep_their_written_edges_on_every_grid_point(kind, at_zero):
    """The review found "x1 >= 1" read as x1 − 1 > 0. On a grid through every edge of
    1 ≤ x1 < 3, 0 < x2 ≤ 2: a ≥ edge always keeps its points; a > edge leaves them out
    unless at_zero is 1 (then they count as inside, as the derivation says)."""
    body = (f"region: [\"x1 >= 1\", \"x1 < 3\", \"x2 > 0\", \"2 >= x2\"]\nactivation: {kind}\n"
            f"at_zero: {at_zero}\n")
    a = spec(body)
    for gx, gy in itertools.product(np.arange(-1, 5, 0.5), repeat=2):
        want = 1 <= gx <= 3 and 0 <= gy <= 2 if at_zero == 1 else 1 <= gx < 3 and 0 < gy <= 2
        assert (run_units(a, np.array([gx, gy]), kind, at_zero) == 1) == want, (gx, gy)
    from examsolve.render.textmath import para_text

    d = solve(load_string("kind: classifier-design\ntitle: t\n" + body))
    text = " ".join(para_text(b) for s in d.steps for b in s.blocks if hasattr(b, "parts"))
    assert "x₁ − 1 ≥ 0, −x₁ + 3 > 0, x₂ > 0 and −x₂ + 2 ≥ 0" in text


def _region_out(a: dict, x: float, y: float, polys) -> bool:
    """The net's own answer, run from its units (w, b, inputs), on one grid point."""
    return run_units(a, np.array([x, y]), "step") == 1


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 4), st.integers(1, 6), st.integers(0, 2 ** 16 - 1))
def test_random_sums_of_products(n, count, seed):
    rng = np.random.default_rng(seed)
    terms = []
    for _ in range(count):
        chosen = [i for i in range(1, n + 1) if rng.random() < 0.6] or [1]
        terms.append(" ".join(f"x{i}" + ("'" if rng.random() < 0.5 else "") for i in chosen))
    a = spec(f"sop: \"{' + '.join(terms)}\"\ninputs: {n}\nconstruction: one-hidden-layer\n")
    X = np.array(list(itertools.product((0, 1), repeat=n)), dtype=float)

    def f(x):
        for t in terms:
            if all((x[int(lit.rstrip("'")[1:]) - 1] == 0) == lit.endswith("'")
                   for lit in t.split()):
                return 1
        return 0

    want = np.array([f(x) for x in X])
    got = np.array([run_units(a, x, "step") for x in X])
    assert (got == want).all()


@pytest.mark.parametrize("body, message", [
    ("truth_table: majority\ninputs: 4\n", "odd number of inputs"),
    ("truth_table: xr\n", "did you mean 'xor'"),
    ("sop: \"x1 y2\"\n", "is not a literal"),
    ("region: [[0, 0], [2, 2], [2, 0], [0, 2]]\n", "not convex"),
    ("region: [\"x1 * x2 > 0\"]\n", "linear"),
    ("activation: sign\nencoding: binary\ntruth_table: and\n", "use encoding: bipolar"),
    ("truth_table: and\nconstruction: deep\n", "deep builds parity"),
    ("truth_table: xor\ninputs: 1\nconstruction: deep\n", "needs at least 2 inputs"),
    ("truth_table: and\nsop: x1\n", "not truth_table and sop"),
    ("region: [\"x1 > 0\", \"x1 < 0\"]\n", "region: these half-planes have no point in common"),
    ("region: [[[0, 0], [1, 0], [0, 1]], [\"x1 > 3\", \"x1 < 2\"]]\n", "expected a number"),
    ("activation: step\ntruth_table: xor\nhidden: 1\n",
     "hidden: goes with ReLU hidden units"),
    ("activation: step\ntruth_table: xor\nconstruction: deep\nmodel: {W1: [[1, 1]], "
     "b1: [0], w2: [1], b2: 0}\n", "give a construction or a model: to check, not both"),
    ("truth_table: and\npoints: |\n  0 0 a\n  1 1 b\n", "points: with truth_table: the rows"),
    ("truth_table: and\ninside: A\n", "inside: names a region's classes"),
    ("sop: x1 x2\npositive: b\n", "positive: names one of the points' classes"),
    ("activation: step\npoints: |\n  0 0 a\n  1 1 c\n  0 1 b\n", "a third class 'b'"),
    ("activation: sign\npoints: |\n  0 0 a\n  1 1 a\n", "every point is of class 'a'"),
])
def test_bad_input_is_one_line_exit_2(tmp_path, body, message):
    from typer.testing import CliRunner

    from examsolve.cli import app

    path = tmp_path / "bad.yaml"
    path.write_text("kind: classifier-design\ntitle: t\n" + body)
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2, result.output
    assert message in result.output and str(path) in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("positive", ["a", "b", None])
@pytest.mark.parametrize("kind", ["step", "sign"])
def test_positive_names_the_class_of_target_1(kind, positive):
    """The review found positive: ignored for threshold units (the last class alphabetically
    was always target 1). The checkerboard through the answered net, by numpy."""
    cells = [(x, y, "ab"[(x + y) % 2]) for x in range(3) for y in range(2)]
    body = (f"activation: {kind}\n" + (f"positive: {positive}\n" if positive else "")
            + "points: |\n" + "".join(f"  {x} {y} {c}\n" for x, y, c in cells))
    a = spec(body)
    low = 0 if kind == "step" else -1
    X = np.array([[x, y] for x, y, _ in cells], dtype=float)
    want = np.array([1 if c == (positive or "b") else low for *_, c in cells])
    assert (two_layer(a, X, kind) == want).all()
    assert a["correct"] == 6


def test_a_one_term_construction_says_what_it_built():
    """AND of 2 inputs is one product term: one unit, no hidden layer and no OR unit (the
    review found the sentence 'an OR unit over them' beside a one-unit table)."""
    from examsolve.render.textmath import para_text

    d = solve(load_string("kind: classifier-design\ntitle: t\ntruth_table: and\n"
                          "construction: one-hidden-layer\n"))
    text = " ".join(para_text(b) for s in d.steps for b in s.blocks if hasattr(b, "parts"))
    assert "OR unit" not in text and "A single product term" in text
    a = d.answer_map()
    assert (a["hidden"], a["units"], a["hidden_proved"]) == (0, 1, True)
    # Oracle: step(x1 + x2 + b) with the answered bias is AND on all four rows.
    w = np.array(a["w[out]"], dtype=float).reshape(-1)
    for bits in itertools.product((0, 1), repeat=2):
        assert int(act(np.array(np.dot(w, bits) + float(a["b[out]"])), "step", 1)) == all(bits)


def test_a_polygon_vertex_at_infinity_is_a_spec_error():
    from examsolve.errors import SpecError

    text = ("kind: classifier-design\ntitle: t\nregion:\n- ['.inf', 6]\n- [7, 6]\n- [7, 2]\n"
            "- [4, 2]\n")
    with pytest.raises(SpecError, match="a vertex needs finite numbers"):
        load_string(text)


@pytest.mark.parametrize("kind, at_zero", [("step", 1), ("step", 0), ("sign", 1), ("sign", -1)])
def test_a_given_threshold_model_is_checked_row_by_row(kind, at_zero):
    # XOR's rows through a proposed 2-2-1 net, counted by numpy here (two_layer).
    low = 0 if kind == "step" else -1
    model = "{W1: [[1, 1], [1, 1]], b1: [0, -1], w2: [[1, -2]], b2: 0}"
    a = solve(load_string(f"kind: classifier-design\ntitle: t\nactivation: {kind}\n"
                          f"at_zero: {at_zero}\ntruth_table: xor\nmodel: {model}\n")
              ).answer_map()
    X = np.array(list(itertools.product((low, 1), repeat=2)), dtype=float)
    want = np.array([1 if (x > 0).sum() % 2 else low for x in X])
    W1 = np.array([[1, 1], [1, 1]], dtype=float)
    h = act(X @ W1.T + np.array([0, -1]), kind, at_zero)
    out = act(h @ np.array([1, -2]), kind, at_zero)
    assert a["correct"] == int((out == want).sum())
    assert (a["hidden"], a["units"], a["layers"]) == (2, 3, 2)
    assert "hidden_proved" not in a


@pytest.mark.parametrize("at_zero", [0, 1])
def test_a_single_unit_from_the_perceptron_rule_leaves_no_row_at_zero(at_zero):
    # x1 + x2 (OR written as a sum of products) is one unit; the rule's own bias would put
    # rows 01 and 10 at z = 0. Every row's z is computed here and must be nonzero and right.
    a = spec(f"sop: \"x1 + x2\"\nat_zero: {at_zero}\n")
    w, b = np.array(a["w[out]"], dtype=float), float(a["b[out]"])
    for x in itertools.product((0, 1), repeat=2):
        z = w @ np.array(x, dtype=float) + b
        assert z != 0 and (z > 0) == any(x)


@pytest.mark.parametrize("sop, largest, total", [
    ("x1 x2 + x1 x2", 1, 2),        # AND written twice: x1 + x2 − 1.5, not 2x1 + x2 − 2.5
    ("x1 x2 + x3", 2, 4),           # x1 + x2 + 2x3 − 1.5
    ("x1 + x2 x3 + x2 x4", 3, 7),    # 3x1 + 2x2 + x3 + x4 − 2.5
])
def test_a_lone_unit_gets_the_smallest_whole_weights(sop, largest, total):
    """The review: a single unit's weights came straight from a perceptron run. Brute force
    here over whole weights: none with a smaller largest |w_i| (or, at that size, a smaller
    Σ|w_i|) separates the rows, and the answered unit computes the function."""
    a = spec(f"sop: \"{sop}\"\n")
    assert (a["hidden"], a["units"]) == (0, 1)
    w = np.array(a["w"], dtype=float)
    assert (np.abs(w).max(), np.abs(w).sum()) == (largest, total)
    n = len(w)
    X = np.array(list(itertools.product((0, 1), repeat=n)), dtype=float)
    terms = [[int(v[1:]) - 1 for v in t.split()] for t in sop.split("+")]
    want = np.array([any(all(x[i] for i in t) for t in terms) for x in X])
    z = X @ w + float(a["b"])
    assert (z != 0).all() and ((z > 0) == want).all()
    for cand in itertools.product(range(-largest, largest + 1), repeat=n):
        c = np.array(cand, dtype=float)
        if np.abs(c).max() < largest or np.abs(c).sum() < total:
            s = X @ c
            assert not (want.any() and s[want].min() > s[~want].max()), cand


def _cube_units_brute_force(target, units: int) -> bool:
    """Some net of `units` step units step(w·x + b) (w in {−2 … 2}³, b in halves of
    [−4.5, 4.5]) and a step output (weights in {−2 … 2}, bias in halves) computes `target`
    on the 8 rows of the 3-cube."""
    X = np.array(list(itertools.product((0, 1), repeat=3)), dtype=float)
    W = np.array(list(itertools.product(range(-2, 3), repeat=3)), dtype=float)
    B = np.arange(-4.5, 5, 1.0)
    F = np.unique(((W @ X.T)[:, None, :] + B[None, :, None] > 0).reshape(-1, 8), axis=0)
    want = np.array([target(x) for x in X.astype(int)])
    V = np.array(list(itertools.product(range(-2, 3), repeat=units)), dtype=float).T
    C = np.arange(-4.5, 5, 1.0)
    for combo in itertools.combinations(range(len(F)), units):
        z = F[list(combo)].T.astype(float) @ V  # rows × output weightings
        fires = z[:, :, None] + C[None, None, :] > 0
        if (fires == want[:, None, None]).all(axis=0).any():
            return True
    return False


def test_three_input_parity_without_construction_is_proved_three():
    a = spec("truth_table: xor\ninputs: 3\n")
    X = np.array(list(itertools.product((0, 1), repeat=3)), dtype=float)
    assert (a["hidden"], a["hidden_proved"], a["correct"]) == (3, True, 8)
    assert (two_layer(a, X, "step") == X.sum(axis=1) % 2).all()
    parity = lambda x: x.sum() % 2 == 1  # noqa: E731
    assert not _cube_units_brute_force(parity, 2)


def test_a_sum_of_products_gets_fewer_units_than_its_terms_when_they_exist():
    # Three product terms, so the construction would take 3 hidden units; the enumeration
    # over cuts of the cube finds 2 (checked by numpy) and 1 is impossible (not separable).
    a = spec("sop: \"x1 x2 x3 + x1' x2' x3' + x1 x2'\"\n")
    f = lambda x: (x[0] and x[1] and x[2]) or not (x[0] or x[1] or x[2]) \
        or (x[0] and not x[1])  # noqa: E731
    X = np.array(list(itertools.product((0, 1), repeat=3)), dtype=float)
    assert (a["hidden"], a["hidden_proved"], a["correct"]) == (2, True, 8)
    assert (two_layer(a, X, "step") == np.array([f(x) for x in X.astype(int)])).all()


def out_act(z: np.ndarray, kind: str, at_zero: int) -> np.ndarray:
    """The output unit's value: step/sign as `act` (at_zero 1 high, else that family's low);
    a sigmoid output's class, 1 where z > 0."""
    if kind == "sigmoid":
        return (z > 0).astype(int)
    low = 0 if kind == "step" else -1
    return np.where(z > 0, 1, np.where(z < 0, low, 1 if at_zero == 1 else low))


def mixed_forward(a: dict, X: np.ndarray, hidden: str, output: str) -> tuple:
    """Every unit in answer order: hidden units in their family, the last in the output's;
    returns the outputs and the output unit's net inputs."""
    names = [k[2:-1] for k in a if k.startswith("w[")]
    outs, zs = [], []
    for x in X:
        values = {f"x{i + 1}": v for i, v in enumerate(x)}
        for name in names:
            w = np.array(a[f"w[{name}]"], dtype=float).reshape(-1)
            z = sum(wi * values[i] for wi, i in zip(w, a[f"inputs[{name}]"])) \
                + float(a[f"b[{name}]"])
            last = name == names[-1]
            values[name] = int(out_act(np.array(z), output, 1) if last else
                               act(np.array(z), hidden, 1))
        outs.append(values[names[-1]])
        zs.append(z)
    return np.array(outs), np.array(zs)


@pytest.mark.parametrize("hidden", ["step", "sign"])
@pytest.mark.parametrize("output", ["step", "sign", "sigmoid"])
@pytest.mark.parametrize("body, truth", [
    ("truth_table: xor\n", lambda b: sum(b) % 2 == 1),
    ("truth_table: xor\ninputs: 3\n", lambda b: sum(b) % 2 == 1),
    ("truth_table: and\n", all),
    ("truth_table: majority\ninputs: 3\n", lambda b: 2 * sum(b) > 3),
    ("sop: \"x1 x2' + x1' x2 x3\"\n", lambda b: (b[0] and not b[1]) or
     (not b[0] and b[1] and b[2])),
])
def test_hidden_units_and_an_output_unit_of_another_family(hidden, output, body, truth):
    """activation: step|sign for the hidden units, output: step|sign|sigmoid (the issue's
    two keys): a numpy forward pass over every row, the targets in the output's values, and
    a sigmoid output's p = σ(z) with |z| ≥ 1 at every row."""
    a = spec(f"{body}activation: {hidden}\noutput: {output}\n")
    bits = list(itertools.product((0, 1), repeat=3 if "inputs: 3" in body or "x3" in body
                                  else 2))
    low_in = 0 if hidden == "step" else -1
    X = np.array([[low_in if v == 0 else 1 for v in b] for b in bits], dtype=float)
    out_low = -1 if output == "sign" else 0
    want = np.array([1 if truth(b) else out_low for b in bits])
    y, z = mixed_forward(a, X, hidden, output)
    assert (y == want).all() and a["correct"] == len(bits)
    if output == "sigmoid":
        assert (np.abs(z) >= 1).all()
        assert np.allclose(a["p"], 1 / (1 + np.exp(-z)), rtol=0, atol=1e-12)
    else:
        assert "p" not in a


@pytest.mark.parametrize("output", ["sign", "sigmoid"])
def test_step_units_with_another_output_on_the_checkerboard(output):
    cells = [(x, y, "ab"[(x + y) % 2]) for x in range(3) for y in range(2)]
    a = spec(f"activation: step\noutput: {output}\npoints: |\n"
             + "".join(f"  {x} {y} {c}\n" for x, y, c in cells))
    assert (a["hidden"], a["hidden_proved"]) == (3, True)
    X = np.array([[x, y] for x, y, _ in cells], dtype=float)
    y, _ = mixed_forward(a, X, "step", output)
    low = -1 if output == "sign" else 0
    assert list(y) == [1 if c == "b" else low for *_, c in cells]


@pytest.mark.parametrize("at_zero, right", [(1, 4), (0, 2)])
def test_a_checked_model_with_a_sign_output_reads_at_zero_as_high_or_low(at_zero, right):
    """Step hidden units (OR, AND), a sign output −2·OR + 2·AND: rows 00 and 11 are at
    z(out) = 0, so at_zero decides them: 1 (high) is right for XNOR's target 1 there, 0 (the
    low value, −1 for a sign unit) is not. The forward pass here."""
    text = ("truth_table: xnor\nactivation: step\noutput: sign\n"
            f"at_zero: {at_zero}\nmodel: {{W1: [[1, 1], [1, 1]], b1: [-0.5, -1.5], "
            "w2: [-2, 2], b2: 0}\n")
    a = solve(load_string("kind: classifier-design\ntitle: t\n" + text)).answer_map()
    X = np.array(list(itertools.product((0, 1), repeat=2)), dtype=float)
    h = act(X @ np.array([[1, 1], [1, 1]]).T + np.array([-0.5, -1.5]), "step", at_zero)
    z = h @ np.array([-2, 2])
    y = out_act(z, "sign", at_zero)
    want = np.array([1, -1, -1, 1])
    assert z[0] == 0 and int((y == want).sum()) == right == a["correct"]


@pytest.mark.parametrize("body, truth, n", [
    ("truth_table: xor\n", lambda b: sum(b) % 2 == 1, 2),
    ("truth_table: xnor\ninputs: 3\n", lambda b: sum(b) % 2 == 0, 3),
    ("sop: \"x1 x2' + x3\"\nencoding: bipolar\n", lambda b: (b[0] and not b[1]) or b[2], 3),
])
@pytest.mark.parametrize("output", ["sigmoid", "step", "sign"])
def test_relu_hidden_units_on_a_truth_table(body, truth, n, output):
    """activation: relu with truth_table/sop (the issue: truth_table may replace points for
    every activation): the rows are the points; a numpy forward pass over them."""
    a = solve(load_string(f"kind: classifier-design\ntitle: t\n{body}activation: relu\n"
                          f"output: {output}\n")).answer_map()
    low = -1 if "bipolar" in body else 0
    bits = list(itertools.product((0, 1), repeat=n))
    X = np.array([[low if v == 0 else 1 for v in b] for b in bits], dtype=float)
    W1 = np.array(a["W1"], dtype=float).reshape(-1, n)
    s = np.maximum(X @ W1.T + np.array(a["b1"], dtype=float).reshape(-1), 0) \
        @ np.array(a["w2"], dtype=float).reshape(-1) + float(a["b2"])
    assert ((s > 0) == np.array([bool(truth(b)) for b in bits])).all()
    assert (np.abs(s) >= 1).all() and a["correct"] == 2 ** n
    assert ("p" in a) == (output == "sigmoid")


@pytest.mark.parametrize("body, message", [
    ("truth_table: and\nactivation: relu\npoints: |\n  0 0 a\n  1 1 b\n", "the rows are the "
     "points"),
    ("truth_table: and\nsop: x1\nactivation: relu\n", "not truth_table and sop"),
    ("truth_table: and\nactivation: relu\npositive: a\n", "the rows are the points"),
])
def test_relu_truth_table_conflicts_are_errors(body, message):
    from examsolve.errors import SpecError

    with pytest.raises(SpecError, match=message):
        load_string("kind: classifier-design\ntitle: t\n" + body)


def test_a_point_on_an_open_edge_turns_that_edge_round():
    """The review: with at_zero 1, (3, 1) and (2, 0), which x1 < 3 and x2 > 0 put outside,
    came out inside. An open edge with a given point on it is turned round; the grid (with
    the edge x2 = 2 written ≥) is checked here, every edge point included."""
    a = spec("region: [\"x1 >= 1\", \"x1 < 3\", \"x2 > 0\", \"x2 <= 2\"]\n"
             "points: |\n  1 1 inside\n  3 1 outside\n  2 0 outside\n  2 2 inside\n")
    assert a["correct"] == 4 + 5  # the points, the inner point and its 4 mirror images
    for gx, gy in itertools.product(np.arange(-1, 5, 0.5), repeat=2):
        want = 1 <= gx < 3 and 0 < gy <= 2
        assert (run_units(a, np.array([gx, gy]), "step", 1) == 1) == want, (gx, gy)


def test_two_squares_sharing_lines_share_their_edge_units():
    """The review: two adjacent squares repeated sign(x2) and sign(−x2 + 2) (10 hidden
    units). Shared lines are one unit: 6 edge units + 2 AND units; the union on a grid."""
    a = spec("region:\n  - [[0, 0], [2, 0], [2, 2], [0, 2]]\n  - [[2, 0], [4, 0], [4, 2], [2, 2]]\n"
             "activation: sign\n")
    assert a["hidden"] == 8
    for gx, gy in itertools.product(np.arange(-1, 5.5, 0.5), repeat=2):
        want = 0 <= gx <= 4 and 0 <= gy <= 2
        assert (run_units(a, np.array([gx, gy]), "sign", 1) == 1) == want, (gx, gy)
