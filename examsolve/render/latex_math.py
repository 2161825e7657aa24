"""Math nodes as LaTeX math-mode source, and the characters of LaTeX text.

`LatexMath` dispatches on the math model's node types (SymPy's printer pattern); the Markdown
renderer subclasses it for MathJax. Everything written here is pure ASCII: TeX's specials are
escaped and Unicode (σ, ✓, ≈, subscript digits, accented letters, …) is mapped to commands of
the LaTeX kernel and amsmath, so pdflatex needs no other package. A character with no mapping
is written visibly as [U+XXXX], never dropped.
"""

from __future__ import annotations

import re
import unicodedata

from examsolve import mathmodel as m
from examsolve.numbers import format_number
from examsolve.render import dispatch
from examsolve.render.textmath import PREC_ATOM, PREC_MUL, PREC_NEG, factor_level, split_sign

# ---- characters -----------------------------------------------------------------------------

_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi o pi rho "
          "varsigma sigma tau upsilon phi chi psi omega").split()
MATH_SYMBOLS: dict[str, str] = {
    **{chr(0x3B1 + i): ("o" if g == "o" else "\\" + g) for i, g in enumerate(_GREEK)},
    **{chr(0x391 + i): "\\" + g.capitalize() for i, g in enumerate(_GREEK)
       if g.capitalize() in ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma",
                             "Upsilon", "Phi", "Psi", "Omega")},
    "ϵ": r"\epsilon", "ε": r"\varepsilon", "ϕ": r"\phi", "φ": r"\varphi",
    "∂": r"\partial", "∇": r"\nabla", "·": r"\cdot", "⋅": r"\cdot", "×": r"\times",
    "÷": r"\div", "−": "-", "±": r"\pm", "…": r"\ldots", "⋯": r"\cdots", "⋮": r"\vdots",
    "⋱": r"\ddots", "≈": r"\approx", "≠": r"\neq", "≤": r"\le", "≥": r"\ge", "→": r"\to",
    "←": r"\leftarrow", "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow", "↦": r"\mapsto",
    "∈": r"\in", "∉": r"\notin", "∑": r"\sum", "∏": r"\prod", "√": r"\surd", "∞": r"\infty",
    "ℓ": r"\ell", "⊙": r"\odot", "⊗": r"\otimes", "∘": r"\circ", "⊤": r"\top", "ᵀ": r"^{\top}",
    "‖": r"\Vert", "∝": r"\propto", "∀": r"\forall", "∃": r"\exists", "∅": r"\emptyset",
    "ℝ": r"\mathbf{R}", "⟨": r"\langle", "⟩": r"\rangle", "°": r"^{\circ}",
    "↑": r"\uparrow", "↓": r"\downarrow", "↔": r"\leftrightarrow",
    # Marks in tables and decision grids; amssymb's \checkmark is not in plain amsmath.
    "✓": r"\surd", "✔": r"\surd", "✗": r"\times", "✘": r"\times", "○": r"\circ",
    "●": r"\bullet", "•": r"\bullet", "★": r"\star", "′": "'", "″": "''",
    "⟦": "[", "⟧": "]",
}
_HATS = {"ŷ": r"\hat y", "ô": r"\hat o", "â": r"\hat a", "ȳ": r"\bar y", "ō": r"\bar o"}
# Combining accents after a letter: x̂, x̄, x̃, ẋ, x⃗.
_COMBINING = {"\u0302": r"\hat", "\u0304": r"\bar", "\u0303": r"\tilde", "\u0307": r"\dot",
              "\u20d7": r"\vec"}
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", "0123456789+-=()aehijklmnoprstuvx"))
_SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", "0123456789+-=()ni"))
_TEXT_SYMBOLS = {"–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''",
                 "…": r"\ldots{}", "\u00a0": "~", "ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}",
                 "ø": r"\o{}", "Ø": r"\O{}", "å": r"\aa{}", "Å": r"\AA{}",
                 # From math fonts: the text-mode forms need TS1 bitmap fonts built by mktexpk.
                 "§": r"\ensuremath{\S}", "¶": r"\ensuremath{\P}", "•": r"\ensuremath{\bullet}",
                 "·": r"\ensuremath{\cdot}"}
_ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~",
            "\u0327": "c", "\u030c": "v", "\u030a": "r", "\u0304": "=", "\u0307": "."}
