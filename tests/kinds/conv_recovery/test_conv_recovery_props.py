"""conv-recovery against an independent oracle on random problems (hypothesis).

A random X, a kernel of numbers and tied names, a bias, stride, padding and masks of lost
entries give Y by a direct numpy cross-correlation written here. Then:
- every value the solver reports as determined equals the truth;
- plugging the answers back into the same numpy correlation reproduces every known output
  (and every answered lost output), wherever the answers make the window computable;
- when the problem is linear (no window with a known output puts a named weight on a lost
  input) a numpy rank test decides which values the data determine, and the solver must
  agree exactly (no guessing, no missed value);
- every undetermined value is explained once, and truly: a value said to be in no relation
  ("no window with a known output covers it", "… multiplies it by 0") is in no known
  window's equation, and a value whose relations are given is in one.
"""

from __future__ import annotations

import re

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examsolve.problem import load_string, solve

NAMES = ("a", "c", "d")


def correlate(x: np.ndarray, k: np.ndarray, b: float, stride: int, ph: int, pw: int
              ) -> np.ndarray:
    """Deep-learning convolution: Y[i,j] = Σ_{u,v} k[u,v]·Xpad[s·i+u, s·j+v] + b (no flip)."""
    xp = np.pad(x.astype(float), ((ph, ph), (pw, pw)))
    kh, kw = k.shape
    oh, ow = (xp.shape[0] - kh) // stride + 1, (xp.shape[1] - kw) // stride + 1
    y = np.empty((oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[i, j] = sum(k[u, v] * xp[stride * i + u, stride * j + v]
                          for u in range(kh) for v in range(kw)) + b
    return y


@st.composite
def problems(draw):  # type: ignore[no-untyped-def]
    one_d = draw(st.booleans())
    stride = draw(st.integers(1, 2))
    if one_d:
        kh, kw = 1, draw(st.integers(1, 3))
        h, w = 1, draw(st.integers(kw, 8))
    else:
        kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        h, w = draw(st.integers(kh, 5)), draw(st.integers(kw, 5))
    padding = draw(st.sampled_from([0, 0, 1, "same"]))
    if padding == "same" and (stride != 1 or kw % 2 == 0 or (not one_d and kh % 2 == 0)):
        padding = 0
    p = (kw // 2 if padding == "same" else padding)
    ph, pw = (0, p) if one_d else ((kh // 2 if padding == "same" else p), p)
    numeric = draw(st.booleans())
    kernel = [[draw(st.integers(-2, 2)) if numeric else
               draw(st.one_of(st.integers(-2, 2), st.sampled_from(NAMES)))
               for _ in range(kw)] for _ in range(kh)]
    bias = draw(st.one_of(st.integers(-3, 3), st.just("z"))) if not numeric else \
        draw(st.integers(-3, 3))
    lost_x_rate = draw(st.sampled_from([0.0, 0.15, 0.3, 0.6]))
    lost_y_rate = draw(st.sampled_from([0.0, 0.2, 0.4]))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    truth = {n: int(rng.integers(-2, 3)) for n in (*NAMES, "z")}
    x = rng.integers(-3, 4, size=(h, w))
    k = np.array([[truth[e] if isinstance(e, str) else e for e in row] for row in kernel])
    b = truth["z"] if bias == "z" else bias
    y = correlate(x, k, b, stride, ph, pw).astype(int)
    lost_x = rng.random(x.shape) < lost_x_rate
    lost_y = rng.random(y.shape) < lost_y_rate
    return dict(one_d=one_d, stride=stride, padding=padding, ph=ph, pw=pw, kernel=kernel,
                bias=bias, truth=truth, x=x, y=y, k=k, b=b, lost_x=lost_x, lost_y=lost_y)


def spec_text(pr: dict) -> str:
    def cells(values: np.ndarray, lost: np.ndarray) -> list[str]:
        return ["?" if m else str(v) for v, m in zip(values.flat, lost.flat)]

    if pr["one_d"]:  # flow lists: a bare ? there is YAML's {null: null}, read as unknown
        grid = lambda a, m: "[" + ", ".join(cells(a, m)) + "]"  # noqa: E731
        kernel = "[" + ", ".join(str(e) for e in pr["kernel"][0]) + "]"
    else:  # block strings, one row per line
        def grid(a: np.ndarray, m: np.ndarray) -> str:
            rows = [" ".join(cells(a[r], m[r])) for r in range(a.shape[0])]
            return "|\n" + "\n".join("  " + r for r in rows)
        kernel = "[" + ", ".join("[" + ", ".join(str(e) for e in row) + "]"
                                 for row in pr["kernel"]) + "]"
    padding = '"same"' if pr["padding"] == "same" else pr["padding"]
    return (f"kind: conv-recovery\ntitle: random\ninput: {grid(pr['x'], pr['lost_x'])}\n"
            f"output: {grid(pr['y'], pr['lost_y'])}\nkernel: {kernel}\nbias: {pr['bias']}\n"
            f"stride: {pr['stride']}\npadding: {padding}\n")


def key(letter: str, r: int, c: int, one_d: str | None) -> str:
    """`X[r,c]`, or `X[i]` along the row or column of a 1-D problem."""
    if one_d == "row":
        return f"{letter}[{c + 1}]"
    if one_d == "column":
        return f"{letter}[{r + 1}]"
    return f"{letter}[{r + 1},{c + 1}]"


def orientation(pr: dict) -> str | None:
    """The spec's rule: 1-D when input, kernel and output are all one row (or one column)."""
    shapes = [pr["x"].shape, pr["k"].shape, pr["y"].shape]
    if all(s[0] == 1 for s in shapes):
        return "row"
    if all(s[1] == 1 for s in shapes):
        return "column"
    return None


def window_matrix(pr: dict, unknowns: list) -> tuple[np.ndarray, list]:  # type: ignore[type-arg]
    """d(window)/d(unknown) for every window, by finite differences of the oracle (exact
    for a linear problem: the unknowns are either lost inputs or parameters)."""
    def run(x: np.ndarray, truth: dict) -> np.ndarray:
        k = np.array([[truth[e] if isinstance(e, str) else e for e in row]
                      for row in pr["kernel"]], dtype=float)
        b = truth["z"] if pr["bias"] == "z" else pr["bias"]
        return correlate(x, k, b, pr["stride"], pr["ph"], pr["pw"])

    base = run(pr["x"].astype(float), pr["truth"])
    cols = []
    for u in unknowns:
        x, truth = pr["x"].astype(float), dict(pr["truth"])
        if isinstance(u, str):
            truth[u] += 1
        else:
            x[u] += 1
        cols.append((run(x, truth) - base).reshape(-1))
    return np.array(cols).T.reshape(base.shape + (len(unknowns),)), unknowns


def determined(a: np.ndarray, v: np.ndarray) -> bool:
    """v·unknowns is fixed by the rows of a iff v lies in their span."""
    if not a.size:
        return not v.any()
    return np.linalg.matrix_rank(np.vstack([a, v])) == np.linalg.matrix_rank(a)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_recovered_values_are_true_and_reproduce_the_data(pr: dict) -> None:
    got = solve(load_string(spec_text(pr), "random.yaml")).answer_map()
    one_d, x, y = orientation(pr), pr["x"], pr["y"]
    names = {e for row in pr["kernel"] for e in row if isinstance(e, str)} | \
        ({"z"} if pr["bias"] == "z" else set())
    lost_in = [tuple(rc) for rc in np.argwhere(pr["lost_x"])]
    lost_out = [tuple(ij) for ij in np.argwhere(pr["lost_y"])]
    want = {**{n: pr["truth"][n] for n in names},
            **{key("X", r, c, one_d): x[r, c] for r, c in lost_in},
            **{key("Y", i, j, one_d): y[i, j] for i, j in lost_out}}
    if not want:  # nothing unknown: the one answer is that the data check
        assert got == {"check": "nothing is unknown: every window checks"}
        return
    assert set(got) == set(want)
    for k_, value in got.items():  # determined ⇒ true
        assert value is None or value == want[k_], (k_, value, want[k_])

    # Plug the answers back into the oracle (undetermined → nan, which spreads).
    xh = x.astype(float)
    for r, c in lost_in:
        v = got[key("X", r, c, one_d)]
        xh[r, c] = np.nan if v is None else float(v)
    kh = np.array([[(np.nan if got[e] is None else float(got[e])) if isinstance(e, str) else e
                    for e in row] for row in pr["kernel"]], dtype=float)
    bh = (np.nan if got["z"] is None else float(got["z"])) if pr["bias"] == "z" else pr["bias"]
    with np.errstate(invalid="ignore"):
        yh = correlate(xh, np.nan_to_num(kh, nan=np.nan), bh, pr["stride"], pr["ph"], pr["pw"])
    for (i, j), value in np.ndenumerate(yh):
        if np.isnan(value):
            continue
        if pr["lost_y"][i, j]:
            assert got[key("Y", i, j, one_d)] == value  # computable ⇒ answered
        else:
            assert value == y[i, j]

    # Linear problems: the rank test decides what is determined; the solver must agree.
    if not any(product_taps(pr, i, j) for i, j in np.argwhere(~pr["lost_y"])):
        unknowns = [*sorted(names), *lost_in]
        m, _ = window_matrix(pr, unknowns)
        rows = m[~pr["lost_y"]]
        for n, u in enumerate(unknowns):
            k_ = u if isinstance(u, str) else key("X", *u, one_d)
            e = np.zeros(len(unknowns))
            e[n] = 1
            assert (got[k_] is not None) == determined(rows, e), k_
        for i, j in lost_out:
            if not product_taps(pr, i, j):  # else the window is not linear in the unknowns
                assert (got[key("Y", i, j, one_d)] is not None) == \
                    determined(rows, m[i, j]), (i, j)

    check_reasons(pr, got, one_d, names, lost_in)


def taps(pr: dict, i: int, j: int) -> list[tuple[object, int, int, bool]]:
    """(weight as written, r, c, inside X) for each tap of window (i, j)."""
    h, w = pr["x"].shape
    out = []
    for u, row in enumerate(pr["kernel"]):
        for v, weight in enumerate(row):
            r, c = pr["stride"] * i + u - pr["ph"], pr["stride"] * j + v - pr["pw"]
            out.append((weight, r, c, 0 <= r < h and 0 <= c < w))
    return out


def product_taps(pr: dict, i: int, j: int) -> bool:
    """Whether window (i, j) multiplies a named weight by a lost input."""
    return any(isinstance(wt, str) and inside and pr["lost_x"][r, c]
               for wt, r, c, inside in taps(pr, i, j))


def involved(pr: dict, got: dict, one_d: str | None) -> set[str]:
    """The undetermined keys that some known window's equation still involves, once every
    determined value is substituted: a weight over a non-zero (or open) input, an input
    under a non-zero (or open) weight, an open bias."""
    out: set[str] = set()
    open_ = lambda k: got.get(k, 0) is None  # noqa: E731
    for i, j in np.argwhere(~pr["lost_y"]):
        if pr["bias"] == "z" and open_("z"):
            out.add("z")
        coef: dict[str, float] = {}  # a weight's coefficient: the sum of its known inputs
        for wt, r, c, inside in taps(pr, i, j):
            xk = key("X", r, c, one_d) if inside and pr["lost_x"][r, c] else None
            x = 0 if not inside else pr["x"][r, c] if xk is None else got[xk]
            if isinstance(wt, str) and open_(wt):
                if x is None:  # an open weight on an open input: both are involved
                    out.add(wt)
                else:
                    coef[wt] = coef.get(wt, 0) + x
            w_zero = (not isinstance(wt, str) and wt == 0) or \
                (isinstance(wt, str) and got[wt] == 0)
            if xk is not None and open_(xk) and not w_zero:
                out.add(xk)
        out.update(n for n, c in coef.items() if c != 0)
    return out


def named(subject: str) -> list[str] | None:
    """The keys listed in `a, b and X[2]`; None when the list is cut short (… N more)."""
    if " more" in subject:
        return None
    return [k for part in subject.split(", ") for k in part.split(" and ")]


def check_reasons(pr: dict, got: dict, one_d: str | None, names: set, lost_in: list) -> None:
    from_relations: dict[str, int] = {}
    from_reasons: dict[str, int] = {}
    live = involved(pr, got, one_d)
    warnings = solve_warnings(pr)
    for w in warnings:
        assert "the data do not fix" not in w
        m = re.match(r"(.*?) (?:is|are) not determined(?:, nor (?:is|are) (.*?))? \(step \d+\): "
                     r"only ", w)
        if m:
            for part in filter(None, m.groups()):
                for k in named(part) or []:
                    assert k in live, (k, w)
                    from_relations[k] = from_relations.get(k, 0) + 1
            continue
        m = re.match(r"(.*?) (?:is|are) not determined: (?:no window|every window|no output|"
                     r"in every window)", w)
        if m:
            for k in named(m.group(1)) or []:
                assert k not in live, (k, w)
                from_reasons[k] = from_reasons.get(k, 0) + 1
    if len(warnings) < 8 and not any(" more" in w for w in warnings):
        for k in [*names, *(key("X", r, c, one_d) for r, c in lost_in)]:
            counted = from_relations.get(k, 0) + from_reasons.get(k, 0)
            assert counted == (1 if got[k] is None else 0), (k, warnings)


def solve_warnings(pr: dict) -> tuple[str, ...]:
    return solve(load_string(spec_text(pr), "random.yaml")).warnings
