"""Pasted PyTorch code: the oracle runs the very code in the test (exec with torch), forward on
zeros after every position, and counts each module's parameters; every code form is also
cross-checked with the same network written as YAML."""

from __future__ import annotations

import textwrap

import pytest
import torch
import torch.nn.functional as F
import yaml
from torch import nn

from examsolve.problem import load_string, solve

LENET = """\
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
"""
LENET_YAML = [{"conv2d": {"out": 6, "kernel": 5}}, "relu", {"maxpool2d": {"kernel": 2}},
              {"conv2d": {"out": 16, "kernel": 5}}, "relu", {"maxpool2d": {"kernel": 2}},
              "flatten", {"linear": {"out": 120}}, "relu", {"linear": {"out": 84}}, "relu",
              {"linear": {"out": 10}}]

SEQUENTIAL = """\
import torch.nn as nn
model = nn.Sequential(
    nn.Conv1d(4, 8, kernel_size=3, stride=2, padding=1),
    nn.BatchNorm1d(8),
    nn.ReLU(),
    nn.MaxPool1d(2),
    nn.Flatten(),
    nn.Dropout(0.25),
    nn.Linear(8 * 8, 3),
)
"""
SEQUENTIAL_YAML = [{"conv1d": {"out": 8, "kernel": 3, "stride": 2, "padding": 1}}, "batchnorm",
                   "relu", {"maxpool1d": {"kernel": 2}}, "flatten", {"dropout": {"p": 0.25}},
                   {"linear": {"out": 3}}]

RECURRENT = """\
class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 16)
        self.lstm = nn.LSTM(16, 32, num_layers=2, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Linear(64, 5), nn.LogSoftmax(dim=-1))
    def forward(self, tokens):
        x = self.embed(tokens)
        out, _ = self.lstm(x)
        x = out[:, -1, :]
        return self.head(x)
"""
VIEW = """\
class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 14 * 14, 10)
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = x.view(-1, 4 * 14 * 14)
        return self.fc(x)
"""
VIEW_YAML = [{"conv2d": {"out": 4, "kernel": 3, "padding": 1}}, "relu",
             {"maxpool2d": {"kernel": 2}}, "flatten", {"linear": {"out": 10}}]


def spec(code: str, shape: list[int]) -> str:
    return yaml.safe_dump({"kind": "architecture", "title": "code", "code": code,
                           "input": shape}, sort_keys=False)


def run_code(code: str, shape: list[int], long: bool = False):  # type: ignore[no-untyped-def]
    """The oracle: exec the code with torch, record the tensor after every position."""
    env: dict = {"nn": nn, "F": F, "torch": torch}
    exec(code, env)  # the test may run it; examsolve never does
    model = env.get("model") or next(v for k, v in env.items() if isinstance(v, type)
                                     and issubclass(v, nn.Module) and v is not nn.Module)()
    model.eval()
    x = torch.zeros((1, *shape), dtype=torch.long if long else torch.float32)
    with torch.no_grad():
        y = model(x)
    return model, tuple(y.shape[1:])


@pytest.mark.parametrize("code, shape, long", [(LENET, [3, 32, 32], False),
                                               (SEQUENTIAL, [4, 32], False),
                                               (RECURRENT, [12], True),
                                               (VIEW, [1, 28, 28], False)])
def test_code_matches_running_it(code, shape, long):
    got = solve(load_string(spec(code, shape))).answer_map()
    model, out = run_code(code, shape, long)
    assert got["output"] == out
    assert got["params"] == sum(p.numel() for p in model.parameters())
    assert got["consistent"] is True
    for name, sub in model.named_children():
        if not name.isdigit() and f"params[{name}]" in got:
            assert got[f"params[{name}]"] == sum(p.numel() for p in sub.parameters()), name


def test_lenet_positions_follow_forward_with_torch_shapes():
    got = solve(load_string(spec(LENET, [3, 32, 32]))).answer_map()
    m, _ = run_code(LENET, [3, 32, 32])
    x = torch.zeros(1, 3, 32, 32)
    calls = [m.conv1, F.relu, m.pool, m.conv2, F.relu, m.pool, lambda t: torch.flatten(t, 1),
             m.fc1, F.relu, m.fc2, F.relu, m.fc3]
    with torch.no_grad():
        for i, call in enumerate(calls, 1):
            x = call(x)
            assert got[f"shape[{i}]"] == tuple(x.shape[1:]), i


