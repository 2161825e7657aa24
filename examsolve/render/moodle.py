"""Solved problems as a Moodle XML question bank: one Embedded Answers (Cloze) question per
problem, in one category.

Each question's text is the problem's question sheet as HTML (statement, data, MathJax
`\\( … \\)`), then one field per answer: a number is `{w:NUMERICAL:=value:tolerance}`, a
matrix one such field per entry in a table, a word (`tie`) or `undetermined` a
`{w:SHORTANSWER:=word}` with Moodle's cloze escapes (a backslash before `}` `#` `~` `/` `"`
and `\\`). The worked solution is the general feedback.

Weights: with `marks:` only the marked answers are asked, each worth its marks (a part's
marks shared equally by its answers, an answer's by its entries); without, every answer is
worth 1. Cloze weights are whole numbers, so all are scaled by one common factor — their
ratios are the marks exactly. Tolerances: an exact terminating value (2, 0.25) gets the
spec's `tolerance` as `check` applies it; any other value is accepted to the 4 significant
digits the derivations print (2.079 for 2.0794…), or the spec's tolerance if wider.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from fractions import Fraction
from math import lcm

from examsolve.derivation import AnswerValue, Derivation
from examsolve.mathmodel import Sym
from examsolve.numbers import is_terminating
from examsolve.render.mathjax_html import HtmlBlocks, derivation_html, prose_html, steps_html

CLOZE_SPECIALS = '\\}#~/"'


def escape_cloze(text: str) -> str:
    """A word as a cloze answer: Moodle's special characters after a backslash."""
    return "".join("\\" + c if c in CLOZE_SPECIALS else c for c in text)


def number_text(value: Fraction | float | int) -> str:
    """A value as the cloze's `=value`: integers and terminating decimals exactly, else the
    float's shortest round-tripping digits."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return str(value.numerator)
    if isinstance(value, Fraction) and is_terminating(value):
        text = f"{float(value)!r}"
        if Fraction(text) == value:
            return text
    return repr(float(value))


def tolerance_for(value: Fraction | float, tolerance: float) -> float:
    """The absolute tolerance of one numerical field (see the module docstring)."""
    x = float(value)
    base = max(tolerance, tolerance * abs(x))
    if isinstance(value, Fraction) and is_terminating(value) or x == 0:
        return base
    return max(base, 0.5 * 10 ** (math.floor(math.log10(abs(x))) - 3))


def field(value: AnswerValue, weight: int, tolerance: float) -> str:
    """One cloze sub-question for one scalar answer value."""
    if value is None:
        return f"{{{weight}:SHORTANSWER:=undetermined}}"
    if isinstance(value, str):
        return f"{{{weight}:SHORTANSWER:={escape_cloze(value)}}}"
    if isinstance(value, float) and not math.isfinite(value):
        word = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return f"{{{weight}:SHORTANSWER:={word}}}"
    return (f"{{{weight}:NUMERICAL:={number_text(value)}:"
            f"{tolerance_for(value, tolerance):.3g}}}")


def _entries(value: AnswerValue) -> list[list[AnswerValue]] | None:
    """A matrix answer as rows of entries (a flat tuple is one row); None for a scalar."""
    if not isinstance(value, tuple):
        return None
    if value and isinstance(value[0], tuple):
        return [list(r) for r in value]
    return [list(value)]


def weights(derivation: Derivation, asked: tuple[str, ...] | None = None
            ) -> dict[str, Fraction]:
    """Answer key → the marks of each of its entries (see the module docstring); without
    marks the `asked` keys (the spec's `expected`: the answers known to be the key's — a
    designed network is one of many right ones) or else every answer, 1 mark each."""
    answers = derivation.answer_map()
    count = {k: sum(len(r) for r in (_entries(v) or [[v]])) for k, v in answers.items()}
    if not any(mk.value is not None for mk in derivation.marks):
        keys = [k for k in answers if asked is None or k in asked]
        return {k: Fraction(1, count[k]) for k in keys}
    out: dict[str, Fraction] = {}
    for mark in derivation.marks:
        if mark.value is None:
            continue
        for key in mark.keys:
            out[key] = mark.value / len(mark.keys) / count[key]
    return out


def question_html(solution: Derivation, sheet: Derivation, tolerance: float,
                  asked: tuple[str, ...] | None = None) -> str:
    """The cloze question's text: the sheet, then a field (or a table of fields) per answer."""
    per_entry = weights(solution, asked)
    scale = lcm(*(w.denominator for w in per_entry.values())) if per_entry else 1
    math_html = HtmlBlocks()
    out = [prose_html(sheet.statement)] if sheet.statement else []
    out.append(steps_html(sheet.steps))
    out.append("<h4>Answers</h4>")
    labels = {k: mk.label for mk in solution.marks for k in mk.keys if mk.label}
    answers = solution.answer_map()
    for key in (k for k in answers if k in per_entry):
        weight = int(per_entry[key] * scale)
        label = f"{labels[key]} " if key in labels else ""
        rows = _entries(answers[key])
        name = math_html.inline(Sym(key))
        if rows is None:
            out.append(f"<p>{label}{name} = {field(answers[key], weight, tolerance)}</p>")
            continue
        cells = "".join("<tr>" + "".join(f"<td>{field(v, weight, tolerance)}</td>"
                                         for v in r) + "</tr>" for r in rows)
        out.append(f"<p>{label}{name} =</p><table>{cells}</table>")
    return "\n".join(out)


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    ET.SubElement(element, "text").text = text
    return element


def question_element(solution: Derivation, sheet: Derivation, tolerance: float,
                     name: str, asked: tuple[str, ...] | None = None) -> ET.Element:
    question = ET.Element("question", {"type": "cloze"})
    _text(question, "name", name)
    _text(question, "questiontext", question_html(solution, sheet, tolerance, asked),
          format="html")
    _text(question, "generalfeedback", derivation_html(solution), format="html")
    ET.SubElement(question, "penalty").text = "0.3333333"
    ET.SubElement(question, "hidden").text = "0"
    return question


Item = tuple[Derivation, Derivation, float, "tuple[str, ...] | None"]


def quiz(items: list[Item], category: str) -> str:
    """`items` = [(solution, question sheet, tolerance, asked keys)] as one category of cloze
    questions (asked keys: the spec's `expected`, or None for every answer)."""
    root = ET.Element("quiz")
    head = ET.SubElement(root, "question", {"type": "category"})
    _text(head, "category", f"$course$/top/{category.replace('/', '-')}")
    names: dict[str, int] = {}
    for solution, sheet, tolerance, asked in items:
        names[solution.title] = names.get(solution.title, 0) + 1
        name = solution.title if names[solution.title] == 1 else \
            f"{solution.title} ({names[solution.title]})"
        root.append(question_element(solution, sheet, tolerance, name, asked))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
