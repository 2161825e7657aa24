"""The architecture kind: output shapes, parameter counts, MACs and receptive fields of a layer
stack, written in YAML or pasted as PyTorch/Keras code (read with `ast`, never executed).

The kind's cheap face (see examsolve.kinds): SUMMARY and KEYS only.
"""

from __future__ import annotations

SUMMARY = ("Output shapes, parameters, MACs and receptive fields of a layer stack "
           "(YAML or PyTorch/Keras code)")
KEYS: tuple[str, ...] = ("framework", "input", "layers", "code", "constraints")
