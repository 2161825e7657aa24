"""The target function of a complexity-curve task: a small expression of x, parsed with `ast`.

The text is never evaluated by Python. `ast.parse(mode="eval")` gives a tree; every node must
be on a whitelist — the variable `x`, the constants `pi` and `e`, numbers, `+ - * / **`, unary
minus (and plus), and one-argument calls of `sin cos exp log sqrt abs tanh` — and the tree is
compiled into a closure over numpy ufuncs, and into a math node for the derivation.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from examsolve.mathmodel import Add, Call, Div, Expr, Mul, Neg, Num, Paren, Pow, Sym
from examsolve.numbers import exact
from examsolve.spec.formula import ExpressionError, parse_formula

FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin, "cos": np.cos, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
    "abs": np.abs, "tanh": np.tanh,
}
CONSTANTS = {"pi": (math.pi, "π"), "e": (math.e, "e")}
BINARY = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
          ast.Div: np.divide, ast.Pow: np.power}
MAX_LENGTH = 300  # characters: a target function is a formula, not a program
MAX_NODES = 100

Evaluator = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class TargetFunction:
    """f(x): its source text, a numpy evaluator and the math node that shows it."""

    text: str
    expr: Expr
    evaluate: Evaluator = field(compare=False, repr=False)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """f at every x (float64); overflow and domain errors give inf/nan, not warnings."""
        with np.errstate(all="ignore"):
            return np.asarray(self.evaluate(np.asarray(x, dtype=np.float64)), dtype=np.float64)


def parse_function(text: str) -> TargetFunction:
    """Parse `text` into a TargetFunction, or raise ExpressionError saying what is not allowed."""
    source, tree = parse_formula(text, "write an expression of x, e.g. sin(2*pi*x)",
                                 MAX_LENGTH, MAX_NODES)
    evaluate, expr = _compile(tree.body, source)
    return TargetFunction(source, expr, evaluate)


def _compile(node: ast.AST, source: str) -> tuple[Evaluator, Expr]:
    """One whitelisted node → (evaluator, math node); anything else is an ExpressionError."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _refuse(node, source, f"the constant {value!r} (only real numbers are allowed)")
        number = float(value)
        if not math.isfinite(number):
            raise _refuse(node, source, "a number too large for a float")
        return (lambda x, c=number: np.full_like(x, c)), Num(exact(value))
    if isinstance(node, ast.Name):
        if node.id == "x":
            return (lambda x: x), Sym("x")
        if node.id in CONSTANTS:
            value, shown = CONSTANTS[node.id]
            return (lambda x, c=value: np.full_like(x, c)), Sym(shown)
        if node.id in FUNCTIONS:
            raise _refuse(node, source, f"'{node.id}' without an argument; write {node.id}(...)")
        raise _refuse(node, source, f"the name '{node.id}' (the variable is x; constants "
                                    "are pi and e)")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner, shown = _compile(node.operand, source)
        if isinstance(node.op, ast.UAdd):
            return inner, shown
        return (lambda x: np.negative(inner(x))), Neg(shown)
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        ufunc = BINARY[type(node.op)]
        left, left_shown = _compile(node.left, source)
        right, right_shown = _compile(node.right, source)
        return (lambda x: ufunc(left(x), right(x))), _show_binary(node.op, left_shown,
                                                                   right_shown)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitXor):
        raise _refuse(node, source, "'^' (write powers as **, e.g. x**2)")
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            shown = ast.get_source_segment(source, node.func) or "this call"
            raise _refuse(node, source, f"the function '{shown}' (allowed: "
                                        f"{', '.join(FUNCTIONS)})")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise _refuse(node, source, f"{name}(...) takes exactly one argument")
        arg, arg_shown = _compile(node.args[0], source)
        fn = FUNCTIONS[name]
        return (lambda x: fn(arg(x))), Call(name, (arg_shown,))
    raise _refuse(node, source, _describe(node))


def _show_binary(op: ast.operator, left: Expr, right: Expr) -> Expr:
    """The math node of a binary operation, flattening chains like a + b + c."""
    if isinstance(op, ast.Add):
        return Add((*_terms(left), right))
    if isinstance(op, ast.Sub):
        # x − (−1), not x − −1: a subtracted negative keeps its brackets
        negative = isinstance(right, Neg) or (isinstance(right, Num) and right.value < 0)
        return Add((*_terms(left), Neg(Paren(right) if negative else right)))
    if isinstance(op, ast.Mult):
        factors = left.factors if isinstance(left, Mul) and left.op == "·" else (left,)
        return Mul((*factors, right), "·")
    if isinstance(op, ast.Div):
        return Div(left, right)
    return Pow(left, right)


def _terms(expr: Expr) -> tuple[Expr, ...]:
    return expr.terms if isinstance(expr, Add) else (expr,)


def _describe(node: ast.AST) -> str:
    names = {ast.Attribute: "attribute access (.)", ast.Subscript: "indexing ([...])",
             ast.Compare: "comparisons", ast.BoolOp: "and/or", ast.IfExp: "if/else",
             ast.Lambda: "lambda", ast.BinOp: "this operator (allowed: + - * / **)",
             ast.UnaryOp: "this operator (allowed: unary minus)",
             ast.Tuple: "a tuple", ast.List: "a list"}
    for kind, text in names.items():
        if isinstance(node, kind):
            return text
    return type(node).__name__


def _refuse(node: ast.AST, source: str, what: str) -> ExpressionError:
    segment = ast.get_source_segment(source, node)
    col = getattr(node, "col_offset", None)
    where = f" (at '{segment}', column {col + 1})" if segment and col is not None else ""
    return ExpressionError(f"not allowed in the function: {what}{where}")
