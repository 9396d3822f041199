"""Every optional input a policy does not read is answered with an assumption line.

The table below is the whole matrix: for each policy and calculation, every optional request field
is either read by the rule (``READ``: possibly only in some cases, each answered by the rule's own
line, pinned in ``CONDITIONAL``) or listed in the policy's ``ignored_inputs`` with its line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from bingpin.rules.core import cases
from bingpin.rules.registry import SCHEMES, calculate, policies

DAY = dt.date(2023, 6, 1)
JX, WZ, LG, SZ, CK = "330400", "330300", "330383", "330683", "500229"

CASES: dict[str, type] = {
    "medical-assistance": cases.MedicalAssistanceCase,
    "critical-illness-insurance": cases.CriticalIllnessCase,
    "insurance-subsidy": cases.InsuranceSubsidyCase,
    "risk-monitoring": cases.RiskMonitoringCase,
    "high-cost-relief": cases.HighCostReliefCase,
    "indicators": cases.IndicatorsCase,
}
#: Fields every request must give: never "ignored".
REQUIRED = {"date", "eligible_self_pay", "per_capita_disposable_income", "annual_self_pay", "members", "figures"}

_MA = {"categories", "assistance_received_this_year", "deductible", "deductibles", "annual_cap"}
_CI = {"categories", "annual_cap", "registered_poor"}
_IS = {"categories", "scheme", "tier"}
#: What each rule reads (or answers with its own line where it reads it only in some cases).
READ: dict[tuple[str, str], set[str]] = {
    (JX, "medical-assistance"): _MA | {"age", "diagnoses", "recognized_on", "local_household_registration"},
    (WZ, "medical-assistance"): _MA | {"care_type", "diagnoses", "per_capita_income"},
    (LG, "medical-assistance"): _MA | {"care_type"},
    (CK, "medical-assistance"): _MA | {"care_type"},
    (WZ, "critical-illness-insurance"): _CI,
    (LG, "critical-illness-insurance"): _CI,
    (CK, "critical-illness-insurance"): _CI,
    (JX, "insurance-subsidy"): _IS | {"personal_contribution", "recognized_on", "exited_on", "in_transition_period"},
    # 二(三)10 大病无忧: who is a 资助参保对象 follows 二(二)6 (exited, 渐退期, the year of exit).
    (JX, "insurance-subsidy:supplementary"): _IS
    | {"personal_contribution", "disability_certificate", "exited_on", "in_transition_period"},
    (WZ, "insurance-subsidy"): _IS
    | {"recognized_on", "exited_on", "in_transition_period"}
    | {"already_enrolled_this_year"},
    (LG, "insurance-subsidy"): _IS
    | {"personal_contribution", "recognized_on", "exited_on", "in_transition_period"}
    | {"enrolment_year"},
    (LG, "insurance-subsidy:supplementary"): {"categories", "scheme", "personal_contribution"},
    (CK, "insurance-subsidy"): _IS
    | {"personal_contribution", "recognized_on", "exited_on", "in_transition_period"}
    | {"enrolment_year", "enrolled_on"},
    (JX, "risk-monitoring"): {"monitoring_standard", "potential_threshold"},
    (CK, "risk-monitoring"): {"categories", "monitoring_standard", "potential_threshold"},
    (SZ, "risk-monitoring"): {"categories", "monitoring_standard", "potential_threshold", "attributes", "age"}
    | {"disability_grade", "in_transition_period"},
}

#: A value for each optional field, as a request would give it.
SAMPLES: dict[str, Any] = {
    "categories": ("subsistence_allowance",),
    "assistance_received_this_year": D("0"),
    "age": 30,
    "diagnoses": ("leukemia",),
    "care_type": "inpatient",
    "deductible": D("100"),
    "deductibles": {"marginal_subsistence": D("100")},
    "annual_cap": D("1000"),
    "recognized_on": dt.date(2023, 3, 15),
    "local_household_registration": True,
    "per_capita_income": D("40000"),
    "registered_poor": True,
    "personal_contribution": D("380"),
    "tier": "1",
    "exited_on": dt.date(2023, 5, 15),
    "in_transition_period": True,
    "enrolment_year": 2023,
    "enrolled_on": dt.date(2023, 3, 1),
    "already_enrolled_this_year": True,
    "disability_certificate": True,
    "monitoring_standard": D("1000"),
    "potential_threshold": D("1000"),
    "attributes": ("scattered_orphan",),
    "disability_grade": 3,
}


def base(jurisdiction: str, key: str) -> Any:
    """A plain request of the calculation ``key`` that the policy answers."""
    calculation, _, scheme = key.partition(":")
    if calculation == "medical-assistance":
        return cases.MedicalAssistanceCase(DAY, D("1000"), ("subsistence_allowance",))
    if calculation == "insurance-subsidy":
        return cases.InsuranceSubsidyCase(DAY, ("subsistence_allowance",), scheme=scheme or None)
    if calculation == "risk-monitoring":
        standard = D("1000") if jurisdiction == CK else None
        return cases.RiskMonitoringCase(DAY, D("1000"), monitoring_standard=standard)
    raise AssertionError(key)


def optional_fields(key: str) -> set[str]:
    return {f.name for f in dataclasses.fields(CASES[key.partition(":")[0]])} - REQUIRED


def defined() -> list[tuple[str, str]]:
    """Every (jurisdiction, calculation key) a policy answers, schemes included."""
    found = []
    for code, policy in policies().items():
        for calculation in policy.calculations:
            if calculation.partition(":")[0] in ("high-cost-relief", "indicators"):
                continue  # every member field is read; figures: CONDITIONAL
            found.append((code, calculation))
    return sorted(found)


def assumptions(jurisdiction: str, key: str, **facts: Any) -> list[str]:
    case = dataclasses.replace(base(jurisdiction, key), **facts)
    _, outcome = calculate(key.partition(":")[0], jurisdiction, case)
    return outcome.trace.assumptions


@pytest.mark.parametrize(("jurisdiction", "key"), defined())
def test_every_optional_field_is_read_or_listed_as_ignored(jurisdiction: str, key: str) -> None:
    ignored = set(policies()[jurisdiction].ignored_inputs.get(key, {}))
    read = READ[(jurisdiction, key)]
    assert not read & ignored, f"{jurisdiction} {key}: both read and ignored: {read & ignored}"
    assert read | ignored == optional_fields(key), f"{jurisdiction} {key}: not accounted for"


IGNORED = [
    (code, key, name, note)
    for code, policy in policies().items()
    for key, notes in policy.ignored_inputs.items()
    for name, note in notes.items()
]


@pytest.mark.parametrize(("jurisdiction", "key", "name", "note"), IGNORED)
def test_an_ignored_input_given_is_answered_with_its_line(jurisdiction: str, key: str, name: str, note: str) -> None:
    assert f"（{name}）" in note, "the line names the field in parentheses"
    assert note in assumptions(jurisdiction, key, **{name: SAMPLES[name]})
    assert note not in assumptions(jurisdiction, key)


def test_the_schemes_ignored_inputs_are_those_of_a_defined_scheme() -> None:
    keys = {key for key, _ in SCHEMES.values()}
    for policy in policies().values():
        for key in policy.ignored_inputs:
            assert key in policy.calculations, (policy.id, key)
            assert ":" not in key or key in keys


#: Inputs a rule reads only in some cases: in the others it says it ignored them.
CONDITIONAL = [
    (LG, "medical-assistance", {"categories": ("extreme_poverty",), "assistance_received_this_year": D("1")}),
    (LG, "medical-assistance", {"deductibles": {"marginal_subsistence": D("100")}}),
    (LG, "medical-assistance", {"deductible": D("100")}),
    (LG, "medical-assistance", {"annual_cap": D("100")}),
    (CK, "medical-assistance", {"deductibles": {"marginal_subsistence": D("100")}}),
    (CK, "medical-assistance", {"deductible": D("100")}),
    (CK, "medical-assistance", {"assistance_received_this_year": D("1")}),
    (WZ, "medical-assistance", {"per_capita_income": D("40000")}),
    (WZ, "medical-assistance", {"diagnoses": ("leukemia",)}),
    (WZ, "medical-assistance", {"annual_cap": D("100")}),
    (JX, "medical-assistance", {"annual_cap": D("100")}),
    (JX, "medical-assistance", {"deductible": D("100")}),
    (JX, "insurance-subsidy", {"categories": ("expenditure_poverty",), "personal_contribution": D("380")}),
    (JX, "insurance-subsidy", {"in_transition_period": True}),
    (JX, "insurance-subsidy", {"tier": "1"}),
    (JX, "insurance-subsidy:supplementary", {"tier": "1"}),
    (JX, "insurance-subsidy:supplementary", {"in_transition_period": True}),
    (WZ, "insurance-subsidy", {"in_transition_period": True}),
    (WZ, "insurance-subsidy", {"tier": "1"}),
    (LG, "insurance-subsidy", {"enrolment_year": 2023}),
    (LG, "insurance-subsidy", {"categories": ("extreme_poverty",), "in_transition_period": True}),
    (LG, "insurance-subsidy", {"tier": "1"}),
    (LG, "insurance-subsidy:supplementary", {"personal_contribution": D("380")}),
    (CK, "insurance-subsidy", {"recognized_on": DAY}),
    (CK, "insurance-subsidy", {"exited_on": DAY}),
    (CK, "insurance-subsidy", {"in_transition_period": True}),
    (CK, "insurance-subsidy", {"categories": ("stable_out_of_poverty",), "tier": "1"}),
    (JX, "risk-monitoring", {"monitoring_standard": D("1")}),
    (CK, "risk-monitoring", {"potential_threshold": D("1")}),
    (SZ, "risk-monitoring", {"categories": ("subsistence_allowance",), "monitoring_standard": D("1")}),
    (SZ, "risk-monitoring", {"categories": ("subsistence_allowance",), "age": 30}),
]


@pytest.mark.parametrize(("jurisdiction", "key", "facts"), CONDITIONAL)
def test_an_input_read_only_in_some_cases_is_said_to_be_ignored_in_the_others(
    jurisdiction: str, key: str, facts: dict[str, Any]
) -> None:
    field = next(name for name in facts if name != "categories")
    lines = [a for a in assumptions(jurisdiction, key, **facts) if field in a]
    assert any(word in a for a in lines for word in ("忽略", "未采用", "无法按输入")), (field, lines)


@pytest.mark.parametrize(
    ("jurisdiction", "facts"),
    [
        (LG, {"categories": ("extreme_poverty",)}),
        (CK, {"categories": ("extreme_poverty",)}),
        (WZ, {"categories": ("extreme_poverty",)}),
    ],
)
def test_critical_illness_inputs_of_a_cap_or_poverty_register_the_policy_settles_are_said_to_be_ignored(
    jurisdiction: str, facts: dict[str, Any]
) -> None:
    case = cases.CriticalIllnessCase(DAY, D("100000"), D("60000"), annual_cap=D("1"), registered_poor=True, **facts)
    _, outcome = calculate("critical-illness-insurance", jurisdiction, case)
    assert any("annual_cap" in a and "忽略" in a for a in outcome.trace.assumptions)


@pytest.mark.parametrize("jurisdiction", [JX, WZ, LG, SZ])
def test_figures_no_target_of_the_policy_reads_are_said_to_be_ignored(jurisdiction: str) -> None:
    read = {"subsidised_enrollees", "eligible_for_assistance"}  # 资助参保率: a target of every one of them
    unread = {"chronic_reports_on_time": D("1"), "chronic_reports": D("2")} if jurisdiction != LG else {}
    if jurisdiction == LG:
        unread = {"accumulated_balance": D("1"), "funds_raised": D("2")}
    figures = dict.fromkeys(read, D("10")) | unread
    _, outcome = calculate("indicators", jurisdiction, cases.IndicatorsCase(DAY, figures))
    for name in unread:
        assert any(f"figures.{name}" in a for a in outcome.trace.assumptions), name
    for name in read:
        assert not any(f"figures.{name}" in a for a in outcome.trace.assumptions), name
