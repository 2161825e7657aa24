"""Run every bench/bench_*.py (each has main() printing its figures) — `make bench`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    only = sys.argv[1:]
    for path in sorted(HERE.glob("bench_*.py")):
        if only and not any(name in path.stem for name in only):
            continue
        print(f"== {path.stem}")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        module.main()


if __name__ == "__main__":
    main()
