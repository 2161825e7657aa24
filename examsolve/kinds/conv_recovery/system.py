"""The windows of a convolution as equations, and what is known so far.

Window (i, j) (0-based) covers the padded input at rows s·i + u, columns s·j + v for the
kernel taps (u, v); its equation is

    Σ_{u,v} W[u,v] · X[s·i + u − p_h, s·j + v − p_w] + b = Y[i,j]     (padding entries are 0).

The unknowns are *atoms*: a parameter name (`"e"`), a lost input `(r, c)`, or the product of
an unknown weight and a lost input `(name, r, c)` (kept as one atom, so a window stays a
linear equation; that relaxation is sound — every real solution satisfies it).

For speed the known part of every window is computed at once with numpy: values are scaled
to integers by the common denominators (Dx for X, Dk for the weights and bias, Dy for Y), so
the correlation is exact integer arithmetic (int64 when the magnitudes allow, else Python
ints), and only windows touching a lost input are visited one by one.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Hashable

import numpy as np

from examsolve.kinds.conv_recovery.algebra import LinEq
from examsolve.kinds.conv_recovery.spec import ConvSpec, lcm_of_denominators

Atom = Hashable
Window = tuple[int, int]
_INT64_SAFE = 2 ** 62
Number = int | Fraction  # exact; plain ints on the hot paths (much faster than Fraction)


def exact_div(a: Number, b: Number) -> Number:
    """a / b exactly: an int when it divides, else a Fraction."""
    if isinstance(a, int) and isinstance(b, int):
        q, r = divmod(a, b)
        return q if r == 0 else Fraction(a, b)
    q = Fraction(a) / b
    return q.numerator if q.denominator == 1 else q


def int_array(values: list[list[Fraction | None]], scale: int) -> np.ndarray:
    """value·scale as integers (None → 0), int64 when safe, else Python ints (exact)."""
    rows = [[0 if v is None else v.numerator * (scale // v.denominator) for v in row]
            for row in values]
    biggest = max((abs(v) for row in rows for v in row), default=0)
    return np.array(rows, dtype=np.int64 if biggest < _INT64_SAFE else object)


def pad_zeros(x: np.ndarray, ph: int, pw: int) -> np.ndarray:
    """x with ph zero rows above and below and pw zero columns left and right. Unlike
    np.pad, an object (Python int) grid is padded with Python 0, not numpy's int64 zero,
    which overflows against an entry beyond int64."""
    h, w = x.shape
    xp = np.zeros((h + 2 * ph, w + 2 * pw), dtype=x.dtype)
    xp[ph:ph + h, pw:pw + w] = x
    return xp


def correlate(xp: np.ndarray, kernel: list[list[int]], stride: int, out: tuple[int, int]
              ) -> np.ndarray:
    """Cross-correlation (no flip) of a padded integer grid with an integer kernel."""
    oh, ow = out
    acc = np.zeros(out, dtype=xp.dtype)
    for u, row in enumerate(kernel):
        for v, w in enumerate(row):
            if w:
                acc = acc + w * xp[u:u + stride * (oh - 1) + 1:stride,
                                   v:v + stride * (ow - 1) + 1:stride]
    return acc


class Round:
    """The window equations given what is known at the start of a round.

    For a window with a known output, `residual[w] / scale` is Y minus its known part, and
    `param_coef[n][w] / scale` the coefficient of the unknown parameter n. `known_part /
    known_scale` is Σ W·X + b over the known values. Lists are built only when asked for.
    """

    def __init__(self, scale: int, residual: np.ndarray, known_part: np.ndarray,
                 known_scale: int, param_coef: dict[str, np.ndarray],
                 touched: dict[Window, list[tuple[Fraction | str, tuple[int, int]]]],
                 y_known: np.ndarray) -> None:
        self.scale, self.residual, self.param_coef, self.touched = scale, residual, \
            param_coef, touched
        self.known_part, self.known_scale = known_part, known_scale
        has_param = np.zeros(y_known.shape, dtype=bool)
        for coef in param_coef.values():
            has_param |= coef != 0
        untouched = np.ones(y_known.shape, dtype=bool)
        if touched:
            rows, cols = zip(*touched)
            untouched[list(rows), list(cols)] = False
        self.y_known = y_known
        base = y_known & untouched
        self.complete_mask = base & has_param  # known output, no lost input, some parameter
        self.checked_mask = base & ~has_param  # nothing unknown: must hold exactly
        self._equations: list[LinEq] | None = None

    @property
    def complete(self) -> list[Window]:
        """Complete windows (row by row): linear in the unknown parameters only."""
        return [tuple(w) for w in np.argwhere(self.complete_mask).tolist()]  # type: ignore[misc]

    def mismatches(self) -> list[Window]:
        """Windows with nothing unknown whose known output is not what they compute."""
        bad = self.checked_mask & (self.residual != 0)
        return [tuple(w) for w in np.argwhere(bad).tolist()]  # type: ignore[misc]

    @property
    def equations(self) -> list[LinEq]:
        """One equation per window with a known output that touches a lost input."""
        if self._equations is None:
            self._equations = []
            scale = self.scale
            y_known, residual = self.y_known.tolist(), self.residual.tolist()
            params = [(n, coef) for n, coef in self.param_coef.items()]
            for (i, j), taps in sorted(self.touched.items()):
                if not y_known[i][j]:
                    continue
                terms: dict[Atom, Number] = {}
                for n, coef in params:
                    if coef[i, j]:
                        terms[n] = exact_div(int(coef[i, j]), scale)
                for w, rc in taps:  # each lost input sits under one tap of a window
                    if isinstance(w, str):
                        terms[(w, *rc)] = 1
                    else:
                        terms[rc] = w.numerator if w.denominator == 1 else w
                self._equations.append(LinEq(terms, exact_div(int(residual[i][j]), scale),
                                             frozenset([(i, j)])))
        return self._equations


class ConvSystem:
    """Geometry of the layer plus the values found so far (`known`, with `source`)."""

    def __init__(self, spec: ConvSpec) -> None:
        self.spec = spec
        self.h, self.w = len(spec.x), len(spec.x[0])
        self.kh, self.kw = len(spec.kernel), len(spec.kernel[0])
        self.oh, self.ow = len(spec.y), len(spec.y[0])
        self.stride = spec.stride
        self.ph, self.pw = spec.padding
        self.names = spec.names
        self.lost_inputs = [(r, c) for r in range(self.h) for c in range(self.w)
                            if spec.x[r][c] is None]
        self.lost_outputs = [(i, j) for i in range(self.oh) for j in range(self.ow)
                             if spec.y[i][j] is None]
        self.known: dict[Atom, Fraction] = {}
        self.source: dict[Atom, frozenset] = {}
        given_x = [v for row in spec.x for v in row if v is not None]
        self._dx0 = lcm_of_denominators(given_x)
        self._x0 = int_array([list(r) for r in spec.x], self._dx0)
        self.dy = lcm_of_denominators([v for row in spec.y for v in row if v is not None])
        self.y_int = int_array([list(r) for r in spec.y], self.dy)
        self.y_known = np.array([[v is not None for v in row] for row in spec.y], dtype=bool)
        self._name_rank = {n: k for k, n in enumerate(self.names)}
        self._cover: dict[tuple[int, int], list[tuple[int, int, int, int]]] | None = None

    # ---- atoms --------------------------------------------------------------------------
    def order(self, atom: Atom) -> tuple:
        """Parameters first (in reading order), then lost inputs row by row, then products."""
        if isinstance(atom, str):
            return (0, self._name_rank[atom])
        if len(atom) == 2:  # type: ignore[arg-type]
            return (1, *atom)  # type: ignore[misc]
        name, r, c = atom  # type: ignore[misc]
        return (2, self._name_rank[name], r, c)

    def unknown_params(self) -> list[str]:
        return [n for n in self.names if n not in self.known]

    def weight(self, u: int, v: int) -> Fraction | str:
        w = self.spec.kernel[u][v]
        return self.known.get(w, w) if isinstance(w, str) else w

    def bias(self) -> Fraction | str:
        b = self.spec.bias
        return self.known.get(b, b) if isinstance(b, str) else b

    def input(self, r: int, c: int) -> Fraction | None:
        """A given or found input; None while lost."""
        v = self.spec.x[r][c]
        return v if v is not None else self.known.get((r, c))

    def taps(self, i: int, j: int) -> list[tuple[int, int, int, int]]:
        """(u, v, r, c) for the taps of window (i, j) that land inside X (not padding)."""
        out = []
        for u in range(self.kh):
            r = self.stride * i + u - self.ph
            if 0 <= r < self.h:
                for v in range(self.kw):
                    c = self.stride * j + v - self.pw
                    if 0 <= c < self.w:
                        out.append((u, v, r, c))
        return out

    def window_taps(self, i: int, j: int) -> list[tuple[int, int, int, int]]:
        """(u, v, r, c) for every tap of window (i, j); (r, c) outside X is padding (0)."""
        return [(u, v, self.stride * i + u - self.ph, self.stride * j + v - self.pw)
                for u in range(self.kh) for v in range(self.kw)]

    def windows_of(self, r: int, c: int) -> list[tuple[int, int, int, int]]:
        """(i, j, u, v): the windows that cover input (r, c), and through which tap."""
        out = []
        for u in range(self.kh):
            i, rem = divmod(r + self.ph - u, self.stride)
            if rem or not 0 <= i < self.oh:
                continue
            for v in range(self.kw):
                j, rem = divmod(c + self.pw - v, self.stride)
                if not rem and 0 <= j < self.ow:
                    out.append((i, j, u, v))
        return out

    def window_terms(self, i: int, j: int) -> tuple[dict[Atom, Fraction], Fraction]:
        """The window's Σ W·X + b as unknown atoms with coefficients plus a constant."""
        terms: dict[Atom, Fraction] = {}
        const = Fraction(0)
        for u, v, r, c in self.taps(i, j):
            w, x = self.weight(u, v), self.input(r, c)
            if w == 0 or x == 0:
                continue
            if isinstance(w, str) and x is None:
                key: Atom = (w, r, c)
                terms[key] = terms.get(key, 0) + 1
            elif isinstance(w, str):
                terms[w] = terms.get(w, 0) + x  # type: ignore[operator]
            elif x is None:
                terms[(r, c)] = terms.get((r, c), 0) + w
            else:
                const += w * x
        b = self.bias()
        if isinstance(b, str):
            terms[b] = terms.get(b, 0) + 1
        else:
            const += b
        return {a: k for a, k in terms.items() if k}, const

    # ---- one round: every window at once ------------------------------------------------
    def build(self) -> Round:
        """The known part of every window (numpy, exact integers) and the equations left."""
        found = [(rc, v) for rc, v in self.known.items() if not isinstance(rc, str)]
        dx = math.lcm(self._dx0, lcm_of_denominators([v for _, v in found]))
        weights = [[self.weight(u, v) for v in range(self.kw)] for u in range(self.kh)]
        bias = self.bias()
        dk = lcm_of_denominators([w for row in weights for w in row if not isinstance(w, str)]
                                 + ([bias] if not isinstance(bias, str) else []))
        kint = [[0 if isinstance(w, str) else int(w * dk) for w in row] for row in weights]
        bint = 0 if isinstance(bias, str) else int(bias * dk * dx)
        scale = dx * dk * self.dy
        # Every intermediate stays below this bound; beyond int64, use Python ints (exact).
        max_x = max([int(np.abs(self._x0).max(initial=0)) * (dx // self._dx0)]
                    + [abs(int(v * dx)) for _, v in found])
        max_k = max([abs(k) for row in kint for k in row] + [dk])
        max_y = int(np.abs(self.y_int).max(initial=0))
        bound = max((max_x * max_k * self.kh * self.kw + abs(bint)) * self.dy,
                    max_y * dx * dk, scale)
        exact = bound >= _INT64_SAFE
        x = self._x0.astype(object) if exact else self._x0
        x = x * (dx // self._dx0)
        for (r, c), v in found:
            x[r, c] = int(v * dx)
        xp = pad_zeros(x, self.ph, self.pw)
        y = self.y_int.astype(object) if exact else self.y_int
        out = (self.oh, self.ow)
        known_part = correlate(xp, kint, self.stride, out) + bint
        residual = y * (dx * dk) - known_part * self.dy
        param_coef: dict[str, np.ndarray] = {}
        for n in self.unknown_params():
            if n == self.spec.bias:
                param_coef[n] = np.full(out, scale, dtype=object)
                continue
            mask = [[1 if w == n else 0 for w in row] for row in weights]
            param_coef[n] = correlate(xp, mask, self.stride, out) * (dk * self.dy)
        touched = self._touched()
        return Round(scale, residual, known_part, dx * dk, param_coef, touched, self.y_known)

    def _touched(self) -> dict[Window, list[tuple[Fraction | str, tuple[int, int]]]]:
        """For each window, the lost inputs still unknown under a non-zero weight."""
        weights = [[self.weight(u, v) for v in range(self.kw)] for u in range(self.kh)]
        if self._cover is None:  # the geometry never changes: compute it once
            self._cover = {rc: self.windows_of(*rc) for rc in self.lost_inputs}
        touched: dict[Window, list] = {}
        for rc, windows in self._cover.items():
            if rc in self.known:
                continue
            for i, j, u, v in windows:
                w = weights[u][v]
                if w != 0:
                    touched.setdefault((i, j), []).append((w, rc))
        return touched
