"""The registry of problem kinds: one package per kind, one line each here.

Each kind is a package `examsolve/kinds/<kind>/`. Its `__init__.py` is the cheap face, the
`Kind` contract below: `SUMMARY` (one line for `examsolve kinds`) and `KEYS` (the spec keys
it reads besides the shared ones). Inside it the same file names do the same jobs:
`spec.py` has `load(node, common) -> spec` (validate into a frozen dataclass), `solve.py`
has `solve(spec) -> Derivation` (pure: no printing, no files), `notation.py` says how the
kind writes its symbols, the other modules are named after their math or are narration,
and `template.yaml` is what `examsolve new KIND` writes.

A kind may also have `question.py` with `question(spec) -> tuple[Step, ...]`: the problem's
data as a question sheet shows it (matrices, points, model lines as math), nothing solved.
A kind without one gets the statement alone on the sheet (`examsolve.questions`). And it
may have `vary.py`: what `examsolve vary` changes by default and the kind's niceness rules
(`variation`, read by examsolve.vary).

`kinds`, `list`, `new` and the loader's "unknown kind, did you mean …" all read KINDS. The
registry names packages rather than importing them: `kind`, `load` and `solve` import a package on
first use, so `examsolve run` pays start-up only for the kind it solves.
"""

from __future__ import annotations

import importlib
import sys
import types
import importlib.util
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from examsolve.derivation import Derivation, Step
    from examsolve.spec.common import Common
    from examsolve.spec import SpecNode

KINDS: dict[str, str] = {
    "conv-recovery": "examsolve.kinds.conv_recovery",
    "backprop": "examsolve.kinds.backprop",
    "classifier-design": "examsolve.kinds.classifier_design",
    "softmax-regression": "examsolve.kinds.softmax_regression",
    "complexity-curve": "examsolve.kinds.complexity_curve",
    "perceptron": "examsolve.kinds.perceptron",
    "architecture": "examsolve.kinds.architecture",
    "error-surface": "examsolve.kinds.error_surface",
    "optimizer": "examsolve.kinds.optimizer",
}


class Kind(Protocol):
    """What a kind package's `__init__.py` provides: the cheap face `kinds` and `list` read."""

    SUMMARY: str
    KEYS: tuple[str, ...]


def kind(name: str) -> Kind:
    """The package of kind `name` (a key of KINDS): SUMMARY and KEYS, nothing heavy."""
    return importlib.import_module(KINDS[name])  # type: ignore[return-value]


def load(name: str, node: SpecNode, common: Common) -> Any:
    """Validate a spec of kind `name` into its frozen dataclass (the kind's `spec.load`)."""
    return importlib.import_module(f"{KINDS[name]}.spec").load(node, common)


def solve(name: str, spec: Any) -> Derivation:
    """Solve a loaded spec of kind `name` (the kind's `solve.solve`: pure, no printing)."""
    return importlib.import_module(f"{KINDS[name]}.solve").solve(spec)


def summaries() -> dict[str, str]:
    """Every kind and its one line on what it solves (`examsolve kinds`)."""
    return {name: kind(name).SUMMARY for name in KINDS}


class _CallableRegistry(types.ModuleType):
    """`examsolve.kinds` is this package (Python binds a subpackage to its parent's
    attribute on import), and the Python API promises `examsolve.kinds()` → summaries; so
    calling the package is calling `summaries`."""

    def __call__(self) -> dict[str, str]:
        return summaries()


sys.modules[__name__].__class__ = _CallableRegistry


def question(name: str, spec: Any) -> tuple[Step, ...] | None:
    """The data of a loaded spec as its question sheet shows it (the kind's optional
    `question.question`: pure, nothing of the solution), or None for a kind without one."""
    module = f"{KINDS[name]}.question"
    if importlib.util.find_spec(module) is None:
        return None
    return importlib.import_module(module).question(spec)


def variation(name: str) -> Any:
    """The kind's optional `vary.py` hooks for `examsolve vary` (`plan(spec)`, the keys and
    modes that vary by default; optional RULES, PRECHECK, `explicit(spec)`, `fixed(spec)`;
    see examsolve.vary), or None for a kind without one."""
    module = f"{KINDS[name]}.vary"
    if importlib.util.find_spec(module) is None:
        return None
    return importlib.import_module(module)


def template(name: str) -> Traversable:
    """The commented template `examsolve new KIND` writes (the kind's `template.yaml`)."""
    return files(KINDS[name]).joinpath("template.yaml")
