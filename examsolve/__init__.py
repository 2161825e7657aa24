"""examsolve: solve deep-learning exam problems from YAML specs, with derivations."""

__version__ = "0.1.0"
