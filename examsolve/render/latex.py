"""A Derivation as LaTeX: a fragment to paste into an exam's source, or (`standalone`) a whole
document that needs nothing beyond `amsmath`.

Each step's run of equations is one `align*` (aligned at the first relation, the key's labels
as `\\tag*`), matrices are `bmatrix`, tables `tabular`, code and text-art figures `verbatim`;
final answers are boxed in a `gather*`. The math itself comes from `latex_math.LatexMath`.
"""

from __future__ import annotations

import re

from examsolve import mathmodel as m
from examsolve.derivation import (Code, Derivation, Equation, Figure, Para, Table,
                                  answer_display)
from examsolve.render import dispatch
from examsolve.render.prose import paragraphs
from examsolve.render.latex_math import (LatexMath, escape_text, verbatim,
                                         verbatim_ascii)

_CODE_SPAN = re.compile(r"`([^`]+)`")

PREAMBLE = (
    "\\documentclass[11pt,a4paper]{article}\n"
    "% Written by examsolve: needs only amsmath (pdflatex, lualatex or xelatex).\n"
    "\\usepackage{amsmath}\n"
    "% A4 with 2.5 cm margins, set by hand (the geometry package is not in a minimal TeX).\n"
    "\\setlength{\\textwidth}{16cm}\\setlength{\\oddsidemargin}{0cm}"
    "\\setlength{\\evensidemargin}{0cm}\n"
    "\\setlength{\\textheight}{24cm}\\setlength{\\topmargin}{-1.5cm}\n"
    "\\allowdisplaybreaks\n"
    "\\begin{document}\n"
)


def prose(text: str) -> str:
    """Prose with `code` spans in \\texttt; paragraphs and items as `paragraphs` finds them."""
    out = []
    for para in paragraphs(text):
        lines = []
        for line in para:
            parts, last = [], 0
            for match in _CODE_SPAN.finditer(line):
                parts.append(escape_text(line[last:match.start()]))
                parts.append(r"\texttt{" + escape_text(match.group(1)) + "}")
                last = match.end()
            parts.append(escape_text(line[last:]))
            lines.append("".join(parts).strip())
        out.append(" \\\\\n".join(ln for ln in lines if ln))
    return "\n\n".join(p for p in out if p)


# Text columns wider than this (in characters, all columns together) wrap in p{} columns.
_TABLE_CHARS = 70


def column_spec(b: Table) -> str:
    """`c` for math columns, `l` for text; long text columns become `p{..}` shares of the line,
    since tabular never wraps an `l` column and would run off the page."""
    ncols = max([len(b.headers)] + [len(r) for r in b.rows])
    cells = [[*r] + [""] * (ncols - len(r)) for r in b.rows]
    math = [bool(cells) and all(isinstance(r[j], m.Expr) for r in cells) for j in range(ncols)]
    width = [max([len(b.headers[j]) if j < len(b.headers) else 0] +
                 [len(str(r[j])) for r in cells if not isinstance(r[j], m.Expr)] + [1])
             for j in range(ncols)]
    text_width = sum(w for w, is_math in zip(width, math) if not is_math)
    if text_width <= _TABLE_CHARS:
        return "".join("c" if is_math else "l" for is_math in math)
    return "".join("c" if is_math else f"p{{{0.85 * w / text_width:.2f}\\linewidth}}"
                   for w, is_math in zip(width, math))


