"""The LaTeX renderer: exact strings for the math (as SymPy's test_latex does) and for a small
derivation, escaping of prose, and a real pdflatex run over every character it maps."""

from __future__ import annotations

import re
import shutil
import subprocess
from fractions import Fraction

import numpy as np
import pytest

from examsolve import mathmodel as m
from examsolve.derivation import DerivationBuilder
from examsolve.render.printer import UnknownNodeError
from examsolve.render import latex_text as lm
from examsolve.render.latex import render_derivation, render_document
from examsolve.render.latex_math import latex_math
from examsolve.render.latex_text import escape_text, verbatim_ascii


@pytest.mark.parametrize("expr, tex", [
    (m.eq(m.add(m.mul(3, "e", op=""), m.mul(2, "f", op=""), "b"), 6), "3 e + 2 f + b = 6"),
    (m.eq(m.add(m.mul(-3, "e", op=""), m.mul(3, "f", op=""), "b"), 2), "-3 e + 3 f + b = 2"),
    (m.eq(m.add(m.mul(3, 1), m.mul(-1, 1), m.mul(2, m.sym("x", "4,1")), -1), 3),
     r"3 \cdot 1 + (-1) \cdot 1 + 2 \cdot x_{4,1} - 1 = 3"),
    (m.add("a", m.Neg(m.add("b", "c"))), "a - (b + c)"),
    (m.eq("p", Fraction(1, 3)), r"p = \frac{1}{3}"),
    (m.eq("p", Fraction(-1, 3)), r"p = -\frac{1}{3}"),
    (m.mul(2, Fraction(-1, 3)), r"2 \cdot \left(-\frac{1}{3}\right)"),
    (m.eq("q", Fraction(1, 4)), "q = 0.25"),
    (m.eq("r", 0.000012345), r"r = 1.234 \times 10^{-5}"),
    (m.eq("L", float("inf")), r"L = \infty"),
    (m.num(float("nan")), r"\mathrm{NaN}"),
    (m.deriv("L", m.sym("W", 1)), r"\frac{\partial L}{\partial W_{1}}"),
    (m.Deriv(m.add("a", "b"), m.Sym("x")), r"\frac{\partial}{\partial x}(a + b)"),
    (m.Transpose(m.sym("w", 2)), r"w_{2}^{\top}"),
    (m.Transpose(m.Sym("W", sup="(1)")), r"(W^{(1)})^{\top}"),
    (m.Pow(m.num(Fraction(1, 3)), m.num(2)), r"\left(\frac{1}{3}\right)^{2}"),
    (m.call("log", m.add(1, m.Neg(m.num(0.5)))), r"\log(1 - 0.5)"),
    (m.call("σ", m.sym("s", 2)), r"\sigma(s_{2})"),
    (m.call("sigmoid", "z"), r"\sigma(z)"),
    (m.call("relu", "k"), r"\operatorname{ReLU}(k)"),
    (m.call("relu'", 0), r"\operatorname{ReLU}'(0)"),
    (m.call("softmax", m.sym("s", 1)), r"\operatorname{softmax}(s_{1})"),
    (m.call("exp", m.Neg(m.Sym("s"))), r"\exp(-s)"),
    (m.call("tanh", "h"), r"\tanh(h)"),
    (m.call("argmin_c", "x"), r"\operatorname{argmin}\limits_{c}(x)"),
    (m.call("mode_c", "x"), r"\mathop{\mathrm{mode}}\limits_{c}(x)"),
    (m.Sym("Σ", "i∈F_k"), r"\sum_{i\in F_{k}}"),
    (m.mul(m.Sym("Σ"), m.Sym("e", "j"), op=""), r"\sum e_{j}"),
    (m.mul(m.Sym("Σ"), m.Sym("e", "j")), r"\Sigma \cdot e_{j}"),
    (m.Sym("Σ"), r"\Sigma"),
    # A one-letter function with an index is a name with a subscript, not an operator.
    (m.mul(m.sym("c", "d"), m.call("P_d", "t"), op=""), r"c_{d} P_{d}(t)"),
    (m.call("E_D", m.Pow(m.Sym("e"), m.num(2))), r"E_{D}(e^{2})"),
    (m.call("mean_j", "x"), r"\mathop{\mathrm{mean}}\limits_{j}(x)"),
    (m.call("conv1D", "x", "w"), r"\operatorname{conv1D}(x, w)"),
    (m.Sym("conv2d"), r"\mathrm{conv2d}"),
    (m.call("max_i", m.sym("s", "i")), r"\max_{i}(s_{i})"),
    (m.Sym("ĉ"), r"\hat c"),
    (m.call("abs", "x"), r"\left\lvert x \right\rvert"),
    (m.add(m.call("floor", m.Div(m.num(7), m.num(2))), 1), r"\left\lfloor \frac{7}{2} \right\rfloor + 1"),
    (m.call("ceil", "x"), r"\left\lceil x \right\rceil"),
    (m.call("f", m.mat([1, 2])), r"f\left(\begin{bmatrix} 1 \\ 2 \end{bmatrix}\right)"),
    (m.Div(m.num(1), m.add(1, m.call("exp", m.Neg(m.Sym("s"))))), r"\frac{1}{1 + \exp(-s)}"),
    (m.mul("W", "x", op=""), "W x"),
    (m.mul("a", "b", op="⊙"), r"a \odot b"),
    (m.eq("k", m.mat([3, 3])), r"k = \begin{bmatrix} 3 \\ 3 \end{bmatrix}"),
    (m.row([Fraction(1, 4), -1]), r"\begin{bmatrix} 0.25 & -1 \end{bmatrix}"),
    (m.rel("a", "⇒", "b", "≈", "c", "≤", "d", "≠", "e", "∈", "f"),
     r"a \Rightarrow b \approx c \le d \neq e \in f"),
    (m.Boxed(m.eq("e", 2)), r"\boxed{e = 2}"),
    (m.Paren(m.add("a", "b")), "(a + b)"),
    (m.Sym("x", "ij"), "x_{ij}"),
    (m.Sym("p", "sanguine"), r"p_{\mathrm{sanguine}}"),
    (m.Sym("ŷ", "1"), r"\hat y_{1}"),
    (m.Sym("σ"), r"\sigma"),
    (m.Sym("loss"), r"\mathrm{loss}"),
    (m.Sym("x₄,₁"), "x_{4},_{1}"),
    (m.Sym("X[4,1]"), "X[4,1]"),
    (m.Sym("a_b%"), r"a_{b}\%"),
    (m.Sym("a_%"), r"a\_\%"),
    (m.Text("class ✓ ✗"), r"\text{class ok wrong}"),
    (m.Text('padding="same"'), r"\text{padding=``same''}"),
    (m.Text("a & b_c"), r"\text{a \& b\_c}"),
    (m.Ellipsis_(), r"\cdots"),
])
def test_math(expr, tex):
    assert latex_math(expr) == tex


