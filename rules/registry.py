"""Every policy the service knows, by jurisdiction, and the one entry point for calculations."""

from __future__ import annotations

from functools import cache
from typing import Any

from bingpin.rules.core.errors import NotDefinedByPolicy, UnknownJurisdiction
from bingpin.rules.core.inputs import note_ignored
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace

#: The calculations of the API contract, in the order of DESIGN.md.
CALCULATIONS: dict[str, str] = {
    "medical-assistance": "医疗救助",
    "critical-illness-insurance": "大病保险",
    "insurance-subsidy": "资助参保",
    "risk-monitoring": "因病致贫返贫风险监测",
    "high-cost-relief": "高额医疗费用化解",
    "indicators": "工作目标指标",
}

#: Enrolment subsidies of other schemes than basic insurance: the key a policy registers the rule under.
SCHEMES: dict[str, tuple[str, str]] = {
    "supplementary": ("insurance-subsidy:supplementary", "惠民型商业补充医疗保险的资助投保"),
}


@cache
def policies() -> dict[str, Policy]:
    """Policies by jurisdiction code, loaded (and checked) once."""
    from bingpin.rules import chengkou, jiaxing, longgang, shengzhou, wenzhou

    loaded = [jiaxing.POLICY, chengkou.POLICY, shengzhou.POLICY, wenzhou.POLICY, longgang.POLICY]
    return {policy.jurisdiction_code: policy for policy in loaded}


def policy_for(jurisdiction: str) -> Policy:
    try:
        return policies()[jurisdiction]
    except KeyError:
        known = "、".join(f"{code} {p.jurisdiction_name}" for code, p in policies().items())
        raise UnknownJurisdiction(
            f"未知地区 {jurisdiction} / unknown jurisdiction", {"jurisdiction": [f"可用 / known: {known}"]}
        ) from None


@cache
def _applied(jurisdiction: str) -> str:
    """The first step of every calculation under a policy: which text applies, and when."""
    policy = policies()[jurisdiction]
    return f"适用{policy.document_number}《{policy.title}》（施行期间：{policy.in_force.describe()}）"


def calculate(calculation: str, jurisdiction: str, case: Any, explain: bool = True) -> tuple[Policy, Outcome]:
    """Run ``calculation`` for ``case`` under the policy of ``jurisdiction``.

    Refuses (never guesses) when the policy lacks the rule or the date is outside its
    in-force period. ``explain=False``: the outcome's trace keeps no steps (assumptions only).
    """
    policy = policy_for(jurisdiction)
    key = calculation
    rule = policy.calculations.get(calculation)
    scheme = getattr(case, "scheme", None)
    if calculation == "insurance-subsidy" and scheme in SCHEMES:
        key, label = SCHEMES[scheme]
        rule = policy.calculations.get(key)
        if rule is None:
            raise NotDefinedByPolicy(
                f"{policy.jurisdiction_name}的政策（{policy.document_number}）未规定{label}"
                f" / {policy.id} does not define a subsidy for scheme {scheme}",
                {"scheme": [f"{policy.document_number} 未规定{label}"]},
            )
    if rule is None:
        raise NotDefinedByPolicy(
            f"{policy.jurisdiction_name}的政策（{policy.document_number}）未规定{CALCULATIONS[calculation]}"
            f" / {policy.id} does not define {calculation}",
            {"jurisdiction": [f"{policy.document_number} 未规定{CALCULATIONS[calculation]}"]},
        )
    policy.check_in_force(case.date)
    trace = Trace(explain=explain)
    trace.step(_applied(jurisdiction), policy.in_force_citation)
    note_ignored(case, policy.ignored_inputs.get(key, {}), trace)
    return policy, rule(policy, case, trace)
