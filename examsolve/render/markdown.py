"""A Derivation as GitHub/Jupyter-flavoured Markdown with MathJax math.

Display math is a `$$` block of its own (blank lines around it), inline math `$…$` is used in
table cells and the list of unboxed answers. The math is written so that it reaches MathJax
unchanged whether or not the viewer protects math from the Markdown parser (Jupyter does,
GitHub only partly, a plain CommonMark viewer not at all):

- no backslash before ASCII punctuation, which Markdown would eat: matrix rows end in `\\cr`
  rather than `\\\\`, braces are `\\lbrace`/`\\rbrace`, no `\\,` spacing;
- no `*` (emphasis), `|` (a table cell's end), `<`/`>` (HTML): `\\ast`, `\\vert`, `\\lt`, `\\gt`;
- a `_` never follows a closing brace, where Markdown could read it as opening emphasis.

Prose escapes Markdown's specials; `code` spans, code and text-art figures are fenced.
"""

from __future__ import annotations

import re

from examsolve import mathmodel as m
from examsolve.derivation import (Code, Derivation, Equation, Figure, Para, Table,
                                  answer_display)
from examsolve.render import dispatch
from examsolve.render.latex_math import LatexMath
from examsolve.render.prose import paragraphs

_CODE_SPAN = re.compile(r"`([^`]+)`")
# Inline specials of CommonMark/GFM, and `$`, MathJax's delimiter. (`\[` is safe: Jupyter
# takes only `\\[` for display math, which Markdown turns into the `\[` MathJax sees.)
_INLINE_SPECIAL = re.compile(r"([\\`*_<>|$~&#\[\]])")
_LINE_START = re.compile(r"^(\s*)([=+-]|\d+[.)])")


class MarkdownMath(LatexMath):
    """LaTeX math for MathJax inside Markdown (see the module docstring for why)."""

    row_sep = r" \cr "
    specials = {**LatexMath.specials, "{": r"\lbrace ", "}": r"\rbrace ", "<": r"\lt ",
                ">": r"\gt ", "%": r"\text{%}", "&": r"\text{&}", "#": r"\text{#}",
                "_": r"\text{_}"}
    relations = {**LatexMath.relations, "<": r"\lt", ">": r"\gt"}

    def script(self, base: str, sub: str | None, sup: str | None) -> str:
        # `\mathrm{loss}_{t}` would put `_` after `}`; `\mathrm{loss_{t}}` sets the same.
        word = re.fullmatch(r"\\mathrm\{([A-Za-z]+)\}", base)
        if sub is not None and word:
            inner = word.group(1) + "_{" + self.name(sub, words=len(sub) > 2) + "}"
            return super().script(r"\mathrm{" + inner + "}", None, sup)
        return super().script(base, sub, sup)

    def text_run(self, text: str) -> str:
        out, run = [], []
        for c in text:
            if c in "{}\\$*|<>":  # not literal inside MathJax's \text, or Markdown's
                if run:
                    out.append(r"\text{" + "".join(run) + "}")
                    run = []
                out.append(self.name(c).strip())
            else:
                run.append(c)
        if run:
            out.append(r"\text{" + "".join(run) + "}")
        return " ".join(out)


def escape(text: str, in_table: bool = False) -> str:
    """One line of prose as Markdown text, `code` spans kept (in a table cell a code span's
    `|` is escaped too: GFM splits cells before it looks for code)."""
    parts, last = [], 0
    for match in _CODE_SPAN.finditer(text):
        parts.append(_INLINE_SPECIAL.sub(r"\\\1", text[last:match.start()]))
        parts.append(match.group().replace("|", "\\|") if in_table else match.group())
        last = match.end()
    parts.append(_INLINE_SPECIAL.sub(r"\\\1", text[last:]))
    line = "".join(parts)
    # A line that starts like a heading, a list item or a setext underline stays prose.
    return _LINE_START.sub(lambda mt: mt.group(1) + "\\" + mt.group(2)
                           if not mt.group(2)[0].isdigit()
                           else mt.group(1) + mt.group(2)[:-1] + "\\" + mt.group(2)[-1], line)


