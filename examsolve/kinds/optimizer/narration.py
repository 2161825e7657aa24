"""The derivation of an optimizer run: the problem, the optimizer's equations and options,
each step (batch, loss, gradient, updates, new values), the trajectory table."""

from __future__ import annotations

import numpy as np

from examsolve import mathmodel as m
from examsolve.derivation import DerivationBuilder, StepBuilder
from examsolve.kinds.optimizer import notation as n
from examsolve.kinds.optimizer.spec import OptimizerSpec
from examsolve.kinds.optimizer.trajectory import DETAILED, Run, Step
from examsolve.kinds.optimizer.updates import STATE, hyper
from examsolve.wording import listing, plural

NAMES = {"sgd": "Stochastic gradient descent (SGD)", "momentum": "SGD with momentum",
         "nesterov": "SGD with Nesterov momentum", "adagrad": "AdaGrad", "rmsprop": "RMSProp",
         "adam": "Adam", "adamw": "AdamW"}
SYMBOLS = {"lr": n.ETA, "momentum": n.MU, "beta": n.BETA, "beta1": n.BETA1, "beta2": n.BETA2,
           "eps": n.EPS, "weight_decay": n.LAMBDA}
TABLE_ROWS = 40  # trajectory rows shown before the middle is elided


def p_(t: object) -> m.Sym:
    return m.Sym("p", None, f"({t})")


def st(letter: str, t: object) -> m.Sym:
    return m.Sym(letter, None, f"({t})")


def g_() -> m.Sym:
    return m.Sym("g", None, "(t)")


def rule_equations(spec: OptimizerSpec) -> list[m.Expr]:
    """The optimizer's update equations in general form (t counts steps from 1)."""
    o = spec.option
    P, P0, G = p_("t"), p_("t−1"), g_()
    V, V0 = st("v", "t"), st("v", "t−1")
    sq = m.Pow(G, m.num(2))
    if spec.optimizer == "sgd":
        return [m.eq(P, m.Add((P0, m.Neg(m.Mul((n.ETA, G))))))]
    if spec.optimizer in ("momentum", "nesterov"):
        conv = o("convention") if spec.optimizer == "momentum" else "pytorch"
        if conv == "ema":
            first = m.eq(V, m.Add((m.Mul((n.MU, V0)),
                                   m.Mul((m.Paren(m.Add((m.num(1), m.Neg(n.MU)))), G)))))
        elif conv == "classical":
            first = m.eq(V, m.Add((m.Mul((n.MU, V0)), m.Neg(m.Mul((n.ETA, G))))))
            return [first, m.eq(P, m.Add((P0, V)))]
        else:
            first = m.eq(V, m.Add((m.Mul((n.MU, V0)), G)))
        if spec.optimizer == "nesterov":
            return [first, m.eq(P, m.Add((P0, m.Neg(m.Mul((n.ETA, m.Paren(
                m.Add((G, m.Mul((n.MU, V)))))))))))]
        return [first, m.eq(P, m.Add((P0, m.Neg(m.Mul((n.ETA, V))))))]
    S, S0 = st("s", "t"), st("s", "t−1")

    def step(top: m.Expr, under: m.Expr) -> m.Rel:
        den = n.sqrt(m.Add((under, n.EPS))) if o("eps_inside") else \
            m.Add((n.sqrt(under), n.EPS))
        prev = m.Sym("p′") if spec.optimizer == "adamw" else P0
        return m.eq(P, m.Add((prev, m.Neg(m.Mul((n.ETA, m.Div(top, den)))))))

    if spec.optimizer == "adagrad":
        return [m.eq(S, m.Add((S0, sq))), step(G, S)]
    if spec.optimizer == "rmsprop":
        return [m.eq(S, m.Add((m.Mul((n.BETA, S0)),
                               m.Mul((m.Paren(m.Add((m.num(1), m.Neg(n.BETA)))), sq))))),
                step(G, S)]
    M, M0, Vv, Vv0 = st("m", "t"), st("m", "t−1"), st("v", "t"), st("v", "t−1")
    out = []
    if spec.optimizer == "adamw":
        out.append(m.eq(m.Sym("p′"), m.Add((P0, m.Neg(m.Mul((n.ETA, n.LAMBDA, P0)))))))
    out += [m.eq(M, m.Add((m.Mul((n.BETA1, M0)),
                           m.Mul((m.Paren(m.Add((m.num(1), m.Neg(n.BETA1)))), G))))),
            m.eq(Vv, m.Add((m.Mul((n.BETA2, Vv0)),
                            m.Mul((m.Paren(m.Add((m.num(1), m.Neg(n.BETA2)))), sq)))))]
    if not o("bias_correction"):
        return out + [step(M, Vv)]
    t = m.Sym("t")
    out += [m.eq(st("m̂", "t"), m.Div(M, m.Add((m.num(1), m.Neg(m.Pow(n.BETA1, t)))))),
            m.eq(st("v̂", "t"), m.Div(Vv, m.Add((m.num(1), m.Neg(m.Pow(n.BETA2, t))))))]
    return out + [step(st("m̂", "t"), st("v̂", "t"))]