# `\$` in text takes the dollar from a TS1 font that pdflatex would first build with METAFONT.
_TEXT_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\ensuremath{\$}",
                  "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
                  "|": r"\textbar{}"}


def unknown_char(c: str) -> str:
    """A character with no LaTeX mapping: visible and compilable, never silently dropped."""
    return f"[U+{ord(c):04X}]"


def _accented(c: str) -> str | None:
    """é → \\'{e} (pdflatex's default OT1 fonts build accents; the output stays ASCII)."""
    parts = unicodedata.normalize("NFD", c)
    if len(parts) == 2 and parts[0].isascii() and parts[1] in _ACCENTS:
        return "\\" + _ACCENTS[parts[1]] + "{" + parts[0] + "}"
    return None


def _math_accented(c: str) -> str | None:
    """ĉ → \\hat c: an accented letter in math is a math accent."""
    parts = unicodedata.normalize("NFD", c)
    if len(parts) == 2 and parts[0].isascii() and parts[1] in _COMBINING:
        return _COMBINING[parts[1]] + " " + parts[0]
    return None


def _script_runs(text: str, table: dict[str, str], marker: str) -> str:
    """Runs of Unicode sub/superscript characters (x₁₂, s²) as _{12} / ^{2}."""
    pattern = "[" + re.escape("".join(table)) + "]+"
    return re.sub(pattern, lambda mt: marker + "{" + "".join(table[c] for c in mt.group()) + "}",
                  text)


def escape_text(text: str) -> str:
    """Prose for LaTeX's text mode: specials escaped, Unicode mapped, result pure ASCII."""
    out = []
    for i, c in enumerate(text):
        if c in _ACCENTS and i and text[i - 1].isascii() and text[i - 1].isalpha():
            continue  # a combining accent, already put on the letter before it
        if text[i + 1:i + 2] in _ACCENTS and c.isascii() and c.isalpha():
            out.append("\\" + _ACCENTS[text[i + 1]] + "{" + c + "}")  # p̂ → \^{p}
        elif c in _TEXT_SPECIALS:
            out.append(_TEXT_SPECIALS[c])
        elif c.isascii():
            out.append(c)
        elif c in _TEXT_SYMBOLS:
            out.append(_TEXT_SYMBOLS[c])
        elif c in _SUB:
            out.append(r"\textsubscript{" + _SUB[c] + "}")
        elif c in _SUP:
            out.append(r"\textsuperscript{" + _SUP[c] + "}")
        elif c in MATH_SYMBOLS or c in _HATS:
            out.append(r"\ensuremath{" + (MATH_SYMBOLS.get(c) or _HATS[c]) + "}")
        elif c in _VERBATIM_ASCII or "\u2500" <= c <= "\u259f" or "\u2800" <= c <= "\u28ff":
            # A legend for text art (░ where p > 0.5): the character the figure shows.
            out.append(r"\texttt{" + escape_text(verbatim_ascii(c)) + "}")
        else:
            out.append(_accented(c) or unknown_char(c))
    return "".join(out)


_VERBATIM_ASCII = {**dict.fromkeys("─━═┄┈╌", "-"), **dict.fromkeys("│┃║┆┊╎", "|"),
                   **dict.fromkeys("█▓▒░▀▄▌▐■", "#"), "●": "*", "•": "*", "○": "o",
                   "✓": "v", "✔": "v", "✗": "x", "✘": "x", "×": "x", "·": ".", "⋅": ".",
                   "…": ".", "−": "-", "⋮": ":", "→": ">", "←": "<", "↑": "^", "↓": "v",
                   "≈": "~", "≤": "<", "≥": ">", "⎡": "[", "⎢": "[", "⎣": "[", "⎤": "]",
                   "⎥": "]", "⎦": "]", "⎛": "(", "⎜": "(", "⎝": "(", "⎞": ")", "⎟": ")",
                   "⎠": ")", "\u00a0": " "}


def verbatim_ascii(text: str) -> str:
    """Text art for `verbatim`, one ASCII character per character so columns stay aligned:
    box drawing becomes -|+, braille plot dots become *, shades #."""
    out = []
    for c in text:
        if c.isascii():
            out.append(c)
        elif c in _VERBATIM_ASCII:
            out.append(_VERBATIM_ASCII[c])
        elif "\u2500" <= c <= "\u257f":  # box-drawing corners and junctions
            out.append("+")
        elif "\u2580" <= c <= "\u259f":  # block elements: shading
            out.append("#")
        elif "\u2800" <= c <= "\u28ff":  # braille patterns: plotext's plot dots
            out.append(" " if c == "\u2800" else "*")
        else:
            base = unicodedata.normalize("NFKD", c)[:1]
            out.append(base if base.isascii() and base.isprintable() else "?")
    return "".join(out)


