"""The same numbers in every format: each spec in problems/ (and a hand-built derivation with
awkward values) is rendered as rich text, JSON, Markdown and LaTeX, the answers are read back
out of each document, and they must equal the Derivation's exact answers. The standalone LaTeX
of every spec is compiled with pdflatex when one is installed. Also the `run` options that make
documents (--format, -o, --standalone, whole folders)."""

from __future__ import annotations

import json
import math
import re
import sys
import types
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from examsolve import mathmodel as m
from examsolve.cli import app
from examsolve.derivation import DerivationBuilder, value_expr
from examsolve.problem import load, solve
from examsolve.render import Format, document
from examsolve.render.textmath import symbol_text
from examsolve.kinds import KINDS

from test_render_latex import compile_latex, overfull, pdflatex_reason
from test_render_markdown import test_math_survives_a_math_unaware_commonmark_parser

PROBLEMS = Path(__file__).resolve().parents[2] / "problems"
SPECS = sorted(PROBLEMS.glob("*.yaml"))
runner = CliRunner()


def awkward_derivation():
    d = DerivationBuilder("demo", "Awkward values")
    d.step("Nothing").say("Only answers.")
    d.answer("third", Fraction(-1, 3))
    d.answer("quarter", Fraction(1, 4))
    d.answer("small", 1.2345e-7)
    d.answer("big", 123456.7)
    d.answer("X[4,1]", Fraction(7))
    d.answer("undetermined", None)
    d.answer("word", "sanguine")
    d.answer("W", np.array([[Fraction(1, 3), -2, 0.5], [0, Fraction(-5, 7), 1e-9]]))
    d.answer("long", np.arange(15))
    d.answer("inf", float("-inf"), boxed=False)
    return d.build()


# ---- reading answers back out of each format --------------------------------------------------

_NUMBER = re.compile(r"-?(?:inf|nan|\d+(?:\.\d+)?(?:e-?\d+)?(?:/\d+)?)")


def parse(token: str) -> object:
    if token.lstrip("-") in ("inf", "nan"):
        return float(token)
    if "e" in token:
        return float(token)
    return Fraction(token)


def expected_tokens(value: object) -> list[object]:
    """The answer as a model solution writes it: entries row by row (elided ones skipped)."""
    expr = value_expr(value)  # type: ignore[arg-type]
    if isinstance(expr, m.Mat):
        return [e.value for r in expr.rows for e in r if isinstance(e, m.Num)]
    if isinstance(expr, m.Num):
        return [expr.value]
    return [expr.text if isinstance(expr, m.Text) else expr.name]  # type: ignore[attr-defined]


def same(want: object, got: object) -> bool:
    if isinstance(want, str) or isinstance(got, str):
        return want == got
    w, g = float(want), float(got)  # type: ignore[arg-type]
    if math.isnan(w) or math.isinf(w):
        return (math.isnan(w) and math.isnan(g)) or w == g
    if isinstance(want, Fraction) and isinstance(got, Fraction):
        return want == got  # rationals print exactly: 1/3, 0.25
    return math.isclose(w, g, rel_tol=5e-4, abs_tol=1e-300)  # 4 significant digits


def tex_tokens(tex: str) -> list[object]:
    """Numbers and words of a LaTeX/MathJax answer, in reading order."""
    tex = re.sub(r"\\frac\{(\d+)\}\{(\d+)\}", r"\1/\2", tex)
    tex = re.sub(r" \\times 10\^\{(-?\d+)\}", r"e\1", tex).replace(r"\infty", "inf")
    tex = tex.replace(r"\mathrm{NaN}", "nan")
    words = re.findall(r"\\(?:text|mathrm)\{([A-Za-z ]+)\}", tex)
    if words:
        return words
    return [parse(t) for t in _NUMBER.findall(tex)]


def answer_values(derivation, tex_answers: dict[str, str]):
    """(expected, got) token lists for every answer shown as `key = value`."""
    for a in derivation.answers:
        if a.display is None and (a.boxed or a.listed):
            yield a.key, expected_tokens(a.value), tex_tokens(tex_answers[a.key])


def boxed_tex(block: str) -> str:
    return block.removeprefix(r"\boxed{").removesuffix("}")


def split_key(tex: str) -> str:
    return tex.split(" = ", 1)[1]


def markdown_answers(derivation, doc: str) -> dict[str, str]:
    section = doc.split("## Answers\n", 1)[1].split("> **Warning:**", 1)[0]  # math there too
    boxed = re.findall(r"^\$\$\n(.*?)\n\$\$$", section, flags=re.S | re.M)
    also = re.findall(r"\$(.+?)\$", section.split("Also: ", 1)[1]) if "Also: " in section else []
    return answers_by_key(derivation, [boxed_tex(b) for b in boxed], also)


_GATHER = re.compile(r"\\begin\{gather\*\}\n(.*?)\n\\end\{gather\*\}", re.S)


