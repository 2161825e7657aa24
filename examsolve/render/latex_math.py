"""Math nodes as LaTeX math-mode source.

`LatexMath` dispatches on the math model's node types (SymPy's printer pattern); the Markdown
renderer subclasses it for MathJax. The characters of names come from `latex_text` (pure ASCII,
nothing beyond amsmath). `TexWidth` estimates how wide a node sets, so that `latex` can break a
chain of equations that would run past the margin.
"""

from __future__ import annotations

import re

from examsolve import mathmodel as m
from examsolve.numbers import format_number
from examsolve.render.printer import dispatch
from examsolve.render.latex_text import (_COMBINING, _HATS, _SUB, _SUP, _TEXT_SYMBOLS,
                                         MATH_SYMBOLS, _accented, _math_accented, _script_runs,
                                         escape_text, unknown_char)
from examsolve.render.precedence import (PREC_ATOM, PREC_MUL, PREC_NEG, factor_level, precedence,
                                         split_sign)

# ---- math -----------------------------------------------------------------------------------

FUNCTIONS = {
    "log": r"\log", "ln": r"\ln", "exp": r"\exp", "sin": r"\sin", "cos": r"\cos",
    "tanh": r"\tanh", "max": r"\max", "min": r"\min", "σ": r"\sigma", "sigma": r"\sigma",
    "sigmoid": r"\sigma", "relu": r"\operatorname{ReLU}", "ReLU": r"\operatorname{ReLU}",
    "softmax": r"\operatorname{softmax}", "argmax": r"\operatorname{argmax}",
    "argmin": r"\operatorname{argmin}", "sign": r"\operatorname{sign}",
    "sgn": r"\operatorname{sgn}",
}
# Delimiter pairs instead of a function name.
_FENCES = {"abs": (r"\left\lvert ", r" \right\rvert"), "norm": (r"\left\lVert ", r" \right\rVert"),
           "floor": (r"\left\lfloor ", r" \right\rfloor"), "ceil": (r"\left\lceil ", r" \right\rceil")}
RELATIONS = {"=": "=", "≈": r"\approx", "≠": r"\neq", "<": "<", ">": ">", "≤": r"\le",
             "≥": r"\ge", "⇒": r"\Rightarrow", "∈": r"\in", ":=": ":="}
MUL_OPS = {"·": r" \cdot ", "": " ", "⊙": r" \odot ", "×": r" \times ", "*": r" \ast "}
# A word of a name, set upright: two or more letters, and digits inside it (conv1D, log2).
_WORD = re.compile(r"[A-Za-z]{2,}(?:[0-9]+[A-Za-z]*)?")
# Σ with an index, or followed by a term, is a summation sign.
_SIGMA = ("Σ", "∑")


_MATH_CHARS = "".join(c for c in {*MATH_SYMBOLS, *_HATS, *_SUB, *_SUP} if not c.isascii())


def _one_script_each(pieces: list[str]) -> list[str]:
    """`{}` between two superscripts (or subscripts) in a row: TeX refuses x^{2}^{3}."""
    out: list[str] = []
    for piece in pieces:
        if out and piece[:1] in "_^" and out[-1][:1] == piece[:1]:
            piece = "{}" + piece
        out.append(piece)
    return out


def number_tex(value: object) -> str:
    """numbers.format_number's text as TeX: 1/3 → \\frac{1}{3}, 1.5e-5 → 1.5 \\times 10^{-5}."""
    text = format_number(value)
    sign, body = ("-", text[1:]) if text.startswith("-") else ("", text)
    if body == "inf":
        return sign + r"\infty"
    if body == "nan":
        return r"\mathrm{NaN}"
    if "/" in body:
        n, d = body.split("/")
        return sign + r"\frac{" + n + "}{" + d + "}"
    if "e" in body:
        mantissa, exponent = body.split("e")
        return sign + mantissa + r" \times 10^{" + exponent + "}"
    return text


def is_tall(node: m.Expr) -> bool:
    """Whether a node sets taller than a line of text (a matrix, a fraction, ∂/∂): brackets
    around it must grow (\\left( … \\right)) and it is wider than its characters."""
    if isinstance(node, (m.Mat, m.Div, m.Deriv)):
        return True
    if isinstance(node, m.Num):
        return "/" in format_number(node.value)
    children = getattr(node, "terms", None) or getattr(node, "factors", None) or \
        getattr(node, "parts", None) or getattr(node, "args", None) or \
        ((node.arg,) if hasattr(node, "arg") else ()) or \
        ((node.base, node.exp) if isinstance(node, m.Pow) else ())  # type: ignore[attr-defined]
    return any(is_tall(c) for c in children)