def problem(spec: OptimizerSpec, s: StepBuilder) -> None:
    s.say("The model, one line at a time; its last line, ", n.symbol(spec.loss),
          ", is the loss:")
    for line in spec.lines:
        s.eq(n.symbol(line.name), n.line_math(line.expr))
    start = [m.eq(n.symbol(name), n.value(np.array(mx, dtype=object)
                                           if not isinstance(mx, np.ndarray) else mx))
             for name, mx in spec.parameters]
    s.say("The parameters start at ", *_joined(start), "; the optimizer trains ",
          "them" if len(start) > 1 else "it", ".")
    if spec.given:
        given = [m.eq(n.symbol(name), n.value(np.array(mx, dtype=object)
                                              if not isinstance(mx, np.ndarray) else mx))
                 for name, mx in spec.given]
        s.say("Constants: ", *_joined(given), ".")
    if spec.data:
        count = len(spec.data)
        names = [name for name, _ in spec.data[0]]
        s.say(f"The data: {plural(count, 'sample')} of ",
              *_joined([n.symbol(k) for k in names]), ".")
        rows = [[m.num(i + spec.common.indexing)] +
                [n.value(np.array(mx, dtype=object)) for _, mx in sample]
                for i, sample in enumerate(spec.data)]
        s.table(["sample", *names], rows)
        if spec.batch is None:
            s.say("Every step uses all the samples (full-batch gradient descent): the loss is "
                  "the mean of the per-sample losses, so its gradient is the mean of theirs.")
        elif spec.batch == 1:
            s.say("Each step uses one sample, in the listed order, starting again at the "
                  "first after the last (batch size 1, no shuffling).")
        else:
            s.say(f"Each step uses the next batch of {spec.batch} samples in the listed order "
                  "(the last batch of an epoch is smaller when it does not divide the count; "
                  "no shuffling); the loss is the batch's mean, and so is its gradient.")
    if any("relu(" in line.text for line in spec.lines):
        s.say("At an input of exactly 0 the derivative of ReLU is taken as ",
              m.eq(m.Call("ReLU′", (m.num(0),)), spec.relu_grad_at_zero),
              " (PyTorch's is 0; `relu_grad_at_zero` sets it).")
    count = plural(spec.steps, "step")
    if spec.epochs is not None:
        s.say(f"{plural(spec.epochs, 'epoch')} over the data are {count} (updates).")


def _joined(items: list[m.Expr]) -> list:
    out: list = []
    for i, item in enumerate(items):
        if i:
            out.append(" and " if i == len(items) - 1 else ", ")
        out.append(item)
    return out


