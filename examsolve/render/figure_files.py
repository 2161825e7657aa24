"""The figures of a document written to a file: `-o sheet.md` draws each chart into
`sheet_files/<n>-<slug>.svg` beside it (`.tex`: `.pdf`, which pdflatex includes) and the
document shows the image where the terminal shows the text picture.

Written to stdout a document keeps its text pictures: there is nowhere to put files.
The folder's name is the output's stem with anything but letters, digits, `-` and `_` made
`-`, so a LaTeX path needs no escaping; figures are numbered through the whole document.
Files of the same type a previous run wrote there (`<n>-<slug>.svg`, or `.pdf`) and this
one does not are removed, so the folder holds exactly the document's figures (`sheet.md` and
`sheet.tex` share the folder, each with its own files).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from examsolve.derivation import Derivation, Figure, Step

IMAGE_SUFFIX = {"markdown": ".svg", "latex": ".pdf"}
_WRITTEN = re.compile(r"\d+-[a-z0-9-]*\.(svg|pdf|png)")


def folder_for(output: Path) -> Path:
    """`sheet.md` → `sheet_files` beside it."""
    return output.parent / (re.sub(r"[^A-Za-z0-9_-]", "-", output.stem) + "_files")


def slug(title: str) -> str:
    """A chart title as a short file name: `Training and test MSE vs …` → `training-and-test-mse`."""
    kept: list[str] = []
    for word in re.findall(r"[a-z0-9]+", title.lower()):
        if kept and len("-".join(kept + [word])) > 40:
            break
        kept.append(word[:40])
    return "-".join(kept) or "figure"


def with_images(items: list[tuple[Derivation, str | None]], output: Path,
                fmt: str) -> tuple[list[tuple[Derivation, str | None]], list[Path]]:
    """The items with every charted figure's `image` set to its file (relative to the
    output), and the files written. Needs matplotlib (UsageError without it)."""
    from examsolve.render.figure import write_one

    folder = folder_for(output)
    suffix = IMAGE_SUFFIX[fmt]
    written: list[Path] = []

    def attach(block: object) -> object:
        if not isinstance(block, Figure) or block.chart is None:
            return block
        name = f"{len(written) + 1}-{slug(block.chart.title)}{suffix}"
        if not written:
            folder.mkdir(exist_ok=True)
        written.append(write_one(block.chart, folder / name))
        return dataclasses.replace(block, image=f"{folder.name}/{name}")

    out = []
    for derivation, file in items:
        steps = tuple(Step(s.heading, tuple(attach(b) for b in s.blocks))
                      for s in derivation.steps)
        out.append((dataclasses.replace(derivation, steps=steps), file))
    if folder.is_dir():
        for stale in folder.iterdir():
            if _WRITTEN.fullmatch(stale.name) and stale.suffix == suffix \
                    and stale not in written:
                stale.unlink()
    return out, written
