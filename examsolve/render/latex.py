"""A Derivation as LaTeX: a fragment to paste into an exam's source, or (`standalone`) a whole
document that needs nothing beyond `amsmath`.

Each step's run of equations is one `align*` (aligned at the first relation, the key's labels
as `\\tag*`); a chain too wide for the line continues on the next one, aligned at its `=`.
Matrices are `bmatrix`, tables `tabular`, code and text-art figures `verbatim` (in a smaller
size when their lines are long; a figure kept on one page); final answers are boxed in a
`gather*`, the unboxed extras follow in a `gather*` of their own. The math comes from
`latex_math.LatexMath`, the characters of text from `latex_text`.
"""

from __future__ import annotations

import re

from examsolve import mathmodel as m
from examsolve.chart import Graph
from examsolve.derivation import (Code, Derivation, Equation, Figure, Para, Table,
                                  answer_display, warning_para)
from examsolve.numbers import format_number
from examsolve.render.printer import dispatch
from examsolve.render.latex_math import LatexMath, TexWidth
from examsolve.render.latex_text import escape_text, verbatim, verbatim_ascii
from examsolve.render.prose import fill_placeholders, paragraphs, with_placeholders

_CODE_SPAN = re.compile(r"`([^`]+)`")

PREAMBLE = (
    "\\documentclass[11pt,a4paper]{article}\n"
    "% Written by examsolve: needs only amsmath and graphicx (pdflatex, lualatex or xelatex).\n"
    "\\usepackage{amsmath}\n"
    "\\usepackage{graphicx}\n"
    "% A4 with 2.5 cm margins, set by hand (the geometry package is not in a minimal TeX).\n"
    "\\setlength{\\textwidth}{16cm}\\setlength{\\oddsidemargin}{0cm}"
    "\\setlength{\\evensidemargin}{0cm}\n"
    "\\setlength{\\textheight}{24cm}\\setlength{\\topmargin}{-1.5cm}\n"
    "\\allowdisplaybreaks\n"
    "\\begin{document}\n"
)

# ---- prose ----------------------------------------------------------------------------------

def text(line: str, before: str = "") -> str:
    """One piece of prose for text mode, escaped (math in prose comes as math nodes, which
    the printer sets itself). `before` is the text it follows (for quotes)."""
    return escape_text(line, before=before)


def inline(line: str) -> str:
    """A line of prose with `code` spans in \\texttt."""
    parts, last = [], 0
    for match in _CODE_SPAN.finditer(line):
        parts.append(text(line[last:match.start()], line[:last]))
        parts.append(r"\texttt{" + escape_text(match.group(1), code=True) + "}")
        last = match.end()
    parts.append(text(line[last:], line[:last]))
    return "".join(parts).strip()


def prose(source: str, indent: bool = False) -> str:
    """Paragraphs as `paragraphs` finds them, each an unindented block (`\\noindent`: most
    follow a display, where an indent would read as a continued sentence)."""
    out = []
    for para in paragraphs(source):
        body = " \\\\\n".join(ln for ln in map(inline, para) if ln)
        if body:
            out.append(body if indent else "\\noindent " + body)
    return "\n\n".join(out)


# ---- tables ---------------------------------------------------------------------------------

# Text columns wider than this (in characters, all columns together) wrap in p{} columns.
_TABLE_CHARS = 70
_NUMBER = re.compile(r"[-−]?\d+(\.\d+)?(e[-+]?\d+)?(/\d+)?")


def _numeric(cell: object) -> bool:
    if isinstance(cell, m.Num):
        return "/" not in format_number(cell.value)
    return isinstance(cell, str) and bool(_NUMBER.fullmatch(cell.strip()))