def test_elided_matrix_uses_cdots_vdots_ddots():
    tex = latex_math(m.mat(np.arange(144).reshape(12, 12)))
    rows = tex.removeprefix(r"\begin{bmatrix} ").removesuffix(r" \end{bmatrix}").split(r" \\ ")
    assert rows[0] == r"0 & 1 & 2 & \cdots & 9 & 10 & 11"
    assert rows[3] == r" & ".join([r"\vdots"] * 3 + [r"\ddots"] + [r"\vdots"] * 3)
    assert rows[6] == r"132 & 133 & 134 & \cdots & 141 & 142 & 143"
    assert latex_math(m.mat(np.arange(12))).count(r"\vdots") == 1
    assert latex_math(m.row(range(3))) == r"\begin{bmatrix} 0 & 1 & 2 \end{bmatrix}"


def test_wide_matrix_avoids_bmatrix_column_limit():
    tex = latex_math(m.mat([list(range(11))], summarise=False))
    assert tex.startswith(r"\left[\begin{array}{ccccccccccc} 0 & 1")
    assert tex.endswith(r"\end{array}\right]")


def test_unknown_node_raises_never_str():
    class Strange(m.Expr):
        pass

    with pytest.raises(UnknownNodeError):
        latex_math(m.eq("x", Strange()))
    with pytest.raises(UnknownNodeError):
        latex_math(m.Add((m.Sym("x"), 3)))  # a raw int is not a node


