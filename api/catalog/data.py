"""Policies, clause trees, dated parameters, calculations and ambiguities, shaped for the API."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import marshmallow as ma

from bingpin.api import fields as wire
from bingpin.api.catalog.features import Feature, Scenario, load_features
from bingpin.rules.core.clauses import Clause, ClauseTree, clause_tree, split_paths
from bingpin.rules.core.policy import Parameter, Policy
from bingpin.rules.registry import CALCULATIONS, policies

#: Which calculation a parameter serves, by the first segment of its key.
PARAMETER_CALCULATIONS = {
    "medical_assistance": "medical-assistance",
    "critical_illness": "critical-illness-insurance",
    "insurance_subsidy": "insurance-subsidy",
    "risk_monitoring": "risk-monitoring",
    "high_cost_relief": "high-cost-relief",
    "target": "indicators",
}


def by_id() -> dict[str, Policy]:
    """Policies by policy id, in jurisdiction-code order."""
    return {p.id: p for _, p in sorted(policies().items())}


@cache
def features() -> tuple[Feature, ...]:
    """The acceptance features, read once per process."""
    return tuple(load_features())


def scenarios_of(policy_id: str) -> list[Scenario]:
    return [s for f in features() if f.policy == policy_id for s in f.scenarios]


def tested_by_clause(policy_id: str) -> dict[str, list[tuple[Feature, Scenario]]]:
    """Clause path -> the scenarios (with their feature) that test it, in the features' order."""
    found: dict[str, list[tuple[Feature, Scenario]]] = {}
    for feature in features():
        if feature.policy == policy_id:
            for scenario in feature.scenarios:
                for path in scenario.clauses:
                    found.setdefault(path, []).append((feature, scenario))
    return found


def tree(policy: Policy) -> ClauseTree:
    return clause_tree(policy.text.filename)


def jurisdiction_ref(policy: Policy) -> dict[str, str]:
    return {"code": policy.jurisdiction_code, "name": policy.jurisdiction_name}


def policy_ref(policy: Policy) -> dict[str, str]:
    return {"id": policy.id, "document_number": policy.document_number, "title": policy.title}


def policy_data(policy: Policy) -> dict[str, Any]:
    """文号, title, issuer, dates, status and in-force period of one policy."""
    return {
        **policy_ref(policy),
        "issuer": policy.issuer,
        "issued_on": policy.issued_on,
        "status": policy.status,
        "draft": policy.status != "正式",
        "jurisdiction": jurisdiction_ref(policy),
        "in_force": {
            "start": policy.in_force.start,
            "end": policy.in_force.end,
            "description": policy.in_force.describe(),
            "citation": policy.in_force_citation.as_dict(),
        },
        "text_file": policy.text.filename,
        "clause_count": sum(1 for _ in tree(policy).walk()),
        "calculations": [c for c in CALCULATIONS if c in policy.calculations],
        "not_defined": [c for c in CALCULATIONS if c not in policy.calculations],
    }


def clause_data(clause: Clause) -> dict[str, Any]:
    return {
        "path": clause.path,
        "label": clause.label,
        "title": clause.title,
        "kind": clause.kind,
        "text": clause.text,
        "children": [clause_data(child) for child in clause.children],
    }


def clauses_data(policy: Policy) -> dict[str, Any]:
    """The clause tree of a policy, verbatim."""
    clauses = tree(policy)
    return {
        "policy": policy_ref(policy),
        "text_file": policy.text.filename,
        "count": sum(1 for _ in clauses.walk()),
        "clauses": [clause_data(clause) for clause in clauses.clauses],
    }


def parameter_id(policy: Policy, key: str) -> str:
    return f"{policy.id}:{key}"


def _values(parameter: Parameter) -> list[dict[str, Any]]:
    values = []
    for index, (start, value) in enumerate(parameter.values):
        following = parameter.values[index + 1][0] if index + 1 < len(parameter.values) else None
        values.append(
            {
                "start": start,
                "end": following - dt.timedelta(days=1) if following else None,
                "value": None if value is None else str(value),
            }
        )
    return values


def parameter_data(policy: Policy, parameter: Parameter, day: dt.date | None = None) -> dict[str, Any]:
    """One parameter with its dated values (only the value in force on ``day`` when given)."""
    values = _values(parameter)
    if day is not None:
        values = [v for v in values if v["start"] <= day and (v["end"] is None or day <= v["end"])]
    return {
        "id": parameter_id(policy, parameter.key),
        "policy": policy.id,
        "jurisdiction": jurisdiction_ref(policy),
        "key": parameter.key,
        "description": parameter.description,
        "unit": parameter.unit,
        "floor": parameter.is_floor,
        "comparator": parameter.comparator,
        "kind": parameter.kind,
        "calculation": PARAMETER_CALCULATIONS.get(parameter.key.split(".", 1)[0]),
        "citation": parameter.citation.as_dict(),
        "values": values,
    }


def parameters_data(policy_id: str | None = None, day: dt.date | None = None) -> list[dict[str, Any]]:
    """Every parameter; with ``day``, only those with a value in force that day under a policy in force."""
    result = []
    for policy in by_id().values():
        if policy_id not in (None, policy.id) or (day is not None and day not in policy.in_force):
            continue
        for parameter in policy.parameters.values():
            if day is not None and parameter.at(day) is None:
                continue
            result.append(parameter_data(policy, parameter, day))
    return result


