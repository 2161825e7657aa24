"""Issue 17 item 4 (and item 24's `\\hat y\\_i`): a warning holds text and math parts like a
paragraph, so every document format typesets its math; its plain text (JSON, the terminal)
is the linear form. Checked on problem 5's ReLU'(0) warning and on every spec's warnings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examsolve.cli import app
from examsolve.derivation import DerivationBuilder, WarningText
from examsolve.mathmodel import Deriv, Sym

ROOT = Path(__file__).resolve().parents[2]
PROBLEMS = sorted((ROOT / "problems").glob("*.yaml"))
runner = CliRunner()


def run(path: Path | str, fmt: str) -> str:
    result = runner.invoke(app, ["run", str(path), "-f", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_warning_is_its_plain_text_and_keeps_its_math():
    b = DerivationBuilder("k", "t")
    b.warn(Deriv(Sym("L"), Sym("w", "1")), " assumes ", Sym("x"), " = 0")
    b.warn(Deriv(Sym("L"), Sym("w", "1")), " assumes ", Sym("x"), " = 0")  # once only
    b.warn("plain words")
    (math, words) = b.build().warnings
    assert isinstance(math, WarningText) and math == "∂L/∂w₁ assumes x = 0"
    assert isinstance(math.parts[0], Deriv) and words == "plain words"


def test_problem_5s_relu_warning_is_math_in_every_format():
    spec = ROOT / "problems" / "5-backprop-conv1d.yaml"
    tex = next(ln for ln in run(spec, "latex").splitlines() if "Warning." in ln)
    assert tex == (r"\noindent\textbf{Warning.} \(\frac{\partial L}{\partial w_{1}}\) and "
                   r"\(\frac{\partial L}{\partial b_{1}}\) assume "
                   r"\(\operatorname{ReLU}'(0) = 0\); with \(\operatorname{ReLU}'(0) = 1\) they "
                   r"are [0, 2, 0] and \(1\) (step 4).\par")
    md = next(ln for ln in run(spec, "markdown").splitlines() if "Warning" in ln)
    assert md.startswith(r"> **Warning:** $\frac{\partial L}{\partial w_{1}}$ and ")
    html = next(ln for ln in run(spec, "html").splitlines() if 'class="warning"><strong>' in ln)
    assert html.count("<math") == 5 and "∂L/∂" not in html  # two ∂L/∂…, two ReLU′(0), 1
    doc = json.loads(run(spec, "json"))
    assert doc["warnings"] == ["∂L/∂w₁ and ∂L/∂b₁ assume ReLU'(0) = 0; with ReLU'(0) = 1 "
                               "they are [0, 2, 0] and 1 (step 4)."]
    assert "⚠ ∂L/∂w₁ and ∂L/∂b₁ assume ReLU'(0) = 0" in run(spec, "rich")


def test_a_word_subscript_in_a_warning_is_a_subscript_not_an_underscore(tmp_path):
    """The LaTeX `w\\_in` (`\\hat y\\_i` in the issue) came from a name's plain text."""
    spec = tmp_path / "s.yaml"
    spec.write_text("kind: backprop\ntitle: t\ngiven: {w_in: 0, x: 0, t: 3}\nmodel:\n"
                    "  - ŷ_i = relu(w_in + x)\n  - L = (ŷ_i - t)**2\nloss: L\nwrt: [w_in]\n",
                    encoding="utf-8")
    tex = next(ln for ln in run(spec, "latex").splitlines() if "Warning." in ln)
    assert r"\frac{\partial L}{\partial w_{in}}" in tex and r"\_" not in tex
    assert r"\(-6\)" in tex  # ∂L/∂w_in with ReLU'(0) = 1: 2·(0 − 3)·1, a number as math


# Math spelt in text mode: a Unicode symbol LaTeX maps to \ensuremath, a sub- or superscript
MATH_AS_TEXT = re.compile(r"\\ensuremath|\\textsub|\\textsuper|\\_")


@pytest.mark.parametrize("spec", PROBLEMS, ids=[p.name for p in PROBLEMS])
def test_every_specs_warnings_read_correctly_in_latex_markdown_and_html(spec):
    tex = [ln for ln in run(spec, "latex").splitlines() if ln.startswith(r"\noindent\textbf{Warn")]
    for line in tex:
        assert not MATH_AS_TEXT.search(line), line
    md = [ln for ln in run(spec, "markdown").splitlines() if ln.startswith("> **Warning:**")]
    html = [ln for ln in run(spec, "html").splitlines() if 'class="warning"><strong>' in ln]
    assert len(tex) == len(md) == len(html)
    for line in md + html:
        assert not re.search(r"[∂²₁₂ᵢ]", line), line  # math symbols only inside math
