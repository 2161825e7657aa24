"""docs/students.md and docs/python-api.md cannot drift: the walk-through's answers file is
marked here and its first-wrong-step text compared; the API page's example is executed."""

from __future__ import annotations

import os
import re
from pathlib import Path

from typer.testing import CliRunner

from examsolve.cli import app

ROOT = Path(__file__).resolve().parents[2]


def _block(page: str, lang: str, index: int = 0) -> str:
    return re.findall(rf"^```{lang}\n(.*?)^```", page, re.M | re.S)[index]


def test_students_walkthrough_matches_the_tool(tmp_path):
    page = (ROOT / "docs" / "students.md").read_text(encoding="utf-8")
    mine = tmp_path / "mine.yaml"
    mine.write_text(_block(page, "yaml"), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(ROOT / "problems/3-backprop-two-headed.yaml"),
                                      "--answers", str(mine)], env={"COLUMNS": "100"})
    assert result.exit_code == 1
    shown = _block(page, "console")
    flat = lambda text: " ".join(text.split())  # noqa: E731 — line breaks are the width's
    first_doc = flat(shown[shown.index("First wrong step"):shown.index("marks:")])
    first_out = flat(result.stdout[result.stdout.index("First wrong step"):
                                   result.stdout.index("marks:")])
    assert first_doc == first_out
    assert shown.strip().splitlines()[-1] in result.stdout


def test_students_other_kinds_example_matches_the_tool(tmp_path):
    """The conv-recovery walk-through: the same answers give the same table and verdict."""
    page = (ROOT / "docs" / "students.md").read_text(encoding="utf-8")
    mine = tmp_path / "mine.yaml"
    mine.write_text(_block(page, "yaml", 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(ROOT / "problems/2-conv-recovery.yaml"),
                                      "--answers", str(mine)], env={"COLUMNS": "100"})
    assert result.exit_code == 1
    shown = _block(page, "console", 1).splitlines()[1:]  # after the command line
    flat = lambda text: " ".join(text.split())  # noqa: E731 — line breaks are the width's
    assert flat("\n".join(shown)) == flat(result.stdout.split("\n", 1)[1])


def test_python_api_example_runs():
    page = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        scope: dict = {}
        exec(_block(page, "python"), scope)  # noqa: S102 — the page's own example
        exec(_block(page, "python", 1), scope)  # noqa: S102
    finally:
        os.chdir(here)
    assert [(r.key, r.status) for r in scope["verdict"].rows] == [
        ("h", "right"), ("L", "right"), ("dL/dh", "wrong")]
    assert scope["verdict"].first_wrong.slip.name == "missing branch"
