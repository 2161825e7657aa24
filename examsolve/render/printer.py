"""Dispatch on node type, SymPy's printer pattern, shared by every renderer.

A printer class has one `_print_<TypeName>` method per node type it knows; an unknown node
is an error, never a silent str().
"""

from __future__ import annotations


class UnknownNodeError(TypeError):
    """A renderer met a node type it has no method for: a bug, never printed as str()."""


def dispatch(printer: object, node: object, prefix: str = "_print_"):  # type: ignore[no-untyped-def]
    """Call printer._print_<TypeName>(node) (SymPy's printer pattern)."""
    method = getattr(printer, prefix + type(node).__name__.rstrip("_"), None)
    if method is None:
        raise UnknownNodeError(f"{type(printer).__name__} cannot render {type(node).__name__}")
    return method(node)
