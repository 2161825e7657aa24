"""Gradient descent on a quadratic: the learning rates that matter, and a few steps.

On f(p) = f(p*) + ½ (p − p*)ᵀ H (p − p*), one step p ← p − η∇f(p) multiplies the error
e = p − p* by I − ηH, so along the eigenvector of each eigenvalue λ it is multiplied by
1 − ηλ. Hence, with λ_max the largest and λ_min the smallest positive eigenvalue:
- η = 1/λ_max makes that factor 0 along the steepest direction (one step reaches the
  minimum there; in 1-D, everywhere): many keys call it "optimal";
- η = 2/(λ_min + λ_max) minimises max_i |1 − ηλ_i|, the worst factor over all directions:
  the fastest uniform rate in n-D, with factor (λ_max − λ_min)/(λ_max + λ_min);
- GD converges iff every |1 − ηλ_i| < 1, i.e. η < 2/λ_max: monotonically for η ≤ 1/λ_max,
  flipping sign along the steepest direction for 1/λ_max < η < 2/λ_max, bouncing between
  two points at η = 2/λ_max, and diverging above.
Zero or negative eigenvalues get no factor below 1 from any η (|1 − η·0| = 1, |1 − ηλ| > 1
for λ < 0): the analysis is over the positive ones, and the derivation says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

MONOTONE, OSCILLATING, BOUNDED_REGIME, DIVERGES = "monotone", "oscillating", "bounded", "diverges"


@dataclass(frozen=True)
class Rates:
    n: int  # dimension of the surface (1: lr_opt is 1/λ)
    lam_min: sympy.Expr
    lam_max: sympy.Expr

    @property
    def one_step(self) -> sympy.Expr:
        return sympy.nsimplify(1 / self.lam_max) if self.lam_max.is_Rational else \
            sympy.radsimp(1 / self.lam_max)

    @property
    def limit(self) -> sympy.Expr:
        return sympy.radsimp(2 / self.lam_max)

    @property
    def uniform(self) -> sympy.Expr:
        return sympy.radsimp(2 / (self.lam_min + self.lam_max))

    @property
    def optimal(self) -> sympy.Expr:
        """lr_opt: 1/λ in 1-D, 2/(λ_min + λ_max) in n-D."""
        return self.one_step if self.n == 1 else self.uniform

    @property
    def uniform_factor(self) -> sympy.Expr:
        return sympy.radsimp((self.lam_max - self.lam_min) / (self.lam_max + self.lam_min))


def regime(rates: Rates, lr: sympy.Rational) -> str:
    """Which of the four behaviours η gives along the steepest direction."""
    if _le(lr, rates.one_step):
        return MONOTONE
    if _lt(lr, rates.limit):
        return OSCILLATING
    if sympy.simplify(lr - rates.limit) == 0:
        return BOUNDED_REGIME
    return DIVERGES


def factor(lr: sympy.Expr, lam: sympy.Expr) -> sympy.Expr:
    """1 − ηλ, what one step multiplies the error along λ's eigenvector by."""
    return sympy.radsimp(sympy.expand(1 - lr * lam))


def gd_steps(grad: list[sympy.Poly], gens, start: tuple[sympy.Expr, ...], lr: sympy.Expr,
             steps: int = 2) -> list[tuple[tuple[sympy.Expr, ...], tuple[sympy.Expr, ...]]]:
    """[(p_t, ∇f(p_t))] for t = 0 … steps (exact: a rational start and η stay rational)."""
    out = []
    p = tuple(start)
    for _ in range(steps + 1):
        g = tuple(sympy.expand(gi.as_expr().subs(dict(zip(gens, p)), simultaneous=True))
                  for gi in grad)
        out.append((p, g))
        p = tuple(sympy.expand(pi - lr * gi) for pi, gi in zip(p, g))
    return out


def _lt(a: sympy.Expr, b: sympy.Expr) -> bool:
    return bool(sympy.N(a - b, 50) < 0) and sympy.simplify(a - b) != 0


def _le(a: sympy.Expr, b: sympy.Expr) -> bool:
    return sympy.simplify(a - b) == 0 or bool(sympy.N(a - b, 50) < 0)
