"""A student's verdict (examsolve/verdict.py) on the terminal and as JSON.

The rows in computation order (✓, ✗, or "follows from your h"), then the first wrong step
with its pointer into the derivation and, when a slip reproduces the value, the slip.
"""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.table import Table
from rich.text import Text

from examsolve.derivation import AnswerValue, Shape, value_expr
from examsolve.mathmodel import Expr
from examsolve.numbers import format_number
from examsolve.render.json_render import json_number
from examsolve.render.textmath import linear
from examsolve.verdict import Row, Verdict


def render(verdict: Verdict, console: Console) -> None:
    """The table, the first wrong step, and the closing `marks: N of M` line."""
    console.print(table(verdict))
    first = verdict.first_wrong
    if first is not None:
        console.print(first_wrong_text(first), markup=False)
    right, total = verdict.marks
    carried = sum(row.status == "carried" for row in verdict.rows)
    extra = f" ({carried} follow from your earlier answers)" if carried else ""
    console.print(f"marks: {right} of {total}{extra}", markup=False)


def table(verdict: Verdict) -> Table:
    grid = Table("", "answer", "yours", "value", "note", title=verdict.file,
                 title_justify="left")
    for row in verdict.rows:
        grid.add_row(_mark(row), row.key, yours(row), shown(row.expected), note(row))
    return grid


def _mark(row: Row) -> Text:
    if row.status == "right":
        return Text("✓", style="green")
    if row.status == "carried":
        return Text("✓*", style="yellow")
    return Text("✗", style="bold red")


def note(row: Row) -> str:
    """What the row's mark means beyond ✓/✗: where the error came from, or which slip."""
    parts = []
    if row.status == "carried":
        parts.append(f"follows from your {row.carried_from}" if row.carried_from
                     else "follows from your earlier answers")
    if row.slip is not None:
        parts.append(f"{row.slip.name}: {parts_text(row.slip.explanation)}")
        if row.also:
            parts.append(f"it also matches: {', '.join(row.also)}")
    elif row.status == "wrong":
        parts.append(row.reason or "no known slip reproduces this value")
    if row.step is not None and row.status != "right":
        parts.append(f"step {row.step}")
    return "; ".join(parts)


def first_wrong_text(row: Row) -> str:
    """`First wrong step: step 3 (Backward pass), ∂L/∂h: you have …; it is … — slip`."""
    where = f"step {row.step} ({row.heading}), " if row.step is not None else ""
    name = linear(row.symbol) if row.symbol is not None else row.key
    truth = linear(row.equation) if row.equation is not None else \
        f"{name} = {shown(row.expected)}"
    why = f" — {parts_text(row.slip.explanation)}" if row.slip is not None else \
        " — no common slip reproduces your value"
    return f"First wrong step: {where}{name}: you have {yours(row)}; it is {truth}{why}"


def parts_text(parts: tuple) -> str:
    return "".join(linear(p) if isinstance(p, Expr) else p for p in parts)


def yours(row: Row) -> str:
    """The student's value as they wrote it (a typographic minus)."""
    texts = [t for t in row.got_text if t is not None]
    if len(texts) == 1 and not isinstance(row.got, np.ndarray):
        return texts[0].replace("-", "−")
    if isinstance(row.expected, Shape) and isinstance(row.got, np.ndarray) and \
            row.got.size and (row.got.ndim == 1 or 1 in row.got.shape):
        return shown(Shape(row.got.ravel()))  # a shape reads as a shape, as the value does
    arr = np.array(row.got, dtype=object)
    if texts and len(texts) == arr.size:
        cells = [t.replace("-", "−") for t in texts]
        if arr.ndim == 2 and min(arr.shape) > 1:  # rows, as the student wrote them
            width = arr.shape[1]
            return "[" + "; ".join(", ".join(cells[i:i + width])
                                   for i in range(0, len(cells), width)) + "]"
        return "[" + ", ".join(cells) + "]"
    return shown(row.got)  # type: ignore[arg-type]


def shown(value: AnswerValue) -> str:
    if isinstance(value, float):
        return format_number(value, 4)
    if isinstance(value, np.ndarray):
        value = tuple(tuple(r) for r in value) if value.ndim == 2 else tuple(value)
    if isinstance(value, tuple) and any(v is None for v in np.array(value, dtype=object).flat):
        # undetermined entries (a curve's bias² past the data): a list, each entry in words
        return "[" + ", ".join(shown(v) if not isinstance(v, tuple) else shown(v)
                               for v in value) + "]"
    return linear(value_expr(value))


def to_json(verdict: Verdict) -> dict:
    """Per key: status, expected, got, slip, step — for an LMS or a script."""
    first = verdict.first_wrong
    return {
        "spec": verdict.file,
        "answers": verdict.answers_file,
        "marks": {"right": verdict.marks[0], "of": verdict.marks[1]},
        "first_wrong": None if first is None else {
            "key": first.key, "step": first.step, "heading": first.heading,
            "text": first_wrong_text(first)},
        "rows": [{
            "key": row.key,
            "status": row.status,
            "expected": json_number(row.expected),
            "got": json_number(_plain(row.got)),
            "reason": row.reason or None,
            "follows_from": row.carried_from,
            "slip": None if row.slip is None else row.slip.name,
            "also_matches": list(row.also),
            "step": row.step,
            "heading": row.heading,
        } for row in verdict.rows],
    }


def _plain(value: object) -> object:
    if isinstance(value, np.ndarray):
        return tuple(_plain(v) for v in (value.reshape(-1) if 1 in value.shape else value))
    return value
