"""Every optimizer against torch.optim (float64) on the same model, several steps, with
hypothesis drawing the learning rate, the betas, the shapes and the start values. The
momentum conventions torch lacks (ema, classical), eps inside the root and Adam without
bias correction are checked against their formulas written out here, with torch autograd
for the gradient."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examsolve.problem import load_string, solve

TOL = 1e-7


def fmt(a: np.ndarray) -> str:
    return "[" + ", ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in a) + "]"


def spec_text(optimizer: str, W: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray,
              steps: int, options: dict) -> str:
    opts = "".join(f"{k}: {v}\n" for k, v in options.items())
    return (f"kind: optimizer\ntitle: t\noptimizer: {optimizer}\nsteps: {steps}\n{opts}"
            f"given:\n  x: {fmt(x)}\n  y: {fmt(y)}\n"
            f"parameters:\n  W: {fmt(W)}\n  b: {fmt(b)}\n"
            "model:\n  - h = tanh(W @ x + b)\n  - r = h - y\n  - L = sum(r * r)\n")


def torch_loss(W, b, x, y):
    r = torch.tanh(W @ x + b) - y
    return (r * r).sum()


def answers(text: str) -> dict:
    return solve(load_string(text)).answer_map()


def arr(value) -> np.ndarray:
    return np.array(value, dtype=float)


def close(got, want, what: str) -> None:
    got_a, want_a = arr(got).reshape(-1), np.asarray(want, dtype=float).reshape(-1)
    assert got_a.shape == want_a.shape, what
    assert np.allclose(got_a, want_a, rtol=TOL, atol=TOL), (what, got_a, want_a)


problems = st.fixed_dictionaries({
    "rows": st.integers(1, 3), "cols": st.integers(1, 3), "steps": st.integers(1, 4),
    "seed": st.integers(0, 10_000),
    "lr": st.sampled_from([0.5, 0.1, 0.05, 0.01, 0.3]),
    "beta": st.sampled_from([0.9, 0.5, 0.99, 0.0]),
    "beta2": st.sampled_from([0.999, 0.9, 0.5]),
    "wd": st.sampled_from([0, 0.1, 0.01]),
})


def draw_arrays(p: dict):
    rng = np.random.default_rng(p["seed"])
    r, c = p["rows"], p["cols"]
    rnd = lambda *shape: np.round(rng.uniform(-1, 1, shape), 2)  # noqa: E731
    return rnd(r, c), rnd(r, 1), rnd(c, 1), rnd(r, 1)


TORCH = {
    "sgd": lambda ps, p: torch.optim.SGD(ps, lr=p["lr"], weight_decay=p["wd"]),
    "momentum": lambda ps, p: torch.optim.SGD(ps, lr=p["lr"], momentum=p["beta"] or 0.5,
                                              weight_decay=p["wd"]),
    "nesterov": lambda ps, p: torch.optim.SGD(ps, lr=p["lr"], momentum=p["beta"] or 0.5,
                                              nesterov=True, weight_decay=p["wd"]),
    "adagrad": lambda ps, p: torch.optim.Adagrad(ps, lr=p["lr"], weight_decay=p["wd"]),
    "rmsprop": lambda ps, p: torch.optim.RMSprop(ps, lr=p["lr"], alpha=p["beta"],
                                                 weight_decay=p["wd"]),
    "adam": lambda ps, p: torch.optim.Adam(ps, lr=p["lr"], betas=(p["beta"], p["beta2"]),
                                           weight_decay=p["wd"]),
    "adamw": lambda ps, p: torch.optim.AdamW(ps, lr=p["lr"], betas=(p["beta"], p["beta2"]),
                                             weight_decay=p["wd"]),
}
OPTIONS = {
    "sgd": lambda p: {"lr": p["lr"], "weight_decay": p["wd"]},
    "momentum": lambda p: {"lr": p["lr"], "momentum": p["beta"] or 0.5,
                           "weight_decay": p["wd"]},
    "nesterov": lambda p: {"lr": p["lr"], "momentum": p["beta"] or 0.5,
                           "weight_decay": p["wd"]},
    "adagrad": lambda p: {"lr": p["lr"], "weight_decay": p["wd"]},
    "rmsprop": lambda p: {"lr": p["lr"], "beta": p["beta"], "weight_decay": p["wd"]},
    "adam": lambda p: {"lr": p["lr"], "beta1": p["beta"], "beta2": p["beta2"],
                       "weight_decay": p["wd"]},
    "adamw": lambda p: {"lr": p["lr"], "beta1": p["beta"], "beta2": p["beta2"],
                        "weight_decay": p["wd"]},
}
# torch.optim's state names for examsolve's state keys.
STATE = {"momentum": {"velocity": "momentum_buffer"}, "nesterov": {"velocity": "momentum_buffer"},
         "adagrad": {"s": "sum"}, "rmsprop": {"s": "square_avg"},
         "adam": {"m": "exp_avg", "v": "exp_avg_sq"}, "adamw": {"m": "exp_avg", "v": "exp_avg_sq"}}


@pytest.mark.parametrize("optimizer", list(TORCH))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=problems)
def test_every_optimizer_matches_torch_optim(optimizer, p):
    W, b, x, y = draw_arrays(p)
    got = answers(spec_text(optimizer, W, b, x, y, p["steps"], OPTIONS[optimizer](p)))
    tw = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    tx, ty = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    opt = TORCH[optimizer]([tw, tb], p)
    for t in range(1, p["steps"] + 1):
        opt.zero_grad()
        loss = torch_loss(tw, tb, tx, ty)
        loss.backward()
        close(got[f"L@{t - 1}"], loss.item(), f"L@{t - 1}")
        close(got[f"dL/dW@{t - 1}"], tw.grad.numpy(), f"dL/dW@{t - 1}")
        close(got[f"dL/db@{t - 1}"], tb.grad.numpy(), f"dL/db@{t - 1}")
        opt.step()
        close(got[f"W@{t}"], tw.detach().numpy(), f"W@{t}")
        close(got[f"b@{t}"], tb.detach().numpy(), f"b@{t}")
        for ours, theirs in STATE.get(optimizer, {}).items():
            close(got[f"{ours}(W)@{t}"], opt.state[tw][theirs].numpy(), f"{ours}(W)@{t}")
        if optimizer in ("adam", "adamw"):
            b1, b2 = p["beta"], p["beta2"]
            close(got[f"mhat(b)@{t}"], opt.state[tb]["exp_avg"].numpy() / (1 - b1 ** t), "mhat")
            close(got[f"vhat(b)@{t}"], opt.state[tb]["exp_avg_sq"].numpy() / (1 - b2 ** t),
                  "vhat")
    assert np.asarray(got[f"W@{p['steps']}"]).shape == W.shape or W.shape[1] == 1


def formula_run(p: dict, update) -> list[tuple[np.ndarray, np.ndarray, dict]]:
    """Run `update(t, name, param, grad, state) -> (param, state)` with torch's gradient."""
    W, b, x, y = draw_arrays(p)
    params = {"W": W.copy(), "b": b.copy()}
    states: dict = {"W": {}, "b": {}}
    out = []
    for t in range(1, p["steps"] + 1):
        tw = torch.tensor(params["W"], dtype=torch.float64, requires_grad=True)
        tb = torch.tensor(params["b"], dtype=torch.float64, requires_grad=True)
        torch_loss(tw, tb, torch.tensor(x), torch.tensor(y)).backward()
        grads = {"W": tw.grad.numpy(), "b": tb.grad.numpy()}
        for name in params:
            params[name], states[name] = update(t, params[name], grads[name], states[name])
        out.append(({k: v.copy() for k, v in params.items()},
                    {k: dict(v) for k, v in states.items()}))
    return out


