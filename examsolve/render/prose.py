"""Prose as every format reflows it: a spec's statement is hard-wrapped YAML text."""

from __future__ import annotations

import re

_ITEM = re.compile(r"\s*(\(?[a-z0-9]{1,3}\)|[-*•]\s|\d+\.\s)")


def paragraphs(text: str) -> list[list[str]]:
    """Prose as paragraphs (split at blank lines) of lines: a spec's hard-wrapped lines are
    joined again, but a line that starts an item — (a), 2), -, 1. — keeps its own line."""
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for line in (ln.strip() for ln in para.splitlines()):
            if line and lines and not _ITEM.match(line):
                lines[-1] += " " + line
            elif line:
                lines.append(line)
        if lines:
            out.append(lines)
    return out


# Inline math stands in a printer's prose as a private-use placeholder while the text around
# it is reflowed and escaped (the escapes leave these characters alone); then the printer puts
# its own typesetting of the node in its place. No printer ever reads another's output.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


def with_placeholders(parts: tuple) -> tuple[str, list]:
    """A paragraph's text with each math part replaced by a placeholder, and the math parts."""
    text, math = [], []
    for part in parts:
        if isinstance(part, str):
            text.append(part)
        else:
            text.append(f"{_OPEN}{len(math)}{_CLOSE}")
            math.append(part)
    return "".join(text), math


def fill_placeholders(text: str, typeset: list[str]) -> str:
    """Put each math part's typesetting where its placeholder stands."""
    return _PLACEHOLDER.sub(lambda match: typeset[int(match.group(1))], text)
