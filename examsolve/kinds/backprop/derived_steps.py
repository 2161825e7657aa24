"""The "Derived answers" step: each `derived:` line written out, evaluated and boxed.

`W1_next = W₁ − 0.1·∂L/∂W₁ = [numbers] = [value]`; argmax names the position of the largest
entry (per `indexing`) and, when the maximum is tied, every position with a warning.
"""

from __future__ import annotations

import ast

import numpy as np

from examsolve import mathmodel as m
from examsolve.autodiff.derived import Positions, evaluate_derived
from examsolve.derivation import DerivationBuilder
from examsolve.kinds.backprop.notation import entry, grad_symbol, symbol, value
from examsolve.numbers import format_number

_MARK = {ast.Add: None, ast.Sub: None, ast.Mult: "·", ast.Div: "/", ast.MatMult: "·"}


def math_of(tree: ast.AST, loss: str | None, numbers=None) -> m.Expr:  # type: ignore[no-untyped-def]
    """The derived expression as math; with `numbers(name)` (and grad values) substituted."""
    def walk(node: ast.AST) -> m.Expr:
        if isinstance(node, ast.Name):
            return value(numbers(node.id)) if numbers else symbol(node.id)
        if isinstance(node, ast.Constant):
            return m.num(node.value)
        if isinstance(node, ast.UnaryOp):
            inner = walk(node.operand)
            return m.Neg(inner) if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            a, b = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Add):
                return m.Add((a, b))
            if isinstance(node.op, ast.Sub):
                return m.Add((a, m.Neg(b if not isinstance(b, m.Add) else m.Paren(b))))
            if isinstance(node.op, ast.Div):
                return m.Div(a, b)
            return m.Mul((a, b), "·")
        if isinstance(node, ast.Attribute):
            return m.Transpose(walk(node.value))
        fn = node.func.id  # type: ignore[attr-defined]
        if fn == "grad":
            name = node.args[0].id  # type: ignore[attr-defined]
            return value(numbers(f"grad:{name}")) if numbers else \
                grad_symbol(loss or "L", symbol(name))
        return m.Call(fn if fn != "abs" else "abs", (walk(node.args[0]),))

    return walk(tree)


def write_derived(d: DerivationBuilder, spec, ev, grads_of) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The step, and each derived line's answer value by name."""
    if not spec.derived:
        return {}
    step = d.step("Derived answers")
    base = spec.common.indexing
    known: dict[str, np.ndarray] = {name: node.value for name, node in ev.named.items()}
    out: dict[str, object] = {}

    def lookup(name: str) -> np.ndarray:
        if name.startswith("grad:"):
            return grads_of(name[5:])
        return known[name]

    for line in spec.derived:
        result = evaluate_derived(line.tree, lookup, grads_of, base)
        sym = symbol(line.name)
        written = math_of(line.tree, spec.loss)
        if isinstance(result, Positions):
            out[line.name] = positions_answer(result)
            target = line.tree.args[0]  # type: ignore[attr-defined]
            arr = evaluate_derived(target, lookup, grads_of, base)
            of = math_of(target, spec.loss)
            word = "largest" if line.tree.func.id == "argmax" else "smallest"  # type: ignore[attr-defined]
            spots = [entry(of, arr.shape, _flat(p, arr.shape, base), base)
                     for p in result.positions]
            if result.tied:
                step.say(f"The {word} entry of ", of, ", ", m.as_expr(result.value),
                         ", is tied: it sits at ", *_and(spots), ".")
                d.warn(f"{line.name}: the {word} entry {format_number(result.value)} is tied "
                       f"at {len(spots)} positions; all are given")
            else:
                step.say(f"The {word} entry of ", of, " is ", m.eq(spots[0],
                                                                    m.as_expr(result.value)),
                         f" (indices count from {base}).")
            step.eq(sym, written, m.Text(_positions_text(out[line.name])))
            d.answer(line.name, out[line.name], m.eq(sym, m.Text(_positions_text(
                out[line.name]))))
            continue
        known[line.name] = result  # type: ignore[assignment]
        numbers = math_of(line.tree, spec.loss, lookup)
        if isinstance(line.tree, ast.Call) and line.tree.func.id == "count_nonzero":  # type: ignore[attr-defined]
            inner = evaluate_derived(line.tree.args[0], lookup, grads_of, base)
            step.say(written, " counts the entries of ", math_of(line.tree.args[0], spec.loss),
                     " that are not 0: ", m.num(int(result[0, 0])), " of ", m.num(inner.size),
                     ".")
        step.eq(sym, written, numbers, value(result))  # type: ignore[arg-type]
        answer = result[0, 0] if result.shape == (1, 1) else (  # type: ignore[union-attr]
            result.reshape(-1) if result.shape[1] == 1 else result)  # type: ignore[union-attr]
        out[line.name] = answer
        d.answer(line.name, answer, m.eq(sym, value(result)))  # type: ignore[arg-type]
    return out


def _flat(position: tuple[int, ...], shape: tuple[int, int], base: int) -> int:
    if len(position) == 1:
        return position[0] - base
    return (position[0] - base) * shape[1] + position[1] - base


def positions_answer(p: Positions) -> object:
    """A number (vector) or [row, col]; when tied, the list of them."""
    spots = [s[0] if p.vector else list(s) for s in p.positions]
    return spots[0] if not p.tied else spots


def _positions_text(answer: object) -> str:
    return str(answer).replace(" ", "") if isinstance(answer, list) else str(answer)


def _and(items: list[m.Expr]) -> list:  # type: ignore[type-arg]
    out: list = []  # type: ignore[type-arg]
    for i, item in enumerate(items):
        if i:
            out.append(" and " if i == len(items) - 1 else ", ")
        out.append(item)
    return out
