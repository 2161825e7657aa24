"""The renderer-neutral result of a solver: steps of prose and math, answers, warnings.

A solver builds a Derivation with `DerivationBuilder`; renderers only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Union

import numpy as np

from examsolve.chart import Drawing
from examsolve.mathmodel import Expr, ExprLike, Sym, as_expr, eq, mat, rel
from examsolve.numbers import exact


Part = Union[str, Expr]


@dataclass(frozen=True)
class Para:
    """Prose: a run of text and inline math. `code` spans are written in backticks; math is a
    math node, which every printer typesets itself (Unicode on the terminal, `$…$` in
    Markdown, `\\(…\\)` in LaTeX). `Para("text")` is a paragraph of text alone."""

    parts: tuple[Part, ...]

    def __init__(self, *parts: Part | tuple[Part, ...]) -> None:
        flat: list[Part] = []
        for part in parts:
            flat.extend(part if isinstance(part, tuple) else (part,))
        # A bare number is math too: say("at exactly ", 0, " it outputs ", 1).
        flat = [as_expr(p) if isinstance(p, (int, Fraction, float)) and not isinstance(p, bool)
                else p for p in flat]
        for part in flat:
            if not isinstance(part, (str, Expr)):
                raise TypeError(f"a paragraph holds text and math nodes, not {type(part).__name__}")
        object.__setattr__(self, "parts", tuple(p for p in flat if not (isinstance(p, str)
                                                                        and not p)))

    @property
    def math(self) -> tuple[Expr, ...]:
        return tuple(p for p in self.parts if isinstance(p, Expr))


@dataclass(frozen=True)
class Equation:
    """One displayed line of math, optionally numbered like the key's (8)."""

    expr: Expr
    label: str | None = None


Cell = Union[str, Expr]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str | None = None


@dataclass(frozen=True)
class Code:
    """Source code shown verbatim (syntax-highlighted where the format allows)."""

    source: str
    language: str = "python"


@dataclass(frozen=True)
class Figure:
    """A picture: drawn in text (a terminal plot, a grid of decision regions) and, as data,
    in `chart` (examsolve/chart.py), which `render/figure.py` draws for `-o curve.svg` and
    for the image files of `-o sheet.md|tex`.

    `text` "" is a picture with no text form (a computational graph): the terminal and
    stdout documents leave it out. `image` is set by the document writer, never by a kind:
    the file drawn from `chart`, relative to the document, which printers show instead of
    the text.
    """

    text: str
    caption: str | None = None
    image: str | None = None
    chart: Drawing | None = None


Block = Union[Para, Equation, Table, Code, Figure]


@dataclass(frozen=True)
class Step:
    heading: str
    blocks: tuple[Block, ...]


# An answer value: None (undetermined), a string, a yes/no, a number, or a matrix as nested
# tuples.
AnswerValue = Union[None, str, bool, int, Fraction, float, tuple]


class Shape(tuple):
    """A tensor's shape as an answer value: its sizes, a list in JSON and compared entry by
    entry like any list, but shown as a shape — 3 × 2 — in the answers, in `check` and in a
    student's verdict, the notation the derivations' shape tables use."""

    __slots__ = ()


@dataclass(frozen=True)
class Answer:
    """A named result; `key` is what `expected` uses (`e`, `X[4,1]`, `dL/dW`)."""

    key: str
    value: AnswerValue
    display: Expr | None = None  # how the boxed answer reads; default `key = value`
    boxed: bool = True  # boxed in the derivation's final answers (else listed only)
    # An unboxed answer is listed after the boxed ones unless this is False: then it is shown
    # only where the steps show it (a table row per presentation) and in JSON, and `check`
    # still reads it.
    listed: bool = True


@dataclass(frozen=True)
class Mark:
    """Marks for a part of the question (`label` like `(a)`) or for one answer (no label):
    the answer keys it covers, in answer order, and what they are worth (None: a part the
    spec names without marks)."""

    label: str | None
    keys: tuple[str, ...]
    value: Fraction | None


def marks_text(value: Fraction) -> str:
    """`1 mark`, `1/2 mark`, `2 marks`, `2.5 marks`."""
    from examsolve.numbers import format_number

    return f"{format_number(value)} {'mark' if value <= 1 else 'marks'}"


def mark_label(mark: Mark) -> str:
    """How a mark reads beside its answer or on a question sheet: `(a) 4 marks`, `2 marks`."""
    words = [mark.label or "", marks_text(mark.value) if mark.value is not None else ""]
    return " ".join(w for w in words if w)


class WarningText(str):
    """A warning: text and math parts like a Para, so every printer typesets its math
    (`warn("∂L/∂w assumes ", relu0, …)`), and as a str its plain one-line text — the math in
    the terminal's linear form — which is what JSON carries and what `in` and `==` compare."""

    parts: tuple[Part, ...]

    def __new__(cls, *parts: Part | tuple[Part, ...]) -> "WarningText":
        from examsolve.render.textmath import para_text  # the plain form of the math, only

        para = Para(*parts)
        warning = super().__new__(cls, para_text(para))
        warning.parts = para.parts
        return warning


def warning_para(warning: str) -> Para:
    """A warning as the paragraph a document printer sets (a plain str is text alone)."""
    return Para(*getattr(warning, "parts", (warning,)))