_GREEK_LATIN = {**{chr(0x3B1 + i): g[0] for i, g in enumerate(_GREEK)},
                **{chr(0x391 + i): g[0].upper() for i, g in enumerate(_GREEK)}}
_GREEK_NAMES = {**{chr(0x3B1 + i): g for i, g in enumerate(_GREEK)},
                **{chr(0x391 + i): g.capitalize() for i, g in enumerate(_GREEK)}}
_CODE_ASCII = {**_GREEK_NAMES, "−": "-", "×": "*", "≈": "~=", "≤": "<=", "≥": ">=", "≠": "!=",
               "→": "->", "…": "...", "∂": "d", "∑": "sum", "√": "sqrt", "∞": "inf"}


def verbatim(text: str, code: bool = False) -> str:
    """A verbatim block in ASCII. Code spells symbols out (Σ → Sigma, ≤ → <=); text art keeps
    one character per character so its columns stay aligned (σ → s)."""
    if code:
        text = "".join(_CODE_ASCII.get(c, c) for c in text)
    else:
        text = "".join(_GREEK_LATIN.get(c, c) for c in text)
    body = verbatim_ascii(text).replace("\\end{verbatim}", "\\end {verbatim}")
    return "\\begin{verbatim}\n" + body.rstrip("\n") + "\n\\end{verbatim}"


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
_FENCES = {"abs": (r"\left\lvert ", r" \right\rvert"), "norm": (r"\left\lVert ", r" \right\rVert")}
RELATIONS = {"=": "=", "≈": r"\approx", "≠": r"\neq", "<": "<", ">": ">", "≤": r"\le",
             "≥": r"\ge", "⇒": r"\Rightarrow", "∈": r"\in", ":=": ":="}
MUL_OPS = {"·": r" \cdot ", "": " ", "⊙": r" \odot ", "×": r" \times ", "*": r" \ast "}
_WORD = re.compile(r"[A-Za-z]{2,}")


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
        """textmath's levels, except that fractions and quotients are atoms in TeX (\\frac)."""
        if isinstance(node, m.Rel):
            return 0
        if isinstance(node, m.Add):
            return 1
        if isinstance(node, m.Mul):
            return PREC_MUL
        if isinstance(node, m.Neg):
            return PREC_NEG
        if isinstance(node, m.Pow):
            return PREC_ATOM - 1
        if isinstance(node, m.Num):
            text = format_number(node.value)
            if text.startswith("-"):
                return PREC_NEG
            return PREC_MUL if "e" in text and text != "inf" else PREC_ATOM
        return PREC_ATOM

    def _is_tall(self, node: m.Expr) -> bool:
        if isinstance(node, (m.Mat, m.Div, m.Deriv)):
            return True
        if isinstance(node, m.Num):
            return "/" in format_number(node.value)
        children = getattr(node, "terms", None) or getattr(node, "factors", None) or \
            getattr(node, "parts", None) or getattr(node, "args", None) or \
            ((node.arg,) if hasattr(node, "arg") else ())  # type: ignore[attr-defined]
        return any(self._is_tall(c) for c in children)

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
        parts = [self.paren(f, factor_level(node, i), strict=False)
                 for i, f in enumerate(node.factors)]
        return MUL_OPS.get(node.op, " " + self.name(node.op) + " ").join(parts)

    def _print_Div(self, node: m.Div) -> str:
        return r"\frac{" + self.doprint(node.num) + "}{" + self.doprint(node.den) + "}"

    def _print_Pow(self, node: m.Pow) -> str:
        return self._scripted_base(node.base) + "^{" + self.doprint(node.exp) + "}"

    def _print_Call(self, node: m.Call) -> str:
        args = ", ".join(self.doprint(a) for a in node.args)
        fn, primes = node.fn.rstrip("'′"), node.fn[len(node.fn.rstrip("'′")):]
        under = re.fullmatch(r"([A-Za-z]+)_(\w+)", fn)
        if under and not primes:  # argmin_c, max_i: the index goes under the operator
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
        elif _WORD.fullmatch(fn):
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
