"""How the backprop kind writes names, values and model expressions in the math model.

`W1` is written W₁ and `s_2` s₂; a 1×1 value is a number, anything larger a matrix (the
math model summarises big ones numpy-style). `expr_display` prints a model expression as
written (`W₁·h + b₁`), `expr_display(..., values)` with every name replaced by its value
(`[1 0; 1 0; …]·[3; 3] + [0; …]`), which is how the forward pass substitutes numbers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields
from fractions import Fraction
from typing import Callable

import numpy as np

from examsolve import mathmodel as m
from examsolve.numbers import format_number
from examsolve.autodiff.parse import Apply, Const, Node_, Ref

_INDEXED = re.compile(r"^([A-Za-z]+)_?([0-9]+)$")
_SUBSCRIPTED = re.compile(r"^([A-Za-z]+)_([A-Za-z0-9]+)$")

FUNCTION_NAMES = {"relu": "ReLU", "sigmoid": "σ", "tanh": "tanh", "exp": "exp", "log": "log",
                  "softmax": "softmax", "sum": "sum", "mean": "mean", "conv1d": "conv1D",
                  "conv2d": "conv2D", "maxpool1d": "maxpool1D", "maxpool2d": "maxpool2D",
                  "nll": "nll", "bce": "bce", "cross_entropy": "cross_entropy", "mse": "mse",
                  "sqrt": "sqrt", "abs": "abs", "maximum": "max", "minimum": "min",
                  "leaky_relu": "LeakyReLU", "elu": "ELU", "softplus": "softplus",
                  "step": "step", "sign": "sign", "flatten": "flatten", "concat": "concat",
                  "hstack": "hstack", "attention": "attention", "batchnorm": "BN",
                  "layernorm": "LN"}


def symbol(name: str) -> m.Sym | m.Call:
    """W1 → W₁, s_2 → s₂, b_out → b with subscript out, y_hat → ŷ (y_hat2 → ŷ₂); other
    names as written."""
    piece = re.match(r"^(scores|weights)\((.+)\)$", name)  # attention's pieces
    if piece:
        return m.Call(piece.group(1), (symbol(piece.group(2)),))
    hat = re.match(r"^([A-Za-z])_?hat_?([0-9]*)$", name)
    if hat:
        letter = unicodedata.normalize("NFC", hat.group(1) + "\u0302")
        return m.Sym(letter, hat.group(2) or None)
    for pattern in (_INDEXED, _SUBSCRIPTED):
        match = pattern.match(name)
        if match:
            return m.Sym(match.group(1), match.group(2))
    return m.Sym(name)


_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def name_text(expr: m.Expr, words: bool = False) -> str:
    """The characters of a name built by `symbol` (and of pad(x), softmax(s)): W₁, pad(x).

    The math model has no index node, so an entry of such a name is one symbol whose name is
    the base's characters followed by `[index]` (every printer reads Unicode digit subscripts
    in a name). A word subscript has no such characters: it is written b_out when `words`
    (warnings, which are plain strings), else it is not a name and this raises ValueError,
    as it does for anything that is not a name: this is a name, not a printer."""
    if isinstance(expr, m.Sym) and expr.sup is None:
        if expr.sub is None:
            return expr.name
        if expr.sub.isdigit():
            return expr.name + expr.sub.translate(_SUBSCRIPT_DIGITS)
        if words:
            return f"{expr.name}_{expr.sub}"
    if isinstance(expr, m.Call):
        return f"{expr.fn}(" + ", ".join(name_text(a, words) for a in expr.args) + ")"
    if isinstance(expr, m.Paren):
        return "(" + name_text(expr.arg, words) + ")"
    raise ValueError(f"{type(expr).__name__} is not a name")


def grad_text(loss: str, name: str) -> str:
    """∂L/∂W₁ as plain text, for warnings (which are strings)."""
    return f"∂{name_text(symbol(loss), True)}/∂{name_text(symbol(name), True)}"


def indexed(name_expr: m.Expr, index: str) -> m.Expr:
    """name[index]: one symbol, pad(x₁)[i + k − 1] or W₁[1,2]; a name with a word subscript
    followed by its index, bₒᵤₜ[1]; an unnamed expression's entry is the bracketed
    expression followed by its index, (W₁·x + b₁)[2]."""
    try:
        return m.Sym(f"{name_text(name_expr)}[{index}]")
    except ValueError:
        base = name_expr if isinstance(name_expr, m.Sym) else m.Paren(name_expr)
        return m.Mul((base, m.Sym(f"[{index}]")), "")


def entry(name_expr: m.Expr, shape: tuple[int, int], flat_index: int, base: int) -> m.Expr:
    """One entry of a named vector or matrix: p₁[1], W[1,2] (indices per `indexing`)."""
    r, c = divmod(flat_index, shape[1])
    index = f"{flat_index + base}" if 1 in shape else f"{r + base},{c + base}"
    return indexed(name_expr, index)


def window_index(i: str, k: str, stride: int, base: int) -> str:
    """The padded input's index under output i and kernel tap k, counted per `indexing`:
    from 0 it is i·stride + k; from 1 it is (i − 1)·stride + k, i + k − 1 at stride 1.
    Text, because it goes inside an `indexed` symbol's brackets."""
    if base == 0:
        return f"{i} + {k}" if stride == 1 else f"{stride}{i} + {k}"
    return f"{i} + {k} − 1" if stride == 1 else f"{stride}({i} − 1) + {k}"


def value(arr: np.ndarray) -> m.Expr:
    """A number for a 1×1 value, else a (summarised) matrix."""
    if arr.shape == (1, 1):
        return m.as_expr(arr[0, 0])
    return m.mat(arr)