def column_spec(b: Table) -> str:
    """`r` for columns of plain numbers, `c` for math, `l` for text; long text columns become
    `p{..}` shares of the line, since tabular never wraps an `l` column and would run off the
    page. Each text column first gets room for its longest word (up to its longest cell), the
    rest of the line goes to the columns that still want more, in proportion."""
    ncols = max([len(b.headers)] + [len(r) for r in b.rows])
    rows = [list(b.headers) + [""] * (ncols - len(b.headers))] + \
        [[*r] + [""] * (ncols - len(r)) for r in b.rows]
    cells = rows[1:]
    kind = ["r" if cells and all(_numeric(r[j]) for r in cells) else
            "c" if cells and all(isinstance(r[j], m.Expr) for r in cells) else "l"
            for j in range(ncols)]
    texts = [[str(r[j]) for r in rows if not isinstance(r[j], m.Expr)] for j in range(ncols)]
    width = [max([len(t) for t in col] + [1]) for col in texts]
    word = [max([len(w) for t in col for w in t.split()] + [1]) for col in texts]
    text_width = sum(w for w, k in zip(width, kind) if k == "l")
    if text_width <= _TABLE_CHARS:
        return "".join(kind)
    floor = [min(w, wd) if k == "l" else 0 for w, wd, k in zip(width, word, kind)]
    spare = max(text_width - sum(floor), 1)
    room = max(_TABLE_CHARS - sum(floor), 0)
    share = [f + room * (w - f) / spare for f, w in zip(floor, width)]
    return "".join(k if k != "l" else f"p{{{0.85 * sh / sum(share):.2f}\\linewidth}}"
                   for sh, k in zip(share, kind))


# ---- verbatim -------------------------------------------------------------------------------

# (longest line in characters, size) for verbatim at 11pt on a 16 cm line: 0.525 em a character.
_VERBATIM_SIZES = ((79, ""), (86, "\\small"), (96, "\\footnotesize"), (108, "\\scriptsize"))
_FIGURE_LINES = 60  # a figure shorter than this is kept on one page


def sized(block: str) -> str:
    """A verbatim block set small enough for its longest line to fit the text width."""
    longest = max(len(ln) for ln in block.split("\n")[1:-1] or [""])
    size = next((s for n, s in _VERBATIM_SIZES if longest <= n), "\\tiny")
    return block if not size else "{" + size + "\n" + block + "}"


# ---- equations ------------------------------------------------------------------------------

# What an align* line may take, in pt: the 16 cm (455 pt) line, less a margin for the estimate.
LINE_WIDTH = 420.0


# Smaller sizes for math that cannot be broken (a long row vector): their width against 11pt.
_MATH_SIZES = ((10 / 10.95, "\\small"), (9 / 10.95, "\\footnotesize"), (8 / 10.95, "\\scriptsize"))


def fitted(tex: str, width: float, room: float) -> str:
    """Display math `tex`, about `width` pt wide, set in a smaller size when it would not fit
    in `room` (\\text{} with a size switch: amsmath has no other way to shrink a formula)."""
    if width <= room:
        return tex
    size = next((s for f, s in _MATH_SIZES if width * f <= room), _MATH_SIZES[-1][1])
    return r"\text{" + size + r"$\displaystyle " + tex + "$}"


def _chain_lines(rel: m.Rel, math: LatexMath, measure: TexWidth, budget: float) -> list[str]:
    """`lhs &= a = b = c`, broken before a relation sign wherever the rest would not fit in
    `budget` pt: each continuation line starts with `&=`, under the first one."""
    lines: list[str] = []
    current, used = math.doprint(rel.parts[0]) + " &", 0.0
    for i, (op, part) in enumerate(zip(rel.ops, rel.parts[1:])):
        w = measure.REL + measure.width(part)
        if i and used + w > budget:
            lines.append(current)
            current, used = "&", 0.0
        current += ("" if current.endswith("&") else " ") + math.relations[op] + " " + \
            fitted(math.doprint(part), w - measure.REL, budget - measure.REL)
        used += w
    return lines + [current]


# ---- blocks ---------------------------------------------------------------------------------

