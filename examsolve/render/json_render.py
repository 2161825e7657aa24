"""A Derivation as JSON: answers as numbers (non-finite as "inf"/"-inf"/"nan",
undetermined as null), steps as typed blocks with one-line math text."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from examsolve.derivation import Code, Derivation, Equation, Figure, Para, Table
from examsolve.mathmodel import Expr
from examsolve.render.printer import dispatch
from examsolve.render.latex_math import latex_math
from examsolve.render.textmath import linear


def json_number(value: object) -> Any:
    """Fractions become ints or floats; non-finite floats become strings."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (tuple, list)):
        return [json_number(v) for v in value]
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    if isinstance(value, int):
        return value
    x = float(value)  # type: ignore[arg-type]
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


class JsonPrinter:
    def block(self, block: object) -> dict:
        return dispatch(self, block)

    def cell(self, cell: object) -> str:
        return linear(cell) if isinstance(cell, Expr) else str(cell)

    def _print_Para(self, b: Para) -> dict:
        """`text` is the paragraph with its math in the terminal's linear form; `parts` keeps
        text and math apart (each math part also as LaTeX) for tools that typeset it."""
        parts = [{"text": p} if isinstance(p, str) else {"math": linear(p), "latex": latex_math(p).strip()}
                 for p in b.parts]
        return {"type": "text", "text": "".join(linear(p) if isinstance(p, Expr) else p
                                                for p in b.parts), "parts": parts}

    def _print_Equation(self, b: Equation) -> dict:
        out = {"type": "math", "text": linear(b.expr)}
        if b.label:
            out["label"] = b.label
        return out

    def _print_Table(self, b: Table) -> dict:
        return {"type": "table", "headers": list(b.headers), "caption": b.caption,
                "rows": [[self.cell(c) for c in r] for r in b.rows]}

    def _print_Code(self, b: Code) -> dict:
        return {"type": "code", "language": b.language, "source": b.source}

    def _print_Figure(self, b: Figure) -> dict:
        return {"type": "figure", "text": b.text, "caption": b.caption, "image": b.image}


def to_json(derivation: Derivation, file: str) -> dict:
    printer = JsonPrinter()
    return {
        "file": file,
        "kind": derivation.kind,
        "title": derivation.title,
        "answers": {a.key: json_number(a.value) for a in derivation.answers},
        "warnings": list(derivation.warnings),
        **({"marks": [{"part": mk.label, "keys": list(mk.keys),
                       "marks": json_number(mk.value)} for mk in derivation.marks],
            "total_marks": json_number(derivation.total_marks())}
           if derivation.marks else {}),
        "steps": [{"heading": s.heading, "blocks": [printer.block(b) for b in s.blocks]}
                  for s in derivation.steps],
    }
