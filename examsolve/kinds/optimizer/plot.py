"""The loss over the steps as a chart: a text picture for the terminal and a Chart that
`examsolve run SPEC -o loss.svg` draws (log axis, as every examsolve chart)."""

from __future__ import annotations

import math

from examsolve.chart import Chart, Series

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
