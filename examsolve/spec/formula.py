"""A formula a spec writes as text, read with `ast` and never evaluated.

Every whitelisting reader of formulas (complexity-curve's target function, error-surface's
polynomial) starts the same way: strip the text, refuse an empty or overlong one, parse it in
`eval` mode (a single expression: no statements, no imports) and refuse a tree with too many
nodes before walking it. The walk itself — what each reader allows — stays with its kind.
"""

from __future__ import annotations

import ast


class ExpressionError(ValueError):
    """A function text outside the whitelist; the loader adds the file and line."""


def parse_formula(text: str, empty_hint: str, max_length: int,
                  max_nodes: int) -> tuple[str, ast.Expression]:
    """The stripped source and its `ast` tree, or an ExpressionError: empty (then
    `empty_hint` says what to write), longer than `max_length` characters, not an expression
    (with the column), or more than `max_nodes` nodes."""
    source = text.strip()
    if not source:
        raise ExpressionError(f"the function is empty; {empty_hint}")
    if len(source) > max_length:
        raise ExpressionError(f"the function is longer than {max_length} characters")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        where = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"cannot parse the function '{source}'{where}: "
                              f"{exc.msg}") from None
    if sum(1 for _ in ast.walk(tree)) > max_nodes:
        raise ExpressionError(f"the function has more than {max_nodes} parts")
    return source, tree
