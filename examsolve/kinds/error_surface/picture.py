"""The error surface as a `Surface` chart (examsolve/chart.py): f over a box around its
stationary points — a curve for one parameter, contours for two — with every stationary
point marked by its type (★ minimum, ▲ maximum, × saddle, ◆ undecided), the given point,
and the two steps of gradient descent the derivation takes with `lr`.

The box spans the stationary points, the given point and the steps, widened by a quarter of its size
(at least 1 each way), so every marked point is inside with room around it. f is evaluated
in floats on 401 samples (one parameter) or 81 × 81 (two): a picture, not an answer.
Functions of three or more parameters have no picture.
"""

from __future__ import annotations

import numpy as np
import sympy

from examsolve.chart import Marked, Surface
from examsolve.numbers import format_number
from examsolve.kinds.error_surface.curvature import MAXIMUM, MINIMUM, SADDLE, UNDECIDED

GLYPHS = {MINIMUM: ("★", "minimum"), MAXIMUM: ("▲", "maximum"), SADDLE: ("×", "saddle point"),
          UNDECIDED: ("◆", "undecided (singular Hessian)")}


def _span(values: list[float]) -> tuple[float, float]:
    lo, hi = (min(values), max(values)) if values else (-1.0, 1.0)
    pad = max((hi - lo) / 4, 1.0)
    return lo - pad, hi + pad


def surface_chart(spec, gens: tuple[sympy.Symbol, ...], poly: sympy.Expr, points: tuple,
                  kinds: list[str], path: list | None = None) -> Surface | None:
    """f's curve or contours with the stationary `points` marked by their `kinds`, and the
    `path` of gradient descent's two steps with `lr` when they were taken."""
    n = len(gens)
    if n > 2:
        return None
    f = sympy.lambdify(gens, poly, "numpy")
    where = [tuple(float(c) for c in p) for p in points]
    given = [tuple(float(c) for c in spec.at)] if spec.at is not None else []
    steps = [tuple(float(c) for c in p) for p in path or ()]
    spans = [_span([p[i] for p in where + given + steps]) for i in range(n)]
    walked = f"gradient descent, η = {format_number(spec.lr)}" if steps else ""
    groups = []
    for kind, (glyph, label) in GLYPHS.items():
        chosen = [p for p, k in zip(where, kinds) if k == kind]
        if chosen:
            groups.append((label, glyph, chosen))
    if given:
        groups.append(("the given point", "■", given))
    if n == 1:
        xs = np.linspace(*spans[0], 401)
        values = np.broadcast_to(np.asarray(f(xs), dtype=float), xs.shape)
        marks = tuple(Marked(label, glyph, tuple((p[0], float(f(p[0]))) for p in chosen))
                      for label, glyph, chosen in groups)
        return Surface(f"f({spec.names[0]}) and its stationary points", spec.names[0],
                       f"f({spec.names[0]})", tuple(float(x) for x in xs),
                       tuple(float(v) for v in values), marks=marks,
                       path=tuple((p[0], float(f(p[0]))) for p in steps), path_label=walked)
    xs, ys = (np.linspace(*s, 81) for s in spans)
    grid = np.broadcast_to(np.asarray(f(*np.meshgrid(xs, ys)), dtype=float), (81, 81))
    marks = tuple(Marked(label, glyph, tuple(chosen)) for label, glyph, chosen in groups)
    name = f"f({', '.join(spec.names)})"
    return Surface(f"Contours of {name} and its stationary points", spec.names[0], name,
                   tuple(float(x) for x in xs),
                   tuple(tuple(float(v) for v in row) for row in grid),
                   ys=tuple(float(y) for y in ys), y_label=spec.names[1], marks=marks,
                   path=tuple(steps), path_label=walked)
