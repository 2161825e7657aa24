"""Reading specs: YAML nodes that remember their line and path (node.py), the matrix
notations every kind accepts (grid.py). Errors read `file:line: path: message`."""

from examsolve.spec.grid import NAME_RE, UNKNOWN, Entry, Grid
from examsolve.spec.node import SpecNode, compose_file, compose_text

__all__ = ["NAME_RE", "UNKNOWN", "Entry", "Grid", "SpecNode", "compose_file", "compose_text"]
