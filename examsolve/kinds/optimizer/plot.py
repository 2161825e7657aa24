"""The loss over the steps as a chart: a text picture for the terminal and a Chart that
`examsolve run SPEC -o loss.svg` draws (log axis, as every examsolve chart); and for one or
two single-number parameters the optimizer's path over the loss surface (a Surface, drawn in
documents and figure files only)."""

from __future__ import annotations

import math

import numpy as np

from examsolve.autodiff import engine as eng
from examsolve.autodiff import program
from examsolve.chart import Chart, Series, Surface

HEIGHT = 8
MAX_POINTS = 50  # a longer run is drawn at evenly spaced steps (the last one included)


def points(losses: list[float]) -> list[int]:
    """The step numbers drawn: all of them, or MAX_POINTS evenly spaced."""
    n = len(losses)
    if n <= MAX_POINTS:
        return list(range(n))
    return sorted({round(i * (n - 1) / (MAX_POINTS - 1)) for i in range(MAX_POINTS)})


def loss_chart(name: str, losses: list[float]) -> tuple[str, Chart] | None:
    """(text picture, chart) of positive finite losses at t = 0, 1, …; None otherwise."""
    if len(losses) < 3 or not all(v > 0 and math.isfinite(v) for v in losses):
        return None
    ts = points(losses)
    values = tuple(losses[t] for t in ts)
    chart = Chart(title=f"{name} over the steps", x=tuple(ts),
                  series=(Series(name, "o", values, whole=True),), x_label="step t",
                  y_label=name, decades=max(1.0, math.log10(max(values) / min(values)) + 0.2))
    low, high = chart.limits()
    rows = [[" "] * len(ts) for _ in range(HEIGHT)]
    for col, v in enumerate(values):
        level = (math.log10(v) - low) / (high - low) if high > low else 0.5
        row = HEIGHT - 1 - min(HEIGHT - 1, max(0, round(level * (HEIGHT - 1))))
        rows[row][col] = "o"
    top, bottom = f"{10 ** high:.3g}", f"{10 ** low:.3g}"
    width = max(len(top), len(bottom))
    lines = [(top if i == 0 else bottom if i == HEIGHT - 1 else "").rjust(width) + " │" +
             "".join(r) for i, r in enumerate(rows)]
    lines.append(" " * width + " └" + "─" * len(ts))
    lines.append(" " * width + f"  t = {ts[0]} … {ts[-1]}")
    return "\n".join(lines), chart


# ---- the path over the loss surface ----------------------------------------------------------

GRID_1D, GRID_2D = 101, 25  # forward passes cost ~0.3 ms each: a solve pays < 0.2 s
MAX_EVALUATIONS = 2_500  # forward passes for the surface (grid points × samples)


def path_chart(spec, run) -> Surface | None:  # type: ignore[no-untyped-def]
    """The iterates p_0, p_1, … over the loss as a function of the parameters: the curve
    L(p) for one single-number parameter, contours of L for two, each with the path the
    optimizer took; None for more parameters, for minibatches (each step's batch has a
    loss surface of its own), or when the surface would cost too many forward passes.

    The path's losses are the run's own (the derivation's table); the surface is the mean
    loss over all samples, evaluated in float64 at every grid point."""
    names = [name for name, _ in spec.parameters]
    if not 1 <= len(names) <= 2 or any(len(mx) * len(mx[0]) != 1 for _, mx in spec.parameters):
        return None
    if spec.data and spec.batch is not None and spec.batch < len(spec.data):
        return None
    size = GRID_1D if len(names) == 1 else GRID_2D * GRID_2D
    if size * max(1, len(spec.data)) > MAX_EVALUATIONS:
        return None
    path = [tuple(float(run.start[n][0, 0]) for n in names)] + \
        [tuple(float(step.after[n][0, 0]) for n in names) for step in run.steps]
    spans = [_span([p[i] for p in path]) for i in range(len(names))]
    losses = [float(step.loss) for step in run.steps] + \
        ([float(run.final_loss)] if run.final_loss is not None else [])
    if len(names) == 1:
        xs = np.linspace(*spans[0], GRID_1D)
        curve = tuple(mean_loss(spec, {names[0]: x}) for x in xs)
        shown = path[:len(losses)]
        return Surface(f"{spec.loss}({names[0]}) and the optimizer's path", names[0],
                       spec.loss, tuple(float(x) for x in xs), curve,
                       path=tuple((p[0], v) for p, v in zip(shown, losses)),
                       path_label=f"{names[0]} at t = 0 … {len(shown) - 1}")
    xs, ys = (np.linspace(*s, GRID_2D) for s in spans)
    grid = tuple(tuple(mean_loss(spec, {names[0]: x, names[1]: y}) for x in xs) for y in ys)
    return Surface(f"Contours of {spec.loss}({', '.join(names)}) and the optimizer's path",
                   names[0], spec.loss, tuple(float(x) for x in xs), grid,
                   ys=tuple(float(y) for y in ys), y_label=names[1], path=tuple(path),
                   path_label=f"({', '.join(names)}) at t = 0 … {len(path) - 1}")


def _span(values: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    pad = max((hi - lo) / 4, 0.5)
    return lo - pad, hi + pad


def mean_loss(spec, point: dict[str, float]) -> float:  # type: ignore[no-untyped-def]
    """The loss at parameter values `point` (single numbers), averaged over every sample,
    forward only, in float64; NaN where the model is undefined."""
    given = {name: program.to_float(mx) for name, mx in spec.given}
    params = {name: np.array([[value]]) for name, value in point.items()}
    leaves = tuple(given) + tuple(name for name, _ in (spec.data[0] if spec.data else ())) \
        + tuple(params)
    total = 0.0
    for sample in spec.data or ((),):
        values = {**given, **{n: program.to_float(mx) for n, mx in sample}, **params}
        try:
            ev = program.evaluate(leaves, spec.lines, values, eng.Context(exact=False))
        except (eng.DomainError, OverflowError, ValueError, ZeroDivisionError):
            return float("nan")
        total += float(ev.named[spec.loss].value[0, 0])
    return total / max(1, len(spec.data))
