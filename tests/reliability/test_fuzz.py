"""Issue 17: structure-aware fuzzing of every spec in problems/, through the CLI in-process.

Each example takes one spec, applies a few random mutations — keys deleted, misspelt or
duplicated, values swapped for another type, huge/tiny/non-finite numbers, deep nesting,
control characters, long model lines — and runs `examsolve run` (a random format) or
`check` on it with typer's CliRunner. The promise checked: exit 0, or exit 1/2 with one
clean `examsolve: …` line per failed spec on stderr — never "internal error", never a
traceback, never longer than the time limit. Under CI=true the examples are derandomized
(the "ci" profile in conftest.py) and few, so the whole module stays within about a minute.
"""

from __future__ import annotations

import collections
import copy
import os
import signal
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from examsolve.cli import app

PROBLEMS = sorted((Path(__file__).resolve().parents[2] / "problems").glob("*.yaml"))
TIME_LIMIT = 10.0  # seconds per command (the limit every kind promises)
# Examples per spec: 40, derandomized under CI (about 50 s for the module), new ones each
# local run; FUZZ_EXAMPLES=N runs N to hunt for a rare failure (300 take about 15 minutes).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 40)
SLOW_EXAMPLES = max(1, EXAMPLES // 5)  # complexity-curve runs an experiment
OUTCOMES: collections.Counter = collections.Counter()
runner = CliRunner()

# Values a mutation puts in place of another: each type a spec might not expect, and the
# numbers the fuzzer found trouble with.
WEIRD_VALUES = [
    None, True, "", "   ", "?", "text", "x\nimport os", "T\x1b[31mRED", 0, -1, 1, 2, 0.5,
    "1/0", "3/4", 10 ** 19, 10 ** 400, "1" * 4301, "1e100000000", "1e-1000000", 1e308,
    -1e308, "1e999", ".inf", "-.inf", ".nan", [], {}, [[]], [None], [1, [2]], {"a": 1},
    [[1, 2], [3]], "1 2\n3", "[" * 5, "z = " + " + ".join(["w"] * 80),
]


def _paths(data, prefix=()):
    """Every path (a tuple of keys/indices) to a value in the nested data."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, prefix + (i,))


def _set(data, path, value):
    if not path:
        return value
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return data


def _deep(depth: int):
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def mutated_spec(draw, file: Path) -> str:
    """A mutated copy of `file` as YAML text (a few structure mutations, then maybe text
    mutations the YAML dumper could never produce)."""
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))[1:]
        path = draw(st.sampled_from(paths)) if paths else ()
        action = draw(st.sampled_from(["delete", "rename", "replace", "replace", "deep",
                                       "number"]))
        try:
            parent = data
            for key in path[:-1]:
                parent = parent[key]
        except (KeyError, IndexError, TypeError):
            continue
        if not path or not isinstance(parent, (dict, list)):
            continue
        last = path[-1]
        if action == "delete":
            del parent[last]
        elif action == "rename" and isinstance(parent, dict) and isinstance(last, str):
            cut = draw(st.integers(0, max(len(last) - 1, 0)))
            new = last[:cut] + draw(st.sampled_from(["", "e", "_", "X"])) + last[cut + 1:]
            parent[new or "k"] = parent.pop(last)
        elif action == "replace":
            parent[last] = copy.deepcopy(draw(st.sampled_from(WEIRD_VALUES)))  # never shared
        elif action == "deep":
            parent[last] = _deep(draw(st.sampled_from([5, 40])))
        else:
            parent[last] = draw(st.one_of(
                st.integers(-10 ** 30, 10 ** 30), st.floats(allow_nan=True, allow_infinity=True),
                st.fractions().map(str), st.integers(-3, 3)))
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10 ** 6)
    except (yaml.YAMLError, RecursionError):
        text = file.read_text(encoding="utf-8")
    text_action = draw(st.sampled_from(["none", "none", "duplicate", "control", "truncate",
                                        "garbage", "nest"]))
    lines = text.splitlines(keepends=True)
    if text_action == "duplicate" and lines:
        lines.append(draw(st.sampled_from(lines)))
    elif text_action == "control" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = lines[i].rstrip("\n") + draw(st.sampled_from(["\x07", "\x1b[31m", "\x00",
                                                                  "\x85", "\ufeff"])) + "\n"
    elif text_action == "truncate" and lines:
        lines = lines[:draw(st.integers(0, len(lines)))]
    elif text_action == "nest":
        lines.append("deep: " + "[" * 1000 + "]" * 1000 + "\n")
    elif text_action == "garbage":
        lines.append(draw(st.sampled_from(["  - [unclosed\n", "\tkey: 1\n", "--- \n",
                                           "a: &x 1\nb: *x\n", ": :\n"])))
    return "".join(lines)


class _TooSlow(BaseException):
    """Raised by the alarm: a BaseException, so no `except Exception` can swallow it."""


def _alarm(signum, frame):  # type: ignore[no-untyped-def]
    raise _TooSlow


def _run_and_judge(tmp_path: Path, text: str, args: list[str]) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT * 2)
    start = time.perf_counter()
    try:
        result = runner.invoke(app, [args[0], str(path), *args[1:]], catch_exceptions=True)
    except _TooSlow:
        pytest.fail(f"no answer within {TIME_LIMIT * 2:.0f} s:\n{text[:2000]}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    seconds = time.perf_counter() - start
    OUTCOMES[result.exit_code] += 1
    context = f"\n--- spec ---\n{text[:3000]}\n--- stderr ---\n{result.stderr[:3000]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{result.exception!r}{context}"
    assert result.exit_code in (0, 1, 2), context
    assert seconds < TIME_LIMIT, f"{seconds:.1f} s{context}"
    assert "internal error" not in result.output and "Traceback" not in result.output, context
    errors = [ln for ln in result.stderr.splitlines() if ln.strip()]
    if args[0] == "check":  # a mismatch is a ✗ row (exit 1); each bad expected key a line
        assert all(ln.startswith("examsolve: ") for ln in errors), context
        assert result.exit_code == 0 or errors or "check:" in result.stdout, context
    elif result.exit_code != 0:
        assert len(errors) == 1 and errors[0].startswith("examsolve: "), context
        assert "\x1b" not in result.stderr and "\x07" not in result.stderr, context


COMMANDS = st.sampled_from([["run"], ["run", "-f", "json"], ["run", "-f", "markdown"],
                            ["run", "-f", "latex"], ["run", "--answers-only"], ["check"]])


@pytest.mark.parametrize("file", PROBLEMS, ids=[p.name for p in PROBLEMS])
def test_mutated_specs_end_cleanly(file, tmp_path_factory):
    examples = SLOW_EXAMPLES if "complexity" in file.name else EXAMPLES

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(text=mutated_spec(file), args=COMMANDS)
    def fuzz(text, args):
        _run_and_judge(tmp_path_factory.mktemp("fuzz"), text, args)

    fuzz()


def test_fuzz_counts_are_reported():
    """Print what the fuzzing did (`pytest -s` shows it): specs mutated, outcomes by exit
    code. It fails only if nothing ran."""
    total = sum(OUTCOMES.values())
    print(f"\nfuzz: {total} mutated specs from {len(PROBLEMS)} files; exit codes "
          + ", ".join(f"{code}: {n}" for code, n in sorted(OUTCOMES.items())))
    assert total >= len(PROBLEMS)