@pytest.mark.parametrize("text, tex", [
    ("50% of #1 & $2", r"50\% of \#1 \& \ensuremath{\$}2"),
    ("a_b {c} ~ ^ \\", r"a\_b \{c\} \ensuremath{\sim} \texttt{\^{}} \textbackslash{}"),
    ('"same" and \'same\', it\'s', r"``same'' and `same', it's"),
    ("<x|y>", r"\textless{}x\textbar{}y\textgreater{}"),
    ("σ(s₂) ≈ 0.5 × 3 ✓ ✗ ○ ∂", r"\ensuremath{\sigma}(s\textsubscript{2}) \ensuremath{\approx} "
     r"0.5 \ensuremath{\times} 3 ok wrong \ensuremath{\circ} \ensuremath{\partial}"),
    ("x² — “café”", r"x\textsuperscript{2} --- ``caf\'{e}''"),
    ("░ where p > 0.5, ─ and ⠁", r"\texttt{\#} where p \textgreater{} 0.5, \texttt{-} and \texttt{*}"),
    ("☃", "[U+2603]"),
])
def test_escape_text(text, tex):
    assert escape_text(text) == tex


def test_verbatim_keeps_columns_in_ascii():
    art = "┌──┐\n│⠁⠀│ ● ✓\n└──┘"
    assert verbatim_ascii(art) == "+--+\n|* | * v\n+--+"


def small_derivation():
    d = DerivationBuilder("demo", "Tiny", statement="Find e.\nUse `b`.", source="Quiz 1")
    s = d.step("Solve")
    s.say("Subtract `b` from both sides:")
    s.eq(m.add(m.mul(3, "e", op=""), "b"), 7, label="(1)")
    s.eq("k", m.mat([3, 3]))
    s.table(["x", "σ(x)"], [["0", m.num(Fraction(1, 2))]], caption="Sigmoid")
    d.answer("e", Fraction(2))
    d.answer("X[1,1]", None)
    d.answer("L", float("inf"), boxed=False)
    d.warn("X[1,1] is not determined.")
    return d.build()


def test_fragment_golden():
    assert render_derivation(small_derivation(), "t.yaml") == (
        "\\section*{Tiny}\n"
        "\n"
        "\\noindent\\textit{Quiz 1}{\\unskip\\nobreak\\hfil\\penalty50\\hskip1em\\hbox{}\\nobreak"
        "\\hfil{\\footnotesize\\texttt{t.yaml}}\\parfillskip=0pt\\par}\n"
        "\n"
        "\\begin{quote}\n"
        "\\textbf{Problem.} Find e. Use \\texttt{b}.\n"
        "\\end{quote}\n"
        "\n"
        "\\subsection*{1. Solve}\n"
        "\n"
        "\\noindent Subtract \\texttt{b} from both sides:\n"
        "\n"
        "\\begin{align*}\n"
        "3 e + b &= 7 \\tag*{(1)} \\\\\n"
        "k &= \\begin{bmatrix} 3 \\\\ 3 \\end{bmatrix}\n"
        "\\end{align*}\n"
        "\n"
        "\\par\\medskip\n"
        "\\noindent\\textit{Sigmoid}\\par\\smallskip\n"
        "\\noindent\n"
        "\\begin{tabular}{rr}\n"
        "\\hline\n"
        "\\textbf{x} & \\textbf{\\ensuremath{\\sigma}(x)} \\\\\n"
        "\\hline\n"
        "0 & $0.5$ \\\\\n"
        "\\hline\n"
        "\\end{tabular}\n"
        "\\par\\medskip\n"
        "\n"
        "\\subsection*{Answers}\n"
        "\n"
        "\\begin{gather*}\n"
        "\\boxed{e = 2} \\\\\n"
        "\\boxed{X[1,1] = \\mathrm{undetermined}}\n"
        "\\end{gather*}\n"
        "\n"
        "\\noindent Also:\n"
        "\\begin{gather*}\n"
        "L = \\infty\n"
        "\\end{gather*}\n"
        "\n"
        "\\noindent\\textbf{Warning.} X[1,1] is not determined.\\par\n"
    )


def test_answers_only_and_standalone():
    tex = render_document([(small_derivation(), None)], standalone=True, answers_only=True)
    assert tex.startswith("\\documentclass[11pt,a4paper]{article}\n")
    assert "\\usepackage{amsmath}\n\\usepackage{graphicx}\n" in tex and tex.count("\\usepackage") == 2
    assert tex.endswith("\\end{document}\n")
    assert "Subtract" not in tex and "\\boxed{e = 2}" in tex