def find_parameter(parameter_id_: str) -> tuple[Policy, Parameter] | None:
    policy_id, _, key = parameter_id_.partition(":")
    policy = by_id().get(policy_id)
    if policy is None or key not in policy.parameters:
        return None
    return policy, policy.parameters[key]


def register_by_clause(policy_id: str) -> dict[str, list[dict[str, Any]]]:
    """Clause path -> the register entries (as :func:`ambiguities_data`) that touch it."""
    found: dict[str, list[dict[str, Any]]] = {}
    for item in ambiguities_data(policy_id):
        for path in split_paths(item["clause"]):
            found.setdefault(path, []).append(item)
    return found


def ambiguities_data(policy_id: str | None = None) -> list[dict[str, Any]]:
    """Every recorded ambiguity with the decision taken and the scenarios tagged with it."""
    result = []
    for policy in by_id().values():
        if policy_id not in (None, policy.id):
            continue
        tagged = scenarios_of(policy.id)
        for ambiguity in policy.ambiguities:
            result.append(
                {
                    "id": ambiguity.id,
                    "policy": policy.id,
                    "jurisdiction": jurisdiction_ref(policy),
                    "clause": ambiguity.clause,
                    "quote": ambiguity.quote,
                    "issue": ambiguity.issue,
                    "decision": ambiguity.decision,
                    "kind": ambiguity.kind,
                    "scenarios": [s.id for s in tagged if ambiguity.id in s.ambiguities],
                }
            )
    return result


def _type(field: ma.fields.Field) -> str:
    """``decimal string`` for money and ratios (see api/fields.py), else marshmallow's field type."""
    if isinstance(field, wire.Money | wire.Ratio | wire.Percent):
        return "decimal string"
    generic = next((c for c in type(field).__mro__ if c.__module__ == "marshmallow.fields"), type(field))
    name = generic.__name__.lower()
    return "object" if name in ("nested", "dict") else name


def _field(name: str, field: ma.fields.Field) -> dict[str, Any]:
    choices = getattr(field.validate, "choices", None) if field.validate else None
    inner = getattr(field, "inner", None)
    if inner is not None and inner.validate is not None:
        choices = getattr(inner.validate, "choices", choices)
    return {
        "name": field.data_key or name,
        "type": _type(field),
        "required": bool(field.required),
        "description": field.metadata.get("description", ""),
        "choices": [str(c) for c in choices] if choices else [],
    }


def rule_clauses(calculation: str) -> list[dict[str, Any]]:
    """The clauses a calculation rests on, per policy: cited by its parameters or its scenarios."""
    result = []
    for policy in by_id().values():
        found: dict[str, dict[str, Any]] = {}
        for parameter in policy.parameters.values():
            if PARAMETER_CALCULATIONS.get(parameter.key.split(".", 1)[0]) == calculation:
                for path in split_paths(parameter.citation.clause):
                    entry = found.setdefault(path, {"parameters": [], "scenarios": []})
                    entry["parameters"].append(parameter_id(policy, parameter.key))
        for scenario in scenarios_of(policy.id):
            if calculation in scenario.calculations:
                for path in scenario.clauses:
                    found.setdefault(path, {"parameters": [], "scenarios": []})["scenarios"].append(scenario.id)
        clauses = tree(policy)
        order = {c.path: i for i, c in enumerate(clauses.walk())}
        for path in sorted(found, key=lambda p: order.get(p, len(order))):
            clause = clauses.find(path)
            result.append(
                {
                    "policy": policy.id,
                    "jurisdiction": jurisdiction_ref(policy),
                    "clause": path,
                    "title": clause.title if clause else "",
                    **found[path],
                }
            )
    return result


@cache
def rules_data() -> list[dict[str, Any]]:
    """Each calculation: inputs and outputs (from its schemas), who defines it, the clauses behind it."""
    from bingpin.api.resources.calculations import ENDPOINTS

    result = []
    for endpoint in ENDPOINTS:
        defined = {p.id for p in by_id().values() if endpoint.path in p.calculations}
        result.append(
            {
                "id": endpoint.path,
                "name": CALCULATIONS[endpoint.path],
                "summary": endpoint.doc.split("\n", 1)[0],
                "endpoint": f"POST /v1/calculations/{endpoint.path}",
                "inputs": [_field(n, f) for n, f in endpoint.request().fields.items() if not f.dump_only],
                "outputs": [_field(n, f) for n, f in endpoint.response().fields.items() if not f.load_only],
                "defined_by": [{**jurisdiction_ref(p), "policy": p.id} for p in by_id().values() if p.id in defined],
                "silent": [{**jurisdiction_ref(p), "policy": p.id} for p in by_id().values() if p.id not in defined],
                "clauses": rule_clauses(endpoint.path),
            }
        )
    return result


def categories_data() -> list[dict[str, Any]]:
    """The categories each policy recognises, with its own names (as GET /v1/categories)."""
    return [
        {
            "code": entry.code.value,
            "name": entry.name,
            "label": entry.label,
            "jurisdiction": policy.jurisdiction_code,
            "citation": entry.citation.as_dict(),
        }
        for _, policy in sorted(policies().items())
        for entry in policy.categories.values()
    ]
