"""The data of a backprop problem as its question sheet shows it: the model's lines as math,
a table of the layers' shapes, the given values and the starting parameters."""

from __future__ import annotations

from examsolve.autodiff.parse import Apply, Ref, shape_text
from examsolve.derivation import Step, StepBuilder
from examsolve.kinds.backprop.graph import graph_chart
from examsolve.kinds.backprop.model import BackpropSpec
from examsolve.kinds.backprop.notation import expr_display, symbol
from examsolve.mathmodel import mat


def question(spec: BackpropSpec) -> tuple[Step, ...]:
    """The model, one equation a line (class labels as the spec names them), its shapes, the
    given values and the parameters, and what the gradients are taken of."""
    shapes = {name: (len(m), len(m[0])) for name, m in spec.leaves}
    shapes.update({line.name: line.shape for line in spec.lines})
    model = StepBuilder("The model")
    for line in spec.lines:
        model.eq(symbol(line.name), expr_display(line.expr, class_text=_class_text(spec)))
    model.table(["name", "shape", "what"],
                [[symbol(name), shape_text(shapes[name]), what]
                 for names, what in ((spec.given, "given"), (spec.parameters, "parameter"))
                 for name, _ in names] +
                [[symbol(line.name), shape_text(line.shape), "computed"] for line in spec.lines])
    graph = graph_chart(spec)  # the inputs' values only: nothing computed
    if graph is not None:
        model.figure("", chart=graph)
    values = StepBuilder("The values")
    for name, matrix in spec.leaves:
        values.eq(symbol(name), _value(matrix))
    for name, labels in spec.classes:
        values.say("The classes of ", symbol(name), ": " + ", ".join(f"`{c}`" for c in labels)
                   + ".")
    if spec.loss is None:  # a forward-only question: no loss, no gradients
        values.say("Evaluate the model forward.")
        return model.build(), values.build()
    wrt = [symbol(name) for name in spec.wrt]
    values.say("The loss is ", symbol(spec.loss),
               "; gradients are taken with respect to ",
               *[part for k, w in enumerate(wrt) for part in ((", ",) * bool(k) + (w,))], ".")
    return model.build(), values.build()


def _class_text(spec: BackpropSpec):  # type: ignore[no-untyped-def]
    """A class option as the spec wrote it: its name from `classes`, else its index."""
    def text(expr: Apply) -> str:
        cls = int(expr.option("cls"))  # type: ignore[call-overload]
        target = expr.args[0]
        names = spec.class_names(target.name) if isinstance(target, Ref) else None
        return names[cls] if names else str(cls + spec.common.indexing)
    return text


def _value(matrix: tuple) -> object:
    if len(matrix) == 1 and len(matrix[0]) == 1:
        return matrix[0][0]
    return mat(matrix)
