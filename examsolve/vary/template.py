"""What varies and how it is drawn: the `vary:` modes, and the spec's node tree with the
leaves they change.

A mode, per key (in `vary:` or in a kind's default plan):
- `int` — every whole number under the key drawn from −m..m, m the largest magnitude the
  original has there (at least 1); `int LOW..HIGH` — from LOW..HIGH;
- `size` — a positive size like the original: a power of two ≥ 4 becomes half, itself or
  double, an odd number ≥ 3 one of n − 2, n, n + 2, another even number ≥ 4 half, itself or
  double; 1 and 2 stay;
- a list of values, `[0.1, 0.01]` or `[and, or]` — each scalar under the key one of them;
- a trailing `tied` (`int tied`, `size tied`) draws once per distinct original value, so
  equal entries stay equal, opposite ones opposite and zeros zero; and a tied key keeps its
  original numbers in half the candidates, so that relations across keys survive too
  (problem 3's x₁ + x₂ = x₃ is what makes its four scores tie). The pattern an exam's numbers
  were chosen for — a tie, a dead unit — then comes back often instead of almost never.
Only whole numbers change under `int` and `size`: names, `?`, fractions and words stay.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from fractions import Fraction

import yaml
import yaml.resolver

MAX_RANGE = 10**6
KEEP = 0.5  # how often a tied key keeps the original's numbers
_MODE = re.compile(r"^\s*(int|size)(?:\s+(-?\d+)\s*\.\.\s*(-?\d+))?(\s+tied)?\s*$")
_INT_TOKEN = re.compile(r"(?<![\w./?])(-?\d+)(?![\w./-])")
_INT_TAG = "tag:yaml.org,2002:int"
_UNKNOWN = "{? !!null '' : !!null ''}"  # how yaml writes a flow `?`; read back as unknown
_SKIPPED = ("expected", "vary", "marks", "parts", "statement", "title", "source")
_RESOLVER = yaml.resolver.Resolver()


@dataclass(frozen=True)
class Mode:
    """How one key's numbers are drawn (see the module docstring)."""

    how: str  # "int", "size" or "choice"
    low: int | None = None  # None: the original's magnitude
    high: int | None = None
    choices: tuple[str, ...] = ()  # as YAML writes them
    tied: bool = False

    def describe(self) -> str:
        if self.how == "choice":
            return "one of " + ", ".join(self.choices)
        bounds = f" {self.low}..{self.high}" if self.low is not None else ""
        return f"{self.how}{bounds}{' tied' if self.tied else ''}"


def parse_mode(written: object) -> Mode | str:
    """A Mode from a `vary:` value (a string or a list), or the reason it is not one."""
    if isinstance(written, (list, tuple)):
        if not written or len(written) > 1000:
            return "expected a non-empty list of values"
        return Mode("choice", choices=tuple(value_text(v) for v in written))
    match = _MODE.match(str(written)) if isinstance(written, str) else None
    if not match:
        return f'expected a range like "int -3..3", "size" or a list of values, got {written!r}'
    how, low, high, tied = match.groups()
    if low is not None:
        low_, high_ = int(low), int(high)
        if not -MAX_RANGE <= low_ < high_ <= MAX_RANGE:
            return f"expected low < high within ±{MAX_RANGE}, got {low_}..{high_}"
        if how == "size" and low_ < 1:
            return f"a size is at least 1, got {low_}..{high_}"
        return Mode(how, low_, high_, tied=bool(tied))
    return Mode(how, tied=bool(tied))


