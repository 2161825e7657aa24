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
    from examsolve.kinds.classifier_design.threshold_derive import _build, _rows
    from examsolve.kinds.classifier_design.hull import hulls_meet

    problem = load_string("kind: classifier-design\ntitle: t\n" + body)
    answers = solve(problem).answer_map()
    rows = _rows(problem.spec)
    meet = None if problem.spec.function == "region" else hulls_meet(
        [x for x, _ in rows], [1 if t == 1 else -1 for _, t in rows])
    net, _, _ = _build(problem.spec, rows, meet)
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
    assert a["correct"] == 2 ** n


@pytest.mark.parametrize("n", [2, 3, 4, 5])
@pytest.mark.parametrize("kind", ["step", "sign"])
def test_parity_one_hidden_layer(n, kind):
    a = spec(f"truth_table: xor\ninputs: {n}\nactivation: {kind}\n"
             "construction: one-hidden-layer\n")
    assert (a["hidden"], a["layers"]) == (n, 2)
    assert a["hidden_proved"] is (n == 2)  # XOR of 2: not separable, so 2 hidden are needed
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
    assert a["hidden"] == sum(len(p) for p in polys) + (len(polys) if len(polys) > 1 else 0)


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