@pytest.mark.parametrize("code, shape, layers", [(LENET, [3, 32, 32], LENET_YAML),
                                                 (SEQUENTIAL, [4, 32], SEQUENTIAL_YAML),
                                                 (VIEW, [1, 28, 28], VIEW_YAML)])
def test_code_and_yaml_give_the_same_answers(code, shape, layers):
    from_code = solve(load_string(spec(code, shape))).answer_map()
    text = yaml.safe_dump({"kind": "architecture", "title": "yaml", "input": shape,
                           "layers": layers}, sort_keys=False)
    from_yaml = solve(load_string(text)).answer_map()
    for key, value in from_yaml.items():
        if key.startswith(("shape[", "params[", "macs[")) and key[key.index("[") + 1].isdigit():
            assert from_code[key] == value, key
    for key in ("output", "params", "weights", "biases", "macs"):
        assert from_code[key] == from_yaml[key], key


def test_a_wrong_in_features_is_a_warning_with_the_fix():
    d = solve(load_string(spec(LENET, [3, 36, 36])))
    got = d.answer_map()
    assert got["consistent"] is False
    assert d.warnings == ("fc1 expects 400 inputs; the torch.flatten(x, 1) gives 576: write "
                          "`nn.Linear(16 * 6 * 6, 120)`",)
    # the counts are those of the modules the code builds (torch agrees: it never runs them)
    model, _ = run_code(LENET.replace("16 * 5 * 5", "16 * 6 * 6"), [3, 36, 36])
    assert got["params[fc1]"] == 400 * 120 + 120
    assert got["shape[12]"] == (10,)


def test_keras_code_takes_its_input_from_the_code():
    code = textwrap.dedent("""\
        model = Sequential()
        model.add(Dense(32, activation="relu", input_shape=(16,)))
        model.add(Dropout(0.5))
        model.add(Dense(4))
        """)
    text = yaml.safe_dump({"kind": "architecture", "title": "k", "framework": "keras",
                           "code": code}, sort_keys=False)
    got = solve(load_string(text)).answer_map()
    dense = [nn.Linear(16, 32), nn.Linear(32, 4)]  # Keras' Dense counts as torch's Linear
    assert got["params"] == sum(p.numel() for m in dense for p in m.parameters())
    assert got["shape[2]"] == (32,) and got["output"] == (4,)


KERAS_FORMS = {
    "list": """model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.Conv2D(8, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(10),
])""",
    "add": """model = Sequential()
model.add(Conv2D(8, (3, 3), padding='same', activation='relu', input_shape=(32, 32, 3)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(10))
model.summary()""",
}
KERAS_YAML = [{"Conv2D": {"filters": 8, "kernel_size": 3, "padding": "same"}},
              {"MaxPooling2D": {"pool_size": 2}}, "flatten", {"dense": {"units": 10}}]


@pytest.mark.parametrize("form", list(KERAS_FORMS))
def test_keras_code_forms_and_yaml_give_the_same_answers(form):
    code = yaml.safe_dump({"kind": "architecture", "title": "k", "framework": "keras",
                           "code": KERAS_FORMS[form]}, sort_keys=False)
    text = yaml.safe_dump({"kind": "architecture", "title": "y", "framework": "keras",
                           "input": [32, 32, 3], "layers": KERAS_YAML}, sort_keys=False)
    from_code = solve(load_string(code)).answer_map()
    from_yaml = solve(load_string(text)).answer_map()
    for key in ("shape[1]", "shape[2]", "shape[3]", "params[1]", "params[4]", "output",
                "params", "macs"):
        assert from_code[key] == from_yaml[key], key
    # the oracle: the same layers in torch, channels last turned first (counts do not move)
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(8 * 16 * 16, 10))
    assert from_yaml["params"] == sum(p.numel() for p in net.parameters())
    assert from_yaml["shape[2]"] == (16, 16, 8)
