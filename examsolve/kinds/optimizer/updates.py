"""The update rules, one function per optimizer, each returning its equations with numbers.

All state starts at 0. With g the loss's gradient plus λp (weight decay coupled, as
torch.optim does for every optimizer but AdamW) and t the step number from 1:

    sgd        p ← p − ηg
    momentum   pytorch:   v ← μv + g,            p ← p − ηv
               ema:       v ← μv + (1 − μ)g,     p ← p − ηv
               classical: v ← μv − ηg,           p ← p + v
    nesterov   v ← μv + g,  p ← p − η(g + μv)                       (PyTorch's form)
    adagrad    s ← s + g⊙g,  p ← p − ηg/(√s + ε)
    rmsprop    s ← βs + (1 − β)g⊙g,  p ← p − ηg/(√s + ε)
    adam       m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g⊙g,
               m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ),  p ← p − ηm̂/(√v̂ + ε)
    adamw      p ← p − ηλp (decoupled), then adam without the λp in g

`eps_inside` writes √(s + ε) instead of √s + ε. Squares, roots and quotients are
elementwise. The arithmetic is exact on Fractions; a root that is not rational, or a
division by √s + ε with ε > 0, is done in float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from examsolve import mathmodel as m
from examsolve.kinds.optimizer import notation as n

STATE = {"sgd": (), "momentum": ("velocity",), "nesterov": ("velocity",), "adagrad": ("s",),
         "rmsprop": ("s",), "adam": ("m", "v", "mhat", "vhat"),
         "adamw": ("m", "v", "mhat", "vhat")}
LETTER = {"velocity": "v", "s": "s", "m": "m", "v": "v", "mhat": "m̂", "vhat": "v̂"}


@dataclass(frozen=True)
class Line:
    """One update equation: the quantity, its formula, the formula with numbers, the value."""

    lhs: m.Expr
    formula: m.Expr
    numbers: m.Expr | tuple[m.Expr, ...] | None  # None: nothing to substitute; a tuple:
    value: np.ndarray                              # the numbers, then a partial result

    @property
    def expr(self) -> m.Rel:
        stages = () if self.numbers is None else self.numbers \
            if isinstance(self.numbers, tuple) else (self.numbers,)
        return m.eq(self.lhs, self.formula, *stages, n.value(self.value))


@dataclass
class Names:
    """The symbols of one parameter's quantities at step t."""

    param: str
    t: int
    label: str | None  # the parameter's name on its state when there are several (m_W)

    def p(self, t: int | None = None) -> m.Sym:
        letter, sub = n.base(self.param)
        return m.Sym(letter, sub, f"({self.t if t is None else t})")

    def state(self, key: str, t: int | None = None) -> m.Sym:
        return m.Sym(LETTER[key], self.label, f"({self.t if t is None else t})")

    def g(self) -> m.Sym:
        return m.Sym("g", self.label, f"({self.t})")


def sqrt_(a: np.ndarray) -> np.ndarray:
    """Elementwise √: exact for a Fraction that is a perfect square, else float64."""
    if a.dtype != object:
        return np.sqrt(a)

    def one(v: object) -> object:
        if isinstance(v, Fraction) and v >= 0:
            num, den = math.isqrt(v.numerator), math.isqrt(v.denominator)
            if num * num == v.numerator and den * den == v.denominator:
                return Fraction(num, den)
        return math.sqrt(v)  # type: ignore[arg-type]

    return np.frompyfunc(one, 1, 1)(a).astype(object)


def floats(a: np.ndarray) -> np.ndarray:
    return a.astype(float)


def hyper(value: object) -> m.Expr:
    """A hyper-parameter's number as written: ε = 1e-8 rather than 0.00000001."""
    if isinstance(value, Fraction) and value != 0 and abs(value) < Fraction(1, 1000):
        return m.num(float(value))
    return m.num(value)


