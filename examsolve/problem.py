"""Loading a spec file into a typed problem: the shared keys, then the kind's own.

load → solve → render: this module is the first arrow. `solve` dispatches on `kind` through
the one registry in `examsolve.kinds`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from examsolve.derivation import Derivation
from examsolve.errors import SpecError
from examsolve.marks import MarkSpec, attach, read as read_marks
from examsolve.spec import SpecNode, compose_file, compose_text
from examsolve.spec.common import COMMON_KEYS, DEFAULT_TOLERANCE, Common
from examsolve.wording import did_you_mean, hint


@dataclass(frozen=True)
class Problem:
    """A loaded spec: the shared keys and the kind's frozen spec."""

    common: Common
    spec: Any
    marks: MarkSpec = MarkSpec()  # `marks:` and `parts:`, attached to the derivation

    @property
    def file(self) -> str:
        return self.common.file


def read_common(node: SpecNode) -> Common:
    from examsolve.kinds import KINDS

    _misspelt_required(node, "kind")
    kind_node = node["kind"]
    kind = kind_node.string().strip()
    if kind not in KINDS:
        known = f"; known kinds: {', '.join(KINDS)}"
        raise kind_node.error(f"unknown kind '{kind}'{hint(kind, KINDS, known)}")
    _misspelt_required(node, "title")
    title = node["title"].string().strip()
    if not title:
        raise node["title"].error("the title is blank; give the problem a title")
    source = node["source"].string().strip() if "source" in node else None
    statement = node["statement"].string().strip() if "statement" in node else None
    indexing = 1
    if "indexing" in node:
        indexing = node["indexing"].integer()
        if indexing not in (0, 1):
            raise node["indexing"].error(f"expected 0 or 1, got {indexing}")
    tolerance = DEFAULT_TOLERANCE
    if "tolerance" in node:
        tolerance = float(node["tolerance"].number())
        if not tolerance >= 0:
            raise node["tolerance"].error("expected a tolerance ≥ 0")
    expected: tuple[tuple[str, SpecNode], ...] = ()
    if "expected" in node:
        exp_node = node["expected"]
        if not exp_node.is_mapping:
            raise exp_node.error(f"expected a mapping of answer keys to values, got "
                                 f"{exp_node.type_name}")
        exp_node.check_keys([k for k in exp_node.keys()])  # duplicates only
        expected = tuple(exp_node.items())
    return Common(file=node.file, kind=kind, title=title, source=source, statement=statement,
                  indexing=indexing, tolerance=tolerance, expected=expected)


def _misspelt_required(node: SpecNode, required: str) -> None:
    """A misspelt required key (`titel:`) is named at its own line with the key it
    resembles, rather than "missing required key 'title'" at line 1."""
    if required in node:
        return
    for key, child in node.items():
        if did_you_mean(key.lower(), [required], cutoff=0.75):
            line = next(k.start_mark.line + 1 for k, _ in node.node.value if k.value == key)
            raise child.error(f"unknown key '{key}'; did you mean '{required}'?", line,
                              child.path)


def load_node(node: SpecNode) -> Problem:
    from examsolve import kinds

    common = read_common(node)
    keys = kinds.kind(common.kind).KEYS
    # Marks are `points:` (issue 15's name) wherever `points` is not the kind's own data
    # (classifier-design and perceptron read labelled points there); `marks:` works everywhere.
    marks_key = "points" if "points" not in keys and "marks" not in node else "marks"
    node.check_keys([*COMMON_KEYS, *keys, *(("points",) if marks_key == "points" else ())],
                    required=("kind", "title"))
    return Problem(common, kinds.load(common.kind, node, common), read_marks(node, marks_key))


def load(path: str | Path) -> Problem:
    """Parse and validate one spec file (SpecError on any bad input)."""
    return load_node(compose_file(Path(path)))


def load_string(text: str, file: str = "<spec>") -> Problem:
    return load_node(compose_text(text, file))


def solve(problem: Problem) -> Derivation:
    from examsolve import kinds

    return attach(kinds.solve(problem.common.kind, problem.spec), problem.marks)


def spec_files(paths: list[Path]) -> list[Path]:
    """Files as given, folders expanded to their *.yaml/*.yml specs in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir()
                           if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise SpecError("no *.yaml or *.yml specs in this folder", str(path))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise SpecError("no such file or folder", str(path))
    return files


def examples_dir() -> Path | None:
    """The examples shipped with examsolve: the checkout's problems/ or the installed copy."""
    import sys

    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "problems",
                      Path(sys.prefix) / "share" / "examsolve" / "problems"):
        if candidate.is_dir():
            return candidate
    return None
