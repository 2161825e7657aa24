"""The derivation's prose and tables: the set, the rule, each epoch, the end, the check.

Big runs are summarised, never cut silently: the epoch tables show the first HEAD_ROWS and
the last TAIL_ROWS presentations when there are more than MAX_ROWS, and say which are left
out; every epoch's error count and final weights are in the epoch summary.
"""

from __future__ import annotations

from fractions import Fraction

from examsolve.derivation import DerivationBuilder, StepBuilder
from examsolve.mathmodel import Expr, Neg, Num, Sym, add, call, eq, mul, rel
from examsolve.numbers import format_number
from examsolve.kinds.perceptron.picture import region_chart
from examsolve.kinds.perceptron import notation as n
from examsolve.kinds.perceptron.learning import Trace, output
from examsolve.kinds.perceptron.spec import PerceptronSpec

MAX_ROWS = 120  # presentations shown in full; beyond, the head and the tail
HEAD_ROWS, TAIL_ROWS = 40, 20
MAX_UPDATE_LINES = 8  # updates written out in full under an epoch's table
MAX_ARITHMETIC_LINES = 16  # presentations whose arithmetic is written under a compact table
MAX_TABLE_WIDTH = 102  # characters (see _characters): a wider table writes its arithmetic under it
MAX_SET_ROWS = 40  # rows of the training-set and check tables before they are summarised
MAX_SUMMARY_ROWS = 60  # rows of the epoch summary before it is summarised


def shown_presentations(trace: Trace) -> list[int]:
    """The presentations k the tables show (and that have answer keys)."""
    total = trace.presentations
    if total <= MAX_ROWS:
        return list(range(1, total + 1))
    return [*range(1, HEAD_ROWS + 1), *range(total - TAIL_ROWS + 1, total + 1)]


def head_tail(count: int, limit: int = MAX_SET_ROWS) -> list[int | None]:
    """Indices 0…count−1, or the first and last few with None for the gap."""
    if count <= limit:
        return list(range(count))
    half = limit // 2
    return [*range(half), None, *range(count - half, count)]


