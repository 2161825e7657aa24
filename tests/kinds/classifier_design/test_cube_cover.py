"""The unate-cut bound on hidden threshold units for functions of up to 4 inputs
(cube_cover.py), against the definitions and exhaustive searches written here."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from examsolve.kinds.classifier_design.cube_cover import too_few, unate_cuts

ROWS4 = list(itertools.product((0, 1), repeat=4))


def unate_by_definition(n: int) -> set[int]:
    """Every function of n inputs (bit i = row i in counting order) that is monotone,
    one way or the other, in each input."""
    rows = list(itertools.product((0, 1), repeat=n))
    index = {r: i for i, r in enumerate(rows)}
    found = set()
    for mask in range(1 << (1 << n)):
        f = [(mask >> i) & 1 for i in range(len(rows))]
        ok = True
        for k in range(n):
            steps = {f[index[r[:k] + (1,) + r[k + 1:]]] - f[index[r]] for r in rows if r[k] == 0}
            if 1 in steps and -1 in steps:
                ok = False
                break
        if ok:
            found.add(mask)
    return found


def threshold_functions(n: int, largest: int) -> set[int]:
    """Functions step(w·x − θ) of n inputs with integer weights |w_i| ≤ largest and every
    threshold between (or beyond) the sums, as bit masks."""
    X = np.array(list(itertools.product((0, 1), repeat=n)))
    found = set()
    for w in itertools.product(range(-largest, largest + 1), repeat=n):
        s = X @ np.array(w)
        values = sorted(set(s.tolist()))
        for theta in [values[0] - 1] + [(a + b) / 2 for a, b in zip(values, values[1:])] \
                + [values[-1] + 1]:
            found.add(int(sum(1 << i for i in range(len(X)) if s[i] > theta)))
    return found


def separated(cuts: list[int], pairs: list[tuple[int, int]]) -> np.ndarray:
    """separated[c] = the pairs cut c puts on different sides, as a 64-bit mask."""
    return np.array([sum(1 << p for p, (i, j) in enumerate(pairs)
                         if ((c >> i) & 1) != ((c >> j) & 1)) for c in cuts], dtype=np.uint64)


def pairs_of(target: list[int]) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(target)) for j in range(len(target))
            if target[i] == 1 and target[j] == 0]


def rows_of(target: list[int], n: int = 4) -> list[tuple[tuple, int]]:
    return [(r, t) for r, t in zip(itertools.product((0, 1), repeat=n), target)]


@pytest.mark.parametrize("n", [2, 3, 4])
def test_the_unate_cuts_are_the_unate_functions(n):
    count, cuts = unate_cuts(n)
    defined = unate_by_definition(n)
    full = (1 << (1 << n)) - 1
    assert count == len(defined)
    assert set(cuts) == {min(m, full ^ m) for m in defined} - {0}


def test_every_threshold_function_of_4_inputs_is_among_the_unate_cuts():
    thresholds = threshold_functions(4, 3)
    assert len(thresholds) == 1882  # the known count of threshold functions of 4 inputs
    full = (1 << 16) - 1
    _, cuts = unate_cuts(4)
    assert {min(m, full ^ m) for m in thresholds} - {0} <= set(cuts)


def test_three_threshold_units_cannot_give_4_input_parity_by_brute_force():
    """The bound's claim for parity, on the real cuts: no 3 threshold cuts (every threshold
    function of 4 inputs, from integer weights) separate each odd row from each even row."""
    target = [sum(r) % 2 for r in ROWS4]
    bound = too_few(rows_of(target), 3)
    assert bound is not None and (bound.cuts, bound.pairs) == (1084, 64)
    assert too_few(rows_of(target), 4) is None  # the 4 "at least k ones" cuts do it
    full = (1 << 16) - 1
    cuts = sorted({min(m, full ^ m) for m in threshold_functions(4, 3)} - {0})
    M = separated(cuts, pairs_of(target))
    everything = np.uint64((1 << 64) - 1)
    for a in range(len(cuts)):
        for b in range(a + 1, len(cuts)):
            need = everything & ~(M[a] | M[b])
            assert not ((M[b + 1:] & need) == need).any(), (cuts[a], cuts[b])


@pytest.mark.parametrize("seed", range(7))
def test_the_bound_agrees_with_pairs_of_unate_cuts_searched_here(seed):
    """For m = 1, 2 the bound holds exactly when no m unate cuts (the definition's) separate
    every pair; functions near parity exercise both answers."""
    rng = random.Random(seed)
    target = [sum(r[:3]) % 2 for r in ROWS4] if seed % 2 else \
        [rng.randint(0, 1) for _ in ROWS4]
    if seed % 3 == 2:  # flip a few rows of parity
        target = [sum(r) % 2 ^ (rng.random() < 0.2) for r in ROWS4]
    if seed == 6:  # x1 x2 + x3 is unate: one cut separates every pair
        target = [int(r[0] and r[1] or r[2]) for r in ROWS4]
    if len(set(target)) == 1:
        target[0] ^= 1
    full = (1 << 16) - 1
    cuts = sorted({min(m, full ^ m) for m in unate_by_definition(4)} - {0})
    pairs = pairs_of(target)
    M = separated(cuts, pairs)
    everything = np.uint64((1 << len(pairs)) - 1)
    one = bool((M == everything).any())
    two = one or any(((M[a] | M[a + 1:]) == everything).any() for a in range(len(cuts)))
    assert (too_few(rows_of(target), 1) is None) == one
    assert (too_few(rows_of(target), 2) is None) == two


def test_bipolar_rows_read_as_their_bits():
    target = [sum(r) % 2 for r in ROWS4]
    bipolar = [(tuple(2 * v - 1 for v in r), t) for r, t in zip(ROWS4, target)]
    assert too_few(bipolar, 3) is not None


def test_a_bound_the_search_cannot_finish_is_no_bound(monkeypatch):
    from examsolve.kinds.classifier_design import cube_cover

    monkeypatch.setattr(cube_cover, "MAX_NODES", 100)
    assert too_few(rows_of([sum(r) % 2 for r in ROWS4]), 3) is None


def test_the_searched_cuts_are_every_threshold_cut_of_the_4_cube():
    """smaller_net's proof rests on threshold_cuts(4) holding every cut a threshold unit
    can make. Independently: every unate function (the definition's) is tested for strict
    linear separability by a margin LP in highspy; the separable ones are exactly the
    searched cuts (and 1,882 with the constants, the known count)."""
    from tests.kinds.classifier_design.test_minimality import _max_margin

    from examsolve.kinds.classifier_design.cube_cover import threshold_cuts

    X = np.array(ROWS4, dtype=float)
    full = (1 << 16) - 1
    separable = set()
    for mask in unate_by_definition(4) - {0, full}:
        side = np.array([1.0 if mask >> i & 1 else -1.0 for i in range(16)])
        rows = np.hstack([-side[:, None] * np.hstack([X, np.ones((16, 1))]), np.ones((16, 1))])
        if _max_margin(rows, np.zeros(16), 5) > 1e-6:
            separable.add(min(mask, full ^ mask))
    assert 2 * len(separable) + 2 == 1882
    assert separable == set(threshold_cuts(4))


def _separable(pos, neg) -> bool:
    """Whether a threshold unit puts `pos` strictly on one side and `neg` on the other: the
    largest margin δ of w·c + b ≥ δ on pos, ≤ −δ on neg is positive (highspy margin LP)."""
    from tests.kinds.classifier_design.test_minimality import _max_margin

    codes = np.array([*pos, *neg], dtype=float)
    side = np.array([1.0] * len(pos) + [-1.0] * len(neg))
    rows = np.hstack([-side[:, None] * np.hstack([codes, np.ones((len(codes), 1))]),
                      np.ones((len(codes), 1))])
    return _max_margin(rows, np.zeros(len(codes)), codes.shape[1] + 1) > 1e-6


@pytest.mark.parametrize("seed", range(8))
def test_a_smaller_net_for_4_inputs_works_and_none_smaller_exists(seed):
    """Random 4-input functions as sums of minterms: the designed net by a numpy forward
    pass on all 16 rows, and its hidden count against a brute force over pairs of the
    threshold cuts (with the output's separability by a margin LP written here)."""
    from examsolve.kinds.classifier_design.cube_cover import threshold_cuts
    from examsolve.problem import load_string, solve
    from fractions import Fraction

    rng = random.Random(seed)
    ones = [r for r in ROWS4 if rng.random() < 0.5] or [ROWS4[5]]
    sop = " + ".join(" ".join(f"x{i + 1}" + ("" if v else "'") for i, v in enumerate(r))
                     for r in ones)
    a = solve(load_string(f"kind: classifier-design\ntitle: t\nsop: \"{sop}\"\ninputs: 4\n"
                          )).answer_map()
    want = np.array([r in ones for r in ROWS4])
    if a["hidden"] == 0:
        return
    W1 = np.array(a["W1"], dtype=float).reshape(-1, 4)
    h = (np.array(ROWS4) @ W1.T + np.array(a["b1"], dtype=float).reshape(-1) > 0)
    z = h @ np.array(a["w2"], dtype=float).reshape(-1) + float(a["b2"])
    assert ((z > 0) == want).all() and a["correct"] == 16
    cuts = threshold_cuts(4)

    def works(chosen) -> bool:
        codes = {}
        for i, one in enumerate(want):
            code = tuple(Fraction(c >> i & 1) for c in chosen)
            if codes.setdefault(code, one) != one:
                return False
        pos = [c for c, one in codes.items() if one]
        neg = [c for c, one in codes.items() if not one]
        return _separable(pos, neg)

    if a["hidden"] <= 2:
        return
    # Pairs of cuts that separate every (target-1 row, other row) pair, then the hull test.
    pairs = pairs_of([int(v) for v in want])
    M = separated(list(cuts), pairs)
    everything = np.uint64((1 << len(pairs)) - 1)
    for i in range(len(cuts)):
        for j in np.nonzero((M[i] | M[i + 1:]) == everything)[0]:
            assert not works((cuts[i], cuts[i + 1 + j])), (sop, cuts[i], cuts[i + 1 + j])
    assert not (M == everything).any()


def test_a_construction_no_smaller_count_can_beat_is_proved_by_the_search():
    """x2' x1' x4' + x3' x1 + x2 x4 x3: three product terms, and no 2 threshold cuts work
    (brute force over every pair here, with a margin LP written here for the output)."""
    from examsolve.kinds.classifier_design.cube_cover import threshold_cuts
    from examsolve.problem import load_string, solve
    from fractions import Fraction

    sop = "x2' x1' x4' + x3' x1 + x2 x4 x3"
    a = solve(load_string(f"kind: classifier-design\ntitle: t\nsop: \"{sop}\"\n")).answer_map()
    assert (a["hidden"], a["hidden_proved"], a["correct"]) == (3, True, 16)
    want = [bool((not r[1] and not r[0] and not r[3]) or (not r[2] and r[0])
                 or (r[1] and r[3] and r[2])) for r in ROWS4]
    cuts = threshold_cuts(4)
    pairs = pairs_of([int(v) for v in want])
    M = separated(list(cuts), pairs)
    everything = np.uint64((1 << len(pairs)) - 1)
    for i in range(len(cuts)):
        for j in np.nonzero((M[i] | M[i + 1:]) == everything)[0]:
            chosen = (cuts[i], cuts[i + 1 + j])
            codes = {}
            for k, one in enumerate(want):
                codes.setdefault(tuple(Fraction(c >> k & 1) for c in chosen), set()).add(one)
            assert all(len(v) == 1 for v in codes.values())
            pos = [c for c, v in codes.items() if True in v]
            neg = [c for c, v in codes.items() if False in v]
            assert not _separable(pos, neg), chosen
