"""Each kind's niceness rule for `examsolve vary` rejects a candidate that breaks it (and
keeps one that does not); the draw modes do what docs/exams.md says."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from examsolve import kinds
from examsolve.problem import load, load_string, solve
from examsolve.vary.template import Mode, Template, parse_mode, size_choices

PROBLEMS = Path(__file__).resolve().parents[2] / "problems"


def _pair(name: str, old: str, new: str):
    """The problem `name` and a candidate with `old` replaced by `new` in its text."""
    text = (PROBLEMS / name).read_text()
    assert old in text
    original = load(PROBLEMS / name)
    candidate = load_string(text.replace(old, new, 1), "candidate.yaml")
    return original, solve(original), candidate, solve(candidate)


def _rule(kind: str, name: str):
    hooks = kinds.variation(kind)
    return {**getattr(hooks, "RULES", {}), **{k: (lambda f: lambda o, _a, c, _b: f(o, c))(v)
                                               for k, v in getattr(hooks, "PRECHECK", {}).items()}
            }[name]


def test_backprop_forward_pattern_rejects_a_lost_tie_and_keeps_a_kept_one():
    rule = _rule("backprop", "same forward pattern")
    # x = [1, 2, 4]: h = [3, 4], the four scores no longer tie
    assert not rule(*_pair("3-backprop-two-headed.yaml", "x: [1, 2, 3]", "x: [1, 2, 4]"))
    # x = [2, 1, 3]: h = [3, 3] still, the tie survives
    assert rule(*_pair("3-backprop-two-headed.yaml", "x: [1, 2, 3]", "x: [2, 1, 3]"))
    # w1 = [1, 0, 2]: s1 = [2, −1, 3, −1], no ReLU input on 0 any more (the original's s1[2])
    assert not rule(*_pair("5-backprop-conv1d.yaml", "w1: [1, 0, 1]", "w1: [1, 0, 2]"))


def test_perceptron_same_convergence_rejects_a_table_that_never_converges():
    rule = _rule("perceptron", "same convergence")
    assert not rule(*_pair("7c-perceptron-and-threshold.yaml", "truth_table: and",
                           "truth_table: xor\nmax_epochs: 6"))
    # OR from θ = 0 converges, but not in the original's 6 epochs
    assert not rule(*_pair("7c-perceptron-and-threshold.yaml", "truth_table: and",
                           "truth_table: or"))
    assert rule(*_pair("7c-perceptron-and-threshold.yaml", "lr: 1", "lr: 1"))


def test_classifier_same_network_rejects_a_separable_set():
    rule = _rule("classifier-design", "same network")
    # the crosses moved to one side: one line separates them, no hidden layer is needed
    separable = "0    0    circle\n  1    1    circle\n  0.5  0.5  circle\n  3    1    cross\n" \
        "  3    0    cross"
    old = "0    0    circle\n  1    1    circle\n  0.5  0.5  circle\n  0    1    cross\n" \
        "  1    0    cross"
    assert not rule(*_pair("1-classifier-design.yaml", old, separable))
    assert rule(*_pair("1-classifier-design.yaml", old, old.replace("0    1    cross",
                                                                    "-1   2    cross")))


def test_architecture_divides_evenly_rejects_a_floor_that_drops_a_row():
    rule = _rule("architecture", "divides evenly")
    # 33 × 33 under the 2 × 2 pool gives 16: the floor drops the last row and column
    assert not rule(*_pair("7-architecture-cnn.yaml", "input: [3, 32, 32]",
                           "input: [3, 33, 33]"))
    assert rule(*_pair("7-architecture-cnn.yaml", "input: [3, 32, 32]", "input: [3, 64, 64]"))


def test_architecture_code_and_constraints_cannot_vary():
    hooks = kinds.variation("architecture")
    assert "as code" in hooks.fixed(load(PROBLEMS / "7b-architecture-lenet-code.yaml").spec)
    assert "constraint" in hooks.fixed(load(PROBLEMS / "7d-architecture-unknown-hidden.yaml").spec)
    assert hooks.fixed(load(PROBLEMS / "7-architecture-cnn.yaml").spec) is None


def test_optimizer_no_divergence_rejects_a_rate_that_diverges():
    rule = _rule("optimizer", "no divergence")
    # L = (2p + 3)²: GD multiplies 2p + 3 by 1 − 8η each step; η = 0.3 makes that −1.4
    assert not rule(*_pair("7-optimizer-sgd-polynomial.yaml", "lr: 0.1", "lr: 0.3"))
    assert rule(*_pair("7-optimizer-sgd-polynomial.yaml", "lr: 0.1", "lr: 0.05"))


def test_error_surface_regime_rejects_a_rate_that_now_diverges():
    from examsolve.vary.rules import same_structure
    # 3w₁² + 2w₁w₂ + 3w₂² − 8w₁ has Hessian eigenvalues 4 and 8: η = 0.2 oscillates, 0.3 > 2/8
    # diverges, and the regime is a word the shared rule compares
    o, a, c, b = _pair("7b-error-surface-quadratic-lr.yaml", "lr: 0.2", "lr: 0.3")
    assert a.answer_map()["regime"] != b.answer_map()["regime"]
    assert not same_structure(a, b)


def test_complexity_curve_u_shape_rejects_a_best_degree_at_the_end():
    import dataclasses

    from examsolve.derivation import Answer
    rule = _rule("complexity-curve", "a U-shaped curve")
    o = load(PROBLEMS / "6-complexity-curve.yaml")
    fake = Answer  # the solve takes seconds: a solution with only the answer the rule reads
    d = solve(o)
    top = dataclasses.replace(d, answers=(fake("best_degree", max(o.spec.design.degrees)),))
    assert not rule(o, d, o, top) and rule(o, d, o, d)


def test_modes_parse_and_refuse():
    assert parse_mode("int -3..3") == Mode("int", -3, 3)
    assert parse_mode("size tied") == Mode("size", tied=True)
    assert parse_mode(["0.1", "0.01"]).choices == ("0.1", "0.01")
    assert "expected low < high" in parse_mode("int 3..1")
    assert "expected a range" in parse_mode("float 0..1")
    assert size_choices(32) == (16, 32, 64) and size_choices(3) == (1, 3, 5)
    assert size_choices(1) == (1,) and size_choices(10) == (5, 10, 20)


def test_tied_keeps_equal_entries_equal_opposites_opposite_and_zeros_zero():
    text = "kind: backprop\ntitle: t\nparameters:\n  W: [[1, 1, 0], [-1, 2, 0]]\n"
    t = Template(text, {"W": Mode("int", -5, 5, tied=True)}, {})
    rng = random.Random(3)
    for _ in range(30):
        a, b, z, m, c, z2 = map(int, t.draw(rng))
        assert a == b == -m and z == z2 == 0 and a != 0 and c != 0


def test_choices_and_sizes_draw_only_their_values():
    text = "kind: x\ntitle: t\nlr: 0.1\ninput: [3, 32, 32]\n"
    t = Template(text, {"lr": Mode("choice", choices=("0.05", "1/2")),
                        "input": Mode("size", tied=True)}, {})
    rng = random.Random(1)
    for _ in range(30):
        lr, c, h, w = t.draw(rng)
        assert lr in ("0.05", "1/2") and c in ("1", "3", "5") and h == w in ("16", "32", "64")
    assert "lr: 1/2" in t.text() or "lr: 0.05" in t.text()


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_every_kind_has_a_default(kind):
    assert kinds.variation(kind) is not None or getattr(kinds.kind(kind), "VARY", ())


def test_a_block_of_rows_is_lined_up_again_and_a_sixth_stays_a_sixth():
    from examsolve.vary import _exact
    from examsolve.vary.template import _columns

    assert _columns("-1 -1  1\n 10 1 -1\n") == "-1  -1  1\n10  1   -1\n"
    assert _columns("1 2\n3\n") == "1 2\n3\n"  # ragged rows: left as written
    # a non-terminating fraction as a TA writes it; sympy's Rational is the oracle
    import sympy
    from fractions import Fraction
    assert _exact((Fraction(1, 6), Fraction(1, 4), Fraction(3))) == ["1/6", 0.25, 3]
    assert sympy.Rational(_exact(Fraction(1, 6))) == sympy.Rational(1, 6)