def optimizer(spec: OptimizerSpec, s: StepBuilder) -> None:
    name = NAMES[spec.optimizer]
    o = spec.option
    if spec.optimizer == "momentum":
        conv = o("convention")
        where = {"pytorch": "PyTorch's convention, as torch.optim.SGD computes it",
                 "ema": "the exponential-moving-average convention of many course notes",
                 "classical": "the classical convention (the velocity holds the step)"}[conv]
        s.say(f"{name}, in {where} (`convention: {conv}`):")
    elif spec.optimizer == "nesterov":
        s.say(f"{name}, in PyTorch's form (torch.optim.SGD with nesterov=True):")
    else:
        s.say(f"{name}, as torch.optim.{ {'sgd': 'SGD', 'adagrad': 'Adagrad', 'rmsprop': 'RMSprop', 'adam': 'Adam', 'adamw': 'AdamW'}[spec.optimizer]} computes it:")
    for expr in rule_equations(spec):
        s.math(expr)
    G = g_()
    if spec.optimizer in ("adagrad", "rmsprop", "adam", "adamw"):
        s.say("Squares, square roots and the quotient are taken entry by entry. ", n.EPS,
              " is added inside the square root (`eps_inside: true`), as some course keys do."
              if o("eps_inside") else
              " is added outside the square root, as PyTorch does (`eps_inside: true` puts it "
              "inside).")
    lam = o("weight_decay")
    gsym = m.Deriv(n.symbol(spec.loss), m.Sym("p"))
    if spec.optimizer == "adamw":
        s.say("Weight decay is decoupled (AdamW): ", m.eq(m.Sym("p′"), m.Add((
            p_("t−1"), m.Neg(m.Mul((n.ETA, n.LAMBDA, p_("t−1"))))))),
              " shrinks the parameter before the Adam step, and ", m.eq(G, gsym),
              " is the loss's gradient alone.")
    elif lam != 0:
        s.say("Weight decay is coupled: ", m.eq(G, m.Add((gsym, m.Mul((n.LAMBDA, p_("t−1")))))),
              ", the loss's gradient plus ", m.Mul((n.LAMBDA, p_("t−1"))), ".")
    else:
        s.say("Here ", G, " is the gradient ", gsym, " at ", p_("t−1"),
              " on the step's batch, and ", m.Sym("t"), " counts the updates from 1.")
    keys = STATE[spec.optimizer]
    if keys:
        letters = [st({"velocity": "v", "mhat": "m̂", "vhat": "v̂"}.get(k, k), 0)
                   for k in keys if k not in ("mhat", "vhat")]
        s.say("Every state starts at 0: ", *_joined([m.eq(x, 0) for x in letters]),
              " (for each parameter, in its shape).")
    opts = [(k, v) for k, v in spec.options if k in SYMBOLS]
    parts: list = []
    for i, (key, value) in enumerate(opts):
        if i:
            parts.append(", ")
        parts.append(m.eq(SYMBOLS[key], hyper(value)))
        if key == "beta" and spec.optimizer == "rmsprop":
            parts.append(" (PyTorch's alpha)")
        if key in spec.defaulted:
            parts.append(" (default)")
    s.say("The options: ", *parts, ".")
    if spec.optimizer == "momentum" and o("convention") in ("pytorch", "classical"):
        other = "classical" if o("convention") == "pytorch" else "pytorch"
        s.say("With a constant ", n.ETA, " the pytorch and classical conventions give the same "
              "iterates ", p_("t"), "; only the velocities differ: the classical one is ",
              m.Neg(n.ETA), f" times PyTorch's (here the {other} velocity would be ",
              m.eq(m.Sym("v", other, "(t)"), m.Neg(m.Mul((n.ETA, st("v", "t")))))
              if other == "classical" else
              m.eq(m.Sym("v", other, "(t)"), m.Div(st("v", "t"), m.Neg(n.ETA))), ").")
    elif spec.optimizer == "momentum":
        one_minus = m.Paren(m.Add((m.num(1), m.Neg(n.MU))))
        s.say("The ema convention scales the step by ", one_minus, ": its iterates are the "
              "pytorch convention's with learning rate ", m.Mul((n.ETA, one_minus), ""),
              ", not the same as pytorch's or classical's.")


def write_step(spec: OptimizerSpec, step: Step, s: StepBuilder, first: bool) -> None:
    if spec.data:
        first_i = spec.common.indexing
        ids = [str(i + first_i) for i in step.samples]
        if spec.batch is None:
            s.say("The batch is every sample (the mean loss).")
        elif len(ids) == 1:
            s.say(f"This step uses sample {ids[0]}: ",
                  *_joined([m.eq(n.symbol(k), n.value(np.array(mx, dtype=object)))
                            for k, mx in spec.data[step.samples[0]]]), ".")
        else:
            s.say(f"This step uses samples {listing(ids)} (the mean of their losses).")
    L = n.symbol(spec.loss)
    if step.values and len(step.samples) <= 1:
        if len(spec.lines) == 1:
            line = spec.lines[0]
            s.eq(L, n.line_math(line.expr),
                 n.line_math(line.expr, step.values), n.value(step.values[spec.loss]))
        else:
            for line in spec.lines:
                s.eq(n.symbol(line.name), n.line_math(line.expr),
                     n.value(step.values[line.name]))
    else:
        _batch_loss(spec, step, s)
    written = _chain_rule(spec, step, s, first)
    if first and not written:
        s.say("The gradients come from backpropagation through the model lines (reverse-mode, "
              "one chain-rule step per operation; a `backprop` spec of the same model writes "
              "each chain rule out):")
    for name, lines in step.lines.items():
        if len(step.lines) > 1:
            s.say("For ", n.symbol(name), ":")
        for line in lines:
            s.math(line.expr)


def _batch_loss(spec: OptimizerSpec, step: Step, s: StepBuilder) -> None:
    """L = (1/n)(L₁ + … + Lₙ), the batch's mean, with each sample's loss."""
    L = n.symbol(spec.loss)
    first = spec.common.indexing
    ids = [i + first for i in step.samples]
    shown = list(zip(ids, step.losses))
    if len(shown) > 6:
        shown = shown[:3] + [(None, None)] + shown[-2:]
    syms = [m.Ellipsis_() if i is None else m.Sym(L.name, str(i)) for i, _ in shown]
    nums = [m.Ellipsis_() if i is None else m.as_expr(v) for i, v in shown]
    mean = m.Div(m.num(1), m.num(len(ids)))
    s.say("The loss on each sample of the batch, and their mean:")
    s.eq(L, m.Mul((mean, m.Paren(m.Add(tuple(syms)))), "·"),
         m.Mul((mean, m.Paren(m.Add(tuple(nums)))), "·"), m.as_expr(step.loss))


