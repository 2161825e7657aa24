"""A lower bound on the hidden units of a threshold net for a Boolean function of 4 inputs,
where enumerating the cuts exactly (cuts.py, up to 8 rows) is out of reach.

A hidden step or sign unit is a function of the inputs that never decreases as an input of
weight ≥ 0 goes from 0 to 1 and never increases for an input of weight ≤ 0: it is *unate*.
Every cut a unit can make is therefore among the unate functions, which are easy to list
exactly (no linear program). If no m of them separate every target-1 row from every other
row, then under any m hidden units two rows of different classes share their hidden outputs,
and nothing after the hidden layer can tell them apart: m units are too few.

The search is exact and exhaustive: it branches on a pair of rows that the fewest cuts still
allowed separate, and a cut whose branch failed is not tried again deeper down.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Sequence

import numpy as np

MAX_INPUTS = 4          # 2^16 functions of 4 inputs are listed; of 5 inputs, 2^32 would be
MAX_NODES = 400_000     # search nodes: the 4-input parity bound takes about 130,000


@dataclass(frozen=True)
class CoverBound:
    """No `units` unate cuts separate the `pairs` pairs of rows of different classes."""
    units: int
    unate: int          # unate functions of the inputs, the two constants included
    cuts: int           # non-constant ones, a function and its complement counted once
    pairs: int
    nodes: int


@lru_cache(maxsize=None)
def unate_cuts(inputs: int) -> tuple[int, tuple[int, ...]]:
    """The number of unate functions of `inputs` inputs, and the non-constant ones up to
    complement as bit masks over the rows in binary counting order (bit i is row i, whose
    first input is the most significant bit)."""
    rows = 1 << inputs
    masks = np.arange(1 << rows, dtype=np.uint32)
    values = ((masks[:, None] >> np.arange(rows, dtype=np.uint32)) & 1).astype(np.int8)
    unate = np.ones(len(masks), dtype=bool)
    for k in range(inputs):
        bit = 1 << (inputs - 1 - k)
        low = [i for i in range(rows) if not i & bit]
        step = values[:, [i | bit for i in low]] - values[:, low]
        unate &= ~((step > 0).any(axis=1) & (step < 0).any(axis=1))
    found = [int(m) for m in np.flatnonzero(unate)]
    full = (1 << rows) - 1
    cuts = sorted({min(m, full ^ m) for m in found if m not in (0, full)})
    return len(found), tuple(cuts)


def row_index(x: Sequence) -> int:
    """A row's place in binary counting order (a bipolar −1 reads as 0)."""
    index = 0
    for v in x:
        index = 2 * index + (1 if v > 0 else 0)
    return index


def too_few(rows: Sequence[tuple[Sequence, int]], units: int) -> CoverBound | None:
    """The bound when no `units` unate cuts separate every pair of rows of different
    classes; None when some do (the bound says nothing) or the search is too big."""
    inputs = len(rows[0][0])
    if not 1 <= inputs <= MAX_INPUTS or len(rows) != 1 << inputs or units < 1:
        return None
    unate, cuts = unate_cuts(inputs)
    index = _Pairs(cuts, rows)
    pairs, separates = index.pairs, index.separates
    nodes = 0

    def covered(left: int, allowed: int, depth: int) -> bool:
        nonlocal nodes
        nodes += 1
        if nodes > MAX_NODES:
            raise _TooBig
        if left == 0:
            return True
        if depth == 0:
            return False
        if depth == 1:  # one cut must separate every pair left
            return index.common(left, allowed) != 0
        branch = index.branch(left, allowed)
        while branch:
            low = branch & -branch
            if covered(left & ~separates[low.bit_length() - 1], allowed, depth - 1):
                return True
            allowed &= ~low  # every cover with this cut was just searched
            branch ^= low
        return False

    try:
        if covered((1 << len(pairs)) - 1, (1 << len(cuts)) - 1, units):
            return None
    except _TooBig:
        return None
    return CoverBound(units, unate, len(cuts), len(pairs), nodes)


class _TooBig(Exception):
    """The search passed MAX_NODES."""


class _Pairs:
    """The pairs of rows of different classes, and which of `cuts` separate which:
    separates[c] the pairs cut c separates, by_pair[p] the cuts separating pair p (bit sets)."""

    def __init__(self, cuts: Sequence[int], rows: Sequence[tuple[Sequence, int]]) -> None:
        positive = [row_index(x) for x, t in rows if t == 1]
        negative = [row_index(x) for x, t in rows if t != 1]
        self.pairs = [(i, j) for i in positive for j in negative]
        self.separates = [sum(1 << p for p, (i, j) in enumerate(self.pairs)
                              if (c >> i ^ c >> j) & 1) for c in cuts]
        self.by_pair = [0] * len(self.pairs)
        for c, mask in enumerate(self.separates):
            while mask:
                low = mask & -mask
                self.by_pair[low.bit_length() - 1] |= 1 << c
                mask ^= low

    def common(self, left: int, allowed: int) -> int:
        """The allowed cuts that separate every pair in `left`."""
        common = allowed
        while left and common:
            low = left & -left
            common &= self.by_pair[low.bit_length() - 1]
            left ^= low
        return common

    def branch(self, left: int, allowed: int) -> int:
        """The allowed cuts separating the pair in `left` that the fewest of them separate:
        every cover of `left` uses one of them."""
        tightest, fewest = 0, None
        while left:
            low = left & -left
            p = low.bit_length() - 1
            count = (self.by_pair[p] & allowed).bit_count()
            if fewest is None or count < fewest:
                tightest, fewest = p, count
            left ^= low
        return self.by_pair[tightest] & allowed