def _count(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


# ---- the set and the rule ----------------------------------------------------------------------

def training_set(d: DerivationBuilder, spec: PerceptronSpec) -> None:
    st = d.step("The training set")
    lo, hi = spec.targets
    if spec.truth_table is not None:
        st.say(f"The truth table of {spec.truth_table.upper()} on {spec.inputs} inputs, rows "
               f"in binary counting order ({_bits_order(spec.inputs)})",
               *_table_meaning(spec.truth_table), ". Output 1 is the positive class.")
        if spec.encoding == "bipolar":
            st.say("Bipolar encoding: every 0 becomes ", Num(-1), ", in the inputs and the "
                   "target alike, so the targets are ", Num(-1), " and ", Num(1), ".")
        else:
            st.say("Binary encoding: inputs and targets are 0 and 1 as in the table.")
    else:
        st.say(f"{_count(len(spec.points), 'point')} with {_count(spec.inputs, 'input')} each, "
               "used as written; the targets are ", Num(lo), " and ", Num(hi),
               f" ({spec.encoding}), ", eq(n.T, Num(hi)), " the positive class.")
    rows: list[list[object]] = []
    for i in head_tail(len(spec.points)):
        if i is None:
            rows.append(["…", "…", "…"])
            continue
        p = spec.points[i]
        rows.append([str(i + 1), n.vector(p.x), Num(p.t)])
    st.table(["i", "x", "t"], rows)  # type: ignore[arg-type]


def _bits_order(inputs: int) -> str:
    if inputs == 1:
        return "0, 1"
    if inputs == 2:
        return "00, 01, 10, 11"
    return f"{'0' * inputs}, {'0' * (inputs - 1)}1, …, {'1' * inputs}"


def _table_meaning(name: str) -> tuple[str, ...]:
    return {"xor": ("; xor is parity: 1 when an odd number of inputs is 1",),
            "xnor": ("; xnor is 1 when an even number of inputs is 1",),
            "majority": ("; majority is 1 when more than half of the inputs are 1",)
            }.get(name, ())


def the_rule(d: DerivationBuilder, spec: PerceptronSpec) -> None:
    st = d.step("The unit and the rule")
    off = n.offset_symbol(spec.threshold)
    lo = spec.targets[0]
    f = spec.activation
    st.say("The unit computes its net input and thresholds it:")
    st.math(n.net_formula(spec.threshold))
    st.math(eq(n.Y, call(f, n.NET)))
    st.say(f"{f} is ", Num(1), " where ", rel(n.NET, ">", 0), ", ", Num(lo), " where ",
           rel(n.NET, "<", 0), ", and at exactly 0 the convention is ",
           eq(call(f, Num(0)), Num(spec.at_zero)), " (at_zero).")
    if spec.threshold:
        st.say("So the unit fires (", eq(n.Y, Num(1)), ") when ",
               rel(mul(n.W, n.X), "≥" if spec.at_zero == 1 else ">", n.THETA), ".")
    name = {"perceptron": "The perceptron rule", "hebb": "Hebb's rule",
            "delta": "The delta rule (Adaline, the LMS rule)"}[spec.rule]
    st.say(f"{name}, applied after each presentation:")
    coef = n.coefficient_symbol(spec.rule)
    st.math(rel(n.W, ":=", add(n.W, n.update_symbol(spec.rule))))
    if not spec.learn_offset:
        st.say("The threshold " if spec.threshold else "The bias ", eq(off, Num(spec.offset)),
               f" stays fixed (learn_{'threshold' if spec.threshold else 'bias'}: false).")
    elif spec.threshold:
        st.math(rel(n.THETA, ":=", add(n.THETA, Neg(coef))))
        st.say(n.THETA, " is learned as ", Neg(n.B), ": the bias update with its sign "
               "reversed.")
    else:
        st.math(rel(n.B, ":=", add(n.B, coef)))
    if spec.rule == "perceptron":
        st.say(n.Y, " is the output before the update. A presentation with ", eq(n.Y, n.T),
               " has ", eq(n.error_symbol("perceptron"), Num(0)), ", changes nothing and is "
               "not an update.")
    elif spec.rule == "hebb":
        st.say("Hebb's rule updates on every presentation, whatever ", n.Y, " is; ", n.Y,
               " is only reported.")
    else:
        st.say("The delta rule learns from the net input itself, not from ", n.Y, ": it updates "
               "whenever ", rel(n.T, "≠", n.NET), ", even when ", eq(n.Y, n.T), ".")
    st.say("Start: ", eq(n.W, n.vector(spec.weights)), ", ", eq(off, Num(spec.offset)),
           ", with ", eq(n.ETA, Num(spec.lr)), ". The points are presented in the order "
           "listed; ", Sym("k"), " counts presentations across epochs.")
    if spec.until_converged:
        st.say("Training stops after the first epoch with no error (", eq(n.Y, n.T),
               f" for every point), at most {_count(spec.epochs, 'epoch')} (max_epochs).")
    else:
        st.say(f"Training runs for {_count(spec.epochs, 'epoch')}.")


# ---- the epochs ---------------------------------------------------------------------------------

def epochs(d: DerivationBuilder, spec: PerceptronSpec, trace: Trace, shown: list[int]) -> None:
    per_epoch = len(spec.points)
    by_epoch: dict[int, list[int]] = {}
    for k in shown:
        by_epoch.setdefault((k - 1) // per_epoch + 1, []).append(k)
    off = n.offset_symbol(spec.threshold)
    headers = ["k", "x", "net", "y", "t", n.COEFFICIENT_HEADER[spec.rule], "w",
               n.offset_header(spec.threshold)]
    previous = 0
    for epoch, ks in by_epoch.items():
        if epoch > previous + 1:
            skipped = f"Epoch {previous + 1}" if epoch == previous + 2 else \
                f"Epochs {previous + 1} to {epoch - 1}"
            d.step(skipped).say(
                "Not shown presentation by presentation (the run is long); their error counts "
                "and weights are in the epoch summary below.")
        previous = epoch
        st = d.step(f"Epoch {epoch}")
        first, last = (epoch - 1) * per_epoch + 1, epoch * per_epoch
        if len(ks) != per_epoch:
            st.say("Presentations ", eq(Sym("k"), Num(ks[0])), f" to {ks[-1]} of this "
                   f"epoch's {first} to {last}; the others are not shown.")
        rows = [_row(spec, trace, k, True) for k in ks]
        compact = _width(rows) > MAX_TABLE_WIDTH
        if compact:  # the arithmetic moves under the table, one presentation a line
            rows = [_row(spec, trace, k, False) for k in ks]
        st.table(headers, rows)  # type: ignore[arg-type]
        updates = [k for k in ks if trace.changed(k)]
        written = ks[:MAX_ARITHMETIC_LINES] if compact else updates[:MAX_UPDATE_LINES]
        if written:
            st.say("Each presentation's arithmetic:" if compact else
                   "The updates, with their numbers:")
        for k in written:
            if compact:
                _arithmetic_line(st, spec, trace, k)
            if trace.changed(k):
                _update_line(st, spec, trace, k, off)
        if compact and len(ks) > len(written):
            st.say(f"The table's other presentations (after k = {written[-1]}) are computed "
                   "in the same way.")
        elif len(updates) > len([k for k in written if trace.changed(k)]):
            st.say(f"The table's other updates (after k = {written[-1]}) are computed in the "
                   "same way.")
        end = min(last, trace.presentations)
        changed = trace.updates(first, end)
        st.say(f"Epoch {epoch}: {_count(trace.errors[epoch - 1], 'error')} (", rel(n.Y, "≠", n.T),
               f"), {_count(changed, 'update')}; at its end ", eq(n.W, n.vector(trace.w(end))),
               ", ", eq(off, Num(trace.offset(end))), ".")


def _width(rows: list[list[object]]) -> int:
    """About how many characters a table of these rows needs on one line: the digits of its
    numbers plus the operators between them (a measure of the content, not of a medium)."""
    widths = [max(_characters(c) for c in column) for column in zip(*rows)]
    return sum(widths) + 3 * len(widths)


def _characters(cell: object) -> int:
    """Characters of a cell written out: numbers as format_number writes them, 3 for each
    + or = (with its spaces), 1 for a product's dot, 2 for parentheses or brackets."""
    from examsolve.mathmodel import Add, Mat, Mul, Paren, Rel

    if isinstance(cell, str):
        return len(cell)
    if isinstance(cell, Num):
        return len(format_number(cell.value))
    if isinstance(cell, Mat):
        return sum(_characters(e) + 2 for r in cell.rows for e in r)  # brackets, spacing
    if isinstance(cell, Paren):
        return _characters(cell.arg) + 2
    if isinstance(cell, Neg):
        return _characters(cell.arg) + 3
    if isinstance(cell, Add):
        return sum(_characters(p) for p in cell.terms) + 3 * (len(cell.terms) - 1)
    if isinstance(cell, Mul):  # a·b: the dot has no spaces
        return sum(_characters(p) for p in cell.factors) + len(cell.factors) - 1
    if isinstance(cell, Rel):
        return sum(_characters(p) for p in cell.parts) + 3 * len(cell.ops)
    return 4  # a symbol


def _net_cell(spec: PerceptronSpec, trace: Trace, k: int) -> Expr:
    p = spec.points[trace.point(k)]
    expanded = n.net_numbers(trace.w(k - 1), p.x, trace.offset(k - 1), spec.threshold)
    return Num(trace.net(k)) if expanded is None else eq(expanded, Num(trace.net(k)))


def _coefficient_cell(spec: PerceptronSpec, trace: Trace, k: int) -> Expr:
    p = spec.points[trace.point(k)]
    return eq(n.coefficient_numbers(spec.rule, spec.lr, p.t, trace.y(k), trace.net(k)),
              Num(spec.lr * trace.coefficient(k)))


def _row(spec: PerceptronSpec, trace: Trace, k: int, arithmetic: bool) -> list[object]:
    """k, x, net, y, t, the update's coefficient, w and b after; with the arithmetic of net
    and of the coefficient, or their values only (the lines under the table show them)."""
    p = spec.points[trace.point(k)]
    net = _net_cell(spec, trace, k) if arithmetic else Num(trace.net(k))
    coef = _coefficient_cell(spec, trace, k) if arithmetic else \
        Num(spec.lr * trace.coefficient(k))
    return [str(k), n.vector(p.x), net, Num(trace.y(k)), Num(p.t), coef, n.vector(trace.w(k)),
            Num(trace.offset(k))]


def _arithmetic_line(st: StepBuilder, spec: PerceptronSpec, trace: Trace, k: int) -> None:
    st.say(eq(Sym("k"), Num(k)), ": ", eq(n.NET, _net_cell(spec, trace, k)), ", ",
           eq(n.coefficient_symbol(spec.rule), _coefficient_cell(spec, trace, k)))


def _update_line(st: StepBuilder, spec: PerceptronSpec, trace: Trace, k: int,
                 off: Expr) -> None:
    p = spec.points[trace.point(k)]
    step = spec.lr * trace.coefficient(k)
    w_line = rel(n.W, "=", add(n.vector(trace.w(k - 1)), mul(n.number(step), n.vector(p.x))),
                 "=", n.vector(trace.w(k)))
    if not spec.learn_offset:
        st.math(rel(Sym("k"), "=", Num(k), "⇒", w_line))
        return
    shift = Neg(n.number(step)) if spec.threshold else n.number(step)
    st.say(eq(Sym("k"), Num(k)), ": ", w_line, ", ",
           eq(off, add(Num(trace.offset(k - 1)), shift), Num(trace.offset(k))))


def epoch_summary(d: DerivationBuilder, spec: PerceptronSpec, trace: Trace) -> None:
    if trace.epochs < 2:
        return
    st = d.step("Epoch by epoch")
    rows: list[list[object]] = []
    per_epoch = len(spec.points)
    for e in head_tail(trace.epochs, MAX_SUMMARY_ROWS):
        if e is None:
            rows.append(["…"] * 4)
            continue
        end = min((e + 1) * per_epoch, trace.presentations)
        rows.append([str(e + 1), str(trace.errors[e]), n.vector(trace.w(end)),
                     Num(trace.offset(end))])
    off = n.offset_header(spec.threshold)
    st.table(["epoch", "errors", "w at its end", f"{off} at its end"], rows)  # type: ignore[arg-type]


# ---- the end and the check ----------------------------------------------------------------------

def the_end(d: DerivationBuilder, spec: PerceptronSpec, trace: Trace) -> None:
    st = d.step("The final weights")
    off = n.offset_symbol(spec.threshold)
    w, b = trace.w(trace.presentations), trace.offset(trace.presentations)
    st.eq(n.W, n.vector(w))
    st.eq(off, Num(b))
    if spec.rule == "perceptron":
        if trace.converged:
            clean = trace.errors.index(0) + 1
            if spec.until_converged:
                st.say(f"Converged: epoch {clean} had no error, so training stopped after "
                       f"{_count(trace.epochs, 'epoch')}.")
            else:
                st.say(f"Converged: epoch {clean} had no error, and the weights do not change "
                       "after it.")
        else:
            st.say(f"Not converged after {_count(trace.epochs, 'epoch')}"
                   + (" (max_epochs)" if spec.until_converged else "")
                   + f": the last epoch still had {_count(trace.errors[-1], 'error')}.")
    st.say("The decision boundary is ", _boundary(w, b, spec.threshold, spec.common.indexing),
           ".")


def _boundary(w: tuple[Fraction, ...], b: Fraction, threshold: bool, base: int) -> Expr:
    """w₁x₁ + w₂x₂ + b = 0 (or − θ), zero weights left out, inputs counted from `base`."""
    terms: list[Expr] = [mul(Num(c), Sym("x", str(j + base))) for j, c in enumerate(w) if c]
    constant = -b if threshold else b
    if constant or not terms:
        terms.append(Num(constant))
    return eq(add(*terms) if len(terms) > 1 else terms[0], Num(0))


def check_points(d: DerivationBuilder, spec: PerceptronSpec, trace: Trace) -> list[int]:
    """The check of every point with the final weights; returns the misclassified ones."""
    st = d.step("Check of every point")
    w, b = trace.w(trace.presentations), trace.offset(trace.presentations)
    sign = -1 if spec.threshold else 1
    nets = [sum((a * q for a, q in zip(w, p.x)), Fraction(0)) + sign * b for p in spec.points]
    ys = [output(net, spec.targets[0], spec.at_zero) for net in nets]
    wrong = [i for i, (p, y) in enumerate(zip(spec.points, ys)) if y != p.t]
    rows: list[list[object]] = []
    for i in head_tail(len(spec.points)):
        if i is None:
            rows.append(["…"] * 6)
            continue
        p = spec.points[i]
        expanded = n.net_numbers(w, p.x, b, spec.threshold)
        rows.append([str(i + 1), n.vector(p.x), Num(nets[i]) if expanded is None else
                     eq(expanded, Num(nets[i])), Num(ys[i]), Num(p.t),
                     "✓" if ys[i] == p.t else "✗"])
    st.say("With the final weights, every point once more:")
    st.table(["i", "x", "net", "y", "t", "correct"], rows)  # type: ignore[arg-type]
    on_boundary = [i for i, net in enumerate(nets) if net == 0]
    if on_boundary:
        listed = ", ".join(str(i + 1) for i in on_boundary[:10]) + \
            (", …" if len(on_boundary) > 10 else "")
        st.say(f"Point{'s' if len(on_boundary) > 1 else ''} {listed} "
               f"{'lie' if len(on_boundary) > 1 else 'lies'} on the boundary (",
               eq(n.NET, Num(0)), "): the output there is the convention ",
               eq(call(spec.activation, Num(0)), Num(spec.at_zero)), ".")
    correct = len(spec.points) - len(wrong)
    if wrong:
        listed = ", ".join(str(i + 1) for i in wrong[:10]) + (", …" if len(wrong) > 10 else "")
        st.say(f"{correct} of {len(spec.points)} points are classified correctly; wrong: "
               f"point{'s' if len(wrong) > 1 else ''} {listed}.")
    else:
        st.say(f"All {len(spec.points)} points are classified correctly.")
    if len(spec.points[0].x) == 2:  # no text form: documents written to files draw it
        st.figure("", chart=region_chart(spec, w, b))
    return wrong
