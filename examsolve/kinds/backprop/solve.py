"""Orchestration of the backprop kind: evaluate, differentiate, check, explain."""

from __future__ import annotations

from examsolve.derivation import Derivation
from examsolve.kinds.backprop.model import BackpropSpec


def solve(spec: BackpropSpec) -> Derivation:
    """Forward, loss, backward (exact where possible), the ReLU'(0) note, the FD check."""
    import numpy as np

    from examsolve.errors import UnsolvableError
    from examsolve.autodiff import engine as eng
    from examsolve.kinds.backprop.finite_differences import (finite_differences, other_convention,
                                                  plain_differences)
    from examsolve.kinds.backprop.explain import explain
    from examsolve.kinds.backprop.model import evaluate, leaf_arrays

    ctx = eng.Context(exact=spec.exact, relu_grad_at_zero=spec.relu_grad_at_zero)
    floats = None if spec.exact else leaf_arrays(spec, exact=False)
    try:
        ev = evaluate(spec, floats or leaf_arrays(spec, exact=True), ctx)
        if spec.loss is None:  # a forward pass only: nothing to differentiate or check
            return explain(spec, ev, {}, None, None, None)
        loss = ev.named[spec.loss]
        if not np.isfinite(float(loss.value[0, 0])):
            raise eng.DomainError(f"the loss {spec.loss} is {float(loss.value[0, 0])}")
        eng.backward(ctx, loss)
    except eng.DomainError as exc:
        raise UnsolvableError(f"{spec.common.file}: the model is undefined on these numbers "
                              f"({exc})") from None
    except OverflowError:  # an exact value too large for the float64 that exp/log need
        raise UnsolvableError(f"{spec.common.file}: a value of the model exceeds float64's "
                              "range (|x| > 1.8e308) on these numbers") from None
    except ValueError as exc:  # math.log of an exact value that underflows float64 to 0
        if "math domain error" not in str(exc):
            raise
        raise UnsolvableError(f"{spec.common.file}: a log's argument is too close to 0 for "
                              "float64 on these numbers") from None
    grads = {name: ev.named[name].grad if ev.named[name].grad is not None
             else ctx.full(ev.named[name].shape, 0) for name in spec.wrt}
    zero_relus = any(n.op == "relu" and np.any(n.info["zero"]) for n in ctx.nodes)
    alternative = other_convention(spec, grads) if zero_relus else None
    check = finite_differences(spec, grads, ctx.recorded, floats and
                               {k: v.copy() for k, v in floats.items()})
    # What a naive central difference gives on the gradients the kink decides.
    plain = plain_differences(spec, list(alternative.changed)) \
        if alternative and alternative.changed else None
    return explain(spec, ev, grads, alternative, check, plain)
