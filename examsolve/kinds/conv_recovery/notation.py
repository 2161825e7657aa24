"""How conv-recovery writes its symbols, window sums and messages.

One notation throughout, the answer keys': a lost input is written by its position X[4,1],
a window by the output it produces, Y[3,1], in equations, prose and answers alike (no
subscripts, so X[12,3] reads as plainly as X[4,1]). A window sum is written weight·input tap
by tap as a model answer substitutes numbers, padding taps included as `w·0`:
`1·3 + 1·(−1) + 2·X[4,1] + 2·0 − 1`. Indices follow the spec's `indexing`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Hashable, Iterable

import numpy as np

from examsolve.derivation import Part
from examsolve.mathmodel import (SUMMARY_EDGE, SUMMARY_THRESHOLD, Ellipsis_, Expr, Mul, Num, Sym,
                                 Text,
                                 add, eq, mat, mul, rel)
from examsolve.numbers import format_number
from examsolve.kinds.conv_recovery.spec import ConvSpec
from examsolve.kinds.conv_recovery.system import ConvSystem

Atom = Hashable
# A window sum with more terms is written elided. A 3×3 kernel plus its bias (10 terms) is
# always in full: the docs promise every number substituted, and a short sum has room.
MAX_FULL_TERMS = 10


def _left_out(count: int) -> Expr:
    """The words standing for `count` terms of a sum that are not written out."""
    return Text(f"({count} more term{'s' if count > 1 else ''})")


class Notation:
    """Symbols and keys for one problem."""

    def __init__(self, spec: ConvSpec, system: ConvSystem) -> None:
        self.spec, self.system = spec, system

    # ---- symbols and keys ---------------------------------------------------------------
    def symbol(self, atom: Atom) -> Expr:
        if isinstance(atom, str):
            return Sym(atom)
        if len(atom) == 2:  # type: ignore[arg-type]
            return Sym(self.spec.input_key(*atom))  # type: ignore[misc]
        name, r, c = atom  # type: ignore[misc]
        return Mul((Sym(name), Sym(self.spec.input_key(r, c))), "·")

    def window_sum(self, window: tuple[int, int], found_as_symbols: bool = False
                   ) -> Expr | None:
        """The window's sum tap by tap: in full up to MAX_FULL_TERMS terms, else elided in
        the model (its first two and last two terms and every unknown one, each gap saying
        how many terms it leaves out: `(5 more terms)`); None when even that keeps more
        than MAX_FULL_TERMS terms. How long a line may be is each printer's business."""
        terms, open_terms = self._sum_terms(window, found_as_symbols)
        if len(terms) > MAX_FULL_TERMS:
            keep = {0, 1, len(terms) - 2, len(terms) - 1} | open_terms
            if len(keep) > MAX_FULL_TERMS:
                return None
            kept: list[Expr] = []
            gap = 0
            for k, term in enumerate(terms):
                if k not in keep:
                    gap += 1
                    continue
                if gap:
                    kept.append(_left_out(gap))
                    gap = 0
                kept.append(term)
            terms = kept
        return terms[0] if len(terms) == 1 else add(*terms)

    def uses_found(self, window: tuple[int, int]) -> bool:
        """Whether the window covers a lost input that has been found since."""
        sysm = self.system
        return any(self.spec.x[r][c] is None and (r, c) in sysm.known
                   for _u, _v, r, c in sysm.taps(*window))

    def window_relation(self, window: tuple[int, int], *rest: object) -> Expr:
        """`Y = Σ W·X + b = rest…` as one relation (printers break it where their medium
        needs). A window covering lost inputs found earlier first names them (`3·X[2]`),
        then substitutes their values (`3·1`), so no value is used silently. The tap-by-tap
        sum is left out when even its elided form is too long."""
        items: list[object] = [self.out_symbol(window)]
        sums = []
        if self.uses_found(window):
            sums.append(self.window_sum(window, found_as_symbols=True))
        sums.append(self.window_sum(window))
        for piece in [*sums, *rest]:
            if piece is not None:
                items += ["=", piece]
        return items[0] if len(items) == 1 else rel(*items)  # type: ignore[return-value,arg-type]

    def key(self, atom: Atom) -> str:
        """The answer key (`e`, `X[4,1]`) of an atom; `e·X[1,1]` for a product."""
        if isinstance(atom, str):
            return atom
        if len(atom) == 2:  # type: ignore[arg-type]
            return self.spec.input_key(*atom)  # type: ignore[misc]
        name, r, c = atom  # type: ignore[misc]
        return f"{name}·{self.spec.input_key(r, c)}"

    def out_symbol(self, window: tuple[int, int]) -> Sym:
        return Sym(self.spec.output_key(*window))

    def window_name(self, window: tuple[int, int]) -> str:
        return self.spec.output_key(*window)

    def windows_text(self, windows: Iterable[tuple[int, int]], limit: int = 8) -> str:
        ws = sorted(windows)
        return _listed([self.window_name(w) for w in ws[:limit]], len(ws))

    def keys_text(self, atoms: Iterable[Atom], limit: int = 8) -> str:
        atoms = list(atoms)
        return _listed([self.key(a) for a in atoms[:limit]], len(atoms))

    def windows_math(self, windows: Iterable[tuple[int, int]], limit: int = 8
                     ) -> tuple[Part, ...]:
        """The windows as prose parts, each its output's symbol: `Y[2,1], Y[2,3] and Y[3,2]`."""
        ws = sorted(windows)
        return listed([self.out_symbol(w) for w in ws[:limit]], len(ws))

    def keys_math(self, atoms: Iterable[Atom], limit: int = 8) -> tuple[Part, ...]:
        """Parameters and lost inputs as prose parts, each its symbol: `e, f and X[4,1]`."""
        atoms = list(atoms)
        return listed([self.symbol(a) for a in atoms[:limit]], len(atoms))

    def relation_text(self, terms: dict[Atom, Fraction], rhs: Fraction) -> str:
        """`X[1,1] + X[1,2] = 2` in answer-key notation (for warnings)."""
        out = ""
        for atom, c in sorted(terms.items(), key=lambda t: self.system.order(t[0])):
            mag = abs(c)
            body = self.key(atom) if mag == 1 else f"{format_number(mag)}·{self.key(atom)}"
            if not out:
                out = ("-" if c < 0 else "") + body
            else:
                out += (" - " if c < 0 else " + ") + body
        return f"{out} = {format_number(rhs)}"

    # ---- window sums --------------------------------------------------------------------
    def _sum_terms(self, window: tuple[int, int], found_as_symbols: bool
                   ) -> tuple[list[Expr], set[int]]:
        """Σ W·X + b tap by tap, with what is known substituted, and which terms hold an
        unknown. Padding taps are written `w·0`, so every window shows all its kernel taps;
        `found_as_symbols` keeps the lost inputs found so far as names (X[2])."""
        sysm, spec = self.system, self.spec
        terms: list[Expr] = []
        open_terms: set[int] = set()
        for k, (u, v, r, c) in enumerate(sysm.window_taps(*window)):
            w = sysm.weight(u, v)
            inside = 0 <= r < sysm.h and 0 <= c < sysm.w
            x = sysm.input(r, c) if inside else Fraction(0)
            named = x is None or (found_as_symbols and inside and spec.x[r][c] is None)
            wx = Sym(w) if isinstance(w, str) else Num(w)
            terms.append(Mul((wx, self.symbol((r, c)) if named else Num(x)), "·"))
            if named or isinstance(w, str):
                open_terms.add(k)
        b = sysm.bias()
        if isinstance(b, str) or b != 0 or not terms:
            terms.append(Sym(b) if isinstance(b, str) else Num(b))
        return terms, open_terms

    # ---- matrices -----------------------------------------------------------------------
    def input_matrix(self) -> Expr:
        return self._grid(self.spec.x, lambda r, c: self.symbol((r, c)))

    def output_matrix(self) -> Expr:
        return self._grid(self.spec.y, lambda i, j: self.out_symbol((i, j)))

    def kernel_matrix(self, values: bool = False) -> Expr:
        sysm = self.system
        rows = [[sysm.weight(u, v) if values else self.spec.kernel[u][v]
                 for v in range(sysm.kw)] for u in range(sysm.kh)]
        return self._mat([[Sym(w) if isinstance(w, str) else w for w in row] for row in rows])

    def _grid(self, grid, lost) -> Expr:  # type: ignore[no-untyped-def]
        # Only the entries a summarised matrix keeps are turned into symbols.
        keep_r, keep_c = _kept(len(grid)), _kept(len(grid[0]))
        arr = np.empty((len(grid), len(grid[0])), dtype=object)
        arr[:] = 0
        for r in keep_r:
            for c in keep_c:
                v = grid[r][c]
                arr[r, c] = lost(r, c) if v is None else v
        return self._mat(arr.tolist() if self.spec.one_d else arr)

    def _mat(self, rows: list[list]) -> Expr:
        """A row vector for a 1-D problem, else a matrix (big ones summarised, as numpy)."""
        return mat([rows[0]] if self.spec.one_d else rows)


    # ---- the layer's formula ------------------------------------------------------------
    def formula(self) -> Expr:
        """Y[i,j] = Σ_{u,v} W[u,v] X[…] + b in the spec's indexing, stride and padding."""
        s, (ph, pw), base = self.spec.stride, self.spec.padding, self.spec.common.indexing
        b = self.spec.bias
        bias = Sym(b) if isinstance(b, str) else Num(b)
        if self.spec.one_d:
            body = mul(Sym("Σ", "u"), Sym("W[u]"), Sym(f"X[{_index('i', 'u', s, pw, base)}]"),
                       op=" ")
            left = Sym("Y[i]")
        else:
            row, col = _index("i", "u", s, ph, base), _index("j", "v", s, pw, base)
            body = mul(Sym("Σ", "u,v"), Sym("W[u,v]"), Sym(f"X[{row}, {col}]"), op=" ")
            left = Sym("Y[i,j]")
        return eq(left, add(body, bias) if not (isinstance(b, Fraction) and b == 0) else body)


