"""Loading a conv-recovery spec: the grids, the kernel, bias, stride, padding and `find`.

Everything is validated here, once: after `load` the solver trusts the spec. The layer
is the deep-learning convolution (a cross-correlation, no kernel flip):

    Y[i,j] = b + Σ_{u,v} W[u,v] · Xp[s·i + u, s·j + v]      (0-based, Xp = X padded with zeros)

so a kh×kw kernel over an H×W input with stride s and padding p gives
⌊(H + 2p − kh)/s⌋ + 1 rows and ⌊(W + 2p − kw)/s⌋ + 1 columns; any other output shape is
bad input. A problem whose input, kernel and output are each one row (or each one column)
is 1-D: it is padded along its length only and its answer keys are `X[i]`, `Y[i]`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from examsolve.errors import SpecError
from examsolve.spec.common import Common
from examsolve.spec import NAME_RE, UNKNOWN, Grid, SpecNode
from examsolve import wording


Value = Fraction | None  # None: lost in the channel (`?`)
Weight = Fraction | str  # a number, or the name of a (possibly tied) parameter


@dataclass(frozen=True)
class ConvSpec:
    """A validated conv-recovery problem, always stored as 2-D (a 1-D problem is one row)."""

    common: Common
    x: tuple[tuple[Value, ...], ...]
    y: tuple[tuple[Value, ...], ...]
    kernel: tuple[tuple[Weight, ...], ...]
    bias: Weight
    stride: int
    padding: tuple[int, int]  # zeros added above/below and left/right
    padding_same: bool  # written as "same"
    one_d: bool
    find: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The parameters: kernel names in reading order, then the bias name."""
        seen: list[str] = []
        for row in self.kernel:
            for w in row:
                if isinstance(w, str) and w not in seen:
                    seen.append(w)
        if isinstance(self.bias, str):
            seen.append(self.bias)
        return tuple(seen)

    def input_key(self, r: int, c: int) -> str:
        return _key("X", r, c, self.one_d, self.common.indexing)

    def output_key(self, i: int, j: int) -> str:
        return _key("Y", i, j, self.one_d, self.common.indexing)

    def answer_keys(self) -> list[str]:
        """Every answer this problem produces, in the order the derivation finds them."""
        keys = list(self.names)
        keys += [self.input_key(r, c) for r, row in enumerate(self.x)
                 for c, v in enumerate(row) if v is None]
        keys += [self.output_key(i, j) for i, row in enumerate(self.y)
                 for j, v in enumerate(row) if v is None]
        return keys


def _key(letter: str, r: int, c: int, one_d: bool, base: int) -> str:
    return f"{letter}[{c + base}]" if one_d else f"{letter}[{r + base},{c + base}]"


# Limits (docs/kinds/conv-recovery.md), counted before any number is read: 256×256 solves in
# about 2 s; 2000×2000 took 95 s and 3 GB.
MAX_GRID_ENTRIES = 65_536  # input, output
MAX_KERNEL_ENTRIES = 1_024
MAX_PADDING = 32
MAX_STRIDE = 256


def load(node: SpecNode, common: Common) -> ConvSpec:
    """Validate a conv-recovery spec into a ConvSpec (SpecError with file:line: path)."""
    x_node, y_node, k_node = node["input"], node["output"], node["kernel"]
    for what, n, limit in (("input", x_node, MAX_GRID_ENTRIES),
                           ("output", y_node, MAX_GRID_ENTRIES),
                           ("kernel", k_node, MAX_KERNEL_ENTRIES)):
        if n.entry_count() > limit:
            raise n.error(f"the {what} has {n.entry_count():,} entries; at most {limit:,}")
    x_grid = x_node.grid(unknown=True)
    y_grid = y_node.grid(unknown=True)
    k_grid = k_node.grid(names=True)
    for grid, n in ((x_grid, x_node), (y_grid, y_node), (k_grid, k_node)):
        _require_finite(grid, n)
    bias = _bias(node.get("bias"))
    stride = node["stride"].integer(minimum=1, maximum=MAX_STRIDE) if "stride" in node else 1

    one_d = _is_1d(x_grid, y_grid, k_grid)
    x, y, kernel = (_rows(g, one_d) for g in (x_grid, y_grid, k_grid))
    kernel_names = {w for row in kernel for w in row if isinstance(w, str)}
    if isinstance(bias, str) and bias in kernel_names:
        raise node["bias"].error(f"the bias name '{bias}' is also a kernel entry; "
                                 "give the bias its own name")
    padding, same = _padding(node.get("padding"), kernel, stride, one_d)
    hint = _flat_hint({"input": x_grid, "output": y_grid, "kernel": k_grid}, one_d)
    _check_shapes(x, y, kernel, stride, padding, one_d, y_node, k_node, hint)
    spec = ConvSpec(common, tuple(tuple(None if v is UNKNOWN else v for v in r) for r in x),
                    tuple(tuple(None if v is UNKNOWN else v for v in r) for r in y),
                    kernel, bias, stride, padding, same, one_d, ())
    find = _find(node.get("find"), spec)
    return ConvSpec(**{**spec.__dict__, "find": find})


