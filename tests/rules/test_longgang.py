"""龙港 rules (“医保纾困·携手共富”行动方案), called directly (no HTTP). Mirrors rules/longgang/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from bingpin.rules.core.cases import (
    CriticalIllnessCase,
    HighCostReliefCase,
    HouseholdMember,
    IndicatorsCase,
    InsuranceSubsidyCase,
    MedicalAssistanceCase,
    RiskMonitoringCase,
)
from bingpin.rules.core.errors import NotDefinedByPolicy, NotInForce
from bingpin.rules.registry import calculate, policy_for
from tests.rules.outcomes import answer

LONGGANG = "330383"
DAY = dt.date(2023, 6, 1)
HARDSHIP = (
    "extreme_poverty",
    "subsistence_allowance",
    "marginal_subsistence",
    "illness_induced_poverty",
    "other_special_hardship",
)


def run(calculation: str, case: Any) -> dict[str, Any]:
    return answer(calculation, LONGGANG, case)


def assist(**facts: Any) -> dict[str, Any]:
    facts.setdefault("date", DAY)
    return run("medical-assistance", MedicalAssistanceCase(**facts))


def critical(**facts: Any) -> dict[str, Any]:
    facts.setdefault("date", DAY)
    facts.setdefault("per_capita_disposable_income", D("60000"))
    return run("critical-illness-insurance", CriticalIllnessCase(**facts))


def subsidy(**facts: Any) -> dict[str, Any]:
    facts.setdefault("date", DAY)
    facts.setdefault("personal_contribution", D("380"))
    return run("insurance-subsidy", InsuranceSubsidyCase(**facts))


def relieve(*members: HouseholdMember) -> dict[str, Any]:
    return run("high-cost-relief", HighCostReliefCase(date=DAY, members=members))


def member(self_pay: str, category: str = "subsistence_allowance", guided: bool = True, referred: bool = True) -> Any:
    return HouseholdMember(D(self_pay), (category,) if category else (), guided, referred)


# ---- 3(三)9 medical assistance ----------------------------------------------------------------


@pytest.mark.parametrize("category", HARDSHIP)
def test_every_class_is_assisted_at_the_80_percent_floor_without_a_deductible(category: str) -> None:
    # 10000 x 不低于80% = 8000; 不设起付线
    result = assist(categories=(category,), eligible_self_pay=D("10000"))
    assert result["ratio"] == D("0.80")
    assert result["ratio_is_floor"] is True
    assert result["deductible"] == D("0.00")
    assert result["amount"] == D("8000.00")


def test_an_input_deductible_is_ignored_because_the_policy_sets_none() -> None:
    result = assist(categories=("subsistence_allowance",), eligible_self_pay=D("10000"), deductible=D("1000"))
    assert result["amount"] == D("8000.00")
    assert any("忽略输入的当地起付线（deductible" in a for a in result["assumptions"])


def test_outpatient_costs_are_assisted_at_the_inpatient_ratio() -> None:
    result = assist(categories=("subsistence_allowance",), eligible_self_pay=D("1000"), care_type="outpatient")
    assert result["amount"] == D("800.00")
    assert ("longgang-2022-yibao-shukun", "3(三)9") in result["citations"]


@pytest.mark.parametrize(
    ("received", "self_pay", "amount"),
    [
        ("0", "125000.00", "100000.00"),  # 125000 x 80% = 100000: the limit exactly reached
        ("0", "125000.01", "100000.00"),  # 100000.008: the limit exceeded
        ("95000", "10000", "5000.00"),  # 100000 - 95000 left
        ("92000", "10000", "8000.00"),  # exactly enough left
        ("100000", "10000", "0.00"),  # used up
    ],
)
def test_the_limit_of_100000_per_person_per_year_counts_assistance_received(
    received: str, self_pay: str, amount: str
) -> None:
    result = assist(
        categories=("marginal_subsistence",), eligible_self_pay=D(self_pay), assistance_received_this_year=D(received)
    )
    assert result["annual_cap"] == D("100000.00")
    assert result["amount"] == D(amount)


def test_outpatient_and_inpatient_share_the_limit() -> None:
    # 98000 received (inpatient and outpatient): 2000 left of 8000
    result = assist(
        categories=("subsistence_allowance",),
        eligible_self_pay=D("10000"),
        care_type="outpatient",
        assistance_received_this_year=D("98000"),
    )
    assert result["amount"] == D("2000.00")


def test_extreme_poverty_has_no_limit() -> None:
    # 200000 x 80% = 160000, above 100000, and the year's 100000 already received does not count
    result = assist(
        categories=("extreme_poverty",), eligible_self_pay=D("200000"), assistance_received_this_year=D("100000")
    )
    assert result["annual_cap"] is None
    assert result["amount"] == D("160000.00")


def test_an_input_limit_is_ignored_because_the_policy_states_one() -> None:
    result = assist(categories=("subsistence_allowance",), eligible_self_pay=D("100000"), annual_cap=D("50000"))
    assert result["amount"] == D("80000.00")


def test_people_who_are_not_in_hardship_get_no_assistance() -> None:
    result = assist(eligible_self_pay=D("10000"))
    assert result["eligible"] is False
    assert result["amount"] == D("0.00")


# ---- 3(三)9 critical-illness insurance (standard from 温州 三(四)) ------------------------------


@pytest.mark.parametrize("category", HARDSHIP)
def test_people_in_hardship_have_the_city_deductible_halved_80_percent_and_no_cap(category: str) -> None:
    # 起付线 60000 x 50% x (1 - 50%) = 15000; (1000000 - 15000) x 80% = 788000
    result = critical(categories=(category,), eligible_self_pay=D("1000000"), annual_cap=D("100000"))
    assert result["deductible"] == D("15000.00")
    assert (result["ratio"], result["ratio_is_floor"]) == (D("0.80"), True)
    assert result["annual_cap"] is None
    assert result["amount"] == D("788000.00")


@pytest.mark.parametrize("annual_cap", [None, D("100000")])
def test_critical_illness_for_people_not_in_hardship_is_not_defined_by_this_plan(annual_cap: D | None) -> None:
    # 2 适用对象: the plan covers 困难群众 only; 温医保发〔2019〕13号 is not applied in its place
    with pytest.raises(NotDefinedByPolicy):
        critical(eligible_self_pay=D("50000"), annual_cap=annual_cap)


def test_the_halved_deductible_rests_on_the_wenzhou_standard_and_says_so() -> None:
    result = critical(categories=("subsistence_allowance",), eligible_self_pay=D("50000"))
    assert ("wenzhou-2019-13", "三(四)") in result["citations"]
    assert any("LG-AMB-005" in a for a in result["assumptions"])


@pytest.mark.parametrize(("self_pay", "amount"), [("15000.00", "0.00"), ("15000.01", "0.01")])
def test_critical_illness_pays_only_above_the_reduced_deductible(self_pay: str, amount: str) -> None:
    # 0.01 x 80% = 0.008 -> 0.01
    assert critical(categories=("subsistence_allowance",), eligible_self_pay=D(self_pay))["amount"] == D(amount)


# ---- 3(三)8 insurance subsidy ------------------------------------------------------------------


@pytest.mark.parametrize("category", HARDSHIP)
def test_the_personal_contribution_of_every_class_is_paid_in_full(category: str) -> None:
    result = subsidy(categories=(category,))
    assert result["share"] == D("1.00")
    assert result["subsidy"] == D("380.00")


def test_new_people_are_enrolled_this_month_and_covered_next_month() -> None:
    result = subsidy(categories=("subsistence_allowance",), recognized_on=dt.date(2023, 12, 31))
    assert result["subsidised_from"] == dt.date(2023, 12, 1)
    assert result["coverage_effective_from"] == dt.date(2024, 1, 1)


@pytest.mark.parametrize(("day", "eligible"), [(dt.date(2023, 12, 31), True), (dt.date(2024, 1, 1), False)])
def test_exited_people_keep_this_year_and_lose_next_year(day: dt.date, eligible: bool) -> None:
    result = subsidy(date=day, categories=("extreme_poverty",), exited_on=dt.date(2023, 5, 10))
    assert result["subsidy_until"] == dt.date(2023, 12, 31)
    assert result["eligible"] is eligible


@pytest.mark.parametrize("category", ["subsistence_allowance", "marginal_subsistence"])
@pytest.mark.parametrize(("day", "eligible"), [(dt.date(2023, 12, 31), True), (dt.date(2024, 1, 1), False)])
def test_the_transition_period_keeps_the_subsidy_within_the_same_enrolment_year(
    category: str, day: dt.date, eligible: bool
) -> None:
    result = subsidy(date=day, categories=(category,), exited_on=dt.date(2023, 5, 10), in_transition_period=True)
    assert result["subsidy_until"] == dt.date(2023, 12, 31)
    assert result["eligible"] is eligible


def test_a_given_enrolment_year_sets_the_end_of_the_transition_subsidy() -> None:
    result = subsidy(
        date=dt.date(2024, 6, 1),
        categories=("subsistence_allowance",),
        exited_on=dt.date(2023, 12, 20),
        in_transition_period=True,
        enrolment_year=2024,
    )
    assert result["eligible"] is True
    assert result["subsidy_until"] == dt.date(2024, 12, 31)


def test_the_transition_rule_is_only_for_subsistence_and_marginal_classes() -> None:
    result = subsidy(categories=("extreme_poverty",), exited_on=dt.date(2023, 5, 10), in_transition_period=True)
    assert result["subsidy_until"] == dt.date(2023, 12, 31)
    assert any("按退出处理" in a for a in result["assumptions"])


# ---- 3(三)10 政策性商业补充医疗保险 --------------------------------------------------------------


@pytest.mark.parametrize("category", HARDSHIP)
def test_hardship_people_are_subsidised_for_supplementary_insurance_with_the_share_not_computed(category: str) -> None:
    # 3(三)10 "实行困难群众参加政策性商业补充医疗保险财政资助参保": a subsidy whose share is not stated (LG-AMB-012)
    result = subsidy(categories=(category,), scheme="supplementary")
    assert result["eligible"] is True
    assert (result["share"], result["share_is_floor"], result["subsidy"]) == (None, False, None)
    assert ("longgang-2022-yibao-shukun", "3(三)10") in result["citations"]
    assert any("未规定政策性商业补充医疗保险的资助比例" in a for a in result["assumptions"])
    assert any("personal_contribution" in a for a in result["assumptions"])


def test_people_outside_the_hardship_groups_get_no_supplementary_subsidy() -> None:
    result = subsidy(scheme="supplementary", disability_certificate=True)
    assert result["eligible"] is False
    assert result["share"] is None
    assert ("longgang-2022-yibao-shukun", "2") in result["citations"]
    assert any("disability_certificate" in a for a in result["assumptions"])


# ---- 3(三)11 high-cost relief -------------------------------------------------------------------


@pytest.mark.parametrize(("self_pay", "relief"), [("50000.00", "0.00"), ("50000.01", "0.01"), ("80000", "30000.00")])
def test_only_the_part_strictly_above_50000_is_relieved(self_pay: str, relief: str) -> None:
    result = relieve(member(self_pay, "extreme_poverty"))
    assert result["relief"] == D(relief)
    assert result["members"][0]["self_pay_after"] == min(D(self_pay), D("50000.00"))


@pytest.mark.parametrize(
    ("guided", "referred", "category"), [(False, True, "subsistence_allowance"), (True, False, "subsistence_allowance")]
)
def test_relief_needs_the_treatment_guidance_and_a_referral(guided: bool, referred: bool, category: str) -> None:
    result = relieve(member("80000", category, guided, referred))
    assert result["eligible"] is False
    assert result["relief"] == D("0.00")


def test_people_not_in_hardship_are_not_relieved() -> None:
    assert relieve(member("80000", ""))["relief"] == D("0.00")


def test_each_member_is_relieved_alone_and_the_household_has_no_limit() -> None:
    # 60000 -> 50000 (10000), 55000 -> 50000 (5000); 40000 + 40000 = 80000 is not relieved
    result = relieve(member("60000"), member("55000"))
    assert [m["relief"] for m in result["members"]] == [D("10000"), D("5000")]
    assert result["household_self_pay_after"] == D("100000.00")
    assert relieve(member("40000"), member("40000"))["relief"] == D("0.00")


# ---- targets, in-force period, what the plan does not contain ----------------------------------


@pytest.mark.parametrize(
    ("figures", "indicator", "met"),
    [
        ({"subsidised_enrollees": "8000", "eligible_for_assistance": "8000"}, "subsidised_enrolment_rate", True),
        ({"assistance_delivered": "9999", "assistance_due": "10000"}, "assistance_implementation_rate", False),
        ({"chronic_reports_on_time": "950", "chronic_reports": "1000"}, "chronic_report_timeliness_rate", True),
        ({"chronic_reports_on_time": "9499", "chronic_reports": "10000"}, "chronic_report_timeliness_rate", False),
        ({"paired_households": "319", "low_income_households": "320"}, "pairing_coverage_rate", False),
    ],
)
def test_the_targets_include_their_number(figures: dict[str, str], indicator: str, met: bool) -> None:
    case = IndicatorsCase(date=DAY, figures={k: D(v) for k, v in figures.items()})
    _, outcome = calculate("indicators", LONGGANG, case)
    (result,) = outcome.values["indicators"]
    assert (result["id"], result["met"]) == (indicator, met)


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (dt.date(2021, 12, 31), False),
        (dt.date(2022, 1, 1), True),
        (dt.date(2025, 12, 31), True),
        (dt.date(2026, 1, 1), False),
    ],
)
def test_the_plan_is_in_force_from_2022_to_2025_as_decided(day: dt.date, in_force: bool) -> None:
    if in_force:
        assert assist(date=day, categories=("subsistence_allowance",), eligible_self_pay=D("1"))["eligible"] is True
        return
    with pytest.raises(NotInForce):
        assist(date=day, categories=("subsistence_allowance",), eligible_self_pay=D("1"))


def test_risk_monitoring_is_not_defined_by_this_plan() -> None:
    with pytest.raises(NotDefinedByPolicy):
        calculate("risk-monitoring", LONGGANG, RiskMonitoringCase(date=DAY, annual_self_pay=D("10000")))


def test_every_ambiguity_has_a_decision() -> None:
    ambiguities = policy_for(LONGGANG).ambiguities
    assert [a.id for a in ambiguities] == [f"LG-AMB-{n:03d}" for n in range(1, len(ambiguities) + 1)]
    assert all(a.decision for a in ambiguities)
