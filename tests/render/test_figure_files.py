"""Figures in documents: `-o sheet.md` and `-o sheet.tex --standalone` draw every chart of
problems/ into `sheet_files/` and link it; stdout keeps the text pictures.

Oracles: the files are read back with parsers that know nothing of examsolve — the SVG with
xml.etree, the PDF by its header and by pdflatex including it — and each document's links
are matched against the files on disk. What must be drawn is counted from the derivations'
Figure blocks (one image per charted figure, in document order). The whole folder goes
through one run per format, so the figures are drawn once.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examsolve.cli import app
from examsolve.derivation import Figure
from examsolve.problem import load, solve, spec_files
from examsolve.questions import sheet
from examsolve.render.figure_files import folder_for, slug

from test_render_latex import pdflatex_reason

PROBLEMS = Path(__file__).resolve().parents[2] / "problems"
runner = CliRunner()
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")
_TEX_IMAGE = re.compile(r"\\includegraphics\[[^\]]*\]\{([^}]+)\}")


def charted(derivation) -> list[str]:
    return [b.chart.title for s in derivation.steps for b in s.blocks
            if isinstance(b, Figure) and b.chart is not None]


@pytest.fixture(scope="module")
def expected_titles():
    """(solution charts, question-sheet charts) of problems/, in file order."""
    solutions, questions = [], []
    for file in spec_files([PROBLEMS]):
        problem = load(file)
        solutions += charted(solve(problem))
        questions += charted(sheet(problem))
    return solutions, questions


def written(tmp_path: Path, name: str, *options: str) -> tuple[str, Path]:
    out = tmp_path / name
    result = runner.invoke(app, ["run", str(PROBLEMS), "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8"), out


def check_links(links: list[str], document: Path, titles: list[str], suffix: str) -> None:
    """One link per charted figure, numbered in order, each to a valid file beside the
    document; the folder holds nothing else of that type."""
    assert len(links) == len(titles)
    folder = folder_for(document)
    for n, (link, title) in enumerate(zip(links, titles), 1):
        assert link == f"{folder.name}/{n}-{slug(title)}{suffix}"
        data = (document.parent / link).read_bytes()
        if suffix == ".svg":
            root = ET.fromstring(data)
            assert root.tag == "{http://www.w3.org/2000/svg}svg"
        else:
            assert data.startswith(b"%PDF-")
    assert sorted(p.name for p in folder.glob(f"*{suffix}")) == \
        sorted(Path(link).name for link in links)


def test_markdown_file_links_svg_images(tmp_path, expected_titles):
    solutions, _ = expected_titles
    assert solutions, "problems/ has charted figures"
    text, out = written(tmp_path, "sheet.md")
    check_links(_MD_IMAGE.findall(text), out, solutions, ".svg")
    # Written to stdout the same document keeps its text pictures and writes no files.
    result = runner.invoke(app, ["run", str(PROBLEMS / "6-complexity-curve.yaml"),
                                 "--format", "markdown"])
    assert result.exit_code == 0 and "```text" in result.output and "![" not in result.output


def test_questions_sheet_links_its_own_figures(tmp_path, expected_titles):
    _, questions = expected_titles
    text, out = written(tmp_path, "questions.md", "--questions")
    check_links(_MD_IMAGE.findall(text), out, questions, ".svg")


@pytest.mark.skipif(pdflatex_reason() is not None, reason=str(pdflatex_reason()))
def test_standalone_latex_includes_pdf_figures_and_compiles(tmp_path, expected_titles):
    solutions, _ = expected_titles
    text, out = written(tmp_path, "sheet.tex", "--standalone")
    assert "\\usepackage{graphicx}" in text
    check_links(_TEX_IMAGE.findall(text), out, solutions, ".pdf")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                             "-no-shell-escape", out.name], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, stdin=subprocess.DEVNULL)
    log = (tmp_path / "sheet.log").read_text(errors="replace")
    assert result.returncode == 0, log[-3000:]
    for link in _TEX_IMAGE.findall(text):  # pdflatex read every figure
        assert f"<{link}" in log.replace("\n", "")


def test_a_rerun_removes_its_old_figures_but_not_the_other_formats(tmp_path):
    spec = PROBLEMS / "7-optimizer-sgd-polynomial.yaml"
    folder = tmp_path / "s_files"
    folder.mkdir()
    (folder / "9-old-figure.svg").write_text("<svg/>")
    (folder / "1-kept.pdf").write_bytes(b"%PDF-")  # the .tex's figure
    (folder / "notes.txt").write_text("mine")  # not a figure of ours
    assert runner.invoke(app, ["run", str(spec), "-o", str(tmp_path / "s.md")]).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == \
        ["1-kept.pdf", "1-l-over-the-steps.svg", "notes.txt"]


def test_a_folder_name_needs_no_escaping(tmp_path):
    assert folder_for(tmp_path / "week 3.v2.md").name == "week-3-v2_files"
    assert slug("Training and test MSE vs polynomial degree (log scale)") == \
        "training-and-test-mse-vs-polynomial"
    assert slug("∂∂") == "figure"