def every_mapped_character():
    """A derivation using every character the maps know, in every place text can stand."""
    chars = "".join(sorted({*lm.MATH_SYMBOLS, *lm._HATS, *lm._SUB, *lm._SUP, *lm._TEXT_SYMBOLS,
                            *"éèêëçñüöäÅ"}))
    art = "".join(sorted(lm._VERBATIM_ASCII)) + "┌─┬─┐\n│⠁│█│ ● ○ ✓ ✗\n└─┴─┘"
    ascii_ = "".join(chr(c) for c in range(32, 127))
    d = DerivationBuilder("demo", "All " + chars, statement=ascii_ + "\n" + chars)
    s = d.step("Heading " + ascii_)
    s.say(f"`{ascii_.replace('`', '')}` {chars}")
    s.eq(m.Sym(chars.replace("′", "").replace("″", "")), m.Text(ascii_ + chars))
    s.math(m.rel(*[x for op in m.RELATIONS for x in ("a", op)], "b"), label="(9) " + chars)
    s.table([ascii_, chars], [[m.Sym(ascii_), m.Text(chars)]], caption=chars)
    s.code(ascii_ + "\n" + chars + "\n\\end{verbatim}")
    s.figure(art, caption=chars)
    d.answer(chars, Fraction(1, 3))
    d.warn(chars + ascii_)
    return d.build()


def test_output_is_ascii_with_no_unknown_characters():
    tex = render_document([(every_mapped_character(), "f_1.yaml")], standalone=True)
    assert tex.isascii()
    assert "[U+" not in tex


def pdflatex_reason() -> str | None:
    if shutil.which("pdflatex") is None:
        return "no TeX engine installed (apt-get install texlive-latex-base)"
    return None


def compile_latex(tex: str, folder) -> str:
    """Run pdflatex; return its log. Fails on errors, unavailable glyphs and fonts that pdflatex
    would have to build with METAFONT (a sign of a TS1 text symbol)."""
    (folder / "doc.tex").write_text(tex, encoding="ascii")
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
         "doc.tex"], cwd=folder, capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL)
    log = (folder / "doc.log").read_text(errors="replace")
    assert result.returncode == 0, log[-3000:]
    assert "Missing character" not in log
    assert "mktexpk" not in result.stdout + result.stderr and "/pk/" not in log
    assert (folder / "doc.pdf").exists()
    return log


@pytest.mark.skipif(pdflatex_reason() is not None, reason=str(pdflatex_reason()))
def test_every_mapped_character_compiles(tmp_path):
    d = every_mapped_character()
    compile_latex(render_document([(d, "f_1.yaml"), (small_derivation(), None)],
                                  standalone=True), tmp_path)


def test_long_text_columns_wrap_and_math_columns_stay_centred():
    from examsolve.derivation import Table
    from examsolve.render.latex import column_spec

    short = Table(("x", "y", "v", "n"), (("a", m.num(1), m.mat([1, 2]), "2.5e3"),
                                         ("b", m.num(-2), m.mat([1, 2]), "−1")))
    assert column_spec(short) == "lrcr"  # numbers to the right, math centred, text left
    assert column_spec(Table(("f",), ((m.num(1),), (m.num(Fraction(1, 3)),)))) == "c"
    long = Table(("line", "what goes wrong", "f"),
                 (("e = np.exp(s)", "overflow: exp(s_i) = inf " * 3, m.num(1)),))
    assert column_spec(long) == r"p{0.14\linewidth}p{0.70\linewidth}r"
    # Each wrapped column has room for its longest word: np.sum(e) is not split over lines.
    code = Table(("line", "what goes wrong", "when"),
                 (("3: e / np.sum(e)", "inf/inf = NaN; finite/inf = 0 " * 3, "some exp(s_j) "
                   "overflowed"),))
    first = float(re.match(r"p\{([\d.]+)", column_spec(code)).group(1))
    assert first * 455 / 5.5 >= len("np.sum(e)")  # 455 pt of line, 5.5 pt a character
    d = DerivationBuilder("demo", "T")
    d.step("S").table(*[list(x) for x in (code.headers,)], [list(code.rows[0])])
    tex = render_derivation(d.build())
    assert r"\raggedright 3: e / np.sum(e) & \raggedright inf/inf" in tex
    assert tex.count(r"\tabularnewline") == 2 and r"\\" + "\n\\hline" not in tex


