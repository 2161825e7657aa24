"""A Derivation's blocks as HTML with MathJax math (`\\( … \\)` inline, `\\[ … \\]` displayed),
for the Moodle export's question text and general feedback (Moodle's MathJax filter
typesets both delimiters).

Text is HTML-escaped; math is `latex_math.LatexMath`'s, HTML-escaped too (a `<` in a
relation must not open a tag); code and text-art figures are `<pre>`.
"""

from __future__ import annotations

import html
import re

from examsolve import mathmodel as m
from examsolve.derivation import (Code, Derivation, Equation, Figure, Para, Step, Table,
                                  warning_para)
from examsolve.render.latex_math import LatexMath
from examsolve.render.printer import dispatch
from examsolve.render.prose import fill_placeholders, paragraphs, with_placeholders

_CODE_SPAN = re.compile(r"`([^`]+)`")


def text_html(text: str) -> str:
    """Prose: escaped, `code` spans as <code>."""
    out, last = [], 0
    for match in _CODE_SPAN.finditer(text):
        out.append(html.escape(text[last:match.start()], quote=False))
        out.append("<code>" + html.escape(match.group(1), quote=False) + "</code>")
        last = match.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def prose_html(source: str) -> str:
    """A statement's paragraphs as <p>, an item's own line after a <br>."""
    return "\n".join("<p>" + "<br>\n".join(text_html(ln) for ln in para) + "</p>"
                     for para in paragraphs(source))


class HtmlBlocks:
    def __init__(self) -> None:
        self.math = LatexMath()

    def block(self, block: object) -> str:
        return dispatch(self, block)

    def inline(self, expr: m.Expr) -> str:
        return r"\(" + html.escape(self.math.doprint(expr).strip(), quote=False) + r"\)"

    def _print_Para(self, b: Para) -> str:
        return "<p>" + self.inline_para(b) + "</p>"

    def inline_para(self, b: Para) -> str:
        """A paragraph's text and inline math, without the <p> around it."""
        text, math = with_placeholders(b.parts)
        return fill_placeholders(text_html(text), [self.inline(x) for x in math])

    def _print_Equation(self, b: Equation) -> str:
        tex = html.escape(self.math.doprint(b.expr).strip(), quote=False)
        label = f" \\qquad \\text{{{html.escape(b.label, quote=False)}}}" if b.label else ""
        return r"<p>\[" + tex + label + r"\]</p>"

    def cell(self, cell: object) -> str:
        return self.inline(cell) if isinstance(cell, m.Expr) else text_html(str(cell))

    def _print_Table(self, b: Table) -> str:
        rows = ["<tr>" + "".join(f"<th>{text_html(h)}</th>" for h in b.headers) + "</tr>"]
        rows += ["<tr>" + "".join(f"<td>{self.cell(c)}</td>" for c in r) + "</tr>"
                 for r in b.rows]
        caption = f"<caption>{text_html(b.caption)}</caption>" if b.caption else ""
        return '<table border="1" cellpadding="4">' + caption + "".join(rows) + "</table>"

    def _print_Code(self, b: Code) -> str:
        return "<pre>" + html.escape(b.source, quote=False) + "</pre>"

    def _print_Figure(self, b: Figure) -> str:
        if not b.text:  # no text form (a computational graph)
            return ""
        caption = f"<p><em>{text_html(b.caption)}</em></p>" if b.caption else ""
        return "<pre>" + html.escape(b.text, quote=False) + "</pre>" + caption


def steps_html(steps: tuple[Step, ...]) -> str:
    """Numbered steps, each a heading and its blocks."""
    blocks = HtmlBlocks()
    out = []
    for n, step in enumerate(steps, 1):
        out.append(f"<h4>{n}. {text_html(step.heading)}</h4>")
        out += [blocks.block(b) for b in step.blocks]
    return "\n".join(out)


def derivation_html(derivation: Derivation) -> str:
    """A worked solution: its steps, then the warnings (its answers are the cloze's)."""
    out = [steps_html(derivation.steps)]
    blocks = HtmlBlocks()
    out += [f"<p><strong>Warning:</strong> {blocks.inline_para(warning_para(w))}</p>"
            for w in derivation.warnings]
    return "\n".join(out)