def _index(out: str, tap: str, stride: int, pad: int, base: int) -> str:
    """The input index of output `out` through tap `tap`: s(i−1) + u − p with 1-based
    indices (written s·i + u − (s + p)), s·i + u − p with 0-based ones."""
    offset = stride + pad if base == 1 else pad
    text = f"{'' if stride == 1 else stride}{out}+{tap}"
    if offset > 0:
        text += f"−{offset}"
    return text


def join_words(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def listed(items: list[Expr], total: int | None = None) -> tuple[Part, ...]:
    """Math items as prose parts, `a, b and c`, or `a, b, c and 5 more` when only the first
    few of `total` are named."""
    total = len(items) if total is None else total
    out: list[Part] = []
    for k, item in enumerate(items):
        if k:
            out.append(", " if k < len(items) - 1 or total > len(items) else " and ")
        out.append(item)
    if total > len(items):
        out.append(f" and {total - len(items):,} more")
    return tuple(out)


def _listed(names: list[str], total: int) -> str:
    """`a, b and c`, or `a, b, c and 5 more` when only the first few are named."""
    if total > len(names):
        return ", ".join(names) + f" and {total - len(names)} more"
    return join_words(names)


def number_text(value: Fraction) -> str:
    return format_number(value).replace("-", "−")


def _kept(n: int) -> list[int]:
    """The indices mat() shows of a dimension of length n (numpy-style summary)."""
    if n <= SUMMARY_THRESHOLD:
        return list(range(n))
    return [*range(SUMMARY_EDGE), *range(n - SUMMARY_EDGE, n)]
