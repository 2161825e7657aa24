"""A Derivation on the terminal with rich: numbered steps, two-dimensional math, boxed
answers. Plain text (no colour) when the output is not a terminal or NO_COLOR is set."""

from __future__ import annotations

import re

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.syntax import Syntax
from rich.table import Table as RichTable
from rich.text import Text

from examsolve.derivation import (Code, Derivation, Equation, Figure, Para, Table,
                                  answer_display)
from examsolve.mathmodel import Expr, Rel
from examsolve.render.printer import dispatch
from examsolve.render.prose import fill_placeholders, paragraphs, with_placeholders
from examsolve.render.textmath import Box, hjoin, layout, linear

_CODE_SPAN = re.compile(r"`([^`]+)`")


def prose(text: str) -> Text:
    """Prose with `code` spans styled; never parsed as rich markup."""
    out = Text()
    last = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(text[last:match.start()])
        out.append(match.group(1), style="bold cyan")
        last = match.end()
    out.append(text[last:])
    return out


INDENT = 2  # equations stand indented under their prose


def math_text(expr: Expr, label: str | None = None, width: int | None = None) -> Text:
    """Two-dimensional math; an equation label like (8) stands after it, on its centre row.

    A chain `a = b = c` wider than `width` breaks before a relation sign, each continuation
    aligned under the first `=`, as a long line is written by hand; nothing is cropped.
    """
    boxes = _broken_chain(expr, width) if width else [layout(expr)]
    lines: list[str] = []
    for i, box in enumerate(boxes):
        rows = [ln.rstrip() for ln in box.lines]
        if label and i == len(boxes) - 1:
            longest = max(len(ln) for ln in rows)
            rows[box.baseline] = rows[box.baseline].ljust(longest + 4) + label
        lines.extend(rows)
    return Text("\n".join(lines), style="", no_wrap=True, overflow="ignore")


def text_width(text: Text) -> int:
    """The width of the widest line (Text.cell_len counts every line together)."""
    return max((line.cell_len for line in text.split("\n")), default=0)


def _broken_chain(expr: Expr, width: int) -> list[Box]:
    whole = layout(expr)
    if whole.width <= width or not isinstance(expr, Rel):
        return [whole]
    first = layout(expr.parts[0])
    indent = first.width + 1 if first.width + 1 <= width // 3 else 4
    lines: list[Box] = []
    # The first line always says what is being computed: `a = b`, however wide b is.
    current = hjoin(first, Box.text(f" {expr.ops[0]} "), layout(expr.parts[1]))
    for op, part in zip(expr.ops[1:], expr.parts[2:]):
        piece = layout(part)
        joined = hjoin(current, Box.text(f" {op} "), piece)
        if joined.width <= width:
            current = joined
        else:
            lines.append(current)
            current = hjoin(Box.text(" " * indent + f"{op} "), piece)
    lines.append(current)
    return lines


class RichPrinter:
    def __init__(self, console: Console) -> None:
        self.console = console

    def block(self, block: object) -> RenderableType:
        return dispatch(self, block)

    def _print_Para(self, b: Para) -> RenderableType:
        text, math = with_placeholders(b.parts)
        return prose(fill_placeholders(text, [linear(x) for x in math]))

    def _print_Equation(self, b: Equation) -> RenderableType:
        text = math_text(b.expr, b.label, self.console.width - INDENT)
        if text_width(text) + INDENT > self.console.width:
            # Still too wide (one huge part): indent by hand and let it run on rather than
            # crop it (printed with soft_wrap, which Padding would not honour).
            return Text("\n").join(Text(" " * INDENT) + line for line in text.split("\n"))
        return Padding(text, (0, 0, 0, INDENT), expand=False)

    def _print_Table(self, b: Table) -> RenderableType:
        table = RichTable(title=b.caption, title_justify="left", show_edge=True, pad_edge=True)
        for header in b.headers:
            table.add_column(header, overflow="fold")  # a narrow terminal folds, never crops
        for r in b.rows:
            table.add_row(*[Text(linear(c)) if isinstance(c, Expr) else Text(str(c))
                            for c in r])
        return table

    def _print_Code(self, b: Code) -> RenderableType:
        # word_wrap: on a narrow terminal a long line wraps rather than losing its end.
        return Syntax(b.source, b.language, theme="ansi_dark", background_color="default",
                      word_wrap=True)

    def _print_Figure(self, b: Figure) -> RenderableType:
        parts: list[RenderableType] = [Text(b.text, no_wrap=True, overflow="ignore")]
        if b.caption:
            parts.append(Text(b.caption, style="italic"))
        return Group(*parts)


# Past these counts the panel summarises: the whole list is in --format json.
MAX_BOXED_SHOWN = 24
MAX_ALSO_SHOWN = 12


def answer_text(expr: Expr, width: int, label: str | None = None) -> Text:
    """A boxed answer: two-dimensional when it fits, else one line of text that wraps
    (a long list of numbers must never be cropped at the panel's edge); `label` is its
    marks, `[2 marks]`, after it."""
    text = math_text(expr, f"[{label}]" if label else None, width=width)
    if text_width(text) <= width:
        return text
    return Text(linear(expr) + (f"  [{label}]" if label else ""))


def answers_panel(derivation: Derivation, width: int = 80) -> RenderableType:
    inner = width - 4  # the panel's borders and padding
    boxed = [a for a in derivation.answers if a.boxed]
    rest = [a for a in derivation.answers if not a.boxed and a.listed]
    labels = derivation.mark_labels()
    body: list[RenderableType] = [answer_text(answer_display(a), inner, labels.get(a.key))
                                  for a in boxed[:MAX_BOXED_SHOWN]]
    if len(boxed) > MAX_BOXED_SHOWN:
        body.append(Text(f"… and {len(boxed) - MAX_BOXED_SHOWN} more (all in --format json)",
                         style="dim"))
    if rest:
        also = ", ".join(linear(answer_display(a)) + (f" [{labels[a.key]}]"
                                                       if a.key in labels else "")
                         for a in rest[:MAX_ALSO_SHOWN])
        if len(rest) > MAX_ALSO_SHOWN:
            also += f", … and {len(rest) - MAX_ALSO_SHOWN} more (all in --format json)"
        body.append(Text("also: " + also, style="dim"))
    return Panel(Group(*body), title="Answers", title_align="left", border_style="green",
                 expand=False)


def render(derivation: Derivation, console: Console, file: str | None = None,
           answers_only: bool = False) -> None:
    """Print one derivation."""
    console.print(Rule(Text(derivation.title, style="bold"), align="left"))
    meta = " · ".join(x for x in (derivation.kind, derivation.source, file) if x)
    console.print(Text(meta, style="dim"))
    if not answers_only:
        if derivation.statement:
            statement = "\n\n".join("\n".join(p) for p in paragraphs(derivation.statement))
            console.print(Panel(prose(statement), title="Problem",
                                title_align="left", border_style="blue"))
        printer = RichPrinter(console)
        for number, step in enumerate(derivation.steps, 1):
            console.print()
            console.print(Text(f"{number}. {step.heading}", style="bold"))
            for block in step.blocks:
                if isinstance(block, Figure) and not block.text:
                    continue  # no text form (a computational graph): drawn only into files
                console.print(printer.block(block), soft_wrap=isinstance(block, Equation))
        console.print()
    if derivation.answers:  # a question sheet has none
        console.print(answers_panel(derivation, console.width))
    for warning in derivation.warnings:
        console.print(Text("⚠ " + warning, style="yellow"))
    console.print()
