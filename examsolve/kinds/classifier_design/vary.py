"""What `examsolve vary` changes in a classifier-design spec, and what must survive.

By default: the points' whole-number coordinates (within −m..m, m their largest magnitude,
at least 2; classes and fractional coordinates stay), a region's corners (tied: equal
coordinates stay equal, so a rectangle stays a rectangle; its points move with their
classes kept, and the rule below keeps only variants that still classify every checked
point as labelled; a region written as inequalities cannot vary), and a named truth
table another
one that one unit computes (AND, OR, NAND, NOR): three variants at most. The rule `same
network`: as many hidden units, units and layers as the original, proved minimal if and
only if the original's was, and every point classified correctly if the original's were
(in check mode: as many correct). A parity table (XOR, XNOR of n inputs) cannot vary: its
network's size is the answer and XNOR is its only other instance.
"""

from __future__ import annotations

from typing import Any

from examsolve.vary.nice import same_answers

ONE_UNIT = ("and", "or", "nand", "nor")


def _function(spec: Any) -> str | None:
    return getattr(spec, "function", None)


def fixed(spec: Any) -> str | None:
    if _function(spec) in ("xor", "xnor"):
        return ("a parity network's size is the answer, and XNOR is its only other instance "
                "(declare `vary:` to change the inputs)")
    if _function(spec) == "region" and getattr(spec, "region_text", ()):
        return ("a region written as inequalities has no corners to vary, and its points' "
                "classes come from it (give the region by its vertices, or declare `vary:`)")
    return None


def plan(spec: Any) -> dict[str, object]:
    function = _function(spec)
    if function in ONE_UNIT:
        return {"truth_table": list(ONE_UNIT)}
    coords = [abs(c) for p in spec.points for c in p.x if c.denominator == 1]
    m = max([2] + [int(c) for c in coords])
    out: dict[str, object] = {"points": f"int {-m}..{m}"}
    if function == "region":
        out["region"] = "int tied"
    return out


_same = same_answers(("hidden", "units", "layers", "hidden_proved"))


def same_network(o: Any, original: Any, c: Any, candidate: Any) -> bool:
    """Same network size and proof; every row right where the original's all were."""
    if not _same(o, original, c, candidate):
        return False
    a, b = original.answer_map(), candidate.answer_map()
    if "correct" not in a:
        return True
    def total(problem: Any) -> int:
        """Every row checked: a region's own sample points too (the review found a variant
        with a point moved outside but still labelled inside passing as 'as many right')."""
        from examsolve.kinds.classifier_design.threshold_derive import checked_rows
        from examsolve.kinds.classifier_design.threshold_spec import ThresholdSpec

        spec = problem.spec
        if isinstance(spec, ThresholdSpec):
            return len(checked_rows(spec))
        return len(spec.points)
    if a["correct"] == total(o):
        return b.get("correct") == total(c)
    return b.get("correct") == a["correct"]


RULES = {"same network": same_network}