def latex_answers(derivation, doc: str) -> dict[str, str]:
    """Boxed answers one to a line of the first gather*; the unboxed ones after `Also:` in a
    second, several to a line (separated by \\qquad)."""
    section = doc.split("\\subsection*{Answers}", 1)[1]
    section = section.split("\\noindent\\textbf{Warning.}", 1)[0]  # warnings hold math too
    boxed_part, _, also_part = section.partition("Also:")
    gather = _GATHER.search(boxed_part)
    boxed = gather.group(1).split(" \\\\\n") if gather else []
    also_gather = _GATHER.search(also_part)
    also = [item for line in also_gather.group(1).split(" \\\\\n")
            for item in line.split(r" \qquad ")] if also_gather else []
    return answers_by_key(derivation, [boxed_tex(b) for b in boxed], also)


def answers_by_key(derivation, boxed: list[str], also: list[str]) -> dict[str, str]:
    shown = [a for a in derivation.answers if a.boxed] + \
        [a for a in derivation.answers if not a.boxed and a.listed]
    assert len(boxed) + len(also) == len(shown)
    return {a.key: split_key(t) if a.display is None else t
            for a, t in zip(shown, boxed + also)}


def rich_tokens(derivation, text: str) -> list[object]:
    """All numbers and words in the terminal's answers panel, keys taken out, top to bottom."""
    panel = text.split("Answers", 1)[1]
    for a in derivation.answers:
        panel = panel.replace(symbol_text(m.Sym(a.key)) + " = ", " ", 1)
    panel = panel.replace("−", "-").replace("also:", "")
    tokens: list[object] = []
    for word in re.findall(r"-?[A-Za-z]+|-?\d[\d./e-]*", panel):
        tokens.append(parse(word) if _NUMBER.fullmatch(word) else word)
    return tokens


def check_all_formats(derivation, file: str) -> None:
    items = [(derivation, file)]
    # JSON: the numbers themselves.
    answers = json.loads(document(Format.json, items, single=True))["answers"]
    for a in derivation.answers:
        got, want = answers[a.key], a.value
        flat_want = list(np.array(want, dtype=object).reshape(-1)) if isinstance(want, tuple) \
            else [want]
        flat_got = list(np.array(got, dtype=object).reshape(-1)) if isinstance(got, list) \
            else [got]
        assert len(flat_got) == len(flat_want), a.key
        for w, g in zip(flat_want, flat_got):
            if w is None or isinstance(w, str):
                assert g == w, a.key
            else:
                assert same(w, float(g) if isinstance(g, str) else Fraction(g) if
                            isinstance(g, int) else g), (a.key, w, g)
    # Markdown and LaTeX: each boxed `key = value` read back.
    md = markdown_answers(derivation, document(Format.markdown, items))
    tex = latex_answers(derivation, document(Format.latex, items))
    for fmt_answers in (md, tex):
        for key, want, got in answer_values(derivation, fmt_answers):
            assert len(want) == len(got) and all(map(same, want, got)), (key, want, got)
    # Rich: the default-shown answers appear in order in the panel.
    tokens = rich_tokens(derivation, document(Format.rich, items, answers_only=True))
    want_all = [t for a in derivation.answers if a.display is None and a.boxed
                for t in expected_tokens(a.value)]
    it = iter(tokens)
    for want in want_all:
        assert any(same(want, got) for got in it), (want, tokens)


def test_awkward_values_agree_in_every_format():
    check_all_formats(awkward_derivation(), "awkward.yaml")


def test_a_wrong_number_would_be_caught():
    """The read-back is not vacuous: a Markdown answer with one digit changed fails."""
    d = awkward_derivation()
    md = document(Format.markdown, [(d, None)]).replace(r"\frac{5}{7}", r"\frac{5}{8}")
    with pytest.raises(AssertionError):
        for key, want, got in answer_values(d, markdown_answers(d, md)):
            assert len(want) == len(got) and all(map(same, want, got))


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_every_spec_agrees_in_every_format(spec):
    check_all_formats(solve(load(spec)), str(spec))


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_every_spec_has_no_unmapped_characters(spec):
    tex = document(Format.latex, [(solve(load(spec)), str(spec))], standalone=True)
    assert tex.isascii() and "[U+" not in tex, re.findall(r".{30}\[U\+\w+\].{10}", tex)


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_every_spec_markdown_survives_a_math_unaware_parser(spec):
    test_math_survives_a_math_unaware_commonmark_parser(solve(load(spec)))


@pytest.mark.skipif(pdflatex_reason() is not None, reason=str(pdflatex_reason()))
@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_every_spec_compiles_with_pdflatex(spec, tmp_path):
    """…and nothing runs into the margin: equations, answers, code and tables all fit."""
    log = compile_latex(document(Format.latex, [(solve(load(spec)), str(spec))],
                                 standalone=True), tmp_path)
    assert overfull(log) == []


# ---- the CLI ----------------------------------------------------------------------------------