def prose(text: str) -> str:
    """Paragraphs as `paragraphs` finds them; an item's own line is a hard break."""
    return "\n\n".join("  \n".join(escape(ln) for ln in para) for para in paragraphs(text))


def quote(markdown: str) -> str:
    """A block quote; hard breaks (two trailing spaces) survive."""
    return "\n".join("> " + ln if ln.strip() else ">" for ln in markdown.splitlines())


def fence(text: str, info: str) -> str:
    """A fenced block longer than any run of backticks inside it."""
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text.rstrip(chr(10))}\n{ticks}"


class MarkdownBlocks:
    def __init__(self) -> None:
        self.math = MarkdownMath()

    def block(self, block: object) -> str:
        return dispatch(self, block)

    def inline(self, expr: m.Expr) -> str:
        return "$" + self.math.doprint(expr).strip() + "$"

    def display(self, expr: m.Expr, label: str | None = None) -> str:
        tex = self.math.doprint(expr).strip()
        if label:
            tex += r" \qquad " + self.math.text_run(label)
        return "$$\n" + tex + "\n$$"

    def _print_Para(self, b: Para) -> str:
        return prose(b.text)

    def _print_Equation(self, b: Equation) -> str:
        return self.display(b.expr, b.label)

    def cell(self, cell: object) -> str:
        if isinstance(cell, m.Expr):
            return self.inline(cell)
        return " ".join(escape(ln.strip(), True) for ln in str(cell).splitlines()) or " "

    def _print_Table(self, b: Table) -> str:
        ncols = max([len(b.headers)] + [len(r) for r in b.rows])
        headers = list(b.headers) + [""] * (ncols - len(b.headers))
        lines = ["| " + " | ".join(escape(h, True) or " " for h in headers) + " |",
                 "|" + "|".join(" --- " for _ in headers) + "|"]
        for r in b.rows:
            cells = [self.cell(c) for c in r] + [" "] * (ncols - len(r))
            lines.append("| " + " | ".join(cells) + " |")
        table = "\n".join(lines)
        return f"*{escape(b.caption)}*\n\n{table}" if b.caption else table

    def _print_Code(self, b: Code) -> str:
        return fence(b.source, b.language)

    def _print_Figure(self, b: Figure) -> str:
        out = [fence(b.text, "text")]
        if b.image:
            out.append(f"![{escape(b.caption or 'figure')}]({b.image})")
        if b.caption:
            out.append(f"*{escape(b.caption)}*")
        return "\n\n".join(out)


def render_derivation(derivation: Derivation, file: str | None = None,
                      answers_only: bool = False) -> str:
    """One problem: title, statement, numbered steps, boxed answers, warnings."""
    blocks = MarkdownBlocks()
    out = ["# " + escape(derivation.title)]
    meta = " · ".join(x for x in (derivation.kind, derivation.source, file) if x)
    out.append("*" + escape(meta) + "*")
    if not answers_only:
        if derivation.statement:
            out.append(quote("**Problem.** " + prose(derivation.statement)))
        for number, step in enumerate(derivation.steps, 1):
            out.append(f"## {number}. " + escape(step.heading))
            out += [blocks.block(b) for b in step.blocks]
        out.append("## Answers")
    out += [blocks.display(m.Boxed(answer_display(a))) for a in derivation.answers if a.boxed]
    rest = [a for a in derivation.answers if not a.boxed]
    if rest:
        out.append("Also: " + ", ".join(blocks.inline(answer_display(a)) for a in rest) + ".")
    out += [quote("**Warning:** " + prose(w)) for w in derivation.warnings]
    return "\n\n".join(out) + "\n"


def render_document(items: list[tuple[Derivation, str | None]],
                    answers_only: bool = False) -> str:
    """Problems in order, separated by rules: one document for a whole exam."""
    return "\n---\n\n".join(render_derivation(d, f, answers_only) for d, f in items)
