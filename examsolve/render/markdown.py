"""A Derivation as GitHub/Jupyter-flavoured Markdown with MathJax math.

Display math is a `$$` block of its own (blank lines around it), inline math `$…$` is used in
table cells and the list of unboxed answers. The math is written so that it reaches MathJax
unchanged whether or not the viewer protects math from the Markdown parser (Jupyter does,
GitHub only partly, a plain CommonMark viewer not at all):

- no backslash before ASCII punctuation, which Markdown would eat: matrix rows end in `\\cr`
  rather than `\\\\`, braces are `\\lbrace`/`\\rbrace`, no `\\,` spacing;
- no `*` (emphasis), `|` (a table cell's end), `<`/`>` (HTML): `\\ast`, `\\vert`, `\\lt`, `\\gt`;
- a `_` never follows a closing brace, where Markdown could read it as opening emphasis;
- a literal underscore (the key `best_degree`) is drawn as `\\underline{\\hphantom{n}}`:
  KaTeX refuses `_` inside `\\text`, MathJax has no `\\char`, and `\\_` loses its backslash.

Prose escapes only what Markdown would read as markup there, so the source stays readable:
`*` `$` and stray backticks always; `_` `~` `<` `&` `#` `]` `\\` by what stands next to them;
`>`, list numbers, `-` `+` `=` at the start of a line; `|` in table cells. `code` spans stay
as they are; code and text-art figures are fenced.
"""

from __future__ import annotations

import re

from examsolve import mathmodel as m
from examsolve.derivation import (Code, Derivation, Equation, Figure, Para, Table,
                                  answer_display, warning_para)
from examsolve.render.printer import dispatch
from examsolve.render.latex import document_title
from examsolve.render.latex_math import LatexMath
from examsolve.render.prose import fill_placeholders, paragraphs, with_placeholders

_CODE_SPAN = re.compile(r"`([^`]+)`")
_LINE_START = re.compile(r"^(\s*)([=+>-]|\d+[.)])")
# A line of only these (with a `-`) would be a table's delimiter row under the line before.
_DELIMITER_ROW = re.compile(r"[\s|:\\-]*-[\s|:\\-]*")
_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


UNDERSCORE = r"\underline{\hphantom{n}}"


class MarkdownMath(LatexMath):
    """LaTeX math for MathJax inside Markdown (see the module docstring for why)."""

    row_sep = r" \cr "
    specials = {**LatexMath.specials, "{": r"\lbrace ", "}": r"\rbrace ", "<": r"\lt ",
                ">": r"\gt ", "%": r"\text{%}", "&": r"\text{&}", "#": r"\text{#}",
                "_": UNDERSCORE}
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
            if c in "{}\\$*|<>_":  # not literal inside \text for MathJax/KaTeX, or Markdown
                if run:
                    out.append(r"\text{" + "".join(run) + "}")
                    run = []
                out.append(self.name(c).strip())
            else:
                run.append(c)
        if run:
            out.append(r"\text{" + "".join(run) + "}")
        return " ".join(out)


def _needs_escape(text: str, i: int, in_table: bool) -> bool:
    """Whether text[i] would be read as Markdown (CommonMark + GFM) or as MathJax's `$`."""
    c, before, after = text[i], text[i - 1:i], text[i + 1:i + 2]
    if c in "*$`":
        return True
    if c == "_":  # between two letters or digits `_` can neither open nor close emphasis
        return not (before.isalnum() and after.isalnum())
    if c == "~":  # GFM strikethrough, unless it stands alone between spaces
        return not ((not before or before.isspace()) and (not after or after.isspace()))
    if c == "<":  # an HTML tag or an autolink
        return after.isalpha() or after in ("/", "!", "?")
    if c == "&":  # an entity: &copy; &#35;
        return after.isalnum() or after == "#"
    if c == "#":  # an ATX heading or its closing sequence
        return not before or before.isspace()
    if c == "]":  # an inline link [a](b), a reference [a][b] or a definition [a]: b
        return after in ("(", "[", ":")
    if c == "\\":  # a backslash escapes only punctuation, and breaks the line at its end
        return not after or after in _PUNCTUATION
    return c == "|" and in_table


