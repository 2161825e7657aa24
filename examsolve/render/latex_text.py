"""The characters of LaTeX text: prose escaped for text mode, and text art and code for
`verbatim`.

Everything written here is pure ASCII: TeX's specials are escaped and Unicode (σ, ✓, ≈,
subscript digits, accented letters, …) is mapped to commands of the LaTeX kernel and amsmath, so
pdflatex needs no other package. A character with no mapping is written visibly as [U+XXXX],
never dropped. The default OT1 fonts decide some choices: roman has no ASCII ~ ^ " (those slots
hold accents and ”), typewriter has them all.
"""

from __future__ import annotations

import re
import unicodedata

_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi o pi rho "
          "varsigma sigma tau upsilon phi chi psi omega").split()
MATH_SYMBOLS: dict[str, str] = {
    **{chr(0x3B1 + i): ("o" if g == "o" else "\\" + g) for i, g in enumerate(_GREEK)},
    **{chr(0x391 + i): "\\" + g.capitalize() for i, g in enumerate(_GREEK)
       if g.capitalize() in ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma",
                             "Upsilon", "Phi", "Psi", "Omega")},
    "𝟏": r"\mathbf{1}", "ϵ": r"\epsilon", "ε": r"\varepsilon", "ϕ": r"\phi", "φ": r"\varphi",
    "∂": r"\partial", "∇": r"\nabla", "·": r"\cdot", "⋅": r"\cdot", "×": r"\times",
    "÷": r"\div", "−": "-", "±": r"\pm", "…": r"\ldots", "⋯": r"\cdots", "⋮": r"\vdots",
    "⋱": r"\ddots", "≈": r"\approx", "≠": r"\neq", "≤": r"\le", "≥": r"\ge", "→": r"\to",
    "←": r"\leftarrow", "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow", "↦": r"\mapsto",
    "∈": r"\in", "∉": r"\notin", "∑": r"\sum", "∏": r"\prod", "√": r"\surd", "∞": r"\infty",
    "ℓ": r"\ell", "⊙": r"\odot", "⊗": r"\otimes", "∘": r"\circ", "⊤": r"\top", "ᵀ": r"^{\top}",
    "‖": r"\Vert", "∝": r"\propto", "∀": r"\forall", "∃": r"\exists", "∅": r"\emptyset",
    "ℝ": r"\mathbf{R}", "⟨": r"\langle", "⟩": r"\rangle", "°": r"^{\circ}",
    "↑": r"\uparrow", "↓": r"\downarrow", "↔": r"\leftrightarrow",
    "○": r"\circ",
    "●": r"\bullet", "•": r"\bullet", "★": r"\star", "′": "'", "″": "''",
    "⟦": "[", "⟧": "]",
}
_HATS = {"ŷ": r"\hat y", "ô": r"\hat o", "â": r"\hat a", "ȳ": r"\bar y", "ō": r"\bar o"}
# Combining accents after a letter: x̂, x̄, x̃, ẋ, x⃗.
_COMBINING = {"\u0302": r"\hat", "\u0304": r"\bar", "\u0303": r"\tilde", "\u0307": r"\dot",
              "\u20d7": r"\vec"}
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", "0123456789+-=()aehijklmnoprstuvx"))
_SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", "0123456789+-=()ni"))
# ✓/✗ as words: amssymb's \checkmark is not in plain amsmath, and \surd/\times would read as
# a radical and as the cross of a class named "cross".
_TEXT_SYMBOLS = {"✓": "ok", "✔": "ok", "✗": "wrong", "✘": "wrong", "–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''",
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
# Outside code the default OT1 roman font has no ASCII ~ ^ " (its slots hold the accents ˜ ˆ
# and the closing quote ”): prose gets math's ∼, a typewriter caret and real quotes instead.
_PROSE_SPECIALS = {**_TEXT_SPECIALS, "~": r"\ensuremath{\sim}", "^": r"\texttt{\^{}}"}


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


def _quote(text: str, i: int, before: str) -> str:
    """A straight quote as the curly one it stands for: opening after a space, `(` or `=`.
    `before` is what precedes `text` (nothing at the start of a line)."""
    prev = text[i - 1] if i else before[-1:]
    opening = not prev or prev.isspace() or prev in "([{=/-"
    if text[i] == '"':
        return "``" if opening else "''"
    return "`" if opening and text[i + 1:i + 2].strip() else "'"


def escape_text(text: str, code: bool = False, before: str = "") -> str:
    """Prose for LaTeX's text mode: specials escaped, Unicode mapped, result pure ASCII.
    `code` is text for \\texttt, whose font has the ASCII quotes, ~ and ^ themselves; `before`
    is the text this piece follows, which decides whether a quote opens or closes."""
    specials = _TEXT_SPECIALS if code else _PROSE_SPECIALS
    out = []
    for i, c in enumerate(text):
        if c in "\ue000\ue001":  # a placeholder of inline math (render.prose): the printer
            out.append(c)  # puts the math's own typesetting there afterwards
            continue
        if c in _ACCENTS and i and text[i - 1].isascii() and text[i - 1].isalpha():
            continue  # a combining accent, already put on the letter before it
        if text[i + 1:i + 2] in _ACCENTS and c.isascii() and c.isalpha():
            out.append("\\" + _ACCENTS[text[i + 1]] + "{" + c + "}")  # p̂ → \^{p}
        elif c in specials:
            out.append(specials[c])
        elif c in "\"'" and not code:
            out.append(_quote(text, i, before))
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
            out.append(r"\texttt{" + escape_text(verbatim_ascii(c), code=True) + "}")
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


def _is_art(c: str) -> bool:
    return c == "|" or c in _VERBATIM_ASCII or "\u2500" <= c <= "\u259f" or \
        "\u2800" <= c <= "\u28ff"


def spell_greek(line: str) -> str:
    """Greek letters of a text-art line spelled out (λ → lambda: a lone `l` reads as 1) where
    the line has room: a line of text only (a legend), or one where the extra characters can
    come out of the next run of spaces with only text before it, so every column of the art
    keeps its place. With no room, one Latin letter (σ → s)."""
    i = 0
    while i < len(line):
        name = _GREEK_NAMES.get(line[i])
        if name is None:
            i += 1
            continue
        extra, rest = len(name) - 1, line[i + 1:]
        gap = re.search(" {%d,}" % (extra + 1), rest)
        if not rest.strip() or not any(map(_is_art, line)):  # no column to keep
            line = line[:i] + name + rest
        elif gap and not any(map(_is_art, rest[:gap.start()])):
            cut = i + 1 + gap.start()
            line = line[:i] + name + line[i + 1:cut] + line[cut + extra:]
        else:
            name = _GREEK_LATIN[line[i]]
            line = line[:i] + name + rest
        i += len(name)
    return line


def verbatim(text: str, code: bool = False) -> str:
    """A verbatim block in ASCII. Code spells symbols out (Σ → Sigma, ≤ → <=); text art keeps
    its columns aligned (`spell_greek`)."""
    if code:
        text = "".join(_CODE_ASCII.get(c, c) for c in text)
    else:
        text = "\n".join(spell_greek(line) for line in text.split("\n"))
    body = verbatim_ascii(text).replace("\\end{verbatim}", "\\end {verbatim}")
    return "\\begin{verbatim}\n" + body.rstrip("\n") + "\n\\end{verbatim}"
