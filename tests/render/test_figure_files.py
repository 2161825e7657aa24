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
from examsolve.questions import question_of
from examsolve.render import Format, document
from examsolve.render.figure_files import folder_for, slug, with_images

from test_render_latex import pdflatex_reason

PROBLEMS = Path(__file__).resolve().parents[2] / "problems"
runner = CliRunner()
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")
_TEX_IMAGE = re.compile(r"\\includegraphics\[[^\]]*\]\{([^}]+)\}")


def charted(derivation) -> list[str]:
    return [b.chart.title for s in derivation.steps for b in s.blocks
            if isinstance(b, Figure) and b.chart is not None]


@pytest.fixture(scope="module")
def solved():
    """(solutions, question sheets) of problems/ as [(derivation, file)], solved once."""
    solutions, questions = [], []
    for file in spec_files([PROBLEMS]):
        problem = load(file)
        solution = solve(problem)
        solutions.append((solution, str(file)))
        questions.append((question_of(problem, solution), None))
    return solutions, questions


def titles(items) -> list[str]:
    return [t for d, _ in items for t in charted(d)]


def written(tmp_path: Path, name: str, *options: str) -> tuple[str, Path]:
    """The CLI's own run over problems/."""
    out = tmp_path / name
    result = runner.invoke(app, ["run", str(PROBLEMS), "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8"), out


def rendered(tmp_path: Path, name: str, items, fmt: Format, **options) -> tuple[str, Path]:
    """What `run` does after solving, on derivations solved once for the module."""
    out = tmp_path / name
    items, _ = with_images(items, out, fmt.value)
    text = document(fmt, items, **options)
    out.write_text(text, encoding="utf-8")
    return text, out


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


def test_markdown_file_links_svg_images(tmp_path, solved):
    solutions, _ = solved
    assert titles(solutions), "problems/ has charted figures"
    text, out = written(tmp_path, "sheet.md")
    check_links(_MD_IMAGE.findall(text), out, titles(solutions), ".svg")
    # Written to stdout the same document keeps its text pictures and writes no files.
    result = runner.invoke(app, ["run", str(PROBLEMS / "6-complexity-curve.yaml"),
                                 "--format", "markdown"])
    assert result.exit_code == 0 and "```text" in result.output and "![" not in result.output


def test_questions_sheet_links_its_own_figures(tmp_path, solved):
    _, questions = solved
    assert titles(questions), "question sheets have figures (points, graphs)"
    text, out = rendered(tmp_path, "questions.md", questions, Format.markdown)
    check_links(_MD_IMAGE.findall(text), out, titles(questions), ".svg")


@pytest.mark.skipif(pdflatex_reason() is not None, reason=str(pdflatex_reason()))
def test_standalone_latex_includes_pdf_figures_and_compiles(tmp_path, solved):
    solutions, questions = solved
    text, out = rendered(tmp_path, "sheet.tex", solutions + questions, Format.latex,
                         standalone=True)
    assert "\\usepackage{graphicx}" in text
    check_links(_TEX_IMAGE.findall(text), out, titles(solutions + questions), ".pdf")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                             "-no-shell-escape", out.name], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, stdin=subprocess.DEVNULL)
    log = (tmp_path / "sheet.log").read_text(errors="replace")
    assert result.returncode == 0, log[-3000:]
    for link in _TEX_IMAGE.findall(text):  # pdflatex read every figure
        assert f"<{link}" in log.replace("\n", "")


def test_latex_through_the_cli_writes_pdf_figures(tmp_path):
    spec = PROBLEMS / "1-classifier-design.yaml"
    out = tmp_path / "one.tex"
    result = runner.invoke(app, ["run", str(spec), "-o", str(out), "--standalone"])
    assert result.exit_code == 0, result.output
    (link,) = _TEX_IMAGE.findall(out.read_text())
    assert link == "one_files/1-decision-regions-of-the-network.pdf"
    assert (tmp_path / link).read_bytes().startswith(b"%PDF-")


def test_a_rerun_removes_its_old_figures_but_not_the_other_formats(tmp_path):
    spec = PROBLEMS / "7-optimizer-sgd-polynomial.yaml"
    folder = tmp_path / "s_files"
    folder.mkdir()
    (folder / "9-old-figure.svg").write_text("<svg/>")
    (folder / "1-kept.pdf").write_bytes(b"%PDF-")  # the .tex's figure
    (folder / "notes.txt").write_text("mine")  # not a figure of ours
    assert runner.invoke(app, ["run", str(spec), "-o", str(tmp_path / "s.md")]).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == \
        ["1-kept.pdf", "1-l-over-the-steps.svg", "2-l-p-and-the-optimizer-s-path.svg", "notes.txt"]


def test_a_folder_name_needs_no_escaping(tmp_path):
    assert folder_for(tmp_path / "week 3.v2.md").name == "week-3-v2_files"
    assert slug("Training and test MSE vs polynomial degree (log scale)") == \
        "training-and-test-mse-vs-polynomial"
    assert slug("∂∂") == "figure"


def test_help_and_json_runs_do_not_import_matplotlib():
    """Drawing is the renderer's, on demand: start-up and JSON never pay for matplotlib."""
    import sys

    code = ("import sys\n"
            "from typer.testing import CliRunner\n"
            "from examsolve.cli import app\n"
            "r = CliRunner()\n"
            "assert r.invoke(app, ['--help']).exit_code == 0\n"
            f"assert r.invoke(app, ['run', {str(PROBLEMS)!r}, '--format', 'json']).exit_code == 0\n"
            f"assert r.invoke(app, ['run', {str(PROBLEMS / '1-classifier-design.yaml')!r}])"
            ".exit_code == 0\n"
            "print('matplotlib' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_answers_only_draws_nothing(tmp_path):
    out = tmp_path / "a.md"
    spec = PROBLEMS / "1-classifier-design.yaml"
    assert runner.invoke(app, ["run", str(spec), "-o", str(out), "--answers-only"]).exit_code == 0
    assert not folder_for(out).exists() and "![" not in out.read_text()


def test_without_matplotlib_the_text_pictures_stay(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib → ImportError
    out = tmp_path / "c.md"
    spec = PROBLEMS / "1-classifier-design.yaml"
    result = runner.invoke(app, ["run", str(spec), "-o", str(out)])
    assert result.exit_code == 0
    assert "Figures stay text pictures" in result.output and "examsolve[plot]" in result.output
    text = out.read_text()
    assert "```text" in text and "![" not in text and not folder_for(out).exists()


def test_a_question_sheet_figure_file_shows_no_solution(tmp_path):
    """`--questions -o q.svg` draws the sheet's charts (the points), not the solution's."""
    spec = PROBLEMS / "1-classifier-design.yaml"
    q, s = tmp_path / "q.svg", tmp_path / "s.svg"
    assert runner.invoke(app, ["run", str(spec), "--questions", "-o", str(q)]).exit_code == 0
    assert runner.invoke(app, ["run", str(spec), "-o", str(s)]).exit_code == 0
    # the regions are an <image> in the solution's SVG; the sheet has points only
    assert "<image" in s.read_text() and "<image" not in q.read_text()
