"""examsolve: solve deep-learning exam problems from YAML specs, with derivations.

The Python API (docs/python-api.md)::

    import examsolve
    sol = examsolve.solve("problems/3-backprop-two-headed.yaml")
    sol.answers["L"], sol.check({"L": -2.079}).first_wrong

`solve`, `kinds`, `Solution`, `SpecError` and `numerics` are loaded on first use (PEP 562),
so `import examsolve` — and the CLI's start-up — stays cheap.
"""

__version__ = "0.1.0"

__all__ = ["solve", "kinds", "Solution", "SpecError", "numerics", "__version__"]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name == "kinds":  # the registry package, callable: examsolve.kinds() → summaries
        import importlib

        return importlib.import_module("examsolve.kinds")
    if name in ("solve", "Solution"):
        from examsolve import api

        return getattr(api, name)
    if name == "SpecError":
        from examsolve.errors import SpecError

        return SpecError
    if name == "numerics":
        import importlib

        return importlib.import_module("examsolve.numerics")
    raise AttributeError(f"module 'examsolve' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