# ---- a smaller net for a function of 4 inputs ---------------------------------------------

WEIGHT = 3              # whole weights |w_i| ≤ 3 give the cuts searched below
MAX_SEARCH = 200_000    # search nodes for covers by the cuts


@lru_cache(maxsize=None)
def threshold_cuts(inputs: int) -> tuple[int, ...]:
    """Cuts of the rows that a threshold unit with whole weights |w_i| ≤ WEIGHT makes (each
    is one by construction), up to complement, as bit masks over the rows in counting
    order: for 4 inputs every threshold function is among them (1,882 with the constants)."""
    return tuple(sorted(_cut_weights(inputs)))


@lru_cache(maxsize=None)
def _cut_weights(inputs: int) -> dict[int, tuple[tuple[int, ...], Fraction]]:
    """Each cut's smallest whole weights (by largest |w_i|, then Σ|w_i|) and the bias
    halfway between the sums on its two sides: the rows with w·x + b > 0 are the cut, or
    its complement when the cut is the smaller mask (then the unit is negated by the
    caller: `unit_for`)."""
    rows = np.array(list(np.ndindex(*(2,) * inputs)), dtype=np.int64)
    full = (1 << len(rows)) - 1
    bits = 1 << np.arange(len(rows), dtype=np.int64)
    vectors = sorted((tuple(v - WEIGHT for v in w)
                      for w in np.ndindex(*(2 * WEIGHT + 1,) * inputs)),
                     key=lambda w: (max(map(abs, w)), sum(map(abs, w))))
    found: dict[int, tuple[tuple[int, ...], Fraction]] = {}
    for w in vectors:
        s = rows @ np.array(w, dtype=np.int64)
        values = np.unique(s)
        for a, b in zip(values, values[1:]):
            mask = int(bits[s > a].sum())
            key = min(mask, full ^ mask)
            if key not in found:
                found[key] = (w, -Fraction(int(a) + int(b), 2))
    return found


def unit_for(inputs: int, cut: int) -> tuple[tuple[int, ...], Fraction]:
    """(w, b) whose unit is high exactly on the rows of `cut` (a mask of threshold_cuts, or
    its complement)."""
    full = (1 << (1 << inputs)) - 1
    table = _cut_weights(inputs)
    if cut in table:
        w, b = table[cut]
    else:
        w, b = table[full ^ cut]
        w, b = tuple(-v for v in w), -b
    rows = list(np.ndindex(*(2,) * inputs))
    high = sum(1 << i for i, x in enumerate(rows)
               if sum(wi * xi for wi, xi in zip(w, x)) + b > 0)
    if high != cut:  # the stored orientation is the complement
        w, b = tuple(-v for v in w), -b
    return w, b


def smaller_net(rows: Sequence[tuple[Sequence, int]], below: int
                ) -> tuple[list[int] | None, bool]:
    """The fewest cuts (2 … below − 1) among `threshold_cuts` under which no two rows of
    different classes share their hidden outputs and the two classes' hidden outputs are
    separable by a hyperplane (an output unit exists), as cut masks over the rows in
    counting order (or None), and whether every count searched was searched to the end
    (False when the search passed MAX_SEARCH nodes: then nothing is claimed)."""
    from examsolve.kinds.classifier_design.threshold_minimum import codes_separable

    inputs = len(rows[0][0])
    if inputs != MAX_INPUTS or len(rows) != 1 << inputs:
        return None, False
    cuts = threshold_cuts(inputs)
    target = {row_index(x): t == 1 for x, t in rows}
    index = _Pairs(cuts, rows)
    pairs, separates = index.pairs, index.separates
    nodes = 0
    cache: dict[tuple[int, int], bool] = {}

    def works(chosen: list[int]) -> bool:
        m = len(chosen)
        codes = {i: sum(1 << j for j, c in enumerate(chosen) if cuts[c] >> i & 1)
                 for i in target}
        pos = neg = 0  # the hidden outputs of each class, as sets of code numbers
        for i, one in target.items():
            if one:
                pos |= 1 << codes[i]
            else:
                neg |= 1 << codes[i]
        if pos & neg:
            return False
        key = (pos, neg, m)
        if key not in cache:
            cache[key] = codes_separable(pos, neg, m)
        return cache[key]

    def search(left: int, allowed: int, chosen: list[int], depth: int) -> list[int] | None:
        nonlocal nodes
        nodes += 1
        if nodes > MAX_SEARCH:
            raise _TooBig
        if left == 0:
            return list(chosen) if works(chosen) else None
        if depth == 0:
            return None
        if depth == 1:  # the last cut must separate every pair left
            common = index.common(left, allowed)
            while common:
                low = common & -common
                if works(chosen + [low.bit_length() - 1]):
                    return chosen + [low.bit_length() - 1]
                common ^= low
            return None
        branch = index.branch(left, allowed)
        while branch:
            low = branch & -branch
            c = low.bit_length() - 1
            allowed &= ~low  # below: sets with c; after it: every set with c is searched
            found = search(left & ~separates[c], allowed, chosen + [c], depth - 1)
            if found is not None:
                return found
            branch ^= low
        return None

    try:
        for m in range(2, below):
            found = search((1 << len(pairs)) - 1, (1 << len(cuts)) - 1, [], m)
            if found is not None:
                return [cuts[c] for c in found], True
    except _TooBig:
        return None, False
    return None, True