class LatexBlocks:
    """The blocks of a step; runs of equations are grouped into one align* by `step`."""

    def __init__(self, math: LatexMath | None = None) -> None:
        self.math = math or LatexMath()
        self.measure = TexWidth()

    def block(self, block: object) -> str:
        return dispatch(self, block)

    def _print_Para(self, b: Para) -> str:
        return self.para(b)

    def para(self, b: Para, indent: bool = False) -> str:
        """Prose with its math set inline; `indent` leaves out the leading \\noindent."""
        text, math = with_placeholders(b.parts)
        return fill_placeholders(prose(text, indent),
                                 [r"\(" + self.math.doprint(x).strip() + r"\)" for x in math])

    def _print_Equation(self, b: Equation) -> str:
        return self.equations([b])

    def equations(self, run: list[Equation]) -> str:
        """One align*: all lines share the column of the first relation, so the widest left
        side decides how much room every chain has on the right."""
        lhs = [self.measure.width(eq.expr.parts[0]) for eq in run if isinstance(eq.expr, m.Rel)]
        budget = LINE_WIDTH - max(lhs, default=0.0)
        lines = []
        for eq in run:
            if isinstance(eq.expr, m.Rel):
                chain = _chain_lines(eq.expr, self.math, self.measure, budget)
            else:
                chain = [self.math.aligned(eq.expr)]
            if eq.label:
                chain[0] += r" \tag*{" + escape_text(eq.label) + "}"
            lines += chain
        return "\\begin{align*}\n" + " \\\\\n".join(lines) + "\n\\end{align*}"

    def cell(self, cell: object) -> str:
        if isinstance(cell, m.Expr):
            return "$" + self.math.doprint(cell) + "$"
        return " ".join(inline(ln) for ln in str(cell).splitlines())

    def _print_Table(self, b: Table) -> str:
        spec = column_spec(b)
        # Wrapped columns are set ragged-right (justified, a narrow column gapes); after
        # \raggedright a row must end in \tabularnewline, not \\.
        ragged = [c == "p" for c in re.sub(r"\{[^}]*\}", "", spec)]
        end = r" \tabularnewline" if any(ragged) else r" \\"

        def row(cells: list[str]) -> str:
            return " & ".join(r"\raggedright " + c if j < len(ragged) and ragged[j] and c
                              else c for j, c in enumerate(cells)) + end

        lines = [r"\begin{tabular}{" + spec + "}", r"\hline"]
        if any(b.headers):
            lines += [row([r"\textbf{" + inline(h) + "}" if h else "" for h in b.headers]),
                      r"\hline"]
        lines += [row([self.cell(c) for c in r]) for r in b.rows]
        lines += [r"\hline", r"\end{tabular}"]
        out = "\n".join(lines) + "\n\\par\\medskip"
        if b.caption:
            out = "\\noindent\\textit{" + inline(b.caption) + "}\\par\\smallskip\n\\noindent\n" \
                + out
        else:
            out = "\\noindent\n" + out
        return "\\par\\medskip\n" + out

    def _print_Code(self, b: Code) -> str:
        return sized(verbatim(b.source, code=True))

    def _print_Figure(self, b: Figure) -> str:
        if b.image:  # drawn into a file beside the document: the chart's title captions it
            caption = b.chart.title if b.chart is not None else b.caption or ""
            # A graph is as big as its network: it may take the page; a plot 0.8 of a line.
            size = "width=\\linewidth,height=0.8\\textheight" if isinstance(b.chart, Graph) \
                else "width=0.8\\linewidth,height=0.45\\textheight"
            return ("\\begin{figure}[!htbp]\n\\centering\n"
                    "\\includegraphics[" + size + ",keepaspectratio]{"
                    + verbatim_ascii(b.image) + "}\n"
                    + ("\\caption{" + inline(caption) + "}\n" if caption else "")
                    + "\\end{figure}")
        if not b.text:  # no text form (a computational graph): only drawn into files
            return ""
        out = sized(verbatim(b.text))
        if b.caption:
            out += "\n\\noindent\\textit{" + inline(b.caption) + "}"
        if b.text.count("\n") < _FIGURE_LINES:  # a minipage is never split across pages
            out = "\\par\\noindent\n\\begin{minipage}{\\linewidth}\n" + out + \
                "\n\\end{minipage}\\par\\medskip"
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
        return [x for x in out if x]


# ---- answers and documents ------------------------------------------------------------------