def _require_finite(grid: Grid, node: SpecNode) -> None:
    """nan and ±inf (`.nan`, `inf`, …) parse as floats: refused at their own entry."""
    for r, row in enumerate(grid.rows):
        for c, v in enumerate(row):
            if isinstance(v, float):
                raise _entry_error(node, grid, r, c, f"expected a finite number, got {v}")


def _entry_error(node: SpecNode, grid: Grid, r: int, c: int, message: str) -> SpecError:
    """The error for entry (r, c) of a grid, at that entry's line and path (`input[2][4]`,
    1-based like SpecNode.grid's own errors). A block string's rows are found as grid()
    reads them: one per non-blank line, or split by `;` when written on one line."""
    if node.is_sequence:
        items = node.seq()
        return (items[r] if grid.flat else items[r].seq()[c]).error(message)
    if not (node.is_scalar and isinstance(node.node.value, str)) or grid.scalar:
        return node.error(message)
    text: str = node.node.value
    first = node.line + 1 if node.node.style in ("|", ">") else node.line
    lines = text.split("\n")
    if len([ln for ln in lines if ln.split("#")[0].strip()]) <= 1:
        numbered = [(first, part) for part in text.split("#")[0].split(";")]
    else:
        numbered = [(first + k, ln) for k, ln in enumerate(lines)]
    rows = [n for n, ln in numbered if ln.split("#")[0].strip()]
    return SpecError(message, node.file, rows[r], f"{node.path}[{r + 1}][{c + 1}]")


def _bias(node: SpecNode | None) -> Weight:
    if node is None:
        return Fraction(0)
    if node.is_unknown_mark:
        raise node.error("an unknown bias needs a name, e.g. `bias: b`")
    if node.is_scalar and node.node.tag == "tag:yaml.org,2002:str" and \
            NAME_RE.match(node.node.value.strip()):
        return node.node.value.strip()
    value = node.number()
    if isinstance(value, float):
        raise node.error(f"expected a finite number or a name, got {value}")
    return value


def _is_1d(x: Grid, y: Grid, k: Grid) -> bool:
    grids = (x, y, k)
    return all(g.shape[0] == 1 for g in grids) or all(g.shape[1] == 1 for g in grids)


def _rows(grid: Grid, one_d: bool) -> tuple[tuple, ...]:
    """A 1-D problem written as columns becomes one row."""
    if one_d and grid.shape[0] != 1:
        return (tuple(r[0] for r in grid.rows),)
    return grid.rows


