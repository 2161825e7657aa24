"""A small notebook, run by nbclient on a real kernel: it solves the exam's problem 3, checks
a wrong answer and renders the solution; the test reads the cells' outputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]

CELLS = [
    "import examsolve\n"
    "sol = examsolve.solve('problems/3-backprop-two-headed.yaml')\n"
    "print(round(sol.answers['L'], 4))",
    "v = sol.check({'L': -2.079, 'dL/dh': [-0.25, 0.25]})\n"
    "print(v.first_wrong.key, v.first_wrong.slip.name, v.rows[1].slip.name)",
    "sol",
]


def test_notebook_solves_checks_and_renders(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    env_path = os.environ.get("PATH", "")
    client.execute(env={"PATH": env_path} if env_path else None)
    out = [cell.outputs for cell in nb.cells]

    def printed(outputs):  # a kernel may deliver one print in several stream messages
        return "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")

    assert printed(out[0]).strip() == "2.0794"
    assert printed(out[1]).strip() == "L sign error missing branch"
    data = next(o for o in out[2] if o["output_type"] == "execute_result")["data"]
    assert "<math" in data["text/html"]
    assert data["text/markdown"].startswith("# Two-headed classifier")
