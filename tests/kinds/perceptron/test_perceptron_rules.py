"""The three learning rules against loops written here: exact Fractions and float64 numpy.

Random small problems (hypothesis): points, encodings, bias or threshold (learned or fixed),
f(0), learning rates, epochs or `until: converged`. Every answer the solver gives — w@k,
b@k/theta@k, y@k, net@k, errors@e, w, b/theta, epochs, converged, correct — must equal the
reference loop's value. The float64 loop agrees exactly where the arithmetic is exact in
binary (dyadic learning rates and inputs), and to 1e-9 for the delta rule.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examsolve.numbers import format_number
from examsolve.problem import load_string, solve


def reference(xs, ts, w0, b0, lr, rule, low, at_zero, threshold, learn, epochs, until):
    """The textbook loop, exactly: y = f(net) before the update, then the rule's update."""
    w, b = list(w0), b0
    sign = -1 if threshold else 1
    trace, errors, converged = [], [], False
    for _ in range(epochs):
        wrong = 0
        for x, t in zip(xs, ts):
            net = sum(wi * xi for wi, xi in zip(w, x)) + sign * b
            y = 1 if net > 0 else low if net < 0 else at_zero
            wrong += y != t
            err = {"perceptron": t - y, "hebb": t, "delta": t - net}[rule]
            w = [wi + lr * err * xi for wi, xi in zip(w, x)]
            if learn:
                b = b + sign * lr * err  # θ = −b: θ ← θ − η·err
            trace.append((net, y, tuple(w), b))
        errors.append(wrong)
        if rule == "perceptron" and wrong == 0:
            converged = True
            if until:
                break
    return trace, errors, converged


def spec_text(xs, ts, w0, b0, lr, rule, encoding, at_zero, threshold, learn, epochs, until):
    rows = "\n".join("  " + " ".join(format_number(v) for v in (*x, t)) for x, t in zip(xs, ts))
    off = "threshold" if threshold else "bias"
    text = (f"kind: perceptron\ntitle: random\nencoding: {encoding}\npoints: |\n{rows}\n"
            f"weights: [{', '.join(repr(str(v)) for v in w0)}]\n{off}: '{b0}'\n"
            f"lr: '{lr}'\nrule: {rule}\nat_zero: {at_zero}\n"
            f"learn_{off}: {'true' if learn else 'false'}\n")
    text += f"until: converged\nmax_epochs: {epochs}\n" if until else f"epochs: {epochs}\n"
    return text


COORD = st.sampled_from([Fraction(v, 2) for v in range(-6, 7)])
RATES = st.sampled_from([Fraction(1), Fraction(1, 2), Fraction(1, 4), Fraction(1, 10),
                         Fraction(2, 3)])


@st.composite
def problems(draw):
    dim = draw(st.integers(1, 3))
    n = draw(st.integers(1, 6))
    encoding = draw(st.sampled_from(["binary", "bipolar"]))
    low = 0 if encoding == "binary" else -1
    xs = [tuple(draw(COORD) for _ in range(dim)) for _ in range(n)]
    ts = [draw(st.sampled_from([low, 1])) for _ in range(n)]
    if encoding == "binary" and -1 not in ts:
        pass  # the spec says encoding: binary explicitly
    rule = draw(st.sampled_from(["perceptron", "hebb", "delta"]))
    at_zero = draw(st.sampled_from([0, 1] if encoding == "binary" else [-1, 0, 1]))
    threshold, learn = draw(st.booleans()), draw(st.booleans())
    w0 = [draw(COORD) for _ in range(dim)]
    b0 = draw(COORD)
    lr = draw(RATES)
    until = rule == "perceptron" and draw(st.booleans())
    epochs = draw(st.integers(1, 6 if rule != "delta" else 3))
    return xs, ts, w0, b0, lr, rule, encoding, low, at_zero, threshold, learn, epochs, until


def solved(p):
    xs, ts, w0, b0, lr, rule, encoding, low, at_zero, threshold, learn, epochs, until = p
    text = spec_text(xs, ts, w0, b0, lr, rule, encoding, at_zero, threshold, learn, epochs,
                     until)
    return solve(load_string(text)).answer_map()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_answer_matches_the_exact_loop(p):
    xs, ts, w0, b0, lr, rule, encoding, low, at_zero, threshold, learn, epochs, until = p
    answers = solved(p)
    trace, errors, converged = reference(xs, ts, w0, b0, lr, rule, low, at_zero, threshold,
                                         learn, epochs, until)
    off = "theta" if threshold else "b"
    for k, (net, y, w, b) in enumerate(trace, 1):
        assert answers[f"net@{k}"] == net
        assert answers[f"y@{k}"] == y
        assert answers[f"w@{k}"] == w
        assert answers[f"{off}@{k}"] == b
    assert f"net@{len(trace) + 1}" not in answers
    assert answers["w"] == trace[-1][2] and answers[off] == trace[-1][3]
    assert answers["epochs"] == len(errors)
    for e, wrong in enumerate(errors, 1):
        assert answers[f"errors@{e}"] == wrong
    if rule == "perceptron":
        assert answers["converged"] is converged
    else:
        assert "converged" not in answers
    w, b = trace[-1][2], trace[-1][3]
    nets = [sum(a * q for a, q in zip(w, x)) + (-b if threshold else b) for x in xs]
    outs = [1 if v > 0 else low if v < 0 else at_zero for v in nets]
    assert answers["correct"] == sum(o == t for o, t in zip(outs, ts))


