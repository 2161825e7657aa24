"""Keras counting rules against Keras itself: keras 3 with the torch backend (a test extra)
runs the very code of each spec in the test; every layer's count_params(), its
non-trainable weights and its output shape are compared with examsolve's answers."""

from __future__ import annotations

import os

import pytest
import yaml

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")
from keras import layers  # noqa: E402

from examsolve.problem import load_string, solve  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # keras' numpy 2 notes

CASES = {
    "dense": """model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(64, activation="relu"),
    layers.Dropout(0.5), layers.Dense(10, use_bias=False)])""",
    "cnn_same": """model = keras.Sequential([keras.Input(shape=(28, 28, 3)),
    layers.Conv2D(16, 3, strides=2, padding="same"), layers.BatchNormalization(),
    layers.MaxPooling2D(pool_size=2, padding="same"), layers.Conv2D(8, (3, 2), dilation_rate=2),
    layers.AveragePooling2D(2, strides=1), layers.GlobalAveragePooling2D(), layers.Dense(3)])""",
    "conv1d": """model = keras.Sequential([keras.Input(shape=(50, 6)), layers.Conv1D(12, 5, strides=2),
    layers.MaxPooling1D(3), layers.Flatten(), layers.Dense(2)])""",
    "grouped": """model = keras.Sequential([keras.Input(shape=(9, 9, 8)), layers.Conv2D(8, 3, groups=8),
    layers.Conv2D(4, 1), layers.Flatten(), layers.Dense(2)])""",
    "lstm": """model = keras.Sequential([keras.Input(shape=(100,)), layers.Embedding(1000, 64),
    layers.Bidirectional(layers.LSTM(32, return_sequences=True)), layers.LSTM(16),
    layers.Dense(1, activation="sigmoid")])""",
    "gru": """model = keras.Sequential([keras.Input(shape=(7, 5)), layers.GRU(6, return_sequences=True),
    layers.GRU(4, reset_after=False), layers.Dense(2)])""",
    "simple_rnn": """model = keras.Sequential([keras.Input(shape=(7, 5)), layers.SimpleRNN(9),
    layers.LayerNormalization(), layers.Dense(2)])""",
    "transpose": """model = keras.Sequential([keras.Input(shape=(7, 7, 4)),
    layers.Conv2DTranspose(3, 3, strides=2, padding="same"),
    layers.Conv2DTranspose(2, 4, strides=3), layers.Flatten(), layers.Dense(2)])""",
}


def keras_model(code: str):  # type: ignore[no-untyped-def]
    env = {"keras": keras, "layers": layers}
    exec(code, env)
    return env["model"]


@pytest.mark.parametrize("name", list(CASES))
def test_keras_counts_and_shapes_match_keras(name):
    code = CASES[name]
    text = yaml.safe_dump({"kind": "architecture", "title": name, "framework": "keras",
                           "code": code}, sort_keys=False)
    got = solve(load_string(text)).answer_map()
    model = keras_model(code)
    assert got["params"] == model.count_params()
    non_trainable = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    assert got["non_trainable"] == non_trainable
    for i, layer in enumerate(model.layers, 1):
        assert got[f"params[{i}]"] == layer.count_params(), (i, layer.name)
        assert got[f"shape[{i}]"] == tuple(layer.output.shape[1:]), (i, layer.name)


@pytest.mark.parametrize("heads, key_dim, value_dim", [(2, 4, None), (3, 5, 7)])
def test_keras_attention_matches_keras(heads, key_dim, value_dim):
    import numpy as np

    t, e = 6, 10
    mha = layers.MultiHeadAttention(num_heads=heads, key_dim=key_dim, value_dim=value_dim)
    x = np.zeros((1, t, e), dtype="float32")
    out, scores = mha(x, x, return_attention_scores=True)
    opts = {"heads": heads, "key_dim": key_dim}
    if value_dim:
        opts["value_dim"] = value_dim
    text = yaml.safe_dump({"kind": "architecture", "title": "mha", "framework": "keras",
                           "input": [t, e], "layers": [{"multihead_attention": opts}]})
    got = solve(load_string(text)).answer_map()
    assert got["params"] == mha.count_params()
    assert got["shape[1]"] == tuple(out.shape[1:])
    assert got["scores[1]"] == tuple(scores.shape[2:])
    assert got["d_k[1]"] == key_dim
