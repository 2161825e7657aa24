"""Small helpers the kinds' `vary.py` hooks share: nice learning rates, answers by key."""

from __future__ import annotations

from fractions import Fraction

from examsolve.derivation import Derivation


def terminates(value: Fraction) -> bool:
    """Whether value's decimal expansion ends (its denominator has no prime but 2 and 5)."""
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def decimal_text(value: Fraction) -> str:
    """A rate as an exam writes it: `0.05` when it terminates, `1/3` otherwise."""
    if not terminates(value):
        return str(value)
    text = f"{float(value):.10f}".rstrip("0").rstrip(".")
    return text


def rates_near(lr: object) -> list[str]:
    """Learning rates an exam would pick near `lr`: half, three quarters, itself, one and
    a quarter, one and a half, double — each written as a decimal where it terminates."""
    lr = Fraction(str(lr)) if isinstance(lr, float) else Fraction(lr)  # type: ignore[arg-type]
    return [decimal_text(lr * Fraction(k, 4)) for k in (2, 3, 4, 5, 6, 8)]


def same_answers(keys: tuple[str, ...]):
    """A rule: the answers named `keys` are the original's, where the original has them."""
    def rule(_o: object, original: Derivation, _c: object, candidate: Derivation) -> bool:
        a, b = original.answer_map(), candidate.answer_map()
        return all(a[k] == b.get(k) for k in keys if k in a)
    rule.__doc__ = f"the answers {', '.join(keys)} are the original's"
    return rule
