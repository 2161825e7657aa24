"""--format html: a standalone page, MathML, no JavaScript, nothing fetched; and (where the
OS has Chromium) the page rendered headless: every equation a <math>, a non-blank screenshot."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

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


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="no Chromium here (apt-get install -y chromium)")
def test_headless_chromium_renders_problem_3(tmp_path):
    page = tmp_path / "p3.html"
    CliRunner().invoke(app, ["run", str(ROOT / "problems/3-backprop-two-headed.yaml"),
                             "-o", str(page)])
    shot = tmp_path / "p3.png"
    base = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
            "--window-size=412,900"]
    subprocess.run([*base, f"--screenshot={shot}", page.as_uri()], capture_output=True,
                   timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 10_000
    dom = subprocess.run([*base, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120, check=False).stdout
    assert dom.count("<math") >= 30
    from matplotlib.image import imread

    pixels = imread(shot)
    assert pixels.std() > 0.05  # not blank