def answers(derivation: Derivation, math: LatexMath) -> list[str]:
    """Boxed answers one to a line; the unboxed extras after them, as many to a line as fit."""
    boxed = [a for a in derivation.answers if a.boxed]
    rest = [a for a in derivation.answers if not a.boxed and a.listed]
    labels = derivation.mark_labels()
    measure, out = TexWidth(), []
    if boxed:
        out.append("\\begin{gather*}\n" + " \\\\\n".join(
            r"\boxed{" + fitted(math.doprint(answer_display(a)),
                                measure.width(answer_display(a)), LINE_WIDTH) + "}"
            + (r" \tag*{" + escape_text(labels[a.key]) + "}" if a.key in labels else "")
            for a in boxed) + "\n\\end{gather*}")
    if rest:
        lines: list[list[str]] = [[]]
        used = 0.0
        for a in rest:
            expr = answer_display(a)
            w = measure.width(expr) + 30.0  # with the \qquad between
            if lines[-1] and used + w > LINE_WIDTH:
                lines.append([])
                used = 0.0
            lines[-1].append(fitted(math.doprint(expr), w - 30.0, LINE_WIDTH)
                             + (r" \;\text{(" + escape_text(labels[a.key]) + ")}"
                                if a.key in labels else ""))
            used += w
        out.append("\\noindent Also:\n\\begin{gather*}\n" + " \\\\\n".join(
            r" \qquad ".join(line) for line in lines) + "\n\\end{gather*}")
    return out


def render_derivation(derivation: Derivation, file: str | None = None,
                      answers_only: bool = False, number: int | None = None) -> str:
    """One problem as a LaTeX fragment: section, statement, numbered steps, boxed answers.
    `number` is its place in a whole exam's document."""
    blocks = LatexBlocks()
    title = inline(derivation.title)
    out = [r"\section*{" + (f"Problem {number}: " if number else "") + title + "}"]
    meta = r"\noindent\textit{" + inline(derivation.source) + "}" if derivation.source else \
        r"\noindent"
    if file:  # at the right of the line, or of the next one if it does not fit (TeXbook)
        meta += r"{\unskip\nobreak\hfil\penalty50\hskip1em\hbox{}\nobreak\hfil" \
            r"{\footnotesize\texttt{" + escape_text(file, code=True) + r"}}\parfillskip=0pt\par}"
    if file or derivation.source:
        out.append(meta if file else meta + "\\par")
    if not answers_only:
        if derivation.statement:
            out.append("\\begin{quote}\n\\textbf{Problem.} " + prose(derivation.statement, True)
                       + "\n\\end{quote}")
        for n, step in enumerate(derivation.steps, 1):
            out.append(r"\subsection*{" + f"{n}. " + inline(step.heading) + "}")
            out += blocks.step(step.blocks)
        if derivation.answers:  # a question sheet has none
            out.append(r"\subsection*{Answers}")
    out += answers(derivation, blocks.math)
    out += [r"\noindent\textbf{Warning.} " + blocks.para(warning_para(w), True) + "\\par"
            for w in derivation.warnings]
    return "\n\n".join(out) + "\n"


_NUMBERING_WORDS = {"problem", "problems", "question", "exercise", "part", "task", "no."}


def document_title(items: list[tuple[Derivation, str | None]], what: str = "") -> str:
    """A whole exam's title: the words every problem's source starts with, less a trailing
    `problem` (`Midterm, problem 1`, `Midterm, problem 2` → Midterm), else just Solutions."""
    sources = [(d.source or "").split() for d, _ in items]
    common = []
    for words in zip(*sources):
        if len(set(words)) > 1:
            break
        common.append(words[0])
    while common and common[-1].lower() in _NUMBERING_WORDS:
        common.pop()
    head = " ".join(common).rstrip(",;:-– ")
    what = what or ("questions" if not any(d.answers for d, _ in items) else "solutions")
    return f"{head}: {what}" if head else what.capitalize()


def render_document(items: list[tuple[Derivation, str | None]], standalone: bool = False,
                    answers_only: bool = False, title: str | None = None,
                    page_break: bool = False) -> str:
    """Problems in order as one fragment, or a complete document when `standalone`; several
    problems (or a `title`) get a title and their numbers in file order; `page_break` starts
    each problem on a page of its own."""
    if len(items) == 1 and title is None:
        body = render_derivation(*items[0], answers_only)
    else:
        title = title or document_title(items)
        body = "\\begin{center}\n{\\LARGE\\bfseries " + text(title) + \
            "}\n\\end{center}\n\n" + ("\n\\clearpage\n" if page_break else "\n").join(
                render_derivation(d, f, answers_only, n if len(items) > 1 else None)
                for n, (d, f) in enumerate(items, 1))
    return PREAMBLE + "\n" + body + "\n\\end{document}\n" if standalone else body
