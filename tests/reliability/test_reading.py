"""Issue 17: what the shared reading code (examsolve/spec, numbers.py) refuses, and how.

Each case is a reproducer from the fuzzing: it must end in one clean line and exit 2 (or a
correct answer), fast, never "internal error".
"""

from __future__ import annotations

import json
import os
import time

import pytest
from typer.testing import CliRunner

from examsolve.cli import app

runner = CliRunner()


def run(*args: str):
    start = time.perf_counter()
    result = runner.invoke(app, list(args))
    return result, time.perf_counter() - start


def one_clean_line(result) -> str:
    """The single `examsolve: …` line a refusal prints (stderr), asserted to be just that."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("examsolve: ") and "internal error" not in lines[0]
    assert "Traceback" not in result.output
    return lines[0]


def spec(tmp_path, text: str | bytes, name: str = "s.yaml"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


CONV = "kind: conv-recovery\ntitle: t\n"


def test_integers_beyond_int64_with_padding_are_exact(tmp_path):
    """Item 1: the padded exact grid holds Python ints, not numpy int64 zeros."""
    big = 10 ** 19
    path = spec(tmp_path, CONV + f"input: [{big}, 1]\noutput: [?, ?, ?]\nkernel: [1, 1]\n"
                                 "padding: 1\n")
    result, _ = run("run", path, "-f", "json")
    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)["answers"]
    # The oracle: Y[i] = Xp[i] + Xp[i+1] over Xp = [0, big, 1, 0], in Python ints.
    xp = [0, big, 1, 0]
    want = {f"Y[{i + 1}]": xp[i] + xp[i + 1] for i in range(3)}
    assert answers == want


@pytest.mark.parametrize("number, words", [
    ("1" * 4301, "too long"),
    ('"1e-1000000"', "too small"),
    ('"1e100000000"', "too large"),
    ('"1e999999999"', "too large"),
    ("1e999", "too large"),
])
def test_numbers_beyond_range_are_refused_fast(tmp_path, number, words):
    """Items 2 and 9: length and exponent are checked on the text, before any arithmetic."""
    path = spec(tmp_path, CONV + f"input: [{number}, 1]\noutput: [?]\nkernel: [1, 1]\n")
    result, seconds = run("run", path)
    assert result.exit_code == 2
    line = one_clean_line(result)
    assert words in line and "s.yaml:3: input[1]" in line
    assert seconds < 2


@pytest.mark.parametrize("text", [
    "a: " + "[" * 1000 + "]" * 1000 + "\n",
    "kind: conv-recovery\ntitle: t\ninput: " + "[" * 60 + "1" + "]" * 60 + "\n",
    "".join(" " * i + f"k{i}:\n" for i in range(1000)),
])
def test_deep_nesting_is_refused_with_its_limit(tmp_path, text):
    """Item 3 (YAML): nesting beyond 32 levels is refused, not a RecursionError."""
    result, _ = run("run", spec(tmp_path, CONV + text if text.startswith("a:") else text))
    assert result.exit_code == 2
    assert "nested more than 32 deep" in one_clean_line(result)


@pytest.mark.parametrize("raw, where", [
    (b"kind: conv-recovery\ntitle: t\x07\n", "s.yaml:2: column 9: control character U+0007"),
    (b'kind: conv-recovery\ntitle: "T\\e[31mRED\\e[0m"\n', "s.yaml:2: control character U+001B"),
    (b'kind: "conv\\e]0;PWNED\\a"\ntitle: t\n', "s.yaml:1: control character U+001B"),
    (b"kind: conv-recovery\ntitle: caf\xe9\n", "s.yaml:2: column 11: not UTF-8 text (byte 0xe9)"),
])
def test_control_bytes_and_bad_encoding_name_line_and_column(tmp_path, raw, where):
    """Items 4, 13, 15: a control character (raw, or made by a YAML escape) or a byte that
    is not UTF-8 is refused at its line; no escape reaches the terminal."""
    result, _ = run("run", spec(tmp_path, raw))
    assert result.exit_code == 2
    line = one_clean_line(result)
    assert where in line
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_list_names_the_file_with_a_control_byte_and_lists_the_rest(tmp_path):
    """Item 4: in `list` one bad file is a row of the table, not the end of it."""
    spec(tmp_path, b"kind: conv-recovery\ntitle: t\x07\n", "a.yaml")
    spec(tmp_path, CONV + "input: [1, 2]\noutput: [3]\nkernel: [1, 1]\n", "b.yaml")
    result, _ = run("list", str(tmp_path))
    assert result.exit_code == 2
    assert "a.yaml" in result.stdout and "invalid" in result.stdout
    assert "b.yaml" in result.stdout and "internal error" not in result.output


def test_a_fifo_is_refused_not_waited_on(tmp_path):
    """Item 11: a path that is not a regular file is refused at once."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result, seconds = run("run", str(fifo))
    assert result.exit_code == 2 and seconds < 2
    assert "not a regular file" in one_clean_line(result)


def test_dev_zero_is_refused_without_reading_it():
    """Item 6: a device is not a spec (it used to read 3.4 GB first)."""
    result, seconds = run("run", "/dev/zero")
    assert result.exit_code == 2 and seconds < 2
    assert "not a regular file" in one_clean_line(result)


def test_a_spec_file_over_the_size_cap_is_refused(tmp_path):
    """Item 6: at most 4,000,000 bytes are read."""
    path = spec(tmp_path, CONV + "statement: " + "x" * 4_000_001 + "\n")
    result, seconds = run("run", path)
    assert result.exit_code == 2 and seconds < 2
    assert "a spec may have at most 4,000,000" in one_clean_line(result)


@pytest.mark.parametrize("text", [
    'kind: backprop\ntitle: t\nmodel:\n  - "z = w\\nimport os"\ngiven: {w: 1}\nloss: z\n',
    'kind: conv-recovery\ntitle: t\ninput: "1 2\\n\\n\\nx y"\noutput: [1]\nkernel: [1, 1]\n',
])
def test_values_with_newlines_are_echoed_on_one_line(tmp_path, text):
    """Item 12: a quoted value with newlines is shown with `\\n`, the message stays one line."""
    result, _ = run("run", spec(tmp_path, text))
    assert result.exit_code == 2
    one_clean_line(result)
