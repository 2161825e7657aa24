"""Small linear programs for the minimality proof, solved by HiGHS through highspy.

The proof solves hundreds to thousands of programs of a few dozen rows each. Through
`scipy.optimize.linprog` each cost about 1.2 ms, most of it linprog's input checks and
wrapper; one `highspy.Highs` object handed each program as flat arrays costs about 0.25 ms
(the solve itself about 0.1 ms), and importing highspy takes 0.07 s against scipy.optimize's
0.4 s. Every program here is

    minimise cost · x   subject to   A x ≤ b,   x ≥ lower   (lower may be −inf),

and `solve` returns HiGHS's verdict with the solution and the rows' dual values.
Presolve is off: on programs this small it costs more than it saves, and the duals then
belong to the rows as written. The solver is highspy's `_Highs`, the C++ object itself:
its Python subclass `Highs` installs callbacks whose set-up prints HiGHS's banner on stdout
(inside examsolve's own output, JSON included) before any option can silence it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Solution:
    status: str  # "optimal", "infeasible", or HiGHS's word for anything else
    x: np.ndarray | None
    duals: np.ndarray | None  # one per row of A (≤ 0 for a binding ≤ row when minimising)
    objective: float | None


class Programs:
    """One HiGHS solver re-used for every program of a proof (module docstring)."""

    def __init__(self) -> None:
        import highspy  # about 0.07 s to import: only when a program is due

        self._highspy = highspy
        self._highs = highspy._Highs()  # the bare solver: see the module docstring
        self._highs.setOptionValue("output_flag", False)
        self._highs.setOptionValue("presolve", "off")
        self.solved = 0

    def solve(self, cost: np.ndarray, A: np.ndarray, b: np.ndarray,
              lower: np.ndarray) -> Solution:
        """min cost·x subject to A x ≤ b and x ≥ lower (module docstring)."""
        hs = self._highspy
        rows, cols = A.shape
        # Column-wise sparse form: the nonzeros of Aᵀ, column by column.
        col, row = np.nonzero(A.T)
        start = np.searchsorted(col, np.arange(cols + 1)).astype(np.int32)
        inf = hs.kHighsInf
        self._highs.passModel(
            cols, rows, len(col), int(hs.MatrixFormat.kColwise),
            int(hs.ObjSense.kMinimize), 0.0,
            np.asarray(cost, dtype=float), np.where(np.isfinite(lower), lower, -inf),
            np.full(cols, inf), np.full(rows, -inf), np.asarray(b, dtype=float),
            start, row.astype(np.int32), A.T[col, row].astype(float),
            np.zeros(cols, dtype=np.int32))
        self._highs.run()
        self.solved += 1
        status = self._highs.getModelStatus()
        if status == hs.HighsModelStatus.kOptimal:
            solution = self._highs.getSolution()
            return Solution("optimal", np.array(solution.col_value),
                            np.array(solution.row_dual),
                            self._highs.getInfo().objective_function_value)
        if status == hs.HighsModelStatus.kInfeasible:
            return Solution("infeasible", None, None, None)
        return Solution(self._highs.modelStatusToString(status).lower(), None, None, None)