def _escape_run(text: str, start: int, end: int, in_table: bool) -> str:
    return "".join("\\" + text[i] if _needs_escape(text, i, in_table) else text[i]
                   for i in range(start, end))


def escape(text: str, in_table: bool = False, line_start: bool = True) -> str:
    """One line of prose as Markdown text, `code` spans kept (in a table cell a code span's
    `|` is escaped too: GFM splits cells before it looks for code). `line_start`: the text
    begins a line, where `>`, `1.`, `-` … would start a block."""
    parts, last = [], 0
    for match in _CODE_SPAN.finditer(text):
        parts.append(_escape_run(text, last, match.start(), in_table))
        parts.append(match.group().replace("|", "\\|") if in_table else match.group())
        last = match.end()
    parts.append(_escape_run(text, last, len(text), in_table))
    line = "".join(parts)
    if _DELIMITER_ROW.fullmatch(line):
        line = line.replace("|", "\\|")
    if in_table or not line_start:
        return line
    # A line that starts like a quote, a list item or a setext underline stays prose.
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
        text, math = with_placeholders(b.parts)
        return fill_placeholders(prose(text), [self.inline(x) for x in math])

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
        return f"*{escape(b.caption, line_start=False)}*\n\n{table}" if b.caption else table

    def _print_Code(self, b: Code) -> str:
        return fence(b.source, b.language)

    def _print_Figure(self, b: Figure) -> str:
        if b.image:  # drawn into a file beside the document: the chart's title captions it
            caption = b.chart.title if b.chart is not None else b.caption or "figure"
            alt = escape(caption, line_start=False)
            return ("![" + alt.replace("[", "\\[").replace("]", "\\]") + f"]({b.image})\n\n"
                    + f"*{alt}*")
        if not b.text:  # no text form (a computational graph): only drawn into files
            return ""
        out = [fence(b.text, "text")]
        if b.caption:
            out.append(f"*{escape(b.caption, line_start=False)}*")
        return "\n\n".join(out)


def render_derivation(derivation: Derivation, file: str | None = None,
                      answers_only: bool = False, number: int | None = None) -> str:
    """One problem: title, statement, numbered steps, boxed answers, warnings. `number` is its
    place in a whole exam's document, whose title is the one `#` heading."""
    blocks = MarkdownBlocks()
    h = "##" if number else "#"
    out = [h + " " + (f"Problem {number}: " if number else "")
           + escape(derivation.title, line_start=False)]
    meta = [f"*{escape(derivation.source, line_start=False)}*" if derivation.source else "",
            f"`{file}`" if file and "`" not in file else ""]
    if any(meta):
        out.append(" · ".join(x for x in meta if x))
    if not answers_only:
        if derivation.statement:
            out.append(quote("**Problem.** " + prose(derivation.statement)))
        for n, step in enumerate(derivation.steps, 1):
            out.append(f"{h}# {n}. " + escape(step.heading, line_start=False))
            out += [x for x in map(blocks.block, step.blocks) if x]
        if derivation.answers:  # a question sheet has none
            out.append(f"{h}# Answers")
    labels = derivation.mark_labels()
    out += [blocks.display(m.Boxed(answer_display(a)), labels.get(a.key))
            for a in derivation.answers if a.boxed]
    rest = [a for a in derivation.answers if not a.boxed and a.listed]
    if rest:
        out.append("Also: " + ", ".join(
            blocks.inline(answer_display(a)) + (f" ({escape(labels[a.key], line_start=False)})"
                                                if a.key in labels else "")
            for a in rest) + ".")
    out += [quote("**Warning:** " + blocks.block(warning_para(w))) for w in derivation.warnings]
    return "\n\n".join(out) + "\n"


def render_document(items: list[tuple[Derivation, str | None]],
                    answers_only: bool = False, title: str | None = None) -> str:
    """Problems in order, separated by rules: one document for a whole exam, titled (`title`,
    else from the sources) and with the problems numbered when there are several."""
    if len(items) == 1 and title is None:
        return render_derivation(*items[0], answers_only)
    title = title or document_title(items)
    return f"# {escape(title, line_start=False)}\n\n" + "\n---\n\n".join(
        render_derivation(d, f, answers_only, n if len(items) > 1 else None)
        for n, (d, f) in enumerate(items, 1))
