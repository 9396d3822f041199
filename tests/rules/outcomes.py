"""One calculation's outcome as a flat dict, for the rule tests of every policy."""

from __future__ import annotations

from typing import Any

from bingpin.rules.registry import calculate


def answer(calculation: str, jurisdiction: str, case: Any) -> dict[str, Any]:
    """``eligible``, the values, ``assumptions``, and the ``clauses`` / ``citations`` the steps cite."""
    _, outcome = calculate(calculation, jurisdiction, case)
    cited = [s.citation for s in outcome.trace.steps if s.citation]
    return {
        "eligible": outcome.eligible,
        **outcome.values,
        "assumptions": outcome.trace.assumptions,
        "clauses": [c.clause for c in cited],
        "citations": [(c.policy, c.clause) for c in cited],
    }