@pytest.fixture
def demo_kind(monkeypatch):
    """A registered kind whose solver returns the awkward derivation, titled from the spec."""
    def solve_demo(common):
        d = awkward_derivation()
        return type(d)(**{**d.__dict__, "title": common.title})

    name = "examsolve_test_demo_kind"
    monkeypatch.setitem(sys.modules, name, types.SimpleNamespace(SUMMARY="demo", KEYS=()))
    monkeypatch.setitem(sys.modules, f"{name}.spec",
                        types.SimpleNamespace(load=lambda node, common: common))
    monkeypatch.setitem(sys.modules, f"{name}.solve", types.SimpleNamespace(solve=solve_demo))
    monkeypatch.setitem(KINDS, "demo", "examsolve_test_demo_kind")


def spec(folder: Path, name: str, title: str) -> Path:
    path = folder / name
    path.write_text(f"kind: demo\ntitle: {title}\n")
    return path


def test_run_markdown_to_stdout(demo_kind, tmp_path):
    result = runner.invoke(app, ["run", str(spec(tmp_path, "a.yaml", "First")), "-f",
                                 "markdown"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# First\n")
    assert "$$\n\\boxed{\\mathrm{third} = -\\frac{1}{3}}\n$$" in result.stdout


@pytest.mark.parametrize("name, marker", [("out.md", "# Second"), ("out.tex", "\\section*{"),
                                          ("out.json", '"answers"'), ("out.txt", "Answers")])
def test_output_format_follows_the_extension(demo_kind, tmp_path, name, marker):
    result = runner.invoke(app, ["run", str(spec(tmp_path, "a.yaml", "Second")), "-o",
                                 str(tmp_path / name)])
    assert result.exit_code == 0, result.output
    assert marker in (tmp_path / name).read_text()
    assert f"Wrote {tmp_path / name}" in result.output


def test_format_option_beats_the_extension(demo_kind, tmp_path):
    out = tmp_path / "notes.txt"
    result = runner.invoke(app, ["run", str(spec(tmp_path, "a.yaml", "T")), "-f", "latex",
                                 "-o", str(out)])
    assert result.exit_code == 0 and out.read_text().startswith("\\section*{T}")


def test_folder_is_one_document_in_file_order(demo_kind, tmp_path):
    folder = tmp_path / "exam"
    folder.mkdir()
    for name, title in (("2-b.yaml", "Bravo"), ("1-a.yaml", "Alpha"), ("10-c.yaml", "Charlie")):
        spec(folder, name, title)
    out = tmp_path / "solutions.tex"
    result = runner.invoke(app, ["run", str(folder), "-o", str(out), "--standalone"])
    assert result.exit_code == 0, result.output
    tex = out.read_text()
    assert tex.startswith("\\documentclass") and tex.count("\\documentclass") == 1
    titles = re.findall(r"\\section\*\{Problem (\d+): (\w+)\}", tex)
    # file-name order, as `list` shows them, numbered in that order
    assert titles == [("1", "Alpha"), ("2", "Charlie"), ("3", "Bravo")]
    assert "{\\LARGE\\bfseries Solutions}" in tex
    assert tex.count("\\subsection*{Answers}") == 3 and tex.count("\\boxed{\\mathrm{third}") == 3


def test_a_failing_spec_is_reported_and_the_rest_written(demo_kind, tmp_path):
    spec(tmp_path, "a.yaml", "Good")
    (tmp_path / "b.yaml").write_text("kind: demoo\ntitle: t\n")
    out = tmp_path / "out.md"
    result = runner.invoke(app, ["run", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 2
    assert "b.yaml:1: kind: unknown kind 'demoo'; did you mean 'demo'?" in result.output
    assert out.read_text().startswith("# Good\n")


@pytest.mark.parametrize("args, message", [
    (["-o", "x.docx"], "cannot tell the format from 'x.docx'; add --format"),
    (["--standalone"], "--standalone makes a complete LaTeX document"),
    (["-f", "markdown", "--standalone"], "--standalone makes a complete LaTeX document"),
    (["-o", "no/such/dir/x.md"], "cannot write no/such/dir/x.md"),
])
def test_bad_output_options_exit_2(demo_kind, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", str(spec(tmp_path, "a.yaml", "T")), *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("examsolve: ") and message in lines[0]


def test_json_shape_is_unchanged(demo_kind, tmp_path):
    one = runner.invoke(app, ["run", str(spec(tmp_path, "a.yaml", "T")), "-f", "json"])
    assert set(json.loads(one.stdout)) == {"file", "kind", "title", "answers", "warnings",
                                           "steps"}
    spec(tmp_path, "b.yaml", "U")
    both = runner.invoke(app, ["run", str(tmp_path), "-f", "json", "--answers-only"])
    assert [set(d) for d in json.loads(both.stdout)] == [
        {"file", "kind", "title", "answers", "warnings"}] * 2
