"""`examsolve new KIND`: every kind's template is written, runs as is, and its `expected`
answers check; bad kinds and existing files are refused with exit 2."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from examsolve.cli import app
from examsolve.kinds import KINDS, template

runner = CliRunner()


def test_every_kind_has_a_template():
    for kind in KINDS:
        assert template(kind).is_file(), f"{kind} has no template.yaml"


@pytest.mark.parametrize("kind", list(KINDS))
def test_new_then_run_then_check(kind, tmp_path):
    spec = tmp_path / "mine.yaml"
    made = runner.invoke(app, ["new", kind, "-o", str(spec)])
    assert made.exit_code == 0, made.output
    text = spec.read_text()
    assert f"kind: {kind}" in text and "expected:" in text
    assert text.lstrip().startswith("#"), "a template explains itself in comments"
    ran = runner.invoke(app, ["run", str(spec)])
    assert ran.exit_code == 0, ran.output
    checked = runner.invoke(app, ["check", str(spec)])
    assert checked.exit_code == 0, checked.output
    assert checked.output.rstrip().endswith(" failed")
    assert " 0 failed" in checked.output and "check: 0 passed" not in checked.output


@pytest.mark.parametrize("kind", list(KINDS))
def test_new_prints_the_template_without_o(kind):
    result = runner.invoke(app, ["new", kind])
    assert result.exit_code == 0
    assert result.stdout == template(kind) \
        .read_text(encoding="utf-8")


def test_unknown_kind_suggests_the_nearest():
    result = runner.invoke(app, ["new", "backprob"])
    assert result.exit_code == 2
    assert result.output.strip() == "examsolve: unknown kind 'backprob'; did you mean 'backprop'?"


def test_unknown_kind_without_a_near_one_lists_them():
    result = runner.invoke(app, ["new", "zzz"])
    assert result.exit_code == 2
    assert "known kinds: " + ", ".join(KINDS) in result.output


def test_existing_file_needs_force(tmp_path):
    kind = next(iter(KINDS))
    out = tmp_path / "mine.yaml"
    out.write_text("keep me\n")
    refused = runner.invoke(app, ["new", kind, "-o", str(out)])
    assert refused.exit_code == 2 and "exists; add --force" in refused.output
    assert out.read_text() == "keep me\n"
    forced = runner.invoke(app, ["new", kind, "-o", str(out), "--force"])
    assert forced.exit_code == 0 and f"kind: {kind}" in out.read_text()
