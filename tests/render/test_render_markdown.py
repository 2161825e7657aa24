"""The Markdown renderer: exact strings, and checks with a real CommonMark parser
(markdown-it-py, GitHub's table extension on) that the math reaches MathJax untouched even in a
viewer that does not know about math, and that escaped prose reads back as written."""

from __future__ import annotations

import html
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from examsolve import mathmodel as m
from examsolve.derivation import DerivationBuilder
from examsolve.render.printer import UnknownNodeError
from examsolve.render.markdown import (MarkdownMath, escape, render_derivation,
                                       render_document)

COMMONMARK = MarkdownIt("commonmark").enable("table")


def md_math(expr: m.Expr) -> str:
    return MarkdownMath().doprint(expr)


@pytest.mark.parametrize("expr, tex", [
    (m.eq("k", m.mat([[1, 2], [3, 4]])), r"k = \begin{bmatrix} 1 & 2 \cr 3 & 4 \end{bmatrix}"),
    (m.eq("p", Fraction(1, 3)), r"p = \frac{1}{3}"),
    (m.rel("a", "<", "b", ">", "c", "⇒", "d"), r"a \lt b \gt c \Rightarrow d"),
    (m.Sym("loss", "t"), r"\mathrm{loss_{t}}"),
    (m.Sym("ŷ", "1"), r"\hat y_{1}"),
    (m.Sym("a|b*"), r"a\vert b\ast"),
    (m.Sym("{x}"), r"\lbrace x\rbrace"),
    (m.Text("a*b {c}"), r"\text{a} \ast \text{b } \lbrace \text{c} \rbrace"),
    (m.mul("a", "b", op="*"), r"a \ast b"),
    (m.deriv("L", m.sym("W", 1)), r"\frac{\partial L}{\partial W_{1}}"),
    (m.call("relu", m.sym("s", 1)), r"\operatorname{ReLU}(s_{1})"),
])
def test_math(expr, tex):
    assert md_math(expr) == tex


def test_unknown_node_raises_never_str():
    class Strange(m.Expr):
        pass

    with pytest.raises(UnknownNodeError):
        md_math(m.eq("x", Strange()))


def small_derivation():
    d = DerivationBuilder("demo", "Tiny", statement="Find e.\nUse `b`.", source="Quiz 1")
    s = d.step("Solve")
    s.say("Subtract `b` from both sides:")
    s.eq(m.add(m.mul(3, "e", op=""), "b"), 7, label="(1)")
    s.eq("k", m.mat([3, 3]))
    s.table(["x", "σ(x) | note"], [["0", m.num(Fraction(1, 2))], ["`a|b`", m.Text("ok")]],
            caption="Sigmoid")
    s.code("print(1)\n")
    s.figure("+-+\n|x|\n+-+", caption="Box")
    d.answer("e", Fraction(2))
    d.answer("X[1,1]", None)
    d.answer("L", float("inf"), boxed=False)
    d.warn("X[1,1] is not determined.")
    return d.build()


def test_document_golden():
    assert render_derivation(small_derivation(), "t.yaml") == (
        "# Tiny\n"
        "\n"
        "*Quiz 1* · `t.yaml`\n"
        "\n"
        "> **Problem.** Find e. Use `b`.\n"
        "\n"
        "## 1. Solve\n"
        "\n"
        "Subtract `b` from both sides:\n"
        "\n"
        "$$\n"
        "3 e + b = 7 \\qquad \\text{(1)}\n"
        "$$\n"
        "\n"
        "$$\n"
        "k = \\begin{bmatrix} 3 \\cr 3 \\end{bmatrix}\n"
        "$$\n"
        "\n"
        "*Sigmoid*\n"
        "\n"
        "| x | σ(x) \\| note |\n"
        "| --- | --- |\n"
        "| 0 | $0.5$ |\n"
        "| `a\\|b` | $\\text{ok}$ |\n"
        "\n"
        "```python\n"
        "print(1)\n"
        "```\n"
        "\n"
        "```text\n"
        "+-+\n"
        "|x|\n"
        "+-+\n"
        "```\n"
        "\n"
        "*Box*\n"
        "\n"
        "## Answers\n"
        "\n"
        "$$\n"
        "\\boxed{e = 2}\n"
        "$$\n"
        "\n"
        "$$\n"
        "\\boxed{X[1,1] = \\mathrm{undetermined}}\n"
        "$$\n"
        "\n"
        "Also: $L = \\infty$.\n"
        "\n"
        "> **Warning:** X[1,1] is not determined.\n"
    )