def one_minus(x: object) -> object:
    return 1 - x  # type: ignore[operator]


_UNWRITTEN = m.Ellipsis_()


class Rules:
    """The update of one parameter at step t: `run` fills `lines` and returns p_t and the
    new state (a dict of the optimizer's STATE keys)."""

    def __init__(self, optimizer: str, options: dict[str, object], t: int, param: str,
                 loss: str, several: bool, shown: dict[str, object] | None = None,
                 write: bool = True) -> None:
        """`several`: the model has more than one parameter (their state is labelled);
        `shown`: the options as written (exact), when `options` are their float64 copies;
        `write`: record the equations (a step the derivation does not show skips them)."""
        self.optimizer, self.o, self.t, self.loss = optimizer, options, t, loss
        self.write = write
        self.shown = shown or options
        self.names = Names(param, t, param if several else None)
        self.lines: list[Line] = []

    def add(self, lhs: m.Expr, formula: m.Expr, numbers: m.Expr | None,
            value: np.ndarray) -> np.ndarray:
        if self.write:
            self.lines.append(Line(lhs, formula, numbers, value))
        return value

    def v(self, arr: np.ndarray) -> m.Expr:
        """An array's math for an equation with numbers (nothing when not writing)."""
        return n.value(arr) if self.write else _UNWRITTEN

    def run(self, p: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]
            ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """p_t and the new state from p_{t−1}, the loss's gradient and the old state."""
        g = self.gradient(p, grad)
        if self.optimizer == "adamw":
            p = self.decoupled_decay(p)
        return getattr(self, self.optimizer)(p, g, state)

    def gradient(self, p: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """g = ∂L/∂p, plus λp where weight decay is coupled (every optimizer but AdamW)."""
        lam = self.o.get("weight_decay", 0)
        N = self.names
        dl = m.Deriv(n.symbol(self.loss), n.symbol(self.names.param))
        if lam == 0 or self.optimizer == "adamw":
            self.add(N.g(), dl, None, grad)
            return grad
        return self.add(N.g(), m.Add((dl, m.Mul((n.LAMBDA, N.p(self.t - 1))))),
                        m.Add((self.v(grad), m.Mul((self.h("weight_decay"), self.v(p))))),
                        grad + lam * p)  # type: ignore[operator]

    # ---- pieces ------------------------------------------------------------------------------
    def decoupled_decay(self, p: np.ndarray) -> np.ndarray:
        """AdamW: p′ = p − ηλp before the Adam step (torch.optim.AdamW's order)."""
        lam, eta = self.o["weight_decay"], self.o["lr"]
        if lam == 0:
            return p
        N = self.names
        prev = N.p(self.t - 1)
        lhs = m.Sym(f"{prev.name}′", prev.sub)
        return self.add(lhs, m.Add((prev, m.Neg(m.Mul((n.ETA, n.LAMBDA, prev))))),
                        m.Add((self.v(p), m.Neg(m.Mul((self.h("lr"), self.h("weight_decay"), self.v(p)))))),
                        p - eta * lam * p)  # type: ignore[operator]

    def decayed_p(self, p: np.ndarray) -> m.Expr:
        """p_{t−1}, or p′ after AdamW's decoupled decay."""
        prev = self.names.p(self.t - 1)
        if self.optimizer == "adamw" and self.o["weight_decay"] != 0:
            return m.Sym(f"{prev.name}′", prev.sub)
        return prev

    def h(self, opt: str) -> m.Expr:
        """An option's number as the spec wrote it."""
        return hyper(self.shown[opt])

    def mix(self, key: str, opt: str, beta_sym: m.Expr, prev: np.ndarray, new: np.ndarray,
            new_sym: m.Expr, new_num: m.Expr) -> np.ndarray:
        """state ← β·state + (1 − β)·new, β the option `opt`."""
        beta = self.o[opt]
        N = self.names
        one_minus_b = m.Paren(m.Add((m.num(1), m.Neg(beta_sym))))
        formula = m.Add((m.Mul((beta_sym, N.state(key, self.t - 1))),
                         m.Mul((one_minus_b, new_sym))))
        written = self.shown[opt]
        numbers = m.Add((m.Mul((hyper(written), self.v(prev))),
                         m.Mul((hyper(one_minus(written)), new_num))))
        return self.add(N.state(key), formula, numbers,
                        beta * prev + one_minus(beta) * new)  # type: ignore[operator]

    def squared(self, g: np.ndarray) -> tuple[np.ndarray, m.Expr, m.Expr]:
        G = self.names.g()
        if g.shape == (1, 1):
            return g * g, m.Pow(G, m.num(2)), m.Pow(self.v(g), m.num(2))
        return g * g, m.Mul((G, G), "⊙"), m.Mul((self.v(g), self.v(g)), "⊙")

    def adaptive_step(self, p: np.ndarray, top: np.ndarray, top_sym: m.Expr,
                      s: np.ndarray, s_sym: m.Expr) -> np.ndarray:
        """p_t = p − η·top/(√s + ε) (or √(s + ε) with eps_inside)."""
        eta, eps = self.o["lr"], self.o["eps"]
        if self.o["eps_inside"]:
            den_sym = n.sqrt(m.Add((s_sym, n.EPS)))
            den_num = n.sqrt(m.Add((self.v(s), self.h("eps"))))
            den = sqrt_(s + eps)  # type: ignore[operator]
        else:
            den_sym = m.Add((n.sqrt(s_sym), n.EPS))
            den_num = m.Add((n.sqrt(self.v(s)), self.h("eps")))
            den = sqrt_(s) + eps  # type: ignore[operator]
        if eps != 0 and den.dtype == object:
            den = floats(den)  # ε > 0 makes the quotient's exact digits meaningless noise
        prev = self.decayed_p(p)
        formula = m.Add((prev, m.Neg(m.Mul((n.ETA, m.Div(top_sym, den_sym))))))
        numbers = m.Add((self.v(p), m.Neg(m.Mul((self.h("lr"), m.Div(self.v(top), den_num))))))
        quotient = top / den
        partial = m.Add((self.v(p), m.Neg(m.Mul((self.h("lr"), self.v(quotient))))))
        return self.add(self.names.p(), formula, (numbers, partial),
                        p - eta * quotient)  # type: ignore[operator]

    # ---- the optimizers ------------------------------------------------------------------------
    def sgd(self, p, g, state):  # type: ignore[no-untyped-def]
        eta = self.o["lr"]
        N = self.names
        new = self.add(N.p(), m.Add((N.p(self.t - 1), m.Neg(m.Mul((n.ETA, N.g()))))),
                       m.Add((self.v(p), m.Neg(m.Mul((self.h("lr"), self.v(g)))))),
                       p - eta * g)
        return new, {}

    def momentum(self, p, g, state):  # type: ignore[no-untyped-def]
        eta, mu, convention = self.o["lr"], self.o["momentum"], self.o["convention"]
        N = self.names
        v_prev = state.get("velocity", 0 * p)
        V, V_prev = N.state("velocity"), N.state("velocity", self.t - 1)
        if convention == "ema":
            v = self.mix("velocity", "momentum", n.MU, v_prev, g, N.g(), self.v(g))
        elif convention == "classical":
            v = self.add(V, m.Add((m.Mul((n.MU, V_prev)), m.Neg(m.Mul((n.ETA, N.g()))))),
                         m.Add((m.Mul((self.h("momentum"), self.v(v_prev))),
                                m.Neg(m.Mul((self.h("lr"), self.v(g)))))),
                         mu * v_prev - eta * g)
            new = self.add(N.p(), m.Add((N.p(self.t - 1), V)),
                           m.Add((self.v(p), self.v(v))), p + v)
            return new, {"velocity": v}
        else:
            v = self.add(V, m.Add((m.Mul((n.MU, V_prev)), N.g())),
                         m.Add((m.Mul((self.h("momentum"), self.v(v_prev))), self.v(g))),
                         mu * v_prev + g)
        new = self.add(N.p(), m.Add((N.p(self.t - 1), m.Neg(m.Mul((n.ETA, V))))),
                       m.Add((self.v(p), m.Neg(m.Mul((self.h("lr"), self.v(v)))))),
                       p - eta * v)
        return new, {"velocity": v}

    def nesterov(self, p, g, state):  # type: ignore[no-untyped-def]
        eta, mu = self.o["lr"], self.o["momentum"]
        N = self.names
        v_prev = state.get("velocity", 0 * p)
        V, V_prev = N.state("velocity"), N.state("velocity", self.t - 1)
        v = self.add(V, m.Add((m.Mul((n.MU, V_prev)), N.g())),
                     m.Add((m.Mul((self.h("momentum"), self.v(v_prev))), self.v(g))), mu * v_prev + g)
        look = m.Paren(m.Add((N.g(), m.Mul((n.MU, V)))))
        look_num = m.Paren(m.Add((self.v(g), m.Mul((self.h("momentum"), self.v(v))))))
        new = self.add(N.p(), m.Add((N.p(self.t - 1), m.Neg(m.Mul((n.ETA, look))))),
                       m.Add((self.v(p), m.Neg(m.Mul((self.h("lr"), look_num))))),
                       p - eta * (g + mu * v))
        return new, {"velocity": v}

    def adagrad(self, p, g, state):  # type: ignore[no-untyped-def]
        N = self.names
        s_prev = state.get("s", 0 * p)
        g2, g2_sym, g2_num = self.squared(g)
        s = self.add(N.state("s"), m.Add((N.state("s", self.t - 1), g2_sym)),
                     m.Add((self.v(s_prev), g2_num)), s_prev + g2)
        return self.adaptive_step(p, g, N.g(), s, N.state("s")), {"s": s}

    def rmsprop(self, p, g, state):  # type: ignore[no-untyped-def]
        N = self.names
        g2, g2_sym, g2_num = self.squared(g)
        s = self.mix("s", "beta", n.BETA, state.get("s", 0 * p), g2, g2_sym, g2_num)
        return self.adaptive_step(p, g, N.g(), s, N.state("s")), {"s": s}

    def adam(self, p, g, state):  # type: ignore[no-untyped-def]
        N = self.names
        b1, b2, t = self.o["beta1"], self.o["beta2"], self.t
        m1 = self.mix("m", "beta1", n.BETA1, state.get("m", 0 * p), g, N.g(), self.v(g))
        g2, g2_sym, g2_num = self.squared(g)
        v2 = self.mix("v", "beta2", n.BETA2, state.get("v", 0 * p), g2, g2_sym, g2_num)
        out = {"m": m1, "v": v2}
        if not self.o["bias_correction"]:
            return self.adaptive_step(p, m1, N.state("m"), v2, N.state("v")), out
        for key, raw, opt, beta_sym in (("mhat", m1, "beta1", n.BETA1),
                                        ("vhat", v2, "beta2", n.BETA2)):
            beta = self.o[opt]
            den_sym = m.Add((m.num(1), m.Neg(m.Pow(beta_sym, m.num(t)))))
            den = one_minus(beta ** t)  # type: ignore[operator]
            den_num = m.Add((m.num(1), m.Neg(m.Pow(self.h(opt), m.num(t)))))
            src = N.state("m" if key == "mhat" else "v")
            out[key] = self.add(N.state(key), m.Div(src, den_sym), m.Div(self.v(raw), den_num),
                                raw / den)
        new = self.adaptive_step(p, out["mhat"], N.state("mhat"), out["vhat"], N.state("vhat"))
        return new, out

    adamw = adam
