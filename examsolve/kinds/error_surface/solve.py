"""Orchestration of the error-surface kind: f → ∇f = 0 → the Hessian test → the minimum →
f, ∇f and H at `at` → gradient descent's learning rates. sympy is imported by the math
modules, which only this module imports, so `examsolve kinds`/`list` never load it."""

from __future__ import annotations

import sympy

from examsolve.derivation import Derivation, DerivationBuilder
from examsolve.kinds.error_surface import descent, narration
from examsolve.kinds.error_surface.boundedness import boundedness
from examsolve.kinds.error_surface.curvature import curvature, curvature_at, hessian
from examsolve.kinds.error_surface.picture import surface_chart
from examsolve.kinds.error_surface.spec import ErrorSurfaceSpec
from examsolve.kinds.error_surface.stationary import stationary_points, symbols, to_sympy


def solve(spec: ErrorSurfaceSpec) -> Derivation:
    common = spec.common
    d = DerivationBuilder("error-surface", common.title, common.statement, common.source)
    gens = symbols(spec.names)
    poly = to_sympy(spec.f, gens)
    grad = [poly.diff(g) for g in gens]
    h = hessian(poly, gens)
    found = stationary_points(spec.f, gens)
    tests = [curvature_at(h, gens, p) for p in found.points]
    bound = boundedness(spec.f, gens, h, bool(found.points) or not found.isolated)

    narration.surface_step(d, spec)
    narration.gradient_step(d, spec, gens, grad)
    narration.stationary_step(d, spec, gens, found)
    if found.points:
        narration.test_step(d, spec, gens, h, found, tests)
    winners = narration.minimum_step(d, spec, gens, found, tests, bound)
    minimum = d.last_step()
    if spec.at is not None:
        descent.at_step(d, spec)
    local = _analysed_hessian(spec, gens, h, found, tests, winners)
    path = None
    if local is not None:
        path = descent.rates_step(d, spec, gens, grad, local)
    else:
        narration.no_rates(d)
    chart = surface_chart(spec, gens, poly.as_expr(), found.points, [t.kind for t in tests],
                          path)
    if chart is not None:  # no text form: documents written to files draw it
        minimum.figure("", chart=chart)
    return d.build()


def _analysed_hessian(spec, gens, h, found, tests, winners):
    """(where, Curvature, point) of the learning-rate analysis: the constant Hessian of a
    quadratic, else H at `at`, else H at the minimiser (several minimisers: when they share
    one Hessian); None when there is none of these."""
    if spec.f.degree <= 2:
        return "constant", curvature(h.applyfunc(sympy.expand)), None
    if spec.at is not None:
        point = tuple(sympy.Rational(c.numerator, c.denominator) for c in spec.at)
        return "at", curvature_at(h, gens, point), point
    minima = [k for k in winners if tests[k].kind == "minimum"]
    if minima and all(tests[k].hessian == tests[minima[0]].hessian for k in minima):
        k = minima[0]
        return ("minimiser" if len(minima) == 1 else "minimisers"), tests[k], found.points[k]
    return None