def test_code_spells_symbols_out_and_art_keeps_its_columns():
    from examsolve.render.latex_text import verbatim

    assert verbatim("log Σ_i exp(s_i) ≤ m") == \
        "\\begin{verbatim}\nlog S_i exp(s_i) < m\n\\end{verbatim}"
    assert verbatim("log Σ_i exp(s_i) ≤ m", code=True) == \
        "\\begin{verbatim}\nlog Sigma_i exp(s_i) <= m\n\\end{verbatim}"


def test_wrapped_lines_join_but_items_keep_their_lines():
    from examsolve.render.latex import prose
    from examsolve.render.prose import paragraphs

    text = "A network reads x\nthrough one layer:\n(a) run it,\n(b) find the loss\n\n- one\n- two"
    assert paragraphs(text) == [["A network reads x through one layer:", "(a) run it,",
                                 "(b) find the loss"], ["- one", "- two"]]
    assert prose(text) == ("\\noindent A network reads x through one layer: \\\\\n(a) run it, "
                           "\\\\\n(b) find the loss\n\n\\noindent - one \\\\\n- two")


@pytest.mark.parametrize("line, tex", [
    # Prose text is only escaped: math comes as math nodes (test_render_latex_inline_math), so
    # nothing that looks like math in a string is guessed into math mode.
    ("best_degree, f_1.yaml, x_train, a_b_c", r"best\_degree, f\_1.yaml, x\_train, a\_b\_c"),
    ("w_j and x^d stay text", r"w\_j and x\texttt{\^{}}d stay text"),
    ('padding "same"', r"padding ``same''"),
    ("1 < 2 > 0", r"1 \textless{} 2 \textgreater{} 0"),
])
def test_prose_text_is_escaped_never_guessed_into_math(line, tex):
    from examsolve.render.latex import text

    assert text(line) == tex


def test_code_spans_stay_typewriter_in_prose_and_captions():
    from examsolve.render.latex import inline

    assert inline('predicted `cross` ("x_j ~ y")') == \
        r"predicted \texttt{cross} (``x\_j \ensuremath{\sim} y'')"
    assert inline('`a_b ~ "c"`') == r'\texttt{a\_b \textasciitilde{} "c"}'
    assert inline('"`cross`"') == r"``\texttt{cross}''"
    d = DerivationBuilder("demo", "Captions")
    d.step("S").table(["a"], [["1"]], caption="where `cross` wins")
    d.step("T").figure("+-+\n|x|\n+-+", caption="`x` = cross")
    tex = render_derivation(d.build())
    assert r"\textit{where \texttt{cross} wins}" in tex
    assert r"\textit{\texttt{x} = cross}" in tex


def test_greek_in_text_art_is_spelled_out_without_moving_columns():
    from examsolve.render.latex_text import spell_greek

    legend = "│ + ridge λ = 0.001        │"
    assert spell_greek(legend) == "│ + ridge lambda = 0.001   │"
    assert len(spell_greek(legend)) == len(legend)
    assert spell_greek("x least squares  + ridge λ = 0.1") == \
        "x least squares  + ridge lambda = 0.1"  # a legend line has no columns to keep
    assert spell_greek("σ│⠁⠁ ⠁") == "s│⠁⠁ ⠁"  # no room: one letter, the plot stays put


def test_figure_stays_on_one_page_and_long_code_is_set_smaller():
    from examsolve.render.latex import LatexBlocks

    d = DerivationBuilder("demo", "Verbatim")
    s = d.step("S")
    s.code("x = 1\n" + "y" * 84)
    s.code("z = 2")
    s.figure("+-+\n|λ|\n+-+", caption="Box")
    code, short, figure = LatexBlocks().step(d.build().steps[0].blocks)
    assert code.startswith("{\\small\n\\begin{verbatim}\n") and code.endswith("}")
    assert short.startswith("\\begin{verbatim}")
    assert "\\begin{minipage}{\\linewidth}\n\\begin{verbatim}" in figure
    assert figure.index("\\textit{Box}") < figure.index("\\end{minipage}")