def check_formula(optimizer: str, options: dict, p: dict, update, keys=()) -> None:
    W, b, x, y = draw_arrays(p)
    got = answers(spec_text(optimizer, W, b, x, y, p["steps"], options))
    for t, (params, states) in enumerate(formula_run(p, update), start=1):
        for name in params:
            close(got[f"{name}@{t}"], params[name], f"{name}@{t}")
            for key in keys:
                close(got[f"{key}({name})@{t}"], states[name][key], f"{key}({name})@{t}")


@settings(max_examples=12, deadline=None)
@given(p=problems)
def test_ema_momentum_follows_its_formula(p):
    mu, eta = p["beta"], p["lr"]

    def update(t, w, g, s):
        v = mu * s.get("velocity", 0) + (1 - mu) * g
        return w - eta * v, {"velocity": v}

    check_formula("momentum", {"lr": eta, "momentum": mu, "convention": "ema"}, p, update,
                  ["velocity"])


@settings(max_examples=12, deadline=None)
@given(p=problems)
def test_classical_momentum_follows_its_formula_and_pytorchs_iterates(p):
    mu, eta = p["beta"], p["lr"]

    def update(t, w, g, s):
        v = mu * s.get("velocity", 0) - eta * g
        return w + v, {"velocity": v}

    check_formula("momentum", {"lr": eta, "momentum": mu, "convention": "classical"}, p, update,
                  ["velocity"])
    W, b, x, y = draw_arrays(p)
    classical = answers(spec_text("momentum", W, b, x, y, p["steps"],
                                  {"lr": eta, "momentum": mu, "convention": "classical"}))
    pytorch = answers(spec_text("momentum", W, b, x, y, p["steps"], {"lr": eta, "momentum": mu}))
    t = p["steps"]
    close(classical[f"W@{t}"], arr(pytorch[f"W@{t}"]), "same iterates")
    close(classical[f"velocity(W)@{t}"], -eta * arr(pytorch[f"velocity(W)@{t}"]),
          "classical velocity = −η × PyTorch's")


