"""Reading specs: YAML nodes that remember where they came from, validated once.

Every value a solver gets passes through `SpecNode`, whose errors carry the file, the line
(from PyYAML's marks) and the path inside the spec (`kernel[2][1]`; list positions count
from 1, like the lines of a file). After loading, specs are frozen dataclasses and solvers
never re-check their input.
"""

from __future__ import annotations

import re
import stat
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Iterator

import yaml

from examsolve.errors import SpecError, one_line
from examsolve.numbers import NumberRangeError, parse_number
from examsolve.spec.grid import (NAME_RE, UNKNOWN, Entry, Grid,  # noqa: F401
                                 GridReader, _within_float_range)
from examsolve.wording import hint



class _NoAliasLoader(yaml.SafeLoader):
    """safe_load's loader, refusing aliases (a "billion laughs" document is never expanded)
    and nesting deeper than MAX_NESTING (PyYAML's composer recurses once per level)."""

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="YAML aliases (*name) are not supported in specs",
                problem_mark=event.start_mark,
            )
        if self._depth >= MAX_NESTING:
            raise yaml.MarkedYAMLError(
                problem=f"lists and mappings nested more than {MAX_NESTING} deep",
                problem_mark=self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# PyYAML's wording for the slips people make most, with what to do about them.
_YAML_HINTS = (
    ("'\\t'", " (indent with spaces: YAML does not allow tabs there)"),
    ("mapping values are not allowed", " (a value containing ': ' must be quoted)"),
    ("but got '<stream end>'", " (a bracket or brace is never closed)"),
    ("but got '<document end>'", " (a bracket or brace is never closed)"),
    ("expected ',' or ']', but got '['", " (quote entries with brackets or commas, "
                                         "e.g. \"X[4,1]\")"),
    ("expected ',' or '}', but got '['", " (quote keys with brackets or commas, "
                                         "e.g. \"X[4,1]\": 1)"),
    ("found another document", " (a spec is one YAML document: remove the '---' line)"),
    ("expected <block end>", " (check the indentation of this line against the ones above)"),
)


# Limits every spec shares (README, "Reliability"): a spec is a hand-written page, so these are
# far above any real one and far below what could stall a command or exhaust memory.
MAX_SPEC_BYTES = 4_000_000
MAX_NESTING = 32  # lists and mappings inside each other; a matrix needs 3

# Control characters a spec may hold: tab, newline, carriage return. Any other would reach
# the terminal raw when echoed (a title that recolours it) and YAML refuses most of them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def compose_file(path: Path) -> "SpecNode":
    """Parse a spec file into a SpecNode (a mapping), or raise SpecError.

    Only regular files of at most MAX_SPEC_BYTES are read: a FIFO would block forever and
    /dev/zero never ends.
    """
    file = str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SpecError("not a regular file (a FIFO, device or socket); give a spec file",
                            file)
        if info.st_size > MAX_SPEC_BYTES:
            raise SpecError(f"the file is {info.st_size:,} bytes; a spec may have at most "
                            f"{MAX_SPEC_BYTES:,}", file)
        with path.open("rb") as handle:
            data = handle.read(MAX_SPEC_BYTES + 1)
    except FileNotFoundError:
        raise SpecError("no such file", file) from None
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror or exc}", file) from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(f"the file has more than {MAX_SPEC_BYTES:,} bytes; a spec may have at "
                        f"most {MAX_SPEC_BYTES:,}", file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column(data[:exc.start].decode("utf-8", "replace"))
        raise SpecError(f"column {column}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                        "save the spec as UTF-8", file, line) from None
    return compose_text(text, file)


def _line_column(before: str) -> tuple[int, int]:
    """The 1-based line and column just after the text `before`."""
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _refuse_control_characters(text: str, file: str) -> None:
    found = _CONTROL.search(text)
    if found is not None:
        line, column = _line_column(text[:found.start()])
        raise SpecError(f"column {column}: control character U+{ord(found.group()):04X} "
                        "(only tab and newline may appear in a spec)", file, line)


def _refuse_deep_nesting(root: yaml.Node, file: str) -> None:
    """Lists and mappings at most MAX_NESTING deep (checked without recursion), and no
    control character in a value (a double-quoted "\\e[31m" is one once YAML reads it)."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            found = _CONTROL.search(node.value)
            if found is not None:
                raise SpecError(f"control character U+{ord(found.group()):04X} in a value "
                                "(only tab and newline may appear in a spec)",
                                file, node.start_mark.line + 1)
            continue
        if depth > MAX_NESTING:
            raise SpecError(f"lists and mappings nested more than {MAX_NESTING} deep",
                            file, node.start_mark.line + 1)
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)


# libyaml's parser is ~30x faster on big matrices. It is used only for text with no anchor
# or alias characters at all, and any error it meets is re-read by the pure-Python loader, so
# messages and `?` in flow lists (which libyaml rejects) behave the same either way.
_FastLoader = getattr(yaml, "CSafeLoader", None)


def compose_text(text: str, file: str = "<spec>") -> "SpecNode":
    if len(text) > MAX_SPEC_BYTES:
        raise SpecError(f"a spec may have at most {MAX_SPEC_BYTES:,} characters", file)
    _refuse_control_characters(text, file)
    if _FastLoader is not None and "&" not in text and "*" not in text:
        fast = _FastLoader(text)
        try:
            node = fast.get_single_node()
            if node is not None:
                _refuse_deep_nesting(node, file)
                return _as_spec(node, file)
        except yaml.YAMLError:
            pass  # the pure-Python loader below reports it with its own wording
        finally:
            fast.dispose()
    loader = None
    try:
        loader = _NoAliasLoader(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if exc.context and exc.problem and problem.startswith("but "):
            problem = f"{exc.context.strip()}, {problem}"  # "expected a single document …"
        hint = next((h for pattern, h in _YAML_HINTS if pattern in problem), "")
        raise SpecError(f"invalid YAML: {one_line(problem)}{hint}", file, line) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"invalid YAML: {one_line(str(exc))}", file) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise SpecError("the spec is empty", file, 1)
    _refuse_deep_nesting(node, file)
    return _as_spec(node, file)


def _as_spec(node: yaml.Node, file: str) -> "SpecNode":
    spec = SpecNode(node, file)
    if not isinstance(node, yaml.MappingNode):
        raise spec.error(f"a spec is a mapping of keys (kind, title, ...), got {spec.type_name}")
    return spec


_SAFE = yaml.SafeLoader("")


class SpecNode(GridReader):
    """A YAML node plus its file and path: typed accessors that fail with a breadcrumb."""

    def __init__(self, node: yaml.Node, file: str, path: str = "") -> None:
        self.node = node
        self.file = file
        self.path = path

    # ---- where ---------------------------------------------------------------------------
    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def error(self, message: str, line: int | None = None, path: str | None = None) -> SpecError:
        return SpecError(message, self.file, self.line if line is None else line,
                         self.path if path is None else path)

    def _child_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key + 1}]"
        return f"{self.path}.{key}" if self.path else key

    # ---- shape ---------------------------------------------------------------------------
    @property
    def is_mapping(self) -> bool:
        return isinstance(self.node, yaml.MappingNode)

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.node, yaml.SequenceNode)

    @property
    def is_scalar(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode)

    @property
    def is_null(self) -> bool:
        return self.is_scalar and self.node.tag == "tag:yaml.org,2002:null"

    @property
    def is_unknown_mark(self) -> bool:
        """`?` in a flow list parses as the mapping {null: null}; `"?"` and null also mean unknown."""
        if self.is_null:
            return True
        if self.is_scalar:
            return self.node.value.strip() == "?" and self.node.tag == "tag:yaml.org,2002:str"
        if self.is_mapping and len(self.node.value) == 1:
            k, v = self.node.value[0]
            return (k.tag == v.tag == "tag:yaml.org,2002:null")
        return False

    @property
    def type_name(self) -> str:
        if self.is_mapping:
            return "a mapping"
        if self.is_sequence:
            return "a list"
        if self.is_null:
            return "nothing (null)"
        tag = self.node.tag.rsplit(":", 1)[-1]
        return {"str": "a string", "int": "a number", "float": "a number",
                "bool": "a boolean"}.get(tag, tag)

    # ---- mappings ------------------------------------------------------------------------
    def _pairs(self) -> list[tuple[str, "SpecNode", yaml.Node]]:
        if not self.is_mapping:
            raise self.error(f"expected a mapping, got {self.type_name}")
        pairs = []
        for key_node, value_node in self.node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SpecNode(key_node, self.file, self.path).error("keys must be plain words")
            key = key_node.value
            pairs.append((key, SpecNode(value_node, self.file, self._child_path(key)), key_node))
        return pairs

    def keys(self) -> list[str]:
        return [k for k, _, _ in self._pairs()]

    def items(self) -> Iterator[tuple[str, "SpecNode"]]:
        for key, child, _ in self._pairs():
            yield key, child

    def get(self, key: str) -> "SpecNode | None":
        for k, child, _ in self._pairs():
            if k == key:
                return child
        return None

    def __getitem__(self, key: str) -> "SpecNode":
        child = self.get(key)
        if child is None:
            raise self.error(f"missing required key '{key}'")
        return child

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def check_keys(self, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        """Unknown or duplicate keys are errors, with a 'did you mean' hint."""
        allowed = list(allowed)
        seen: dict[str, int] = {}
        for key, child, key_node in self._pairs():
            line = key_node.start_mark.line + 1
            if key in seen:
                raise self.error(f"duplicate key '{key}' (first on line {seen[key]})", line,
                                 child.path)
            seen[key] = line
            if key not in allowed:
                more = hint(key, allowed, f"; expected one of: {', '.join(sorted(allowed))}")
                raise self.error(f"unknown key '{key}'{more}", line, child.path)
        for key in required:
            if key not in seen:
                raise self.error(f"missing required key '{key}'")

    # ---- sequences -----------------------------------------------------------------------
    def seq(self) -> list["SpecNode"]:
        if not self.is_sequence:
            raise self.error(f"expected a list, got {self.type_name}")
        return [SpecNode(n, self.file, self._child_path(i)) for i, n in enumerate(self.node.value)]

    # ---- scalars -------------------------------------------------------------------------
    def value(self) -> object:
        """The plain Python value, as yaml.safe_load would give it."""
        return _SAFE.construct_object(self.node, deep=True)

    def string(self) -> str:
        if not self.is_scalar or self.is_null:
            raise self.error(f"expected a string, got {self.type_name}")
        return str(self.node.value)

    def number(self) -> Fraction | float:
        """A number: YAML ints/floats and strings like "3/4", "-1/2", "1e-3" (exact)."""
        if not self.is_scalar or self.is_null:
            raise self.error(f"expected a number, got {self.type_name}")
        if self.node.tag == "tag:yaml.org,2002:bool":
            raise self.error(f"expected a number, got a boolean ({self.node.value})")
        try:
            q = parse_number(self.node.value)
        except NumberRangeError as exc:
            raise self.error(str(exc)) from None
        except (ValueError, ZeroDivisionError):
            raise self.error(f"expected a number, got '{self.node.value}'") from None
        return _within_float_range(q, self.error)

    def integer(self, minimum: int | None = None, maximum: int | None = None) -> int:
        q = self.number()
        if isinstance(q, float) or q.denominator != 1:
            raise self.error(f"expected a whole number, got '{self.node.value}'")
        n = int(q)
        if minimum is not None and n < minimum:
            raise self.error(f"expected a whole number ≥ {minimum}, got {n}")
        if maximum is not None and n > maximum:
            raise self.error(f"expected a whole number ≤ {maximum}, got {n}")
        return n

    def boolean(self) -> bool:
        if self.node.tag != "tag:yaml.org,2002:bool":
            raise self.error(f"expected true or false, got {self.type_name}")
        return bool(self.value())

    def choice(self, options: Iterable[str]) -> str:
        options = list(options)
        text = str(self.node.value) if self.is_scalar else None
        if text not in options:
            got = f"'{text}'" if text is not None else self.type_name
            raise self.error(f"expected one of {', '.join(options)}, got {got}"
                             f"{hint(text or '', options)}")
        return text  # type: ignore[return-value]

    def name(self) -> str:
        """An identifier (a kernel name, a model variable)."""
        text = self.string().strip()
        if not NAME_RE.match(text):
            raise self.error(f"expected a name (letters, digits, _), got '{text}'")
        return text

    # ---- matrices ------------------------------------------------------------------------