def value_text(value: object) -> str:
    """A plan's value as the spec would write it (`1/2`, `0.1`, `and`)."""
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def size_choices(n: int) -> tuple[int, ...]:
    """The sizes `size` draws for an original n (see the module docstring)."""
    if n <= 2:
        return (n,)
    if n % 2:
        return (n - 2, n, n + 2)
    return (n // 2, n, 2 * n)


def find(node: yaml.Node, key: str) -> list[yaml.Node]:
    """Every value node under a mapping key `key` (not inside expected/vary/marks/…)."""
    found: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value in _SKIPPED:
                continue
            if k.value == key:
                found.append(v)
            else:
                found += find(v, key)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            found += find(v, key)
    return found


def _is_block(node: yaml.ScalarNode) -> bool:
    return node.style in ("|", ">") or "\n" in node.value or " " in node.value.strip()


class _Leaf:
    """One scalar that varies: a whole number, any scalar (for a list of choices), or a
    block of rows whose whole-number tokens vary one by one."""

    def __init__(self, node: yaml.ScalarNode, block: bool) -> None:
        self.node, self.block = node, block
        self.parts = _INT_TOKEN.split(node.value) if block else [node.value]
        self.style = node.style

    @property
    def originals(self) -> list[str]:
        return self.parts[1::2] if self.block else self.parts

    def set(self, values: list[str]) -> None:
        if self.block:
            parts = list(self.parts)
            parts[1::2] = values
            self.node.value = _columns("".join(parts))
            return
        self.node.value = values[0]
        self.node.tag = _RESOLVER.resolve(yaml.ScalarNode, values[0], (True, False))
        self.node.style = None if self.node.tag != "tag:yaml.org,2002:str" or \
            not _needs_quotes(values[0]) else '"'


def _columns(block: str) -> str:
    """Rows of a block lined up again in columns (new numbers have new widths), left-aligned
    so that no row starts with a space; a block whose rows differ in length, or that holds a
    comment, stays as it is."""
    rows = [line.split() for line in block.strip("\n").split("\n")]
    if len({len(r) for r in rows}) != 1 or any("#" in t for r in rows for t in r):
        return block
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    lines = ["  ".join(t.ljust(w) for t, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines) + ("\n" if block.endswith("\n") else "")


def _needs_quotes(text: str) -> bool:
    return text != text.strip() or any(c in text for c in ":#{}[],&*!|>'\"%@`") or text == ""


def _leaves(node: yaml.Node, mode: Mode) -> list[_Leaf]:
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _INT_TAG:
            return [_Leaf(node, False)]
        if _is_block(node):
            return [_Leaf(node, True)] if _INT_TOKEN.search(node.value) else []
        if mode.how == "choice" and node.tag != "tag:yaml.org,2002:null" \
                and node.value.strip() != "?":
            return [_Leaf(node, False)]
        return []
    children = node.value if isinstance(node, yaml.SequenceNode) else \
        [v for _, v in node.value] if isinstance(node, yaml.MappingNode) else []
    return [leaf for child in children for leaf in _leaves(child, mode)]


class _Group:
    """The leaves of one key and the mode they are drawn in."""

    def __init__(self, leaves: list[_Leaf], mode: Mode) -> None:
        self.leaves, self.mode = leaves, mode
        ints = [abs(int(t)) for leaf in leaves for t in leaf.originals if _is_int(t)]
        m = max(ints + [1])
        self.low, self.high = (mode.low, mode.high) if mode.low is not None else (-m, m)

    def _one(self, original: str, rng: random.Random) -> str:
        mode = self.mode
        if mode.how == "choice":
            return rng.choice(mode.choices)
        if not _is_int(original):
            return original
        if mode.how == "size":
            n = int(original)
            if mode.low is not None:
                return str(rng.randint(self.low, self.high))
            return str(rng.choice(size_choices(n))) if n >= 1 else original
        return str(rng.randint(self.low, self.high))

    def _tied(self, original: str, rng: random.Random, drawn: dict[str, str]) -> str:
        if self.mode.how != "int" or not _is_int(original):
            if original not in drawn:
                drawn[original] = self._one(original, rng)
            return drawn[original]
        n = int(original)
        if n == 0:
            return "0"
        key = str(abs(n))
        if key not in drawn:
            nonzero = [v for v in range(max(self.low, -MAX_RANGE), self.high + 1) if v] \
                if self.high - self.low <= 10_000 else None
            drawn[key] = str(rng.choice(nonzero) if nonzero else rng.randint(1, self.high))
        value = int(drawn[key])
        return str(value if n > 0 else -value)

    def draw(self, rng: random.Random) -> None:
        drawn: dict[str, str] = {}
        if self.mode.tied and rng.random() < KEEP:
            for leaf in self.leaves:
                leaf.set(leaf.originals)
            return
        for leaf in self.leaves:
            leaf.set([self._tied(t, rng, drawn) if self.mode.tied else self._one(t, rng)
                      for t in leaf.originals])


def _is_int(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+", text.strip()))


class Template:
    """The spec's node tree, composed once, with the leaves `plan` varies: each `draw` gives
    them new values in place; `root` loads as a spec as it stands, `text` writes it out
    (comments, the expected answers and a statement that writes numbers dropped: they were
    about the old numbers). `extra` writes out defaults the original leaves implicit
    (a perceptron's zero start weights) so that they can vary."""

    def __init__(self, text: str, plan: dict[str, Mode], extra: dict[str, object]) -> None:
        self.root = yaml.compose(text)
        present = {k.value for k, _ in self.root.value}
        for key, value in extra.items():
            if key not in present:
                added = yaml.compose(yaml.safe_dump({key: value}, default_flow_style=True))
                self.root.value += added.value
        self.groups: list[_Group] = []
        for key, mode in plan.items():
            leaves = [leaf for target in find(self.root, key) for leaf in _leaves(target, mode)]
            if leaves:
                self.groups.append(_Group(leaves, mode))
        # A statement that writes numbers would still state the original's: left out.
        self.root.value = [(k, v) for k, v in self.root.value
                           if k.value not in ("expected", "vary") and not (
                               k.value == "statement" and _INT_TOKEN.search(v.value))]

    def values(self) -> tuple[str, ...]:
        """What varies, as it stands: two draws with equal values are the same variant."""
        return tuple(leaf.node.value for group in self.groups for leaf in group.leaves)

    def text(self) -> str:
        return yaml.serialize(self.root, allow_unicode=True, width=100).replace(_UNKNOWN,
                                                                                '"?"')

    def draw(self, rng: random.Random) -> tuple[str, ...]:
        for group in self.groups:
            group.draw(rng)
        return self.values()