def test_whole_exam_document_and_answers_only():
    doc = render_document([(small_derivation(), "a.yaml"), (small_derivation(), "b.yaml")],
                          answers_only=True)
    assert doc.startswith("# Quiz 1: solutions\n\n## Problem 1: Tiny\n")
    assert "\n---\n\n## Problem 2: Tiny\n" in doc
    assert "Subtract" not in doc and doc.count("\\boxed{e = 2}") == 2


def tricky_derivation():
    d = DerivationBuilder("demo", "Tricky *title* with_underscores | and $5")
    s = d.step("Math that Markdown could mangle")
    s.eq(m.add(m.Sym("ŷ", "1"), m.Neg(m.Sym("y", "1"))), m.add(m.Sym("loss", "t"),
                                                              m.Sym("loss", "v")))
    s.eq(m.mul(m.Sym("a*"), m.Sym("b*")), m.Text("x_1 | y_2 <z>"))
    s.eq("W", m.mat(np.arange(144).reshape(12, 12)))
    s.math(m.rel(m.Sym("{x}"), "<", m.Sym("y"), "≤", Fraction(-1, 3)))
    s.table(["a | b", "c_d"], [[m.mat([[1, 2], [3, 4]]), m.Sym("w", "1,2")],
                               ["x|y *z*", m.rel("a", "<", "b")]])
    d.answer("dL/dW", np.array([[Fraction(1, 3), -2], [0.125, 4]]))
    return d.build()


def display_blocks(doc: str) -> list[str]:
    return re.findall(r"^\$\$\n(.*?)\n\$\$$", doc, flags=re.S | re.M)


def html_text(tex: str) -> str:
    """What markdown-it writes for text it leaves alone."""
    return tex.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&quot;")


@pytest.mark.parametrize("derivation", [small_derivation(), tricky_derivation()])
def test_math_survives_a_math_unaware_commonmark_parser(derivation):
    doc = render_document([(derivation, "a_b.yaml")])
    out = COMMONMARK.render(doc)
    blocks = display_blocks(doc)
    assert blocks
    for tex in blocks:
        assert "<p>$$\n" + html_text(tex) + "\n$$</p>" in out, tex
    for tex in re.findall(r"\| \$(.+?)\$ (?=\|)", doc):
        assert "<td>$" + html_text(tex) + "$</td>" in out, tex


def test_table_cells_stay_in_their_columns():
    out = COMMONMARK.render(render_derivation(tricky_derivation()))
    rows = re.findall(r"<tr>(.*?)</tr>", out, flags=re.S)
    assert [len(re.findall(r"<t[hd]>", r)) for r in rows] == [2, 2, 2]
    assert "<td>x|y *z*</td>" in out
    assert "<th>a | b</th>" in out and "<th>c_d</th>" in out


def test_title_and_prose_read_back_as_written():
    out = COMMONMARK.render(render_derivation(tricky_derivation()))
    assert "<h1>Tricky *title* with_underscores | and $5</h1>" in out


@pytest.mark.parametrize("text", ["[a](b) and ![c](d)", "<http://x.y> <b>bold</b>", "1. one",
                                  "- item", "# h", "a\\b", "&copy; &#35;", "~~s~~ *e* _f_",
                                  "`code | $x$` then $y$", "[a]: http://x.y", "[a][b]",
                                  "> quoted", "a~b~ c", "_a_b_", "a\\*b\\", "C# and #1",
                                  "| --- | :-: |"])
def test_escaped_markup_reads_back_unchanged(text):
    rendered = COMMONMARK.render(escape(text))
    plain = html.unescape(re.sub(r"</?(p|code)>", "", rendered)).strip()
    assert plain == text.replace("`", "")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 .-+=#*_<>|$~&\\[](){}!^%'\"σ✓é")),
               min_size=1, max_size=30))
def test_escaped_prose_reads_back_unchanged(text):
    text = text.strip()
    if text:
        rendered = COMMONMARK.render(escape(text))
        assert html.unescape(re.sub(r"</?p>", "", rendered)).strip() == text


@pytest.mark.parametrize("text, in_table, markdown", [
    ("0.5561", True, "0.5561"),                  # a number in a cell is never a list item
    ("1. one", True, "1. one"),
    ("- two", True, "- two"),
    ("|s| > 1", True, "\\|s\\| > 1"),           # a cell's own | must be escaped
    ("|s| > 1, p < 0.5 and s_i = x[1,2]", False, "|s| > 1, p < 0.5 and s_i = x[1,2]"),
    ("ε ~ N(0, σ²) & a_b", False, "ε ~ N(0, σ²) & a_b"),
    ("max_j s_j: Σ_j e_j", False, "max_j s_j: Σ_j e_j"),
])
def test_escapes_only_what_markdown_would_read(text, in_table, markdown):
    assert escape(text, in_table) == markdown
