"""docs/kinds/architecture.md: the required headings in order, and every ```yaml example runs
and its `expected` answers check (the numbers in them were worked by hand)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examsolve.cli import app

DOC = Path(__file__).resolve().parents[3] / "docs" / "kinds" / "architecture.md"
HEADINGS = ["## What it solves", "## Spec keys", "## Answer keys", "## Conventions", "## Example"]


def test_headings_in_order():
    found = [line for line in DOC.read_text().splitlines() if line.startswith("## ")]
    assert found == HEADINGS


@pytest.mark.parametrize("index", range(len(re.findall(r"```yaml\n", DOC.read_text()))))
def test_every_example_checks(tmp_path, index):
    block = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), re.S)[index]
    assert "expected:" in block
    spec = tmp_path / "example.yaml"
    spec.write_text(block)
    result = CliRunner().invoke(app, ["check", str(spec)])
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output
