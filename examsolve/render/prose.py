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
