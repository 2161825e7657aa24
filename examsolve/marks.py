"""Marks: how many points each answer, or each part of a question, is worth.

A spec may give

    parts:                 # optional: named groups of answer keys, in the order asked
      (a): [k, h, p1, p2]
      (b): [L]
    marks:                 # an answer key or a part name → its marks (a positive number)
      (a): 4
      (b): 2
      dL/dW: 4

(The key is `marks`, not `points`: `points` is already classifier-design's data.) The spec
loader reads both keys (`read`); after solving, `attach` checks every key against the
answers the problem gives — an answer key the problem does not answer is bad input, with the
line it is on, as in `expected` — and records them on the Derivation, where every printer
shows a part's marks next to its last boxed answer and the Moodle export weighs the
sub-answers by them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction

from examsolve.derivation import Derivation, Mark
from examsolve.spec import SpecNode
from examsolve.wording import hint

# More parts or marked keys than this is not an exam question (the key lists are printed).
MAX_MARKED = 200
MAX_MARKS = Fraction(10_000)


@dataclass(frozen=True)
class MarkSpec:
    """`marks:` and `parts:` as read from the spec, keeping the nodes for error lines."""

    parts: tuple[tuple[str, tuple[str, ...], SpecNode], ...] = ()
    marks: tuple[tuple[str, Fraction, SpecNode], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.parts or self.marks)


def read(node: SpecNode, field: str = "marks") -> MarkSpec:
    """Validate `parts:` (name → list of answer keys) and `marks:` (key → positive number;
    spelt `points:` in kinds whose `points` is not data, see problem.load_node)."""
    parts: list[tuple[str, tuple[str, ...], SpecNode]] = []
    if "parts" in node:
        parts_node = node["parts"]
        if not parts_node.is_mapping:
            raise parts_node.error(f"expected a mapping of part names to lists of answer "
                                   f"keys, like `(a): [k, h]`, got {parts_node.type_name}")
        parts_node.check_keys(parts_node.keys())  # duplicates only
        owner: dict[str, str] = {}
        for name, child in parts_node.items():
            items = child.seq() if child.is_sequence else [child]
            keys = tuple(item.string().strip() for item in items)
            if not keys:
                raise child.error("a part needs at least one answer key")
            for key, item in zip(keys, items):
                if key in owner:
                    raise item.error(f"'{key}' is already in part {owner[key]}")
                owner[key] = name
            parts.append((name, keys, child))
    marks: list[tuple[str, Fraction, SpecNode]] = []
    if field in node:
        marks_node = node[field]
        if not marks_node.is_mapping:
            raise marks_node.error(f"expected a mapping of answer keys or part names to "
                                   f"marks, like `(a): 2`, got {marks_node.type_name}")
        marks_node.check_keys(marks_node.keys())  # duplicates only
        for key, child in marks_node.items():
            value = child.number()
            if isinstance(value, float) or not 0 < value <= MAX_MARKS:
                raise child.error(f"marks are a positive exact number ≤ {MAX_MARKS} "
                                  f"(2, 1/2, 0.5), got {child.node.value}")
            marks.append((key, value, child))
        marked = {key for key, _, _ in marks}
        for key, _, child in marks:  # a key of a marked part would be counted twice
            for name, keys, _ in parts:
                if key in keys and name in marked:
                    raise child.error(f"'{key}' is in part {name}, which has its own marks")
    if len(parts) + len(marks) > MAX_MARKED:
        raise node.error(f"at most {MAX_MARKED} parts and marked keys, got "
                         f"{len(parts) + len(marks)}")
    return MarkSpec(tuple(parts), tuple(marks))


def attach(derivation: Derivation, spec: MarkSpec) -> Derivation:
    """The derivation with its marks recorded, after checking that every answer key a part
    or a mark names is one the problem answers (SpecError at the key's line otherwise)."""
    if not spec:
        return derivation
    answers = [a.key for a in derivation.answers]
    part_keys = {name: keys for name, keys, _ in spec.parts}
    for name, keys, node in spec.parts:
        items = node.seq() if node.is_sequence else [node]
        for key, item in zip(keys, items):
            if key not in answers:
                raise item.error(f"part {name}: '{key}' is not an answer of this problem"
                                 f"{hint(key, answers, '; its answers: ' + ', '.join(answers))}")
    given = {key: value for key, value, _ in spec.marks}
    out: list[Mark] = []
    for key, value, node in spec.marks:
        if key not in part_keys and key not in answers:
            known = list(part_keys) + answers
            raise node.error(f"'{key}' is neither a part nor an answer of this problem"
                             f"{hint(key, known, '; its answers: ' + ', '.join(answers))}")
    order = {key: i for i, key in enumerate(answers)}
    for name, keys, _ in spec.parts:
        out.append(Mark(name, tuple(sorted(keys, key=order.__getitem__)), given.get(name)))
    out += [Mark(None, (key,), value) for key, value, _ in spec.marks if key not in part_keys]
    return dataclasses.replace(derivation, marks=tuple(out))
