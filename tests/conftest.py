"""Test-wide settings, and the small helpers many test files share (defined once here).

Under CI (CI=true) hypothesis runs derandomized: the same examples on every run, so a
submission's result does not depend on luck. Locally it explores new examples each run.

The helpers are plain functions (`from conftest import solve_text`), because hypothesis
tests call them inside `@given` bodies and module-level helpers; each is also a
session-scoped fixture of the same name for tests that prefer fixtures.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import settings

from examsolve.derivation import Derivation
from examsolve.problem import load_string, solve

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def solve_text(text: str, file: str = "t.yaml") -> Derivation:
    """Load a spec written in the test as `file` and solve it."""
    return solve(load_string(text, file))


def all_text(derivation: Derivation, heading: str | None = None) -> str:
    """The text of every block (prose, equations) as JSON carries it, one per line.

    Only the steps headed `heading` when it is given.
    """
    from examsolve.render.json_render import to_json

    doc = to_json(derivation, "p")
    return "\n".join(b.get("text", "") for s in doc["steps"] for b in s["blocks"]
                     if heading is None or s["heading"] == heading)


def json_text(derivation: Derivation) -> str:
    """The whole derivation as its JSON document, one string (answers and warnings too)."""
    from examsolve.render.json_render import to_json

    return json.dumps(to_json(derivation, "x"), ensure_ascii=False)


@pytest.fixture(name="solve_text", scope="session")
def _solve_text_fixture():
    return solve_text


@pytest.fixture(name="all_text", scope="session")
def _all_text_fixture():
    return all_text


@pytest.fixture(name="json_text", scope="session")
def _json_text_fixture():
    return json_text


def colour_reader(chart):  # type: ignore[no-untyped-def]
    """Draw a chart alone on matplotlib's Agg canvas (5×5 inches at 100 dpi) and return
    colour_at(x, y): the RGB drawn at data point (x, y), found through the axes' own
    transform (matplotlib's, not examsolve's)."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    from examsolve.render.figure import draw

    fig = MplFigure(figsize=(5, 5), dpi=100)
    canvas = FigureCanvasAgg(fig)
    axes = fig.subplots()
    draw(axes, chart)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[..., :3].astype(int)
    height = pixels.shape[0]

    def colour_at(x: float, y: float):  # type: ignore[no-untyped-def]
        px, py = axes.transData.transform((x, y))
        return pixels[height - 1 - int(round(py)), int(round(px))]
    return colour_at


def rgb(hex_colour: str):  # type: ignore[no-untyped-def]
    """'#rrggbb' as an integer RGB array."""
    import numpy as np

    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
