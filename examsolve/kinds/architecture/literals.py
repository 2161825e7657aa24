"""Reading the literal arguments of layer constructors in pasted code, with `ast` only.

Numbers, strings, booleans, None, tuples and lists of them, and whole-number arithmetic
(`16 * 5 * 5`, `2 ** 3`, `-1`) are evaluated; a bare name (`h`) is an unknown size. Anything
else — attributes, calls, comprehensions — is refused at its line of the code block.
"""

from __future__ import annotations

import ast
import operator

from examsolve.errors import SpecError
from examsolve.kinds.architecture.layers import Unknown, Value

_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.FloorDiv: operator.floordiv, ast.Pow: operator.pow}
_NAMES = {"True": True, "False": False, "None": None}


class CodeText:
    """The code block and where it sits in the spec: errors name the spec line."""

    def __init__(self, source: str, file: str, first_line: int, path: str) -> None:
        self.source, self.file, self.first_line, self.path = source, file, first_line, path
        self.lines = source.splitlines()

    def line_of(self, node: ast.AST) -> int:
        return self.first_line + getattr(node, "lineno", 1) - 1

    def error(self, node: ast.AST, message: str) -> SpecError:
        return SpecError(message, self.file, self.line_of(node), self.path)

    def segment(self, node: ast.AST) -> str:
        text = ast.get_source_segment(self.source, node) or ""
        return " ".join(text.split())

    def parse(self) -> ast.Module:
        try:
            return ast.parse(self.source)
        except SyntaxError as exc:
            line = self.first_line + (exc.lineno or 1) - 1
            raise SpecError(f"the code is not valid Python: {exc.msg}", self.file, line,
                            self.path) from None


def literal(code: CodeText, node: ast.expr) -> Value:
    """The value of a constructor argument (see the module docstring)."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (bool, int, str)) or node.value is None:
            return node.value
        if isinstance(node.value, float):
            return repr(node.value)  # a dropout rate: kept as written
        raise code.error(node, f"expected a number or a word, got {node.value!r}")
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(literal(code, e) for e in node.elts)
    if isinstance(node, ast.Name):
        if node.id in _NAMES:
            return _NAMES[node.id]
        return Unknown(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        v = literal(code, node.operand)
        if isinstance(v, int) and not isinstance(v, bool):
            return -v
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        a, b = literal(code, node.left), literal(code, node.right)
        if all(isinstance(v, int) and not isinstance(v, bool) for v in (a, b)):
            if isinstance(node.op, ast.Pow) and (b < 0 or b > 64):  # type: ignore[operator]
                raise code.error(node, "an exponent in the code must be between 0 and 64")
            if isinstance(node.op, ast.FloorDiv) and b == 0:
                raise code.error(node, "division by zero in the code")
            return _BINOPS[type(node.op)](a, b)
        raise code.error(node, f"only whole-number arithmetic is evaluated, not "
                               f"`{code.segment(node)}` (write the number)")
    raise code.error(node, f"`{code.segment(node)}` is not a literal: write the number "
                           "(the code is read, never run)")


def dotted(node: ast.expr) -> str | None:
    """`nn.Conv2d` → "nn.Conv2d"; None for anything but names and attributes."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def bind(code: CodeText, call: ast.Call, params: tuple[str, ...], what: str,
         skip: int = 0) -> dict[str, tuple[Value, ast.expr]]:
    """Positional and keyword arguments of `call` bound to the signature `params` (after the
    first `skip` positional ones); an unknown keyword or too many arguments is an error."""
    bound: dict[str, tuple[Value, ast.expr]] = {}
    args = call.args[skip:]
    if any(isinstance(a, ast.Starred) for a in args) or any(k.arg is None for k in call.keywords):
        raise code.error(call, f"{what}: *args and **kwargs are not read; write the arguments")
    if len(args) > len(params):
        raise code.error(call, f"{what} takes at most {len(params)} positional arguments here "
                               f"({', '.join(params)}), got {len(args)}")
    for name, arg in zip(params, args):
        bound[name] = (literal(code, arg), arg)
    for kw in call.keywords:
        if kw.arg not in params:
            import difflib

            close = difflib.get_close_matches(kw.arg or "", params, n=1)
            more = f"; did you mean '{close[0]}'?" if close else \
                f"; it takes {', '.join(params)}"
            raise code.error(kw.value, f"{what} has no argument '{kw.arg}'{more}")
        if kw.arg in bound:
            raise code.error(kw.value, f"{what} got '{kw.arg}' twice")
        bound[kw.arg] = (literal(code, kw.value), kw.value)
    return bound
