"""The docs cannot drift from the code: every whole spec they show is solved here.

A fenced ```yaml block in README.md or docs/**/*.md that is a mapping with a `kind:` key is a
whole spec: it must load and solve, and when it has `expected:` every expected answer must
match (examsolve.check). Fragments (a block without `kind:`) are not run. Each kind in KINDS
has its page docs/kinds/<kind>.md with the same five headings in the same order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from examsolve.check import check
from examsolve.kinds import KINDS
from examsolve.problem import load_string, solve
from examsolve.render import Format, document

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("**/*.md"))]
KIND_HEADINGS = ["## What it solves", "## Spec keys", "## Answer keys", "## Conventions",
                 "## Example"]

# A fence opens with ```yaml at the start of a line and closes with the next bare ```.
_YAML_FENCE = re.compile(r"^```ya?ml[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def yaml_blocks(page: Path) -> list[tuple[int, str]]:
    """(line number, text) of every fenced yaml block on the page."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, match.start()) + 2, match.group(1))
            for match in _YAML_FENCE.finditer(text)]


def is_whole_spec(block: str) -> bool:
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and "kind" in data


def whole_specs() -> list[tuple[str, str]]:
    return [(f"{page.relative_to(ROOT)}:{line}", block)
            for page in PAGES for line, block in yaml_blocks(page) if is_whole_spec(block)]


SPECS = whole_specs()


def test_the_docs_show_specs_of_every_kind():
    kinds_shown = {yaml.safe_load(block)["kind"] for _, block in SPECS}
    assert kinds_shown >= set(KINDS)


@pytest.mark.parametrize(("where", "block"), SPECS, ids=[where for where, _ in SPECS])
def test_every_spec_in_the_docs_solves_and_matches_its_expected(where, block):
    problem = load_string(block, where)
    derivation = solve(problem)
    assert derivation.answer_map(), f"{where}: the spec solves to no answers"
    rows = check(problem, derivation)
    failed = [(row.key, row.expected, row.got, row.reason) for row in rows if not row.ok]
    assert not failed, f"{where}: expected answers that do not match: {failed}"


@pytest.mark.parametrize(("where", "block"), SPECS, ids=[where for where, _ in SPECS])
def test_every_spec_in_the_docs_renders_in_all_four_formats(where, block):
    derivation = solve(load_string(block, where))
    for fmt in Format:
        text = document(fmt, [(derivation, where)], single=True)
        assert text.strip(), (where, fmt)
        if fmt is Format.json:
            assert list(json.loads(text)["answers"]) == list(derivation.answer_map()), where


def kind_page(kind: str) -> Path:
    return DOCS / "kinds" / f"{kind}.md"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_has_a_page_with_the_five_headings_in_order(kind):
    page = kind_page(kind)
    assert page.is_file(), f"no manual for kind {kind}: write {page.relative_to(ROOT)}"
    headings = [line.rstrip() for line in page.read_text(encoding="utf-8").splitlines()
                if line.startswith("## ")]
    assert headings == KIND_HEADINGS


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_page_example_is_a_whole_spec_of_its_kind_with_expected(kind):
    text = kind_page(kind).read_text(encoding="utf-8")
    example = text.split("## Example", 1)[1]
    blocks = [match.group(1) for match in _YAML_FENCE.finditer(example)]
    specs = [yaml.safe_load(block) for block in blocks if is_whole_spec(block)]
    assert specs, f"docs/kinds/{kind}.md: ## Example has no whole spec in a ```yaml block"
    assert specs[0]["kind"] == kind and "expected" in specs[0]


def test_no_editing_leftovers_in_the_docs():
    for page in PAGES:
        assert "<!--" not in page.read_text(encoding="utf-8"), page


def test_readme_fits_on_a_few_screens():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 150


def test_the_docs_links_point_at_files_that_exist():
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text("utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.relative_to(ROOT)}: {target}"
