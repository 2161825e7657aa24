"""A Derivation as one standalone HTML page: math as MathML, no JavaScript, nothing fetched.

Math nodes go through the LaTeX printer (latex_math) and latex2mathml into `<math>`
elements, which every current browser draws natively; prose, tables and code are plain
HTML, escaped. A chart is drawn inline as SVG when matplotlib is installed, else its text
picture stays. The page's CSS is small and responsive: wide equations and tables scroll
inside their own box, so the page reads on a phone.
"""

from __future__ import annotations

import html
import re

from examsolve import mathmodel as m
from examsolve.derivation import (Code, Derivation, Equation, Figure, Para, Table,
                                  answer_display, warning_para)
from examsolve.render.latex import document_title
from examsolve.render.latex_math import latex_math
from examsolve.render.printer import dispatch
from examsolve.render.prose import fill_placeholders, paragraphs, with_placeholders

_CODE_SPAN = re.compile(r"`([^`]+)`")

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.5;
max-width:52rem;margin:0 auto;padding:1rem;color:#1b1b1b;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1.05rem}
.meta{color:#555}.statement{border-left:4px solid #ccc;padding:.2rem 1rem;background:#f7f7f7}
.display{overflow-x:auto;padding:.3rem 0}.display math{font-size:1.1em}
table{border-collapse:collapse;display:block;overflow-x:auto}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
pre{overflow-x:auto;background:#f4f4f4;padding:.6rem;font-size:.85rem}
.answers{border:2px solid #333;border-radius:6px;padding:.5rem 1rem;overflow-x:auto}
.warning{border-left:4px solid #c60;padding:.2rem 1rem;background:#fff5eb}
figure{margin:1rem 0;overflow-x:auto}figure svg{max-width:100%;height:auto}
"""


def math_element(expr: m.Expr, display: bool = False) -> str:
    """A math node as a MathML `<math>` element (LaTeX printer → latex2mathml)."""
    from latex2mathml.converter import convert

    return convert(latex_math(expr).strip(), display="block" if display else "inline")


def text(value: str) -> str:
    """Prose escaped for HTML, `code` spans as <code>."""
    out, last = [], 0
    for match in _CODE_SPAN.finditer(value):
        out.append(html.escape(value[last:match.start()]))
        out.append(f"<code>{html.escape(match.group(1))}</code>")
        last = match.end()
    out.append(html.escape(value[last:]))
    return "".join(out)


class HtmlBlocks:
    def block(self, block: object) -> str:
        return dispatch(self, block)

    def _print_Para(self, b: Para) -> str:
        return "<p>" + self.inline_para(b) + "</p>"

    def inline_para(self, b: Para) -> str:
        """A paragraph's text and inline math, without the <p> around it."""
        prose, math = with_placeholders(b.parts)
        return fill_placeholders(text(prose), [math_element(x) for x in math])

    def _print_Equation(self, b: Equation) -> str:
        label = f' <span class="label">{html.escape(b.label)}</span>' if b.label else ""
        return f'<div class="display">{math_element(b.expr, True)}{label}</div>'

    def cell(self, cell: object) -> str:
        return math_element(cell) if isinstance(cell, m.Expr) else text(str(cell))

    def _print_Table(self, b: Table) -> str:
        head = "".join(f"<th>{text(h)}</th>" for h in b.headers)
        rows = "".join("<tr>" + "".join(f"<td>{self.cell(c)}</td>" for c in r) + "</tr>"
                       for r in b.rows)
        caption = f"<caption>{text(b.caption)}</caption>" if b.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"

    def _print_Code(self, b: Code) -> str:
        return f'<pre><code class="language-{html.escape(b.language)}">' \
               f"{html.escape(b.source)}</code></pre>"

    def _print_Figure(self, b: Figure) -> str:
        picture = _svg(b) or (f"<pre>{html.escape(b.text)}</pre>" if b.text else "")
        if not picture:  # a picture with no text form, and no matplotlib to draw it
            return ""
        caption = f"<figcaption>{text(b.caption)}</figcaption>" if b.caption else ""
        return f"<figure>{picture}{caption}</figure>"


def _svg(figure: Figure) -> str | None:
    """The figure's chart as inline SVG (matplotlib, Agg canvas), or None without one."""
    if figure.chart is None:
        return None
    try:
        import io

        from matplotlib import rc_context
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure as MatplotlibFigure

        from examsolve.render.figure import draw, size_of
    except ImportError:
        return None
    fig = MatplotlibFigure(figsize=size_of(figure.chart), layout="constrained")
    FigureCanvasAgg(fig)
    draw(fig.subplots(), figure.chart)
    out = io.StringIO()
    with rc_context({"svg.hashsalt": "examsolve"}):
        fig.savefig(out, format="svg", metadata={"Date": None})
    svg = out.getvalue()
    return svg[svg.index("<svg"):]


def render_derivation(derivation: Derivation, file: str | None = None,
                      answers_only: bool = False, number: int | None = None) -> str:
    """One problem as an <article>: title, statement, numbered steps, answers, warnings."""
    blocks = HtmlBlocks()
    title = (f"Problem {number}: " if number else "") + derivation.title
    out = [f"<article><h{2 if number else 1}>{text(title)}</h{2 if number else 1}>"]
    meta = [text(derivation.source) if derivation.source else "",
            f"<code>{html.escape(file)}</code>" if file else ""]
    if any(meta):
        out.append(f'<p class="meta">{" · ".join(x for x in meta if x)}</p>')
    h = "h3" if number else "h2"
    if not answers_only:
        if derivation.statement:
            out.append('<div class="statement"><p><strong>Problem.</strong> ' + "</p><p>".join(
                "<br>".join(text(ln) for ln in para)
                for para in paragraphs(derivation.statement)) + "</p></div>")
        for n, step in enumerate(derivation.steps, 1):
            out.append(f"<section><{h}>{n}. {text(step.heading)}</{h}>")
            out += [blocks.block(b) for b in step.blocks]
            out.append("</section>")
    out.append(f'<section class="answers"><{h}>Answers</{h}>')
    out += [f'<div class="display">{math_element(answer_display(a), True)}</div>'
            for a in derivation.answers if a.boxed]
    rest = [a for a in derivation.answers if not a.boxed]
    if rest:
        out.append("<p>Also: " + ", ".join(math_element(answer_display(a)) for a in rest)
                   + ".</p>")
    out.append("</section>")
    out += [f'<p class="warning"><strong>Warning:</strong> {blocks.inline_para(warning_para(w))}'
            '</p>' for w in derivation.warnings]
    out.append("</article>")
    return "\n".join(out)


def fragment(items: list[tuple[Derivation, str | None]], answers_only: bool = False) -> str:
    """The page's body without <html>: for Jupyter's `_repr_html_`."""
    if len(items) == 1:
        return render_derivation(*items[0], answers_only)
    return "\n<hr>\n".join(render_derivation(d, f, answers_only, n)
                           for n, (d, f) in enumerate(items, 1))


def render_document(items: list[tuple[Derivation, str | None]],
                    answers_only: bool = False) -> str:
    """A standalone page: one spec, or a folder as one document with its problems numbered."""
    title = items[0][0].title if len(items) == 1 else document_title(items)
    body = fragment(items, answers_only)
    if len(items) > 1:
        body = f"<h1>{text(title)}</h1>\n{body}"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n"
            f"<body>\n{body}\n</body></html>\n")