@dataclass(frozen=True)
class Derivation:
    kind: str
    title: str
    steps: tuple[Step, ...]
    answers: tuple[Answer, ...]
    warnings: tuple[str, ...] = ()  # each a WarningText: its parts for documents
    statement: str | None = None
    source: str | None = None
    marks: tuple[Mark, ...] = ()

    def answer_map(self) -> dict[str, AnswerValue]:
        return {a.key: a.value for a in self.answers}


    def total_marks(self) -> Fraction | None:
        values = [mk.value for mk in self.marks if mk.value is not None]
        return sum(values, Fraction(0)) if values else None

    def mark_labels(self, keys: "list[str] | None" = None) -> dict[str, str]:
        """Answer key → the marks printed after it: each part's or mark's label stands after
        the last of its keys among `keys` (default: as printed, the boxed answers, then the rest), so a group's marks
        come once, at its end."""
        shown = keys if keys is not None else \
            [a.key for a in self.answers if a.boxed] + [a.key for a in self.answers
                                                         if not a.boxed]
        labels: dict[str, str] = {}
        for mark in self.marks:
            last = [k for k in mark.keys if k in shown]
            if last and mark_label(mark):
                labels[last[-1]] = mark_label(mark)
        return labels


def answer_value(value: object) -> AnswerValue:
    """Normalise a solver's value: numpy arrays to nested tuples, numbers to Fraction/float;
    a bool stays a yes/no answer (JSON true/false), never the number 1 or 0."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return answer_value(value.item())
        if value.dtype.kind == "f":  # fast path for big float tensors: floats stay floats
            return _nested_tuples(value.astype(float).tolist())
        return tuple(answer_value(v) for v in value)
    if isinstance(value, (list, tuple)):
        values = (answer_value(v) for v in value)
        return Shape(values) if isinstance(value, Shape) else tuple(values)
    q = exact(value)
    return q


def _nested_tuples(items: list) -> tuple:
    return tuple(_nested_tuples(v) if isinstance(v, list) else v for v in items)


def value_expr(value: AnswerValue) -> Expr:
    """The math node that shows an answer value."""
    if value is None:
        return Sym("undetermined")
    if isinstance(value, (str, bool)):
        from examsolve.mathmodel import Text

        return Text(value if isinstance(value, str) else "true" if value else "false")
    if value == ():  # an empty list (no stationary points): no matrix to draw
        from examsolve.mathmodel import Text

        return Text("[]")
    if isinstance(value, Shape):
        from examsolve.mathmodel import Mul, Text

        sizes = tuple(as_expr(v) for v in value)
        return Text("scalar") if not sizes else sizes[0] if len(sizes) == 1 else Mul(sizes, "×")
    if isinstance(value, tuple):
        arr = np.empty((len(value),) + (() if not value or not isinstance(value[0], tuple)
                                         else (len(value[0]),)), dtype=object)
        for i, v in enumerate(value):
            arr[i] = v
        return mat(arr)
    return as_expr(value)


@dataclass
class StepBuilder:
    heading: str
    blocks: list[Block] = field(default_factory=list)

    def say(self, *parts: Part) -> "StepBuilder":
        """A paragraph of text and inline math: `say("ReLU' is 1 where ", k, " > 0")`."""
        self.blocks.append(Para(*parts))
        return self

    def math(self, expr: Expr, label: str | None = None) -> "StepBuilder":
        self.blocks.append(Equation(expr, label))
        return self

    def eq(self, *parts: ExprLike, label: str | None = None) -> "StepBuilder":
        return self.math(eq(*parts), label)

    def rel(self, *items: object, label: str | None = None) -> "StepBuilder":
        return self.math(rel(*items), label)  # type: ignore[arg-type]

    def table(self, headers: list[str], rows: list[list[Cell]],
              caption: str | None = None) -> "StepBuilder":
        self.blocks.append(Table(tuple(headers), tuple(tuple(r) for r in rows), caption))
        return self

    def code(self, source: str, language: str = "python") -> "StepBuilder":
        self.blocks.append(Code(source, language))
        return self

    def figure(self, text: str, caption: str | None = None,
               image: str | None = None, chart: Drawing | None = None) -> "StepBuilder":
        self.blocks.append(Figure(text, caption, image, chart))
        return self

    def build(self) -> Step:
        return Step(self.heading, tuple(self.blocks))


class DerivationBuilder:
    """Collects steps, answers and warnings in order; `build()` freezes them."""

    def __init__(self, kind: str, title: str, statement: str | None = None,
                 source: str | None = None) -> None:
        self.kind = kind
        self.title = title
        self.statement = statement
        self.source = source
        self._steps: list[StepBuilder] = []
        self._answers: dict[str, Answer] = {}
        self._warnings: list[WarningText] = []

    def step(self, heading: str) -> StepBuilder:
        builder = StepBuilder(heading)
        self._steps.append(builder)
        return builder

    def last_step(self) -> StepBuilder:
        """The step begun last, to add a block to it after a helper wrote it."""
        return self._steps[-1]

    def answer(self, key: str, value: object, display: Expr | None = None,
               boxed: bool = True, listed: bool = True) -> None:
        """Record an answer (a later answer with the same key replaces the earlier)."""
        self._answers[key] = Answer(key, answer_value(value), display, boxed, listed)

    def warn(self, *parts: Part) -> None:
        """A warning of text and math nodes, as `StepBuilder.say` takes them; once only."""
        warning = WarningText(*parts)
        if warning not in self._warnings:
            self._warnings.append(warning)

    def build(self) -> Derivation:
        return Derivation(
            kind=self.kind,
            title=self.title,
            steps=tuple(s.build() for s in self._steps),
            answers=tuple(self._answers.values()),
            warnings=tuple(self._warnings),
            statement=self.statement,
            source=self.source,
        )


def answer_display(answer: Answer) -> Expr:
    """`key = value` unless the solver gave its own display."""
    if answer.display is not None:
        return answer.display
    return eq(Sym(answer.key), value_expr(answer.value))
