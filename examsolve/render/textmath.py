"""Math nodes as plain Unicode text: one-line (`linear`) and two-dimensional (`layout`).

The two-dimensional form stacks matrices with ⎡⎢⎣ brackets and aligns the centre rows of
neighbouring pieces, so `W·x + b = [..][..] + [..]` reads as a handwritten line does.
"""

from __future__ import annotations

from dataclasses import dataclass

from examsolve import mathmodel as m
from examsolve.numbers import format_number
from examsolve.render.precedence import (PREC_ADD, PREC_ATOM, PREC_MUL, PREC_NEG, factor_level,
                                         precedence, split_sign, term_level)
from examsolve.render.printer import dispatch

_SUB = str.maketrans("0123456789+-=()aehijklmnoprstuvx,", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ,")
_SUP = str.maketrans("0123456789+-−=()niTt", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵀᵗ")

def number_text(value: object) -> str:
    text = format_number(value)
    return text.replace("-", "−") if text not in ("-inf",) else "−inf"


def script(text: str, table: dict, marker: str) -> str:
    """Unicode sub/superscript when every character has one, else `_{..}`/`^{..}`."""
    converted = text.translate(table)
    if all(c != o or c == "," for c, o in zip(converted, text)) and text:
        return converted
    return f"{marker}{text}" if len(text) == 1 else f"{marker}{{{text}}}"


def symbol_text(node: m.Sym) -> str:
    text = node.name
    if node.sub is not None:
        text += script(node.sub, _SUB, "_")
    if node.sup is not None:
        text += script(node.sup, _SUP, "^")
    return text


class LinearPrinter:
    """One line of text: matrices as [1 2; 3 4] (rows split by `;`)."""

    def doprint(self, node: m.Expr) -> str:
        return dispatch(self, node)

    def paren(self, node: m.Expr, level: int, strict: bool = False) -> str:
        text = self.doprint(node)
        p = precedence(node)
        if p < level or (strict and p == level):
            return f"({text})"
        return text

    def _print_Num(self, node: m.Num) -> str:
        return number_text(node.value)

    def _print_Sym(self, node: m.Sym) -> str:
        return symbol_text(node)

    def _print_Text(self, node: m.Text) -> str:
        return node.text

    def _print_Ellipsis(self, node: m.Ellipsis_) -> str:
        return "…"

    def _print_Mat(self, node: m.Mat) -> str:
        """A column vector as a transposed row, [3  3]ᵀ (as textbooks write it in a line);
        other matrices row by row, rows split by `;`: [1  1  0; 0  0  1]."""
        if len(node.rows[0]) == 1 and len(node.rows) > 1:
            return "[" + "  ".join(self.doprint(r[0]) if not isinstance(r[0], m.Ellipsis_)
                                   else "…" for r in node.rows) + "]ᵀ"
        rows = ["  ".join(self.doprint(e) for e in r) if not all(
            isinstance(e, m.Ellipsis_) for e in r) else "⋮" for r in node.rows]
        return "[" + "; ".join(rows) + "]"

    def _print_Add(self, node: m.Add) -> str:
        out = self.paren(node.terms[0], PREC_ADD)
        for term in node.terms[1:]:
            sign, body = split_sign(term)
            out += f" {sign} " + self.paren(body, term_level(sign, body))
        return out

    def _print_Neg(self, node: m.Neg) -> str:
        return "−" + self.paren(node.arg, PREC_NEG + 1 if not isinstance(node.arg, m.Mul)
                                else PREC_MUL)

    def _print_Mul(self, node: m.Mul) -> str:
        parts = []
        for i, f in enumerate(node.factors):
            parts.append(self.paren(f, factor_level(node, i),
                                    strict=isinstance(f, m.Div) and i > 0))
        sep = {"": "", "·": "·", "⊙": " ⊙ ", "×": " × "}.get(node.op, node.op)
        if node.op == "":
            # Juxtaposition: `3e`, but `W x` between two symbols would merge names.
            out = parts[0]
            for prev, part in zip(parts, parts[1:]):
                glue = " " if (prev[-1:].isalnum() and part[:1].isalnum()) and not \
                    (prev[-1:].isdigit() and part[:1].isalpha()) else ""
                out += glue + part
            return out
        return sep.join(parts)

    def _print_Div(self, node: m.Div) -> str:
        return self.paren(node.num, PREC_MUL) + "/" + self.paren(node.den, PREC_MUL, strict=True)

    def _print_Pow(self, node: m.Pow) -> str:
        base = self.paren(node.base, PREC_ATOM, strict=isinstance(node.base, m.Pow))
        exponent = self.doprint(node.exp)
        raised = exponent.translate(_SUP)
        if isinstance(node.exp, (m.Num, m.Sym)) and all(c != o for c, o in zip(raised,
                                                                                exponent)):
            return base + raised  # (y − p)², x³, eⁿ: as written by hand
        return base + "^" + self.paren(node.exp, PREC_ATOM)

    def _print_Call(self, node: m.Call) -> str:
        if node.fn == "abs" and len(node.args) == 1:  # |x|, as written by hand
            return "|" + self.doprint(node.args[0]) + "|"
        if node.fn in FENCES and len(node.args) == 1:  # ⌊x⌋, ⌈x⌉
            left, right = FENCES[node.fn]
            return left + self.doprint(node.args[0]) + right
        return node.fn + "(" + ", ".join(self.doprint(a) for a in node.args) + ")"

    def _print_Deriv(self, node: m.Deriv) -> str:
        return "∂" + self.paren(node.num, PREC_ATOM) + "/∂" + self.paren(node.den, PREC_ATOM)

    def _print_Transpose(self, node: m.Transpose) -> str:
        return self.paren(node.arg, PREC_ATOM) + "ᵀ"

    def _print_Paren(self, node: m.Paren) -> str:
        return "(" + self.doprint(node.arg) + ")"

    def _print_Boxed(self, node: m.Boxed) -> str:
        return "[" + self.doprint(node.arg) + "]" if False else "⟦" + self.doprint(node.arg) + "⟧"

    def _print_Rel(self, node: m.Rel) -> str:
        out = self.doprint(node.parts[0])
        for op, part in zip(node.ops, node.parts[1:]):
            out += f" {op} " + self.doprint(part)
        return out


# Functions written as a pair of brackets around their one argument.
FENCES = {"floor": ("⌊", "⌋"), "ceil": ("⌈", "⌉")}


def linear(node: m.Expr) -> str:
    """The one-line text of a math node."""
    return LinearPrinter().doprint(node)


@dataclass(frozen=True)
class Box:
    """A block of text lines with a baseline (the row that aligns with neighbours)."""

    lines: tuple[str, ...]
    baseline: int

    @property
    def width(self) -> int:
        return max((len(ln) for ln in self.lines), default=0)

    @property
    def height(self) -> int:
        return len(self.lines)

    @staticmethod
    def text(s: str) -> "Box":
        return Box((s,), 0)


def hjoin(*boxes: Box) -> Box:
    """Place boxes side by side, baselines aligned."""
    above = max(b.baseline for b in boxes)
    below = max(b.height - b.baseline for b in boxes)
    lines = [""] * (above + below)
    for b in boxes:
        w = b.width
        top = above - b.baseline
        for i in range(above + below):
            j = i - top
            lines[i] += (b.lines[j] if 0 <= j < b.height else "").ljust(w)
    return Box(tuple(ln.rstrip() if False else ln for ln in lines), above)


class LayoutPrinter(LinearPrinter):
    """Two-dimensional text: only matrices (and what contains them) take several lines."""

    def box(self, node: m.Expr) -> Box:
        if isinstance(node, m.Mat):
            return self._box_Mat(node)
        if isinstance(node, (m.Add, m.Mul, m.Rel, m.Call, m.Transpose, m.Paren, m.Boxed,
                             m.Neg)) and self._has_tall(node):
            return dispatch(self, node, "_box_")
        return Box.text(self.doprint(node))

    def _has_tall(self, node: m.Expr) -> bool:
        if isinstance(node, m.Mat):
            return node.shape[0] > 1
        children = getattr(node, "terms", None) or getattr(node, "factors", None) or \
            getattr(node, "parts", None) or getattr(node, "args", None)
        if children is None and hasattr(node, "arg"):
            children = (node.arg,)  # type: ignore[attr-defined]
        return any(self._has_tall(c) for c in children or ())

    def bparen(self, node: m.Expr, level: int) -> Box:
        b = self.box(node)
        if precedence(node) < level:
            return self._wrap(b, "(", ")")
        return b

    def _wrap(self, b: Box, left: str, right: str) -> Box:
        if b.height == 1:
            return Box.text(left + b.lines[0] + right)
        tall = {"(": "⎛⎜⎝", ")": "⎞⎟⎠", "[": "⎡⎢⎣", "]": "⎤⎥⎦"}
        l, r = tall[left], tall[right]
        lines = []
        for i, ln in enumerate(b.lines):
            pick = 0 if i == 0 else 2 if i == b.height - 1 else 1
            lines.append(l[pick] + ln.ljust(b.width) + r[pick])
        return Box(tuple(lines), b.baseline)

    def _box_Mat(self, node: m.Mat) -> Box:
        cells = [[self.doprint(e) if not isinstance(e, m.Ellipsis_) else None for e in r]
                 for r in node.rows]
        ncols = len(cells[0])
        full_ellipsis_rows = {i for i, r in enumerate(cells) if all(c is None for c in r)}
        widths = [max(len(r[j] or "…") for r in cells) for j in range(ncols)]
        lines = []
        for i, r in enumerate(cells):
            if i in full_ellipsis_rows:
                lines.append("  ".join("⋮".center(w) for w in widths))
            else:
                lines.append("  ".join((c if c is not None else "…").rjust(w)
                                       for c, w in zip(r, widths)))
        if len(lines) == 1:
            return Box.text("[" + lines[0] + "]")
        return self._wrap(Box(tuple(lines), (len(lines) - 1) // 2), "[", "]")

    def _box_Add(self, node: m.Add) -> Box:
        parts = [self.bparen(node.terms[0], PREC_ADD)]
        for term in node.terms[1:]:
            sign, body = split_sign(term)
            parts += [Box.text(f" {sign} "), self.bparen(body, term_level(sign, body))]
        return hjoin(*parts)

    def _box_Neg(self, node: m.Neg) -> Box:
        return hjoin(Box.text("−"), self.bparen(node.arg, PREC_MUL))

    def _box_Mul(self, node: m.Mul) -> Box:
        sep = {"": " ", "·": "·", "⊙": " ⊙ ", "×": " × "}.get(node.op, node.op)
        parts = []
        for i, f in enumerate(node.factors):
            if i:
                parts.append(Box.text(sep))
            parts.append(self.bparen(f, factor_level(node, i)))
        return hjoin(*parts)

    def _box_Rel(self, node: m.Rel) -> Box:
        parts = [self.box(node.parts[0])]
        for op, part in zip(node.ops, node.parts[1:]):
            parts += [Box.text(f" {op} "), self.box(part)]
        return hjoin(*parts)

    def _box_Call(self, node: m.Call) -> Box:
        if node.fn == "abs" and len(node.args) == 1:
            inner = self.box(node.args[0])
            bar = Box(("│",) * inner.height, inner.baseline) if inner.height > 1 else \
                Box.text("|")
            return hjoin(bar, inner, bar)
        if node.fn in FENCES and len(node.args) == 1:
            return hjoin(Box.text(FENCES[node.fn][0]), self.box(node.args[0]),
                         Box.text(FENCES[node.fn][1]))
        args = []
        for i, a in enumerate(node.args):
            if i:
                args.append(Box.text(", "))
            args.append(self.box(a))
        return hjoin(Box.text(node.fn), self._wrap(hjoin(*args), "(", ")"))

    def _box_Transpose(self, node: m.Transpose) -> Box:
        b = self.bparen(node.arg, PREC_ATOM)
        return hjoin(b, Box(("ᵀ",) + ("",) * (b.height - 1), b.baseline if b.height == 1 else 0)) \
            if b.height == 1 else hjoin(b, Box.text("ᵀ"))

    def _box_Paren(self, node: m.Paren) -> Box:
        return self._wrap(self.box(node.arg), "(", ")")

    def _box_Boxed(self, node: m.Boxed) -> Box:
        return self._wrap(self.box(node.arg), "[", "]")


def layout(node: m.Expr) -> Box:
    """The two-dimensional text of a math node."""
    return LayoutPrinter().box(node)


def layout_text(node: m.Expr) -> str:
    return "\n".join(ln.rstrip() for ln in layout(node).lines)


def para_text(para: object) -> str:
    """A paragraph as one line of plain text, its math in the linear form (what the terminal
    shows before reflowing); any other block's own `text`."""
    parts = getattr(para, "parts", None)
    if parts is None:
        return para.text  # type: ignore[attr-defined]
    return "".join(p if isinstance(p, str) else linear(p) for p in parts)
