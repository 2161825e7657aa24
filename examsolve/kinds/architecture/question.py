"""The data of an architecture problem as its question sheet shows it: the input's shape and
the layer table as written (or the pasted code), and what is asked of it — no shape after
the input, no count."""

from __future__ import annotations

from examsolve.derivation import Cell, Step, StepBuilder
from examsolve.kinds.architecture.layers import Layer
from examsolve.kinds.architecture.spec import ArchSpec


def _text(value: object) -> str:
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_text(v) for v in value) + ")"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(getattr(value, "name", value))


def _options(layer: Layer) -> str:
    return ", ".join(f"{key} {_text(value)}" for key, value in layer.opts)


def _rows(layers: tuple[Layer, ...], prefix: str = "") -> list[list[Cell]]:
    """One row a layer, numbered as the solution numbers them; a block's layers below it,
    numbered within the block (2.1, 2.2, …)."""
    rows: list[list[Cell]] = []
    for k, layer in enumerate(layers, 1):
        number = f"{prefix}{k}"
        what = layer.op + (f" ({layer.name})" if layer.name else "")
        if layer.times > 1:
            what += f" × {layer.times}"
        rows.append([number, what, _options(layer)])
        rows += _rows(layer.body, f"{number}.")
        if layer.shortcut:
            rows.append([f"{number}.s", "shortcut", ""])
            rows += _rows(layer.shortcut, f"{number}.s.")
    return rows


def question(spec: ArchSpec) -> tuple[Step, ...]:
    """The input, the layers (or the code), the constraints."""
    step = StepBuilder("The network")
    stack = spec.stack
    framework = {"pytorch": "PyTorch", "keras": "Keras"}.get(spec.framework, spec.framework)
    if stack.input is not None:
        step.say(f"A {framework} network; one example's input has shape "
                 f"{' × '.join(_text(v) for v in stack.input)} (no batch axis).")
    else:
        step.say(f"A {framework} network.")
    if spec.code is not None:
        step.code(spec.code.rstrip(), "python")
    else:
        step.table(["#", "layer", "options"], _rows(stack.layers))
    for c in spec.constraints:
        step.say(f"The network has {c.key} = {_text(c.value)}.")
    return (step.build(),)
