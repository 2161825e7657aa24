"""How examsolve says things in words: lists, plurals, numbers in prose, "did you mean".

One copy of each, shared by the loader, the checker, the CLI and every kind, so a message
reads the same wherever it is made.
"""

from __future__ import annotations

import difflib
from typing import Iterable

from examsolve.numbers import format_number


def listing(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`: the English list of the items, no Oxford comma."""
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def plural(count: int, word: str, words: str | None = None) -> str:
    """`1 zero`, `3 zeros`, `0 zeros`: the count and the word in the number it needs
    (`words` for an irregular plural, else word + s)."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def number(value: object, digits: int = 4) -> str:
    """A number for prose, printed as in the math (`format_number`) with a typographic
    minus: −0.5, 1/3, 2.079."""
    return format_number(value, digits).replace("-", "−")


def did_you_mean(word: str, options: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The option nearest to `word` (difflib's ratio ≥ cutoff), or None."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return close[0] if close else None


def hint(word: str, options: Iterable[str], otherwise: str = "") -> str:
    """`; did you mean 'x'?` for the nearest option, else `otherwise` (e.g. `; known kinds:
    …`) — the tail of an "unknown …" message."""
    near = did_you_mean(word, options)
    return f"; did you mean '{near}'?" if near is not None else otherwise
