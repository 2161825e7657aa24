"""Renderers: each walks a Derivation and its math nodes, dispatching on node type."""

from __future__ import annotations

from enum import Enum


class Format(str, Enum):
    """Output formats of `examsolve run` (a str Enum so typer validates the choice)."""

    rich = "rich"
    json = "json"


class UnknownNodeError(TypeError):
    """A renderer met a node type it has no method for: a bug, never printed as str()."""


def dispatch(printer: object, node: object, prefix: str = "_print_"):  # type: ignore[no-untyped-def]
    """Call printer._print_<TypeName>(node) (SymPy's printer pattern)."""
    method = getattr(printer, prefix + type(node).__name__.rstrip("_"), None)
    if method is None:
        raise UnknownNodeError(f"{type(printer).__name__} cannot render {type(node).__name__}")
    return method(node)
