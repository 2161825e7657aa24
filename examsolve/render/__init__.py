"""Renderers: each walks a Derivation and its math nodes, dispatching on node type
(printer.py); this package's face is the format names and `document`."""

from __future__ import annotations

from enum import Enum

from examsolve.render.suffixes import FIGURE_FORMATS  # re-exported: the CLI reads it here


class Format(str, Enum):
    """Output formats of `examsolve run` (a str Enum so typer validates the choice)."""

    rich = "rich"
    json = "json"
    markdown = "markdown"
    latex = "latex"
    html = "html"
    moodle = "moodle"

    @classmethod
    def from_suffix(cls, suffix: str) -> "Format | None":
        """The format an output file's extension asks for (`.md`, `.tex`, …), if any."""
        return _SUFFIXES.get(suffix.lower())


_SUFFIXES = {".md": Format.markdown, ".markdown": Format.markdown, ".tex": Format.latex,
             ".latex": Format.latex, ".json": Format.json, ".txt": Format.rich,
             ".html": Format.html, ".htm": Format.html, ".xml": Format.moodle}




def document(fmt: Format, items: list, answers_only: bool = False, standalone: bool = False,
             single: bool = False, title: str | None = None, page_break: bool = False) -> str:
    """Solved problems, `items` = [(derivation, file)], as one document in `fmt` (a question
    sheet is a derivation without answers, set the same way). `title` replaces the title
    made from the sources; `page_break` starts each problem on a new page (LaTeX).

    JSON keeps `examsolve run`'s shape: one object for a single spec file (`single`), else a
    list. Rich output becomes plain text (no colour), as written to a file.
    """
    if fmt is Format.json:
        import json

        from examsolve.render.json_render import to_json

        docs = [to_json(d, f) for d, f in items]
        if answers_only:
            docs = [{k: doc[k] for k in ("file", "kind", "title", "answers", "warnings",
                                         "marks", "total_marks") if k in doc}
                    for doc in docs]
        payload = docs[0] if single and len(docs) == 1 else docs
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt is Format.moodle:  # the CLI passes question sheets; from derivations alone the
        import dataclasses    # question text is the statement (no data steps), tolerance 1e-4

        from examsolve.render import latex, moodle
        from examsolve.spec.common import DEFAULT_TOLERANCE

        return moodle.quiz([(d, dataclasses.replace(d, steps=(), answers=()), DEFAULT_TOLERANCE,
                             None) for d, _ in items], title or latex.document_title(items, "quiz"))
    if fmt is Format.markdown:
        from examsolve.render import markdown

        return markdown.render_document(items, answers_only, title)
    if fmt is Format.html:
        from examsolve.render import html

        return html.render_document(items, answers_only)
    if fmt is Format.latex:
        from examsolve.render import latex

        return latex.render_document(items, standalone, answers_only, title, page_break)
    import io

    from rich.console import Console

    from examsolve.render.rich_render import render

    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None, highlight=False)
    if title:
        console.print(title, markup=False)
        console.print()
    for derivation, file in items:
        render(derivation, console, file, answers_only)
    return out.getvalue()