class LatexMath:
    """Math nodes as LaTeX math-mode source."""

    row_sep = r" \\ "
    # ASCII characters in names that mean something to TeX.
    specials = {"{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$",
                "\\": r"\backslash ", "~": r"\sim ", "*": r"\ast ", "|": r"\vert ",
                "^": r"\hat{}", "_": r"\_"}
    relations = RELATIONS

    def doprint(self, node: m.Expr) -> str:
        return dispatch(self, node)

    # -- names ------------------------------------------------------------------------------
    def name(self, text: str, words: bool = True) -> str:
        """A name's characters in math mode: Greek → \\sigma, x₁ → x_{1}; a run of two or
        more ASCII letters is a word, set upright (`\\mathrm{loss}`) when `words`."""
        snake = re.fullmatch(r"([A-Za-z])_([A-Za-z0-9,]+)|[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)+",
                             text)
        if snake and snake.group(1):  # E_D: the subscript it stands for
            return snake.group(1) + "_{" + snake.group(2) + "}"
        if snake:  # data_best_degree: one identifier, in upright text
            return self.text_run(text)
        text = _script_runs(_script_runs(text, _SUB, "_"), _SUP, "^")
        out: list[str] = []
        i = 0
        while i < len(text):
            c = text[i]
            word = _WORD.match(text, i) if words else None
            if word:
                out.append(r"\mathrm{" + word.group() + "}")
                i = word.end()
                continue
            script = re.match(r"[_^]([A-Za-z0-9]+)", text[i:]) if i else None
            if script:  # F_k inside a longer name: the index it stands for
                out.append(c + "{" + script.group(1) + "}")
                i += script.end()
                continue
            if c in "_^" and text[i + 1:i + 2] == "{":  # a script made from Unicode above
                end = text.index("}", i)
                out.append(c + "{" + text[i + 2:end] + "}")
                i = end + 1
                continue
            accent = _COMBINING.get(text[i + 1:i + 2])
            if accent and c.isascii() and c.isalpha():
                out.append(accent + " " + c)
                i += 2
                continue
            if c in self.specials:
                out.append(self.specials[c])
            elif c.isascii():
                out.append(c)
            elif c in _HATS or c in MATH_SYMBOLS:
                cmd = _HATS.get(c) or MATH_SYMBOLS[c]
                nxt = text[i + 1:i + 2]
                out.append(cmd + (" " if cmd[-1].isalpha() and (nxt.isalnum()) else ""))
            elif _math_accented(c):
                out.append(_math_accented(c))  # type: ignore[arg-type]
            else:
                out.append(r"\text{" + (_TEXT_SYMBOLS.get(c) or _accented(c) or unknown_char(c))
                           + "}")
            i += 1
        return "".join(_one_script_each(out)).rstrip()

    def script(self, base: str, sub: str | None, sup: str | None) -> str:
        if (sub is not None or sup is not None) and re.search(r"[_^]\{[^{}]*\}$", base):
            base = "{" + base + "}"  # x₁ with a further index: {x_{1}}_{2}, not x_{1}_{2}
        out = base
        if sub is not None:
            out += "_{" + self.name(sub, words=len(sub) > 2) + "}"
        if sup is not None:
            out += "^{" + (r"\ast" if sup == "*" else self.name(sup)) + "}"
        return out

    # -- precedence ---------------------------------------------------------------------------
    def precedence(self, node: m.Expr) -> int:
        return precedence(node, tex=True)

    def _is_tall(self, node: m.Expr) -> bool:
        return is_tall(node)

    def wrap(self, node: m.Expr, text: str) -> str:
        if self._is_tall(node):
            return r"\left(" + text + r"\right)"
        return "(" + text + ")"

    def paren(self, node: m.Expr, level: int, strict: bool = False) -> str:
        text = self.doprint(node)
        p = self.precedence(node)
        return self.wrap(node, text) if p < level or (strict and p == level) else text

    def _scripted_base(self, node: m.Expr) -> str:
        """A base that takes a superscript: bracketed when it is not a plain atom."""
        needs = self.precedence(node) < PREC_ATOM or isinstance(node, (m.Div, m.Deriv)) or \
            (isinstance(node, m.Sym) and node.sup is not None) or \
            isinstance(node, (m.Pow, m.Transpose)) or \
            (isinstance(node, m.Num) and (self._is_tall(node) or node.value < 0))
        text = self.doprint(node)
        return self.wrap(node, text) if needs else text

    # -- nodes --------------------------------------------------------------------------------
    def _print_Num(self, node: m.Num) -> str:
        return number_tex(node.value)

    def _print_Sym(self, node: m.Sym) -> str:
        if node.name in _SIGMA and node.sub is not None:  # Σ_j e_j: a sum, not a matrix Σ
            return self.script(r"\sum", node.sub, node.sup)
        return self.script(self.name(node.name), node.sub, node.sup)

    def _print_Text(self, node: m.Text) -> str:
        """Words upright; symbols (✓, ≈) leave the \\text{} as math."""
        pieces = re.split(f"([{re.escape(_MATH_CHARS)}]+)", node.text)
        return " ".join(self.name(p) if i % 2 else self.text_run(p)
                        for i, p in enumerate(pieces) if p)

    def text_run(self, text: str) -> str:
        return r"\text{" + escape_text(text) + "}"

    def _print_Ellipsis(self, node: m.Ellipsis_) -> str:
        return r"\cdots"

    def matrix_cell(self, node: m.Mat, i: int, j: int) -> str:
        """Elided entries: ⋯ along a row, ⋮ down a column, ⋱ where both meet."""
        entry = node.rows[i][j]
        if not isinstance(entry, m.Ellipsis_):
            return self.doprint(entry)
        row_gone = all(isinstance(e, m.Ellipsis_) for e in node.rows[i])
        col_gone = all(isinstance(r[j], m.Ellipsis_) for r in node.rows)
        if row_gone and col_gone and len(node.rows) > 1 and len(node.rows[0]) > 1:
            return r"\ddots"
        return r"\vdots" if row_gone and len(node.rows) > 1 else r"\cdots"

    def _print_Mat(self, node: m.Mat) -> str:
        rows = [" & ".join(self.matrix_cell(node, i, j) for j in range(len(r)))
                for i, r in enumerate(node.rows)]
        ncols = len(node.rows[0]) if node.rows else 0
        body = self.row_sep.join(rows)
        if ncols > 10:  # amsmath's bmatrix stops at MaxMatrixCols = 10
            return r"\left[\begin{array}{" + "c" * ncols + "} " + body + \
                r" \end{array}\right]"
        return r"\begin{bmatrix} " + body + r" \end{bmatrix}"

    def _print_Add(self, node: m.Add) -> str:
        out = self.paren(node.terms[0], 1)
        for term in node.terms[1:]:
            sign, body = split_sign(term)
            minus = sign == "−"
            out += (" - " if minus else " + ") + self.paren(
                body, PREC_MUL if minus else 1, strict=minus and isinstance(body, m.Add))
        return out

    def _print_Neg(self, node: m.Neg) -> str:
        return "-" + self.paren(node.arg, PREC_NEG + 1 if not isinstance(node.arg, m.Mul)
                                else PREC_MUL)

    def _print_Mul(self, node: m.Mul) -> str:
        parts = [r"\sum" if f == m.Sym("Σ") and node.op == "" and i + 1 < len(node.factors)
                 else self.paren(f, factor_level(node, i), strict=False)
                 for i, f in enumerate(node.factors)]  # Σ e_j: Σ followed by a term is a sum
        return MUL_OPS.get(node.op, " " + self.name(node.op) + " ").join(parts)

    def _print_Div(self, node: m.Div) -> str:
        return r"\frac{" + self.doprint(node.num) + "}{" + self.doprint(node.den) + "}"

    def _print_Pow(self, node: m.Pow) -> str:
        return self._scripted_base(node.base) + "^{" + self.doprint(node.exp) + "}"

    def _print_Call(self, node: m.Call) -> str:
        args = ", ".join(self.doprint(a) for a in node.args)
        fn, primes = node.fn.rstrip("'′"), node.fn[len(node.fn.rstrip("'′")):]
        under = re.fullmatch(r"([A-Za-z]{2,})_(\w+)", fn)
        if under and not primes:  # argmin_c, max_i: the index goes under the operator;
            # a one-letter function (P_d, E_D) is a name with a subscript.
            word, index = under.groups()
            head = FUNCTIONS.get(word) or r"\mathop{\mathrm{" + word + "}}"
            head += (r"\limits" if head.endswith("}") else "") + "_{" + self.name(index) + "}"
            return head + self._call_args(node, args)
        if fn in _FENCES and not primes:
            left, right = _FENCES[fn]
            return left + args + right
        if fn in FUNCTIONS:
            head = FUNCTIONS[fn]
        elif fn == "sqrt" and not primes:
            return r"\sqrt{" + args + "}"
        elif _WORD.fullmatch(fn):  # relu, conv1D
            head = r"\operatorname{" + fn + "}"
        else:
            head = self.name(fn)
        head += "'" * len(primes)
        return head + self._call_args(node, args)

    def _call_args(self, node: m.Call, args: str) -> str:
        return r"\left(" + args + r"\right)" if any(map(self._is_tall, node.args)) \
            else "(" + args + ")"

    def _print_Deriv(self, node: m.Deriv) -> str:
        den = r"\partial " + self.doprint(node.den)
        if self.precedence(node.num) < PREC_ATOM:
            return r"\frac{\partial}{" + den + "}" + self.wrap(node.num, self.doprint(node.num))
        return r"\frac{\partial " + self.doprint(node.num) + "}{" + den + "}"

    def _print_Transpose(self, node: m.Transpose) -> str:
        return self._scripted_base(node.arg) + r"^{\top}"

    def _print_Paren(self, node: m.Paren) -> str:
        return self.wrap(node.arg, self.doprint(node.arg))

    def _print_Boxed(self, node: m.Boxed) -> str:
        return r"\boxed{" + self.doprint(node.arg) + "}"

    def _print_Rel(self, node: m.Rel, align: bool = False) -> str:
        out = self.doprint(node.parts[0])
        for i, (op, part) in enumerate(zip(node.ops, node.parts[1:])):
            out += (" &" if align and i == 0 else " ") + self.relations[op] + " " + \
                self.doprint(part)
        return out

    def aligned(self, node: m.Expr) -> str:
        """A line of `align*`: `&` before the first relation."""
        if isinstance(node, m.Rel):
            return self._print_Rel(node, align=True)
        return self.doprint(node)


