"""Issue 17: the CLI's output side — stdout that fails or closes, -o, widths, usage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examsolve.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
PROBLEMS = ROOT / "problems"
EXAMSOLVE = [sys.executable, "-m", "examsolve"]
GOOD = "kind: conv-recovery\ntitle: t\ninput: [1, 2]\noutput: [?]\nkernel: [1, 1]\n"
BAD = "kind: conv-recovery\ntitle: t\ninput: [1, 2]\noutput: [?]\nkernel: [1, true]\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [
    ["run", str(PROBLEMS / "2b-conv-recovery-1d-joint.yaml")],
    ["run", str(PROBLEMS / "2b-conv-recovery-1d-joint.yaml"), "-f", "json"],
    ["kinds"], ["new", "backprop"], ["list", str(PROBLEMS)], ["check", str(PROBLEMS)],
])
def test_a_full_disk_is_one_line_and_exit_2(args):
    """Item 7: every command's output goes through the boundary, in every format."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(EXAMSOLVE + args, stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "examsolve: cannot write to standard output: No space left on device"]


@pytest.mark.parametrize("args", [["run", str(PROBLEMS)], ["check", str(PROBLEMS)],
                                  ["run", str(PROBLEMS), "-f", "json"]])
def test_a_closed_pipe_exits_0_quietly(args):
    """Item 16: `examsolve run problems/ | head -1` is the reader's choice: exit 0, no
    message (1 would mean a failed check)."""
    proc = subprocess.Popen(EXAMSOLVE + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "COLUMNS": "80"})
    assert proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert stderr == ""


def test_columns_0_still_prints_errors_and_derivations(tmp_path):
    """Item 14: COLUMNS=0 falls back to 80 columns instead of printing nothing."""
    env = {**os.environ, "COLUMNS": "0"}
    missing = subprocess.run(EXAMSOLVE + ["run", str(tmp_path / "missing.yaml")],
                             capture_output=True, text=True, env=env, timeout=60)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    good = subprocess.run(EXAMSOLVE + ["run", str(write(tmp_path, "g.yaml", GOOD))],
                          capture_output=True, text=True, env=env, timeout=60)
    assert good.returncode == 0 and "Y[1] = 3" in good.stdout


def test_o_to_a_hard_link_of_the_spec_is_refused(tmp_path):
    """Item 17: the same file by another name (same inode) is still the spec."""
    spec = write(tmp_path, "spec.yaml", GOOD)
    os.link(spec, tmp_path / "hard.md")
    result = runner.invoke(app, ["run", str(spec), "-o", str(tmp_path / "hard.md")])
    assert result.exit_code == 2 and "is one of the specs being solved" in result.output
    assert spec.read_text() == GOOD


def test_o_leaves_an_existing_file_when_every_spec_fails(tmp_path):
    """Item 17: no empty document replaces the old one."""
    out = write(tmp_path, "out.md", "old notes\n")
    result = runner.invoke(app, ["run", str(write(tmp_path, "b.yaml", BAD)), "-o", str(out)])
    assert result.exit_code == 2 and out.read_text() == "old notes\n"


def test_o_writes_atomically_and_leaves_no_temporary_file(tmp_path):
    """Item 17: written to a temporary file in the folder, then renamed over the old one."""
    out = write(tmp_path, "out.json", "old")
    spec = write(tmp_path, "g.yaml", GOOD)
    before = os.stat(out).st_ino
    result = runner.invoke(app, ["run", str(spec), "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text())["answers"] == {"Y[1]": 3}
    assert os.stat(out).st_ino != before  # a new file took the name: a rename, not a rewrite
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.yaml", "out.json"]


@pytest.mark.parametrize("args, message", [
    (["-o", "out.docx", "-f", "markdown"], "-o out.docx does not name a markdown file; use .md or leave out --format"),
    (["-o", "out.md", "-f", "latex"], "-o out.md does not name a latex file; use .tex or leave out --format"),
    (["-o", "a.md", "-o", "b.md"], "-o is given 2 times; give one output file"),
])
def test_o_contradicting_format_or_twice_is_a_usage_error(tmp_path, monkeypatch, args, message):
    """Item 18."""
    spec = write(tmp_path, "g.yaml", GOOD)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", str(spec), *args])
    assert result.exit_code == 2 and result.stderr.strip() == f"examsolve: {message}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.yaml"]


def test_json_prints_nothing_when_nothing_was_solved(tmp_path):
    """Item 19: a failing spec under --format json leaves stdout empty (not `[]`)."""
    result = runner.invoke(app, ["run", str(write(tmp_path, "b.yaml", BAD)), "-f", "json"])
    assert result.exit_code == 2 and result.stdout == ""


def test_new_without_a_kind_lists_the_kinds():
    """Item 21."""
    from examsolve.kinds import KINDS

    result = runner.invoke(app, ["new"])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("examsolve: name a kind: examsolve new KIND, one of "
                                     + ", ".join(KINDS))


@pytest.mark.parametrize("args", [["run", "x", "--version"], ["check", "--version"],
                                  ["list", "--version"], ["kinds", "--version"],
                                  ["new", "--version"]])
def test_version_works_after_a_command(args):
    """Item 21: `run x --version` is `examsolve --version`."""
    from examsolve import __version__

    result = runner.invoke(app, args)
    assert result.exit_code == 0 and result.stdout == f"examsolve {__version__}\n"


def test_run_help_names_the_formats_in_words_not_a_wrapped_metavar():
    """Item 21: no `<rich|json|markdown|late x>` broken over two lines."""
    done = subprocess.run(EXAMSOLVE + ["run", "--help"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"}, timeout=60)
    assert "FORMAT" in done.stdout and "rich|json" not in done.stdout
    assert "rich, json, markdown, latex, html or moodle" in " ".join(
        line.strip("│ ") for line in done.stdout.splitlines())


@pytest.mark.parametrize("width", [40, 50, 80, 120])
def test_list_fits_any_width_from_40(width):
    """Item 22: every column folds; none runs past the edge or is squeezed to nothing."""
    done = subprocess.run(EXAMSOLVE + ["list", str(PROBLEMS)], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": str(width)}, timeout=60)
    lines = done.stdout.splitlines()
    assert done.returncode == 0
    assert max(len(line) for line in lines) <= width
    header = next(line for line in lines if "file" in line)
    for column in ("file", "kind", "title", "sour"):
        assert column in header
    rows = [line for line in lines if line.startswith("│")]
    assert len(rows) >= 9  # one or more lines per spec, every cell non-empty somewhere