def _chain_rule(spec: OptimizerSpec, step: Step, s: StepBuilder, first: bool) -> bool:
    """For a one-line loss of single numbers: each ∂L/∂p by the chain rule, with numbers."""
    from examsolve.kinds.optimizer.chain_rule import derivative

    if len(spec.lines) != 1 or not step.values or \
            any(v.shape != (1, 1) for v in step.values.values()):
        return False
    line = spec.lines[0]
    forms = {name: derivative(line.expr, name) for name in step.before}
    if any(f is None for f in forms.values()):
        return False
    if first:
        s.say("The gradient by the chain rule (sum, product and power rules), with the values before "
              "the step substituted:")
    L = n.symbol(spec.loss)
    for name, form in forms.items():
        with_numbers = derivative(line.expr, name, step.values)
        s.eq(m.Deriv(L, n.symbol(name)), form, with_numbers,  # type: ignore[arg-type]
             n.value(step.grads[name]))
    return True


def table(spec: OptimizerSpec, result: Run) -> tuple[list[str], list[list]]:
    """t, each single-number parameter and its state (when there are at most 3), the loss."""
    scalars = [name for name, mx in spec.parameters if result.start[name].shape == (1, 1)]
    last = result.steps[-1]
    keys = tuple(last.state[scalars[0]]) if scalars and len(scalars) <= 3 else ()
    headers = ["t", *[h for k in scalars for h in [k, *(f"{key}({k})" for key in keys)]],
               f"{spec.loss} (before the step)"]
    zero = m.num(0)

    def cells(params: dict, state: dict | None) -> list:
        out = []
        for k in scalars:
            out.append(n.readable(params[k][0, 0]))
            out += [zero if state is None else n.readable(state[k][key][0, 0]) for key in keys]
        return out

    rows = []
    for i, step in enumerate(result.steps):
        before = result.steps[i - 1].state if i else None
        rows.append([m.num(i)] + cells(step.before, before) + [n.readable(step.loss)])
    rows.append([m.num(last.t)] + cells(last.after, last.state) +
                [n.readable(result.final_loss) if result.final_loss is not None
                 else m.Text("—")])
    if len(rows) > TABLE_ROWS:
        keep = TABLE_ROWS // 2
        rows = rows[:keep] + [[m.Ellipsis_() for _ in headers]] + rows[-keep:]
    return headers, rows


def derive(spec: OptimizerSpec, result: Run, d: DerivationBuilder) -> None:
    problem(spec, d.step("The problem"))
    s = d.step("The optimizer")
    optimizer(spec, s)
    if not result.exact_from_start:
        s.say("The numbers are worked in float64 (the values are not all exact, or exact "
              "fractions would be too slow at this size).")
    total = len(result.steps)
    for step in result.steps:
        if DETAILED < step.t < total:
            continue
        b = d.step(f"Step {step.t}")
        if step.t == total and total > DETAILED + 1:
            b.say(f"Steps {DETAILED + 1} to {total - 1} apply the same equations (their values "
                  "are in the table at the end); the last step in full:")
        if result.float_from is not None and step.t == result.float_from:
            b.say("From this step on the numbers are float64: "
                  + ("an exact value became a float (a square root, the division by a root "
                     "plus epsilon, or exp/log in the model)" if result.float_reason == "a float"
                     else "the exact values grew denominators of more than 30 digits") + ".")
        write_step(spec, step, b, step.t == 1)
        new = [m.eq(n.symbol(k), n.value(v)) for k, v in step.after.items()]
        b.say("After step ", m.num(step.t), ": ", *_joined(new), ".")
    from examsolve.kinds.optimizer.plot import loss_chart, path_chart

    headers, rows = table(spec, result)
    s = d.step("The trajectory")
    s.table(headers, rows, caption=f"{spec.loss}: the loss on the step's batch, before the step")
    losses = [float(step.loss) for step in result.steps]
    if result.final_loss is not None:
        losses.append(float(result.final_loss))  # type: ignore[arg-type]
    drawn = loss_chart(spec.loss, losses)
    if drawn is not None:
        s.figure(drawn[0], caption=f"{spec.loss} at t = 0, 1, … (log axis; "
                 "`-o loss.svg` draws it)", chart=drawn[1])
    path = path_chart(spec, result)
    if path is not None:  # no text form: documents written to files draw it
        s.figure("", chart=path)