def latex_math(node: m.Expr) -> str:
    """The LaTeX math-mode source of a math node."""
    return LatexMath().doprint(node)


# ---- width ----------------------------------------------------------------------------------

class TexWidth:
    """About how wide (in pt, 11pt type, display style) a node sets: enough to tell whether a
    line of `align*` fits the text width, never used for placing anything.

    Flat math (no matrix or fraction in it) is costed per character of its one-line text form;
    matrices, fractions and the nodes around them are built up from their parts.
    """

    CHAR = 5.2            # a letter or digit, with the spacing of operators averaged in
    BIN = 13.4            # a binary operator with its medium spaces (+, −, ⊙)
    REL = 14.6            # a relation with its thick spaces
    FENCE = 7.5           # one tall \left( or \right], bracket of a matrix
    COLSEP = 10.0         # between two matrix columns (2 × \arraycolsep)

    def width(self, node: m.Expr, scale: float = 1.0) -> float:
        if not self._tall(node):
            from examsolve.render.textmath import linear

            return self.CHAR * scale * len(linear(node))
        return dispatch(self, node, "_w_") if scale == 1.0 else \
            scale * dispatch(self, node, "_w_")

    def _tall(self, node: m.Expr) -> bool:
        return is_tall(node)

    def _w_Num(self, node: m.Num) -> float:  # a fraction 1/3
        num, den = format_number(node.value).lstrip("-").split("/")
        return self.CHAR * max(len(num), len(den)) + 2 + \
            (self.BIN if format_number(node.value).startswith("-") else 0)

    def _w_Mat(self, node: m.Mat) -> float:
        ncols = len(node.rows[0]) if node.rows else 0
        cols = [max(self.width(r[j]) if not isinstance(r[j], m.Ellipsis_) else 13.0
                    for r in node.rows) for j in range(ncols)]
        return sum(cols) + self.COLSEP * max(ncols - 1, 0) + 2 * self.FENCE

    def _w_Div(self, node: m.Div) -> float:
        return max(self.width(node.num, 0.8), self.width(node.den, 0.8)) / 0.8 + 2

    def _w_Deriv(self, node: m.Deriv) -> float:
        return max(self.width(node.num), self.width(node.den)) + 8

    def _w_Add(self, node: m.Add) -> float:
        return sum(self.width(t) for t in node.terms) + self.BIN * (len(node.terms) - 1)

    def _w_Neg(self, node: m.Neg) -> float:
        return self.BIN + self.width(node.arg)

    def _w_Mul(self, node: m.Mul) -> float:
        sep = {"": 2.0, "·": 8.0}.get(node.op, self.BIN)
        return sum(self.width(f) for f in node.factors) + sep * (len(node.factors) - 1)

    def _w_Rel(self, node: m.Rel) -> float:
        return sum(self.width(p) for p in node.parts) + self.REL * len(node.ops)

    def _w_Call(self, node: m.Call) -> float:
        return self.CHAR * len(node.fn) + 2 * self.FENCE + \
            sum(self.width(a) for a in node.args) + 5.0 * (len(node.args) - 1)

    def _w_Pow(self, node: m.Pow) -> float:
        return self.width(node.base) + self.width(node.exp, 0.7)

    def _w_Transpose(self, node: m.Transpose) -> float:
        return self.width(node.arg) + 6.0

    def _w_Paren(self, node: m.Paren) -> float:
        return self.width(node.arg) + 2 * self.FENCE

    def _w_Boxed(self, node: m.Boxed) -> float:
        return self.width(node.arg) + 8.0