def chain_derivation():
    d = DerivationBuilder("demo", "Wide")
    s = d.step("Chains")
    big = m.mat([[Fraction(k, 7) for k in range(1, 9)]])
    s.eq(m.sym("s", 1), m.call("conv1D", "x", "w"), m.call("conv1D", big, big), big, label="(3)")
    s.eq("p", m.num(Fraction(1, 2)))
    for k in range(12):
        d.answer(f"extra_{k}", np.array([[Fraction(j, 7) for j in range(1, 9)]]) if k % 3 == 0
                 else k, boxed=False)
    return d.build()


def test_a_wide_chain_breaks_before_a_relation_aligned_at_it():
    tex = render_derivation(chain_derivation())
    align = tex.split("\\begin{align*}\n")[1].split("\n\\end{align*}")[0].split(" \\\\\n")
    assert align[0].startswith(r"s_{1} &= \operatorname{conv1D}(x, w)")
    assert align[0].endswith(r"\tag*{(3)}")
    assert len(align) > 3 and all(ln.startswith("&= ") for ln in align[1:-1])
    assert align[-1] == "p &= 0.5"


def test_unboxed_answers_are_a_display_several_to_a_line():
    tex = render_derivation(chain_derivation())
    also = tex.split("\\noindent Also:\n\\begin{gather*}\n")[1].split("\n\\end{gather*}")[0]
    lines = also.split(" \\\\\n")
    assert 1 < len(lines) < 12
    assert sum(ln.count(r"\qquad") + 1 for ln in lines) == 12


@pytest.mark.skipif(pdflatex_reason() is not None, reason=str(pdflatex_reason()))
def test_wide_chains_and_answers_fit_the_page(tmp_path):
    log = compile_latex(render_document([(chain_derivation(), None)], standalone=True),
                        tmp_path)
    assert overfull(log) == []


def overfull(log: str, tolerance: float = 3.0) -> list[str]:
    """Lines of the log about boxes wider than the line by more than `tolerance` pt."""
    return [ln for ln in log.splitlines() if ln.startswith("Overfull \\hbox") and
            float(re.search(r"\(([\d.]+)pt", ln).group(1)) > tolerance]


def test_whole_exam_title_and_numbers():
    from examsolve.render.latex import document_title

    def titled(*sources):
        items = []
        for src in sources:
            d = DerivationBuilder("demo", "T", source=src)
            d.answer("e", 1)
            items.append((d.build(), None))
        return items

    assert document_title(titled("Midterm, problem 1", "Midterm, problem 2 (b)")) == \
        "Midterm: solutions"
    assert document_title(titled("Midterm problem 1", "Midterm problem 2")) == \
        "Midterm: solutions"
    assert document_title(titled("Midterm, problem 1", "Variation on midterm")) == "Solutions"
    assert document_title(titled("", "")) == "Solutions"
    tex = render_document(titled("Quiz 3, q1", "Quiz 3, q2"))
    assert tex.startswith("\\begin{center}\n{\\LARGE\\bfseries Quiz 3: solutions}")
    assert "\\section*{Problem 1: T}" in tex and "\\section*{Problem 2: T}" in tex


def test_an_answer_too_wide_to_break_is_set_smaller(tmp_path):
    d = DerivationBuilder("demo", "Long rows")
    d.step("S").say("Only answers.")
    row = np.array([[0.5005, 0.2073, 0.1621, 0.03098, 0.02724, 0.02258, 0.02033, 0.01768,
                     0.01489]])
    d.answer("test_mse_median", row)
    d.answer("e", 2)
    tex = render_derivation(d.build())
    assert r"\boxed{\text{\small$\displaystyle \text{test\_mse\_median} = \begin{bmatrix}" in \
        tex or r"\boxed{\text{\footnotesize$\displaystyle \text{test\_mse" in tex
    assert r"\boxed{e = 2}" in tex
    if pdflatex_reason() is None:
        log = compile_latex(render_document([(d.build(), None)], standalone=True), tmp_path)
        assert overfull(log) == []


def test_inline_math_parts_are_typeset_in_prose():
    """A paragraph's math part reaches LaTeX as \\(…\\), not as its escaped placeholder."""
    d = DerivationBuilder("demo", "Inline")
    d.step("One").say("where every partial derivative is 0, ",
                      m.eq(m.Sym("∇f"), m.Num(Fraction(0))), ", and x_2 stays")
    tex = render_derivation(d.build())
    assert r"where every partial derivative is 0, \(\nabla f = 0\), and" in tex
    assert "[U+E" not in tex