def is_scalar(arr_or_shape: object) -> bool:
    shape = getattr(arr_or_shape, "shape", arr_or_shape)
    return tuple(shape) == (1, 1)  # type: ignore[arg-type]


def expr_display(expr: Node_, values: dict[str, np.ndarray] | None = None,
                 shapes: Callable[[Node_], tuple[int, int]] | None = None,
                 class_text: Callable[[Apply], str] | None = None,
                 replace: Callable[[Node_], m.Expr | None] | None = None) -> m.Expr:
    """The math of a model expression; with `values`, names are replaced by their values.

    `replace` may substitute any sub-expression first (the loss step writes each loss term
    out); `shapes` tells ⊙ (elementwise) from · (a number times something).
    """
    def walk(e: Node_) -> m.Expr:
        if replace is not None:
            out = replace(e)
            if out is not None:
                return out
        if isinstance(e, Ref):
            return value(values[e.name]) if values is not None else symbol(e.name)
        if isinstance(e, Const):
            return m.num(e.value)
        args = [walk(a) for a in e.args]
        op = e.op
        if op == "add":
            return m.Add((args[0], args[1]))
        if op == "sub":
            return m.Add((args[0], m.Neg(args[1]) if not _is_sum(args[1])
                          else m.Neg(m.Paren(args[1]))))
        if op == "neg":
            return m.Neg(args[0])
        if op == "mul":
            elementwise = shapes is not None and not any(is_scalar(shapes(a)) for a in e.args)
            return m.Mul(tuple(args), "⊙" if elementwise else "·")
        if op == "matmul":
            return m.Mul(tuple(args), "·")
        if op == "transpose":
            return m.Transpose(args[0])
        if op == "index":
            written = str(e.option("written"))
            if values is not None and isinstance(e.args[0], Ref):
                row, col = e.option("at")  # type: ignore[misc]
                picked = values[e.args[0].name][slice(None) if row is None else
                                                slice(row, row + 1),
                                                slice(None) if col is None else
                                                slice(col, col + 1)]
                return value(picked)
            return indexed(args[0], written)
        if op == "masked":
            return m.Call("mask", tuple(args))
        if op == "softmax" and e.option("each") is not None:
            return m.Call("softmax", (args[0], m.Text(f"each {e.option('each')}")))
        if op == "dropout":
            return m.Call("dropout", (*args, m.num(e.option("p"))))
        if op == "reshape":
            return m.Call("reshape", (args[0], m.num(e.option("rows")),
                                      m.num(e.option("cols"))))
        if op == "div":
            return m.Div(args[0], args[1])
        if op == "pow":
            base = args[0] if isinstance(args[0], (m.Sym, m.Num, m.Call)) and not (
                isinstance(args[0], m.Num) and args[0].value < 0) else m.Paren(args[0])
            return m.Pow(base, m.num(e.option("exponent")))
        if op == "logb":
            return m.Call(f"log_{format_number(e.option('base'))}", tuple(args))
        extra = _options(e, class_text)
        if op in ("conv1d", "conv2d") and isinstance(e.args[2], Const) and e.args[2].value == 0:
            args = args[:2]  # the default bias, 0, as the model line leaves it out
        return m.Call(FUNCTION_NAMES[op], tuple(args) + extra)

    return walk(expr)


def _is_sum(node: m.Expr) -> bool:
    return isinstance(node, m.Add)


def _options(e: Apply, class_text: Callable[[Apply], str] | None) -> tuple[m.Expr, ...]:
    out: list[m.Expr] = []
    for key, val in e.options:
        if key == "cls":
            out.append(m.Text(class_text(e) if class_text else str(val)))
        elif key == "pad_value" and val not in (0, None):
            out.append(m.Text(f"pad_value={format_number(val)}"))
        elif key == "padding" and e.op.startswith("maxpool") and val == 0:
            pass
        elif key == "padding" and val != "valid":
            out.append(m.Text(f'padding="{val}"' if isinstance(val, str) else f"padding={val}"))
        elif key == "stride" and val not in (None, 1) and e.op.startswith("conv"):
            out.append(m.Text(f"stride={val}"))
        elif key == "size":
            out.append(m.Text(f"size={val}"))
        elif key == "stride" and val is not None and e.op.startswith("maxpool"):
            out.append(m.Text(f"stride={val}"))
        elif key in ("slope", "alpha", "beta") and val != (Fraction(1, 100) if key == "slope"
                                                           else 1):
            out.append(m.num(val))
        elif key == "at_zero" and val != 1:
            out.append(m.Text(f"at_zero={format_number(val)}"))
    return tuple(out)


def grad_symbol(loss: str, of: m.Expr) -> m.Deriv:
    """∂L/∂x."""
    return m.Deriv(symbol(loss), of if isinstance(of, m.Sym) else m.Paren(of))


def written_alike(a: object, b: object) -> bool:
    """Whether two math nodes are written the same: the same nodes, numbers compared by
    their printed digits (0.6931 rounded from log 2 reads like 0.6931)."""
    if isinstance(a, m.Num) and isinstance(b, m.Num):
        return format_number(a.value) == format_number(b.value)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(written_alike(x, y) for x, y in zip(a, b))
    if isinstance(a, m.Expr) and type(a) is type(b):
        return all(written_alike(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
    return not isinstance(a, m.Expr) and a == b


def dedupe(parts: list[m.Expr]) -> list[m.Expr]:
    """Drop a part written exactly like the one before it."""
    out: list[m.Expr] = []
    for p in parts:
        if not out or not written_alike(out[-1], p):
            out.append(p)
    return out
