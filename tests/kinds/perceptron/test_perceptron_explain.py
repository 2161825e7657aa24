"""The derivation says what the numbers are: every epoch table row (x, net, y, t, the
coefficient, w and b after) and every epoch's closing sentence agree with the reference loop
of test_perceptron_rules, and the check table marks exactly the points the final weights
get right (recomputed here)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings

from examsolve import mathmodel as m
from examsolve.derivation import Para, Table
from examsolve.problem import load_string, solve

from test_perceptron_rules import problems, reference, spec_text


def value(cell):
    """The number a cell ends with: `… = 3` → 3, a vector → its entries."""
    if isinstance(cell, m.Rel):
        cell = cell.parts[-1]
    if isinstance(cell, m.Mat):
        return tuple(e.value for row in cell.rows for e in row)
    return cell.value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_tables_and_sentences_match_the_loop(p):
    xs, ts, w0, b0, lr, rule, encoding, low, at_zero, threshold, learn, epochs, until = p
    d = solve(load_string(spec_text(xs, ts, w0, b0, lr, rule, encoding, at_zero, threshold,
                                    learn, epochs, until)))
    trace, errors, _ = reference(xs, ts, w0, b0, lr, rule, low, at_zero, threshold, learn,
                                 epochs, until)
    rows = [r for s in d.steps if s.heading.startswith("Epoch ") and s.heading != "Epoch by epoch"
            for b in s.blocks if isinstance(b, Table) for r in b.rows]
    assert len(rows) == len(trace)
    for k, (row, (net, y, w, b)) in enumerate(zip(rows, trace), 1):
        x, t = xs[(k - 1) % len(xs)], ts[(k - 1) % len(xs)]
        assert row[0] == str(k) and value(row[1]) == x
        assert value(row[2]) == net and value(row[3]) == y and value(row[4]) == t
        err = {"perceptron": t - y, "hebb": t, "delta": t - net}[rule]
        assert value(row[5]) == lr * err
        assert value(row[6]) == w and value(row[7]) == b
    closing = [b for s in d.steps if s.heading.startswith("Epoch ") for b in s.blocks
               if isinstance(b, Para) and isinstance(b.parts[0], str)
               and b.parts[0].startswith("Epoch ")]
    per_epoch = len(xs)
    for e, para in enumerate(closing, 1):
        assert para.parts[0].startswith(f"Epoch {e}: {errors[e - 1]} error")
        end = trace[min(e * per_epoch, len(trace)) - 1]
        maths = [x for x in para.parts if isinstance(x, m.Expr)]
        assert value(maths[-2]) == end[2] and value(maths[-1]) == end[3]
    check = next(s for s in d.steps if s.heading == "Check of every point")
    table = next(b for b in check.blocks if isinstance(b, Table))
    w, b = trace[-1][2], trace[-1][3]
    for x, t, row in zip(xs, ts, table.rows):
        net = sum(Fraction(a) * q for a, q in zip(w, x)) + (-b if threshold else b)
        y = 1 if net > 0 else low if net < 0 else at_zero
        assert value(row[2]) == net and value(row[3]) == y
        assert row[5] == ("✓" if y == t else "✗")
