"""The errors examsolve reports as one line, and the exit codes they map to.

Known errors never carry a traceback to the user: the CLI's single error boundary turns
them into `examsolve: <message>` on stderr and the exit code named here.
"""

from __future__ import annotations

import re
from enum import IntEnum

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` safe to print as one line: newlines as `\\n`, other control characters (a
    terminal escape) as `\\x1b`, so a message is one line and never drives the terminal."""
    def escape(found: re.Match[str]) -> str:
        char = found.group()
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{ord(char):02x}"
                                                             if ord(char) < 256 else
                                                             f"\\u{ord(char):04x}")
    return _UNPRINTABLE.sub(escape, text)


class ExitStatus(IntEnum):
    """Process exit codes, named (httpie's ExitStatus)."""

    OK = 0
    FAILED = 1  # a check mismatch, or a problem with no solution (inconsistent data)
    BAD_INPUT = 2  # a spec that cannot be read, or a usage error


class ExamsolveError(Exception):
    """Base of every error the CLI reports as one line."""

    exit_status = ExitStatus.FAILED


class SpecError(ExamsolveError):
    """Bad input: the file, the line and the path inside the spec, then what is wrong.

    Reads `problems/x.yaml:7: kernel[2][1]: expected a number or a name, got a list`.
    """

    exit_status = ExitStatus.BAD_INPUT

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 path: str = "") -> None:
        self.message = message
        self.file = file
        self.line = line
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file or "<spec>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        return one_line(": ".join(parts))


class UsageError(ExamsolveError):
    """A command line that asks for something impossible (exit 2, like a bad spec)."""

    exit_status = ExitStatus.BAD_INPUT


class UnsolvableError(ExamsolveError):
    """The data admit no solution (e.g. complete windows that disagree)."""

    exit_status = ExitStatus.FAILED
