"""File suffixes the renderers share, in a module that imports nothing (figure.py and the
package's face both read it, and the HTML page draws figures: no import cycle)."""

# `examsolve run SPEC -o FILE` with one of these draws the derivation's charts (figure.py).
FIGURE_FORMATS = (".svg", ".png", ".pdf")
