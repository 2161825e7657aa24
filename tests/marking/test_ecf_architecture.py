"""Error carried forward for architecture: a wrong output shape of one layer, and the next
layers' shapes and parameter counts recomputed from it — every carried value here comes
from torch nn modules built in the test (shapes from a forward pass on zeros, counts from
`parameters()`), never from examsolve's formulas."""

from __future__ import annotations

from pathlib import Path

import torch
import yaml
from torch import nn

from examsolve.problem import load, solve
from examsolve.verdict import mark, read_answers

ROOT = Path(__file__).resolve().parents[2]
CNN = ROOT / "problems" / "7-architecture-cnn.yaml"  # conv 16 → relu → pool → conv 32 → bn → flatten → linear 10
HIDDEN = ROOT / "problems" / "7d-architecture-unknown-hidden.yaml"  # LSTM(10, h) → linear 5


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def verdict_of(path, answers):
    problem = load(path)
    text = yaml.safe_dump(answers, sort_keys=False)
    return mark(problem, solve(problem), read_answers(text=text, file="mine.yaml"))


def rows_of(verdict):
    return {r.key: r for r in verdict.rows}


def cnn_from(pooled: tuple[int, int, int]):
    """The CNN's layers after the pool, started from a student's pooled shape."""
    conv2 = nn.Conv2d(pooled[0], 32, 3, padding="same")
    bn = nn.BatchNorm2d(32)
    with torch.no_grad():
        y = bn(conv2(torch.zeros(1, *pooled)))
    flat = y.flatten(1).shape[1]
    linear = nn.Linear(flat, 10)
    return {"shape[4]": list(y.shape[1:]), "params[4]": count(conv2), "params[5]": count(bn),
            "shape[6]": flat, "params[7]": count(linear)}


def test_a_wrong_pooled_shape_carries_into_every_later_shape_and_count():
    conv1 = nn.Conv2d(3, 16, 3, padding=1)
    pooled = (16, 15, 15)  # wrong: the pool halves 32 to 16
    later = cnn_from(pooled)
    total = count(conv1) + later["params[4]"] + later["params[5]"] + later["params[7]"]
    verdict = verdict_of(CNN, {"params": total, "shape[3]": list(pooled),
                               "params[7]": later["params[7]"], "shape[6]": later["shape[6]"],
                               "shape[4]": later["shape[4]"], "params[1]": count(conv1)})
    rows = rows_of(verdict)
    assert [r.key for r in verdict.rows] == ["params[1]", "shape[3]", "shape[4]", "shape[6]",
                                             "params[7]", "params"]
    assert rows["params[1]"].status == "right" and rows["shape[3]"].status == "wrong"
    assert rows["shape[4]"].status == "carried" and rows["shape[4]"].carried_from == "shape[3]"
    assert rows["shape[6]"].carried_from == "shape[4]"
    assert rows["params[7]"].status == "carried" and rows["params[7]"].carried_from == "shape[6]"
    assert rows["params"].status == "carried"
    first = verdict.first_wrong
    assert (first.key, first.heading) == ("shape[3]", "Layer by layer")
    from examsolve.render.verdict import first_wrong_text

    assert first_wrong_text(first) == (
        "First wrong step: step 2 (Layer by layer), shape[3]: you have 16 × 15 × 15; it is "
        "shape[3] = 16 × 16 × 16 — no common slip reproduces your value")


def test_params_from_a_wrong_channel_count():
    """conv1 with 8 channels instead of 16: conv2's weights follow from 8 input channels."""
    conv2 = nn.Conv2d(8, 32, 3, padding="same")
    verdict = verdict_of(CNN, {"shape[1]": [8, 32, 32], "params[4]": count(conv2)})
    rows = rows_of(verdict)
    assert rows["shape[1]"].status == "wrong"
    assert rows["params[4]"].status == "carried" and rows["params[4]"].carried_from == "shape[1]"
    assert rows["params[4]"].equation is not None  # points at `params = … = 4640`


def test_a_named_layer_is_the_same_layer():
    later = cnn_from((16, 15, 15))
    verdict = verdict_of(CNN, {"shape[3]": [16, 15, 15], "shape[conv2]": later["shape[4]"]})
    assert rows_of(verdict)["shape[conv2]"].status == "carried"


def test_a_count_that_follows_from_nothing_the_student_wrote_is_wrong():
    verdict = verdict_of(CNN, {"shape[3]": [16, 15, 15], "params[7]": 12345})
    row = rows_of(verdict)["params[7]"]
    assert row.status == "wrong" and row.slip is None


def test_a_wrong_unknown_size_carries_into_the_counts():
    h = 21  # the spec's h is 20
    lstm, linear = nn.LSTM(10, h), nn.Linear(h, 5)
    verdict = verdict_of(HIDDEN, {"h": h, "params[1]": count(lstm), "params[2]": count(linear),
                                  "params": count(lstm) + count(linear)})
    rows = rows_of(verdict)
    assert rows["h"].status == "wrong" and rows["h"].heading == "Unknown sizes"
    assert all(rows[k].status == "carried" for k in ("params[1]", "params[2]", "params"))
    assert rows["params[1]"].carried_from == "h"
