"""Test-wide settings, and the small helpers many test files share (defined once here).

Under CI (CI=true) hypothesis runs derandomized: the same examples on every run, so a
submission's result does not depend on luck. Locally it explores new examples each run.

The helpers are plain functions (`from conftest import solve_text`), because hypothesis
tests call them inside `@given` bodies and module-level helpers; each is also a
session-scoped fixture of the same name for tests that prefer fixtures.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import settings

from examsolve.derivation import Derivation
from examsolve.problem import load_string, solve

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def solve_text(text: str, file: str = "t.yaml") -> Derivation:
    """Load a spec written in the test as `file` and solve it."""
    return solve(load_string(text, file))


def all_text(derivation: Derivation, heading: str | None = None) -> str:
    """The text of every block (prose, equations) as JSON carries it, one per line.

    Only the steps headed `heading` when it is given.
    """
    from examsolve.render.json_render import to_json

    doc = to_json(derivation, "p")
    return "\n".join(b.get("text", "") for s in doc["steps"] for b in s["blocks"]
                     if heading is None or s["heading"] == heading)


def json_text(derivation: Derivation) -> str:
    """The whole derivation as its JSON document, one string (answers and warnings too)."""
    from examsolve.render.json_render import to_json

    return json.dumps(to_json(derivation, "x"), ensure_ascii=False)


@pytest.fixture(name="solve_text", scope="session")
def _solve_text_fixture():
    return solve_text


@pytest.fixture(name="all_text", scope="session")
def _all_text_fixture():
    return all_text


@pytest.fixture(name="json_text", scope="session")
def _json_text_fixture():
    return json_text
