"""--format html: a standalone page, MathML, no JavaScript, nothing fetched; and (where the
OS has Chromium) the page loaded headless over the DevTools protocol (tests/devtools.py): no
error or warning in its console, every equation a <math> that Chromium lays out, a non-blank
screenshot."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from devtools import chromium, open_page
from examsolve.cli import app

ROOT = Path(__file__).resolve().parents[2]
PROBLEMS = sorted((ROOT / "problems").glob("*.yaml"))


@pytest.mark.parametrize("spec", PROBLEMS, ids=lambda p: p.name)
def test_every_problem_renders_standalone(spec):
    result = CliRunner().invoke(app, ["run", str(spec), "--format", "html"])
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page.lower()
    # Nothing fetched: no external stylesheet, image or font (SVG namespaces are not fetches).
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert 'name="viewport"' in page  # readable on a phone
    assert "$" not in re.sub(r"<math.*?</math>|<pre.*?</pre>|<svg.*?</svg>", "", page,
                             flags=re.S)  # no LaTeX left untypeset


def test_equations_are_mathml():
    result = CliRunner().invoke(app, ["run", str(ROOT / "problems/3-backprop-two-headed.yaml"),
                                      "-f", "html"])
    page = result.stdout
    assert page.count('<div class="display"><math') == page.count('<div class="display">')
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in page


def test_a_chart_is_inline_svg(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "curve.html"
    result = CliRunner().invoke(app, ["run", str(ROOT / "problems/6-complexity-curve.yaml"),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "<figure><svg" in out.read_text(encoding="utf-8")


@pytest.mark.skipif(chromium() is None, reason="no Chromium here (apt-get install -y chromium)")
def test_the_devtools_harness_sees_console_errors(tmp_path):
    """The console check can fail: a page that logs an error, throws and links a missing
    image shows all three."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><body><script>console.error("boom");</script>'
                    '<script>throw new Error("thrown")</script><img src="missing.png">'
                    "</body></html>", encoding="utf-8")
    problems = open_page(page.as_uri()).problems()
    assert any("console.error: boom" in p for p in problems), problems
    assert any("thrown" in p for p in problems), problems
    assert any("missing.png" in p for p in problems), problems


EVERY_DISPLAY_IS_MATH = ("[...document.querySelectorAll('div.display')].every("
                         "d => d.children.length === 1 && d.firstElementChild.localName === "
                         "'math')")
MATH_COUNT = "document.querySelectorAll('math').length"
MATH_DRAWN = ("[...document.querySelectorAll('math')].every("
              "m => m.getBoundingClientRect().height > 0 && m.getBoundingClientRect().width > 0)")
TEXT = "document.body.innerText"


@pytest.mark.skipif(chromium() is None, reason="no Chromium here (apt-get install -y chromium)")
def test_headless_chromium_renders_problem_3(tmp_path):
    page = tmp_path / "p3.html"
    result = CliRunner().invoke(app, ["run", str(ROOT / "problems/3-backprop-two-headed.yaml"),
                                      "-o", str(page)])
    assert result.exit_code == 0, result.stderr
    shown = open_page(page.as_uri(), (EVERY_DISPLAY_IS_MATH, MATH_COUNT, MATH_DRAWN, TEXT))
    assert shown.problems() == []  # no error or warning in the console
    assert shown.values[EVERY_DISPLAY_IS_MATH] is True  # every equation is a <math>
    assert shown.values[MATH_COUNT] >= 30
    assert shown.values[MATH_DRAWN] is True  # Chromium lays every one out (MathML Core)
    assert "\\frac" not in shown.values[TEXT] and "$" not in shown.values[TEXT]
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(shown.screenshot), format="png")
    assert pixels.shape[0] >= 900 and pixels.shape[1] >= 412
    assert pixels.std() > 0.05  # not blank
