"""The computational-graph figure of a backprop spec: its wiring is the exam's network, and
every number written under a node is torch's.

Oracle: the two-headed network of problems/3 built by hand in torch float64 (autograd for
the gradients, retain_grad on every intermediate); the edges from the model lines as the
exam writes them, typed here. The question sheet's graph shows the inputs' values and no
computed value or gradient.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch

from examsolve.chart import Graph
from examsolve.derivation import Figure
from examsolve.problem import load, solve
from examsolve.questions import sheet

PROBLEMS = Path(__file__).resolve().parents[3] / "problems"
_NUMBER = re.compile(r"−?\d+(?:\.\d+)?(?:/\d+)?")


def graph_of(derivation) -> Graph:
    (graph,) = [b.chart for s in derivation.steps for b in s.blocks
                if isinstance(b, Figure) and isinstance(b.chart, Graph)]
    return graph


def numbers(text: str) -> list[float]:
    out = []
    for token in _NUMBER.findall(text):
        token = token.replace("−", "-")
        num, _, den = token.partition("/")
        out.append(float(num) / float(den or 1))
    return out


def torch_two_headed() -> dict[str, tuple[torch.Tensor, torch.Tensor | None]]:
    t = lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True)  # noqa: E731
    x = t([[1.0], [2.0], [3.0]])
    W, b = t([[1.0, 1, 0], [0, 0, 1]]), t([[0.0], [0.0]])
    W1, b1 = t([[1.0, 0], [1, 0], [0, 1], [1, 0]]), t([[0.0]] * 4)
    W2, b2 = t([[1.0, -1]]), t([[0.0]])
    k = W @ x + b
    h = torch.relu(k)
    s1 = W1 @ h + b1
    p1 = torch.softmax(s1, dim=0)
    s2 = W2 @ h + b2
    p2 = torch.sigmoid(s2)
    L = -torch.log(p1[0, 0]) - torch.log(1 - p2[0, 0])
    inner = dict(k=k, h=h, s1=s1, p1=p1, s2=s2, p2=p2)
    for v in inner.values():
        v.retain_grad()
    L.backward()
    leaves = dict(x=x, W=W, b=b, W1=W1, b1=b1, W2=W2, b2=b2)
    return {name: (v.detach(), v.grad) for name, v in {**leaves, **inner}.items()} | \
        {"L": (L.detach().reshape(1, 1), None)}


def test_graph_wiring_is_the_exam_network():
    graph = graph_of(solve(load(PROBLEMS / "3-backprop-two-headed.yaml")))
    names = [n.name for n in graph.nodes]
    edges = {(names[a], names[b]) for a, b in graph.edges}
    assert edges == {("x", "k"), ("W", "k"), ("b", "k"), ("k", "h"), ("W1", "s1"),
                     ("h", "s1"), ("b1", "s1"), ("s1", "p1"), ("W2", "s2"), ("h", "s2"),
                     ("b2", "s2"), ("s2", "p2"), ("p1", "L"), ("p2", "L")}
    roles = {n.name: n.role for n in graph.nodes}
    assert roles["x"] == "given" and roles["W"] == "parameter" and roles["L"] == "loss"
    depth = dict(zip(names, graph.depths()))
    for a, b in edges:  # every arrow points right
        assert depth[a] < depth[b]


def test_every_number_under_a_node_is_torchs():
    graph = graph_of(solve(load(PROBLEMS / "3-backprop-two-headed.yaml")))
    oracle = torch_two_headed()
    checked = 0
    for node in graph.nodes:
        value, grad = oracle[node.name]
        for lines, tensor in ((node.value, value), (node.gradient, grad)):
            shown = numbers(" ".join(lines))
            if not lines or "×" in lines[0]:  # a big matrix is written as its shape
                continue
            np.testing.assert_allclose(shown, tensor.numpy().reshape(-1), rtol=1e-3,
                                       atol=1e-4, err_msg=node.name)
            checked += len(shown)
        if grad is not None and node.name != "L" and node.role != "given":
            assert node.gradient, f"{node.name} has a gradient but the graph shows none"
        if node.role == "given":  # x is not in wrt: its gradient is not asked for
            assert not node.gradient
    assert checked > 30


def test_question_sheet_graph_has_inputs_only():
    graph = graph_of(sheet(load(PROBLEMS / "3-backprop-two-headed.yaml")))
    for node in graph.nodes:
        assert not node.gradient and "∂" not in graph.label(node)
        if node.role in ("computed", "loss"):
            assert len(node.value) == 1 and re.fullmatch(r"\d+×\d+", node.value[0])
    x = next(n for n in graph.nodes if n.name == "x")
    assert numbers(x.value[0]) == [1, 2, 3]


@pytest.mark.parametrize("spec", sorted(p.name for p in PROBLEMS.glob("*backprop*.yaml")))
def test_every_backprop_spec_has_a_graph_whose_edges_follow_its_lines(spec):
    problem = load(PROBLEMS / spec)
    graph = graph_of(solve(problem))
    names = [n.name for n in graph.nodes]
    assert names[-len(problem.spec.lines):] == [ln.name for ln in problem.spec.lines]
    for line in problem.spec.lines:  # each name a line's text mentions feeds it
        read = {names[a] for a, b in graph.edges if names[b] == line.name}
        for name in read:
            assert re.search(r"(?<![\w\[])" + re.escape(name.split("[")[0]), line.expr.text)
