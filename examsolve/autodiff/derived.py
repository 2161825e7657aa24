"""Derived answers: `name = expression` lines evaluated after the forward (and backward) pass.

`pos = argmax(Y)`, `top = max(Y)`, `changed = count_nonzero(grad(W1))`,
`W1_next = W1 - 0.1 * grad(W1)`. Read with `ast` and a whitelist, like the model lines, and
never `eval`ed: names (given values, parameters, model lines, earlier derived lines),
numbers, `+ - * / @`, unary minus, `.T` and the calls in FUNCTIONS. `grad(X)` is ∂L/∂X for
any name; it needs a loss. Values are numpy arrays (exact Fractions where the run was exact);
argmax gives positions counted per `indexing`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable

import numpy as np

from examsolve.numbers import parse_number

FUNCTIONS = ("argmax", "argmin", "max", "min", "count_nonzero", "grad", "sum", "mean", "abs")
_OPS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "*", ast.Div: "/", ast.MatMult: "@"}
_LINE = r"^\s*([^\W\d]\w*)\s*=(?!=)(.*)$"


class DerivedError(Exception):
    """A derived line that cannot be read; the loader turns it into a SpecError."""


@dataclass(frozen=True)
class DerivedLine:
    name: str
    text: str  # the right-hand side as written
    tree: ast.AST
    line: int
    path: str


def parse_derived(text: str, names: set[str], has_loss: bool) -> tuple[str, str, ast.AST]:
    """(name, right-hand side, its tree), or DerivedError naming what is wrong."""
    import re

    match = re.match(_LINE, text, re.S)
    if not match:
        raise DerivedError(f"expected `name = expression`, got `{text.strip()}`")
    name, rhs = match.group(1), match.group(2).strip()
    if name in names:
        raise DerivedError(f"`{name}` is already defined; a derived line names a new answer")
    try:
        tree = ast.parse(rhs, mode="eval").body
    except SyntaxError as exc:
        raise DerivedError(f"cannot read `{rhs}`: {exc.msg}") from None
    _check(tree, rhs, names, has_loss)
    return name, rhs, tree


def _check(node: ast.AST, src: str, names: set[str], has_loss: bool) -> None:
    seg = ast.get_source_segment(src, node) or ast.unparse(node)
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise DerivedError(f"`{node.id}` is not a given value, a parameter, a model line "
                               "or an earlier derived line")
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and \
            not isinstance(node.value, bool):
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _check(node.operand, src, names, has_loss)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        _check(node.left, src, names, has_loss)
        return _check(node.right, src, names, has_loss)
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return _check(node.value, src, names, has_loss)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id in FUNCTIONS and len(node.args) == 1 and not node.keywords:
        if node.func.id == "grad":
            if not has_loss:
                raise DerivedError(f"`{seg}`: grad needs a loss, and this problem is "
                                   "forward-only")
            if not isinstance(node.args[0], ast.Name) or node.args[0].id not in names:
                raise DerivedError(f"`{seg}`: grad takes the name of a value, a parameter or "
                                   "a model line")
            return
        return _check(node.args[0], src, names, has_loss)
    raise DerivedError(f"`{seg}` is not supported; a derived line uses names, numbers, "
                       "+ - * / @, unary −, .T and calls of: " + ", ".join(FUNCTIONS))


@dataclass(frozen=True)
class Positions:
    """argmax/argmin: the positions (per `indexing`) of the extreme entries, and its value."""

    positions: tuple[tuple[int, ...], ...]
    value: object
    vector: bool

    @property
    def tied(self) -> bool:
        return len(self.positions) > 1


def evaluate_derived(tree: ast.AST, values: Callable[[str], np.ndarray],
                     grad: Callable[[str], np.ndarray], base: int) -> object:
    """The value: a 2-D array, or Positions for argmax/argmin."""
    def walk(node: ast.AST) -> object:
        if isinstance(node, ast.Name):
            return values(node.id)
        if isinstance(node, ast.Constant):
            return np.array([[parse_number(repr(node.value))]], dtype=object)
        if isinstance(node, ast.UnaryOp):
            inner = walk(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner  # type: ignore[operator]
        if isinstance(node, ast.BinOp):
            a, b = walk(node.left), walk(node.right)
            op = _OPS[type(node.op)]
            if op == "@":
                return a @ b  # type: ignore[operator]
            a, b = _scalar(a), _scalar(b)
            if op == "/" and np.any(np.asarray(b == 0, dtype=bool)):
                raise ZeroDivisionError("division by 0 in a derived line")
            return {"+": np.add, "−": np.subtract, "*": np.multiply,
                    "/": np.divide}[op](a, b)
        if isinstance(node, ast.Attribute):
            return walk(node.value).T  # type: ignore[union-attr]
        fn = node.func.id  # type: ignore[attr-defined]
        if fn == "grad":
            return grad(node.args[0].id)  # type: ignore[attr-defined]
        arg = walk(node.args[0])
        if fn in ("argmax", "argmin"):
            return extreme_positions(arg, fn == "argmax", base)  # type: ignore[arg-type]
        if fn in ("max", "min"):
            flat = list(arg.reshape(-1))  # type: ignore[union-attr]
            return np.array([[max(flat) if fn == "max" else min(flat)]], dtype=object)
        if fn == "count_nonzero":
            return np.array([[int(np.count_nonzero(np.asarray(arg != 0, dtype=bool)))]],
                            dtype=object)
        if fn == "abs":
            return np.abs(arg)
        total = sum(arg.reshape(-1))  # type: ignore[union-attr]
        return np.array([[total if fn == "sum" else total / arg.size]],  # type: ignore[union-attr]
                        dtype=object)

    return walk(tree)


def _scalar(a: object) -> object:
    """A 1×1 array broadcasts as its number."""
    return a[0, 0] if isinstance(a, np.ndarray) and a.shape == (1, 1) else a


def extreme_positions(a: np.ndarray, largest: bool, base: int) -> Positions:
    """Every position of the largest (or smallest) entry, counted from `base`."""
    flat = list(a.reshape(-1))
    best = max(flat) if largest else min(flat)
    vector = 1 in a.shape
    spots = []
    for i, v in enumerate(flat):
        if v == best:
            r, c = divmod(i, a.shape[1])
            spots.append((i + base,) if vector else (r + base, c + base))
    return Positions(tuple(spots), best, vector)
