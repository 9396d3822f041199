"""Coverage: clause -> scenarios -> calculation, and the gaps.

A clause has computable content when the policy's data cites it: a parameter, a category, an
ambiguity or the in-force period. Such a clause with no scenario is a gap and is listed as one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from bingpin.api.catalog.data import by_id, jurisdiction_ref, parameter_id, tested_by_clause, tree
from bingpin.api.catalog.reviews import COUNT_KEYS, counts, review_of
from bingpin.rules.core.clauses import split_paths
from bingpin.rules.core.policy import Policy

#: covered: scenarios cite the clause; covered_by_subclauses: only its sub-clauses are cited;
#: gap: computable content and no scenario at all.
STATUSES = ("covered", "covered_by_subclauses", "gap")


def cited_by(policy: Policy) -> dict[str, dict[str, list[str]]]:
    """Clause path -> what in the policy's data cites it."""
    cites: dict[str, dict[str, list[str]]] = defaultdict(
        lambda: {"parameters": [], "categories": [], "ambiguities": [], "in_force": []}
    )
    for parameter in policy.parameters.values():
        for path in split_paths(parameter.citation.clause):
            cites[path]["parameters"].append(parameter_id(policy, parameter.key))
    for entry in policy.categories.values():
        for path in split_paths(entry.citation.clause):
            cites[path]["categories"].append(entry.code.value)
    for ambiguity in policy.ambiguities:
        for path in split_paths(ambiguity.clause):
            cites[path]["ambiguities"].append(ambiguity.id)
    for path in split_paths(policy.in_force_citation.clause):
        cites[path]["in_force"].append(policy.id)
    return dict(cites)


def policy_coverage(policy: Policy) -> list[dict[str, Any]]:
    """One entry per clause that is computable or cited by a scenario, in the text's order."""
    clauses = tree(policy)
    cites = cited_by(policy)
    direct: dict[str, list[dict[str, Any]]] = {
        path: [
            {
                "id": scenario.id,
                "name": scenario.name,
                "tier": scenario.tier,
                "review": review_of(scenario.id),
                "calculations": list(scenario.calculations),
            }
            for _, scenario in pairs
        ]
        for path, pairs in tested_by_clause(policy.id).items()
    }
    entries = []
    for clause in clauses.walk():
        computable = clause.path in cites
        if not computable and clause.path not in direct:
            continue
        below = [s for child in clause.children for c in child.walk() for s in direct.get(c.path, [])]
        mine = direct.get(clause.path, [])
        status = "covered" if mine else "covered_by_subclauses" if below else "gap"
        calculations = list(dict.fromkeys(c for s in mine + below for c in s["calculations"]))
        entries.append(
            {
                "policy": policy.id,
                "jurisdiction": jurisdiction_ref(policy),
                "clause": clause.path,
                "title": clause.title,
                "computable": computable,
                "cited_by": cites.get(
                    clause.path, {"parameters": [], "categories": [], "ambiguities": [], "in_force": []}
                ),
                "scenarios": mine,
                "subclause_scenarios": [s["id"] for s in below],
                "review_counts": review_counts(s["id"] for s in mine),
                "subclause_review_counts": review_counts(s["id"] for s in below),
                "calculations": calculations,
                "status": status,
            }
        )
    return entries


def review_counts(scenario_ids: Iterable[str]) -> dict[str, int]:
    """How many of the scenarios read as each review status, keyed as on the wire."""
    return {COUNT_KEYS[status]: n for status, n in counts(scenario_ids).items()}


@cache
def coverage() -> tuple[dict[str, Any], ...]:
    """Coverage entries of every policy."""
    return tuple(entry for policy in by_id().values() for entry in policy_coverage(policy))


def coverage_data(policy_id: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    return [e for e in coverage() if policy_id in (None, e["policy"]) and status in (None, e["status"])]


def summary(policy_id: str) -> dict[str, Any]:
    """Counts for one policy, and the gaps by clause."""
    entries = coverage_data(policy_id)
    counts = {status: sum(e["status"] == status for e in entries) for status in STATUSES}
    return {
        "policy": policy_id,
        "computable": sum(e["computable"] for e in entries),
        **counts,
        "gaps": [e["clause"] for e in entries if e["status"] == "gap"],
    }
