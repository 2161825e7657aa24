"""docs/kinds/perceptron.md: the headings every kind's page has, in order, and its example
spec runs and checks (exit 0, every expected answer right)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from examsolve.cli import app

PAGE = Path(__file__).resolve().parents[3] / "docs" / "kinds" / "perceptron.md"
HEADINGS = ["## What it solves", "## Spec keys", "## Answer keys", "## Conventions",
            "## Example"]


def test_the_page_has_the_headings_in_order():
    text = PAGE.read_text(encoding="utf-8")
    assert [ln for ln in text.splitlines() if ln.startswith("## ")] == HEADINGS


def test_every_yaml_example_runs_and_checks(tmp_path):
    blocks = re.findall(r"```yaml\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)
    assert blocks
    for i, block in enumerate(blocks):
        assert "expected:" in block
        spec = tmp_path / f"example{i}.yaml"
        spec.write_text(block)
        result = CliRunner().invoke(app, ["check", str(spec)])
        assert result.exit_code == 0, result.output
        assert " 0 failed" in result.output and "check: 0 passed" not in result.output