def _padding(node: SpecNode | None, kernel: tuple, stride: int,
             one_d: bool) -> tuple[tuple[int, int], bool]:
    if node is None:
        return (0, 0), False
    if node.is_scalar and node.node.tag == "tag:yaml.org,2002:str" and \
            node.node.value.strip() == "same":
        kh, kw = len(kernel), len(kernel[0])
        if stride != 1:
            raise node.error(f'padding "same" needs stride 1, got stride {stride}')
        if kw % 2 == 0 or (not one_d and kh % 2 == 0):
            size = str(kw) if one_d else f"{kh}×{kw}"
            raise node.error(f'padding "same" needs an odd kernel size, got {size}')
        return (0 if one_d else kh // 2, kw // 2), True
    if node.is_scalar and node.node.tag == "tag:yaml.org,2002:str" and \
            not node.node.value.strip().lstrip("-").isdigit():
        raise node.error(f"expected a whole number ≥ 0 or \"same\", got '{node.node.value}'")
    p = node.integer(minimum=0, maximum=MAX_PADDING)
    return (0 if one_d else p, p), False


def _shape_text(rows: int, cols: int, one_d: bool) -> str:
    return f"length {cols}" if one_d else f"{rows}×{cols}"


def _check_shapes(x: tuple, y: tuple, kernel: tuple, stride: int, padding: tuple[int, int],
                  one_d: bool, y_node: SpecNode, k_node: SpecNode, hint: str = "") -> None:
    """Output shape = ⌊(n + 2p − k)/s⌋ + 1 along each axis, else bad input (`hint` ends the
    message: how flat lists were read)."""
    (h, w), (kh, kw), (oh, ow) = ((len(g), len(g[0])) for g in (x, kernel, y))
    ph, pw = padding
    what = (f"a {_shape_text(kh, kw, one_d)} kernel with stride {stride} and padding "
            f"{pw if one_d else ph if ph == pw else padding}")
    if h + 2 * ph < kh or w + 2 * pw < kw:
        raise k_node.error(f"{what} does not fit in the {_shape_text(h, w, one_d)} input"
                           + hint)
    want = ((h + 2 * ph - kh) // stride + 1, (w + 2 * pw - kw) // stride + 1)
    if (oh, ow) != want:
        raise y_node.error(f"the output is {_shape_text(oh, ow, one_d)}, but {what} over the "
                           f"{_shape_text(h, w, one_d)} input gives "
                           f"{_shape_text(*want, one_d)}{hint}")


def _flat_hint(grids: dict[str, Grid], one_d: bool) -> str:
    """When a flat list meets a grid written otherwise, say that it was read as a column
    (`output: [3, 5]` is 2×1) and how to write it as a row."""
    flat = [(k, [row[0] for row in g.rows]) for k, g in grids.items() if g.flat]
    if one_d or not flat:
        return ""

    def listed(values: list, brackets: str) -> str:  # type: ignore[type-arg]
        body = ", ".join("?" if v is UNKNOWN else str(v) for v in values[:6])
        return brackets[:len(brackets) // 2] + body + (", …" if len(values) > 6 else "") \
            + brackets[len(brackets) // 2:]

    shapes = join_and([f"{k}: {listed(v, '[]')} is {len(v)}×1" for k, v in flat])
    rows = ", ".join(f"{k}: {listed(v, '[[]]')}" for k, v in flat)
    return (f" (a flat list is a column vector, so {shapes}; write "
            f"{'the row' if len(flat) == 1 else 'rows'} as {rows})")


def join_and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _normal_key(text: str) -> str:
    return "".join(text.split())


def _find(node: SpecNode | None, spec: ConvSpec) -> tuple[str, ...]:
    """`find` names answers to put first: parameters, lost inputs X[..], lost outputs Y[..]."""
    if node is None:
        return ()
    items = node.seq() if node.is_sequence else [node]
    keys = spec.answer_keys()
    found: list[str] = []
    for item in items:
        if not item.is_scalar or item.is_null:
            raise item.error(f"expected an answer key such as e or \"X[4,1]\", got "
                             f"{item.type_name}")
        key = _normal_key(item.node.value)
        if key not in keys:
            raise item.error(_not_an_unknown(key, spec, keys))
        if key not in found:
            found.append(key)
    return tuple(found)


def _not_an_unknown(key: str, spec: ConvSpec, keys: list[str]) -> str:
    base = spec.common.indexing
    for letter, grid in (("X", spec.x), ("Y", spec.y)):
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                if v is not None and key == _key(letter, r, c, spec.one_d, base):
                    return f"'{key}' is given ({key} = {v}), not an unknown"
    more = wording.hint(key, keys, f"; the unknowns are: {', '.join(keys[:12])}"
                           f"{' …' if len(keys) > 12 else ''}")
    if "[" in key and base == 1 and key.endswith("]") and "0" in key.split("[")[1]:
        more += " (indices count from 1 here; set `indexing: 0` to count from 0)"
    return f"'{key}' is not an unknown of this problem{more}"


def lcm_of_denominators(values) -> int:  # type: ignore[no-untyped-def]
    """The least common multiple of the denominators of some Fractions (1 for none)."""
    out = 1
    for d in {v.denominator for v in values}:
        out = out * d // math.gcd(out, d)
    return out