@settings(max_examples=12, deadline=None)
@given(p=problems)
def test_rmsprop_with_eps_inside_the_root(p):
    beta, eta, eps = p["beta"], p["lr"], 1e-3

    def update(t, w, g, s):
        sq = beta * s.get("s", 0) + (1 - beta) * g * g
        return w - eta * g / np.sqrt(sq + eps), {"s": sq}

    check_formula("rmsprop", {"lr": eta, "beta": beta, "eps": eps, "eps_inside": "true"}, p,
                  update, ["s"])


@settings(max_examples=12, deadline=None)
@given(p=problems)
def test_adam_without_bias_correction(p):
    b1, b2, eta, eps = p["beta"], p["beta2"], p["lr"], 1e-8

    def update(t, w, g, s):
        m1 = b1 * s.get("m", 0) + (1 - b1) * g
        v2 = b2 * s.get("v", 0) + (1 - b2) * g * g
        return w - eta * m1 / (np.sqrt(v2) + eps), {"m": m1, "v": v2}

    check_formula("adam", {"lr": eta, "beta1": b1, "beta2": b2, "bias_correction": "false"}, p,
                  update, ["m", "v"])


@settings(max_examples=30, deadline=None)
@given(seq=st.lists(st.integers(-50, 50), min_size=1, max_size=12),
       beta=st.sampled_from(["0.9", "0.5", "0.98", "0"]))
def test_ewma_against_its_formula(seq, beta):
    got = answers(f"kind: optimizer\ntitle: t\noptimizer: ewma\nbeta: {beta}\n"
                  f"bias_correction: true\nsequence: {seq}\n")
    b, v = float(beta), 0.0
    for t, theta in enumerate(seq, start=1):
        v = b * v + (1 - b) * theta
        close(got[f"v@{t}"], v, f"v@{t}")
        close(got[f"vhat@{t}"], v / (1 - b ** t), f"vhat@{t}")
