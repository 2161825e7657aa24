"""The Markdown's math must parse in KaTeX as well as MathJax: KaTeX is stricter (no `_`, `%`,
`&` or `#` inside `\\text{}`), and it is what GitHub-like viewers, VS Code and many notebooks
use. Every display and inline formula of every spec in problems/ (and of the awkward test
derivations) is handed to a real KaTeX through node.

The KaTeX test needs node and the katex package: `npm install katex` in some folder and point
NODE_PATH at its node_modules (or install it where node finds it). Without them it is skipped;
the structural check below always runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from examsolve.problem import load, solve
from examsolve.render import Format, document

from test_formats_roundtrip import awkward_derivation
from test_render_markdown import small_derivation, tricky_derivation

PROBLEMS = Path(__file__).resolve().parents[2] / "problems"
SPECS = sorted(PROBLEMS.glob("*.yaml"))

_KATEX_CHECK = """
const katex = require('katex');
let input = '';
process.stdin.on('data', d => input += d);
process.stdin.on('end', () => {
  const out = JSON.parse(input).map(([tex, display]) => {
    try { katex.renderToString(tex, {displayMode: display, throwOnError: true,
                                     strict: 'ignore'}); return null; }
    catch (e) { return e.message; }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def katex_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    found = subprocess.run(["node", "-e", "require.resolve('katex')"], capture_output=True,
                           env=os.environ, timeout=30)
    if found.returncode != 0:
        return "the katex package is not installed (npm install katex; set NODE_PATH)"
    return None


def formulas(doc: str) -> list[tuple[str, bool]]:
    """(tex, display) of every formula of a Markdown document, code left out."""
    display = [(b, True) for b in re.findall(r"^\$\$\n(.*?)\n\$\$$", doc, flags=re.S | re.M)]
    text = re.sub(r"^\$\$\n.*?\n\$\$$", "", doc, flags=re.S | re.M)
    text = re.sub(r"^(`{3,}).*?^\1", "", text, flags=re.S | re.M)
    text = re.sub(r"`[^`\n]*`", "", text)
    inline = [(b, False) for b in re.findall(r"(?<!\\)\$(.+?)(?<!\\)\$", text)]
    return display + inline


def documents() -> list[tuple[str, str]]:
    docs = [(s.name, document(Format.markdown, [(solve(load(s)), str(s))])) for s in SPECS]
    docs += [(d.title, document(Format.markdown, [(d, "a_b.yaml")]))
             for d in (awkward_derivation(), small_derivation(), tricky_derivation())]
    return docs


def test_formulas_are_found():
    """The extraction is not vacuous: a document's display and inline math are both seen."""
    doc = document(Format.markdown, [(small_derivation(), None)])
    found = formulas(doc)
    assert ("3 e + b = 7 \\qquad \\text{(1)}", True) in found and ("0.5", False) in found


@pytest.mark.parametrize("name, doc", documents(), ids=[n for n, _ in documents()])
def test_no_underscore_inside_text(name, doc):
    """KaTeX refuses `\\text{best_degree}` ("Expected 'EOF', got '_'")."""
    for tex, _ in formulas(doc):
        for body in re.findall(r"\\text\{([^{}]*)\}", tex):
            assert not re.search(r"[_%&#]", body), (name, tex)


@pytest.mark.skipif(katex_reason() is not None, reason=str(katex_reason()))
def test_every_formula_parses_in_katex(tmp_path):
    script = tmp_path / "check.js"
    script.write_text(_KATEX_CHECK)
    items = [(name, tex, display) for name, doc in documents() for tex, display in formulas(doc)]
    assert len(items) > 100
    result = subprocess.run(["node", str(script)], input=json.dumps([[t, d] for _, t, d in items]),
                            capture_output=True, text=True, timeout=120, env=os.environ)
    assert result.returncode == 0, result.stderr
    errors = [(name, tex[:80], err) for (name, tex, _), err in
              zip(items, json.loads(result.stdout)) if err]
    assert not errors, errors[:5]


@pytest.mark.skipif(katex_reason() is not None, reason=str(katex_reason()))
def test_katex_check_catches_a_bad_formula(tmp_path):
    """The KaTeX run is not vacuous: the old `\\text{best_degree}` is reported."""
    script = tmp_path / "check.js"
    script.write_text(_KATEX_CHECK)
    result = subprocess.run(["node", str(script)], input=json.dumps(
        [["\\text{best_degree} = 3", True], ["x_{1}", False]]), capture_output=True, text=True,
        timeout=60, env=os.environ)
    errors = json.loads(result.stdout)
    assert "Expected 'EOF'" in errors[0] and errors[1] is None