def float_loop(xs, ts, w0, b0, lr, rule, low, at_zero, threshold, learn, epochs, until):
    """The same rules in float64 numpy, vectorised over the inputs."""
    X, T = np.array(xs, dtype=float), np.array(ts, dtype=float)
    w, b, lr = np.array(w0, dtype=float), float(b0), float(lr)
    sign = -1.0 if threshold else 1.0
    trace, errors = [], []
    for _ in range(epochs):
        wrong = 0
        for x, t in zip(X, T):
            net = float(w @ x) + sign * b
            y = 1.0 if net > 0 else float(low) if net < 0 else float(at_zero)
            wrong += y != t
            err = {"perceptron": t - y, "hebb": t, "delta": t - net}[rule]
            w = w + lr * err * x
            if learn:
                b += sign * lr * err
            trace.append((net, y, w.copy(), b))
        errors.append(wrong)
        if until and wrong == 0:
            break
    return trace, errors


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_float64_loop_agrees(p):
    xs, ts, w0, b0, lr, rule, encoding, low, at_zero, threshold, learn, epochs, until = p
    answers = solved(p)
    trace, errors = float_loop(xs, ts, w0, b0, lr, rule, low, at_zero, threshold, learn,
                               epochs, until)
    off = "theta" if threshold else "b"
    dyadic = lr.denominator & (lr.denominator - 1) == 0  # exact in binary: so is everything
    if rule != "delta" and dyadic:
        for k, (net, y, w, b) in enumerate(trace, 1):
            assert float(answers[f"net@{k}"]) == net and answers[f"y@{k}"] == y
            assert [float(v) for v in answers[f"w@{k}"]] == list(w)
            assert float(answers[f"{off}@{k}"]) == b
        assert answers["epochs"] == len(errors)
    elif rule == "delta":
        for k, (net, y, w, b) in enumerate(trace, 1):
            assert float(answers[f"net@{k}"]) == pytest.approx(net, rel=1e-9, abs=1e-9)
            assert [float(v) for v in answers[f"w@{k}"]] == pytest.approx(list(w), rel=1e-9,
                                                                           abs=1e-9)
            if abs(net) > 1e-9:
                assert answers[f"y@{k}"] == y


def test_exact_arithmetic_decides_a_tie_float64_gets_wrong():
    """0.1 + 0.2 − 0.3 is exactly 0, so step(0) = 0 (at_zero: 0) and the point is correct;
    float64 computes 5.6e-17 > 0, outputs 1 and would make an update."""
    text = ("kind: perceptron\ntitle: tie\npoints: |\n  0.1 0.2 0\nweights: [1, 1]\n"
            "bias: -0.3\nepochs: 1\nat_zero: 0\n")
    answers = solve(load_string(text)).answer_map()
    assert answers["net@1"] == 0 and answers["y@1"] == 0 and answers["errors@1"] == 0
    assert answers["converged"] is True
    assert float(np.array([1.0, 1.0]) @ np.array([0.1, 0.2])) - 0.3 > 0  # float64's tie-break


TRUTH = {"and": all, "or": any, "nand": lambda b: not all(b), "nor": lambda b: not any(b),
         "xor": lambda b: sum(b) % 2 == 1, "xnor": lambda b: sum(b) % 2 == 0,
         "majority": lambda b: 2 * sum(b) > len(b)}


@pytest.mark.parametrize("name", list(TRUTH))
@pytest.mark.parametrize("encoding", ["binary", "bipolar"])
def test_truth_tables_in_binary_counting_order(name, encoding):
    inputs = 3
    text = (f"kind: perceptron\ntitle: t\ntruth_table: {name}\ninputs: {inputs}\n"
            f"encoding: {encoding}\nrule: hebb\nepochs: 1\n")
    spec = load_string(text).spec
    low = 0 if encoding == "binary" else -1
    rows = list(product([0, 1], repeat=inputs))
    assert [p.x for p in spec.points] == [tuple(low if b == 0 else 1 for b in r) for r in rows]
    assert [p.t for p in spec.points] == [1 if TRUTH[name](r) else low for r in rows]
    # Hebb from zero for one epoch: w = Σ t·x, b = Σ t.
    answers = solve(load_string(text)).answer_map()
    assert answers["w"] == tuple(sum(p.t * p.x[j] for p in spec.points) for j in range(inputs))
    assert answers["b"] == sum(p.t for p in spec.points)