class LatexBlocks:
    """The blocks of a step; runs of equations are grouped into one align* by `step`."""

    def __init__(self, math: LatexMath | None = None) -> None:
        self.math = math or LatexMath()

    def block(self, block: object) -> str:
        return dispatch(self, block)

    def _print_Para(self, b: Para) -> str:
        return prose(b.text)

    def _print_Equation(self, b: Equation) -> str:
        return self.equations([b])

    def equations(self, run: list[Equation]) -> str:
        lines = []
        for eq in run:
            line = self.math.aligned(eq.expr)
            if eq.label:
                line += r" \tag*{" + escape_text(eq.label) + "}"
            lines.append(line)
        return "\\begin{align*}\n" + " \\\\\n".join(lines) + "\n\\end{align*}"

    def cell(self, cell: object) -> str:
        if isinstance(cell, m.Expr):
            return "$" + self.math.doprint(cell) + "$"
        return escape_text(str(cell)).replace("\n", " ")

    def _print_Table(self, b: Table) -> str:
        lines = [r"\begin{tabular}{" + column_spec(b) + "}", r"\hline"]
        if any(b.headers):
            lines += [" & ".join(r"\textbf{" + escape_text(h) + "}" if h else ""
                                 for h in b.headers) + r" \\", r"\hline"]
        lines += [" & ".join(self.cell(c) for c in r) + r" \\" for r in b.rows]
        lines += [r"\hline", r"\end{tabular}"]
        out = "\\par\\noindent\n" + "\n".join(lines) + "\n\\par"
        if b.caption:
            out = "\\noindent\\textit{" + escape_text(b.caption) + "}\\par\\smallskip\n" + out
        return out

    def _print_Code(self, b: Code) -> str:
        return verbatim(b.source, code=True)

    def _print_Figure(self, b: Figure) -> str:
        out = verbatim(b.text)
        if b.image:
            out += "\n% image written alongside: " + verbatim_ascii(b.image)
        if b.caption:
            out += "\n\\noindent\\textit{" + escape_text(b.caption) + "}\\par"
        return out

    def step(self, blocks: tuple[object, ...]) -> list[str]:
        out: list[str] = []
        run: list[Equation] = []
        for b in blocks:
            if isinstance(b, Equation):
                run.append(b)
                continue
            if run:
                out.append(self.equations(run))
                run = []
            out.append(self.block(b))
        if run:
            out.append(self.equations(run))
        return out


def answers(derivation: Derivation, math: LatexMath) -> list[str]:
    boxed = [a for a in derivation.answers if a.boxed]
    rest = [a for a in derivation.answers if not a.boxed]
    out = []
    if boxed:
        out.append("\\begin{gather*}\n" + " \\\\\n".join(
            r"\boxed{" + math.doprint(answer_display(a)) + "}" for a in boxed)
            + "\n\\end{gather*}")
    if rest:
        out.append("Also: " + ", ".join("$" + math.doprint(answer_display(a)) + "$"
                                        for a in rest) + ".")
    return out


def render_derivation(derivation: Derivation, file: str | None = None,
                      answers_only: bool = False) -> str:
    """One problem as a LaTeX fragment: section, statement, numbered steps, boxed answers."""
    blocks = LatexBlocks()
    out = [r"\section*{" + escape_text(derivation.title) + "}"]
    meta = " \u00b7 ".join(x for x in (derivation.kind, derivation.source, file) if x)
    out.append(r"\noindent\textit{" + escape_text(meta) + "}\\par")
    if not answers_only:
        if derivation.statement:
            out.append("\\begin{quote}\n\\textbf{Problem.} " + prose(derivation.statement)
                       + "\n\\end{quote}")
        for number, step in enumerate(derivation.steps, 1):
            out.append(r"\subsection*{" + f"{number}. " + escape_text(step.heading) + "}")
            out += blocks.step(step.blocks)
        out.append(r"\subsection*{Answers}")
    out += answers(derivation, blocks.math)
    out += [r"\noindent\textbf{Warning.} " + prose(w) + "\\par" for w in derivation.warnings]
    return "\n\n".join(out) + "\n"


def render_document(items: list[tuple[Derivation, str | None]], standalone: bool = False,
                    answers_only: bool = False) -> str:
    """Problems in order as one fragment, or a complete document when `standalone`."""
    body = "\n".join(render_derivation(d, f, answers_only) for d, f in items)
    return PREAMBLE + "\n" + body + "\n\\end{document}\n" if standalone else body
