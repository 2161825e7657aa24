"""docs/kinds/error-surface.md: the headings every kind's page has, in order, and its
example spec runs and checks (its expected answers were worked by hand)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from examsolve.cli import app

PAGE = Path(__file__).resolve().parents[3] / "docs" / "kinds" / "error-surface.md"
HEADINGS = ["## What it solves", "## Spec keys", "## Answer keys", "## Conventions",
            "## Example"]


def test_the_page_has_the_headings_in_order():
    found = [line for line in PAGE.read_text().splitlines() if line.startswith("## ")]
    assert found == HEADINGS


def test_every_yaml_block_runs_and_checks(tmp_path):
    blocks = re.findall(r"```yaml\n(.*?)```", PAGE.read_text(), flags=re.S)
    assert blocks
    runner = CliRunner()
    for i, block in enumerate(blocks):
        spec = tmp_path / f"example{i}.yaml"
        spec.write_text(block)
        assert "expected:" in block
        result = runner.invoke(app, ["check", str(spec)])
        assert result.exit_code == 0, result.output
        assert " 0 failed" in result.output
