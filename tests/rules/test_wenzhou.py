"""温州 rules (温医保发〔2019〕13号), called directly (no HTTP). Mirrors rules/wenzhou/."""

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
from bingpin.rules.core.errors import NotDefinedByPolicy, NotInForce, UnknownCategory
from bingpin.rules.registry import calculate, policy_for
from tests.rules.outcomes import answer

WENZHOU = "330300"
DAY = dt.date(2020, 6, 1)


def run(calculation: str, case: Any) -> dict[str, Any]:
    return answer(calculation, WENZHOU, case)


def assist(**facts: Any) -> dict[str, Any]:
    facts.setdefault("date", DAY)
    facts.setdefault("care_type", "inpatient")
    return run("medical-assistance", MedicalAssistanceCase(**facts))


def critical(**facts: Any) -> dict[str, Any]:
    facts.setdefault("date", DAY)
    facts.setdefault("per_capita_disposable_income", D("60000"))
    return run("critical-illness-insurance", CriticalIllnessCase(**facts))


def subsidy(**facts: Any) -> dict[str, Any]:
    facts.setdefault("date", DAY)
    return run("insurance-subsidy", InsuranceSubsidyCase(**facts))


# ---- 三(五) medical assistance -------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "ratio", "floor", "amount"),
    [
        ("extreme_poverty", "1.00", False, "10000.00"),  # 全额解决
        ("subsistence_allowance", "0.70", True, "7000.00"),  # 10000 x 不低于70%
        ("marginal_subsistence", "0.60", True, "6000.00"),  # 10000 x 不低于60% (起付线 0: assumed)
        ("illness_induced_poverty", "0.50", True, "5000.00"),  # 10000 x 不低于50% (起付线 0: assumed)
        ("other_special_hardship", "0.50", True, "5000.00"),
    ],
)
def test_each_class_is_assisted_at_its_ratio_or_floor(category: str, ratio: str, floor: bool, amount: str) -> None:
    result = assist(categories=(category,), eligible_self_pay=D("10000.00"))
    assert result["ratio"] == D(ratio)
    assert result["ratio_is_floor"] is floor
    assert result["amount"] == D(amount)
    assert result["applied_category"] == category
    assert "三(五)" in result["clauses"]


def test_the_subsistence_class_has_no_deductible_even_when_one_is_given() -> None:
    # 不设医疗救助起付线: (10000 - 0) x 70% = 7000, the input 1000 is ignored and said so
    result = assist(categories=("subsistence_allowance",), eligible_self_pay=D("10000"), deductible=D("1000"))
    assert result["deductible"] == D("0.00")
    assert result["amount"] == D("7000.00")
    assert any("忽略输入的当地起付线" in a for a in result["assumptions"])


def test_extreme_poverty_is_paid_in_full_without_a_deductible() -> None:
    result = assist(categories=("extreme_poverty",), eligible_self_pay=D("10000"), deductible=D("1000"))
    assert result["deductible"] == D("0")
    assert result["amount"] == D("10000.00")


def test_the_marginal_class_deducts_the_local_deductible_before_the_ratio() -> None:
    # (10000 - 1000) x 60% = 5400
    result = assist(categories=("marginal_subsistence",), eligible_self_pay=D("10000"), deductible=D("1000"))
    assert result["deductible"] == D("1000")
    assert result["amount"] == D("5400.00")


def test_a_missing_local_deductible_counts_as_zero_and_is_listed_as_an_assumption() -> None:
    result = assist(categories=("marginal_subsistence",), eligible_self_pay=D("10000"))
    assert result["deductible"] == D("0")
    assert any("deductible" in a and "0 元" in a for a in result["assumptions"])


@pytest.mark.parametrize(("deductible", "warned"), [("40000.00", False), ("40000.01", True)])
def test_the_illness_deductible_above_the_per_capita_income_is_applied_with_a_warning(
    deductible: str, warned: bool
) -> None:
    # 一般不高于上年度城乡居民人均收入水平 is guidance: computed with the given 起付线, never refused.
    result = assist(
        categories=("illness_induced_poverty",),
        eligible_self_pay=D("50000.01"),
        deductible=D(deductible),
        per_capita_income=D("40000.00"),
    )
    assert result["eligible"] is True
    assert result["deductible"] == D(deductible)
    assert result["amount"] == (D("5000.00") if warned else D("5000.01"))  # (50000.01 - deductible) x 50%
    assert any("指导性规定" in a for a in result["assumptions"]) is warned


def test_the_income_ceiling_only_binds_the_illness_class() -> None:
    # 低边 with a deductible above the income: no ceiling stated for that class; (50000 - 45000) x 60% = 3000
    result = assist(
        categories=("marginal_subsistence",),
        eligible_self_pay=D("50000"),
        deductible=D("45000"),
        per_capita_income=D("40000"),
    )
    assert result["amount"] == D("3000.00")


@pytest.mark.parametrize(("self_pay", "amount"), [("2000.00", "0.00"), ("2000.01", "0.01")])
def test_only_the_part_above_the_deductible_is_assisted(self_pay: str, amount: str) -> None:
    # (2000.01 - 2000) x 50% = 0.005 -> 0.01 (half up, once)
    result = assist(categories=("illness_induced_poverty",), eligible_self_pay=D(self_pay), deductible=D("2000"))
    assert result["amount"] == D(amount)


def test_the_best_class_is_applied_by_amount_and_never_cumulated() -> None:
    # 因病致贫 (10000 - 2000) x 50% = 4000 against 低保 10000 x 70% = 7000: 7000, not 11000
    result = assist(
        categories=("illness_induced_poverty", "subsistence_allowance"),
        eligible_self_pay=D("10000"),
        deductible=D("2000"),
    )
    assert result["applied_category"] == "subsistence_allowance"
    assert result["amount"] == D("7000.00")


@pytest.mark.parametrize(
    ("received", "self_pay", "amount"),
    [
        ("0", "80000.00", "80000.00"),  # cap exactly reached
        ("0", "80000.01", "80000.00"),  # cap exceeded
        ("75000", "10000", "5000.00"),  # 80000 - 75000 left
        ("70000", "10000", "10000.00"),  # exactly enough left
        ("80000", "10000", "0.00"),  # used up
    ],
)
def test_the_annual_cap_of_80000_counts_assistance_already_received(received: str, self_pay: str, amount: str) -> None:
    result = assist(
        categories=("extreme_poverty",), eligible_self_pay=D(self_pay), assistance_received_this_year=D(received)
    )
    assert result["annual_cap"] == D("80000.00")
    assert result["amount"] == D(amount)


def test_an_input_cap_is_ignored_because_the_policy_states_one() -> None:
    result = assist(categories=("extreme_poverty",), eligible_self_pay=D("90000"), annual_cap=D("100000"))
    assert result["amount"] == D("80000.00")
    assert any("annual_cap" in a and "忽略" in a for a in result["assumptions"])


def test_outpatient_assistance_is_not_defined_by_this_policy() -> None:
    with pytest.raises(NotDefinedByPolicy, match="温医保发〔2019〕13号") as error:
        assist(categories=("subsistence_allowance",), eligible_self_pay=D("1000"), care_type="outpatient")
    assert "care_type" in error.value.errors


def test_a_missing_care_type_is_taken_as_inpatient_and_said_so() -> None:
    result = assist(categories=("extreme_poverty",), eligible_self_pay=D("100"), care_type=None)
    assert result["amount"] == D("100.00")
    assert any("住院" in a for a in result["assumptions"])


def test_rare_diseases_keep_the_inpatient_assistance_and_name_the_unstated_special_scheme() -> None:
    result = assist(categories=("extreme_poverty",), eligible_self_pay=D("10000"), diagnoses=("gaucher_disease",))
    assert result["amount"] == D("10000.00")
    assert any("罕见病" in a for a in result["assumptions"])


def test_people_in_no_class_get_nothing() -> None:
    result = assist(eligible_self_pay=D("10000"))
    assert result["eligible"] is False
    assert result["amount"] == D("0.00")


def test_a_category_the_policy_does_not_name_is_refused() -> None:
    with pytest.raises(UnknownCategory):
        assist(categories=("child_in_difficulty",), eligible_self_pay=D("1"))


# ---- 三(四) critical-illness insurance ------------------------------------------------------


def test_the_standard_deductible_is_half_the_income_and_the_ratio_60_percent() -> None:
    # 起付线 60000 x 50% = 30000; (50000 - 30000) x 60% = 12000
    result = critical(eligible_self_pay=D("50000"))
    assert result["deductible"] == D("30000.00")
    assert result["ratio"] == D("0.60")
    assert result["ratio_is_floor"] is True  # 应达到 60%: a floor
    assert result["amount"] == D("12000.00")


@pytest.mark.parametrize(("self_pay", "eligible", "amount"), [("30000.00", True, "0.00"), ("30000.01", True, "0.01")])
def test_critical_illness_pays_only_above_the_deductible(self_pay: str, eligible: bool, amount: str) -> None:
    # 0.01 x 60% = 0.006 -> 0.01; at the 起付线 still eligible (a status), with nothing to pay
    result = critical(eligible_self_pay=D(self_pay))
    assert result["eligible"] is eligible
    assert result["amount"] == D(amount)


@pytest.mark.parametrize(
    "category",
    [
        "extreme_poverty",
        "subsistence_allowance",
        "marginal_subsistence",
        "illness_induced_poverty",
        "other_special_hardship",
    ],
)
def test_poor_people_have_the_deductible_halved_and_five_points_more(category: str) -> None:
    # 起付线 30000 x (1 - 50%) = 15000; (50000 - 15000) x 65% = 22750
    result = critical(categories=(category,), eligible_self_pay=D("50000"))
    assert result["deductible"] == D("15000.00")
    assert result["ratio"] == D("0.65")
    assert result["amount"] == D("22750.00")


def test_registered_poor_people_have_no_cap_even_when_one_is_given() -> None:
    # (1000000 - 15000) x 65% = 640250
    result = critical(
        categories=("subsistence_allowance",),
        registered_poor=True,
        annual_cap=D("100000"),
        eligible_self_pay=D("1000000"),
    )
    assert result["annual_cap"] is None
    assert result["amount"] == D("640250.00")


def test_registered_poor_people_count_as_poor_people() -> None:
    result = critical(registered_poor=True, eligible_self_pay=D("50000"))
    assert (result["deductible"], result["ratio"]) == (D("15000.00"), D("0.65"))


def test_other_caps_are_inputs_and_no_cap_is_applied_without_one() -> None:
    # (500000 - 30000) x 60% = 282000
    uncapped = critical(eligible_self_pay=D("500000"))
    assert uncapped["annual_cap"] is None
    assert uncapped["amount"] == D("282000.00")
    assert any("annual_cap" in a for a in uncapped["assumptions"])
    assert critical(eligible_self_pay=D("500000"), annual_cap=D("100000"))["amount"] == D("100000.00")


def test_the_deductible_is_not_rounded_before_the_amount() -> None:
    # 60000.01 x 50% = 30000.005; (40000 - 30000.005) x 60% = 5999.997 -> 6000.00
    result = critical(per_capita_disposable_income=D("60000.01"), eligible_self_pay=D("40000"))
    assert result["deductible"] == D("30000.01")
    assert result["amount"] == D("6000.00")


# ---- 三(三) insurance subsidy ----------------------------------------------------------------


def test_the_subsidy_share_is_not_stated_so_only_who_and_when_are_answered() -> None:
    result = subsidy(categories=("subsistence_allowance",), personal_contribution=D("280"))
    assert result["eligible"] is True
    assert result["share"] is None
    assert result["subsidy"] is None
    assert any("补助比例" in a for a in result["assumptions"])


def test_new_objects_are_covered_from_the_first_day_of_the_next_month() -> None:
    assert subsidy(categories=("extreme_poverty",), recognized_on=dt.date(2020, 3, 15))[
        "coverage_effective_from"
    ] == dt.date(2020, 4, 1)
    assert subsidy(categories=("extreme_poverty",), recognized_on=dt.date(2020, 12, 31))[
        "coverage_effective_from"
    ] == dt.date(2021, 1, 1)


@pytest.mark.parametrize(("day", "eligible"), [(dt.date(2020, 12, 31), False), (dt.date(2021, 1, 1), True)])
def test_people_already_enrolled_this_year_are_subsidised_from_next_year(day: dt.date, eligible: bool) -> None:
    result = subsidy(
        date=day,
        categories=("subsistence_allowance",),
        recognized_on=dt.date(2020, 3, 15),
        already_enrolled_this_year=True,
    )
    assert result["subsidised_from"] == dt.date(2021, 1, 1)
    assert result["eligible"] is eligible


@pytest.mark.parametrize(("day", "eligible"), [(dt.date(2020, 12, 31), True), (dt.date(2021, 1, 1), False)])
def test_exited_objects_keep_this_year_and_lose_next_year(day: dt.date, eligible: bool) -> None:
    result = subsidy(date=day, categories=("subsistence_allowance",), exited_on=dt.date(2020, 5, 10))
    assert result["subsidy_until"] == dt.date(2020, 12, 31)
    assert result["eligible"] is eligible


def test_a_transition_period_is_not_in_this_policy_and_counts_as_an_exit() -> None:
    result = subsidy(
        date=dt.date(2021, 2, 1),
        categories=("subsistence_allowance",),
        exited_on=dt.date(2020, 5, 10),
        in_transition_period=True,
    )
    assert result["eligible"] is False
    assert any("渐退期" in a for a in result["assumptions"])


def test_people_in_no_class_are_not_subsidised() -> None:
    assert subsidy()["eligible"] is False


# ---- targets, in-force period, what the policy does not contain -------------------------------


@pytest.mark.parametrize(("delivered", "met"), [("2500", True), ("2499", False)])
def test_the_assistance_implementation_target_is_100_percent(delivered: str, met: bool) -> None:
    figures = {"assistance_delivered": D(delivered), "assistance_due": D("2500")}
    _, outcome = calculate("indicators", WENZHOU, IndicatorsCase(date=DAY, figures=figures))
    (indicator,) = outcome.values["indicators"]
    assert indicator["id"] == "assistance_implementation_rate"
    assert indicator["met"] is met


def test_the_subsidised_enrolment_target_is_100_percent() -> None:
    figures = {"subsidised_enrollees": D("9999"), "eligible_for_assistance": D("10000")}
    _, outcome = calculate("indicators", WENZHOU, IndicatorsCase(date=DAY, figures=figures))
    (indicator,) = outcome.values["indicators"]
    assert (indicator["id"], indicator["met"]) == ("subsidised_enrolment_rate", False)


@pytest.mark.parametrize(("day", "in_force"), [(dt.date(2019, 10, 30), False), (dt.date(2019, 10, 31), True)])
def test_the_policy_applies_from_its_issue_date_with_no_end(day: dt.date, in_force: bool) -> None:
    if in_force:
        assert assist(date=day, categories=("extreme_poverty",), eligible_self_pay=D("1"))["amount"] == D("1.00")
        return
    with pytest.raises(NotInForce):
        assist(date=day, categories=("extreme_poverty",), eligible_self_pay=D("1"))
    assert policy_for(WENZHOU).in_force.end is None


def test_risk_monitoring_and_high_cost_relief_are_not_defined_by_this_policy() -> None:
    with pytest.raises(NotDefinedByPolicy):
        calculate("risk-monitoring", WENZHOU, RiskMonitoringCase(date=DAY, annual_self_pay=D("10000")))
    member = HouseholdMember(D("80000"), ("subsistence_allowance",), True, True)
    with pytest.raises(NotDefinedByPolicy):
        calculate("high-cost-relief", WENZHOU, HighCostReliefCase(date=DAY, members=(member,)))


def test_every_ambiguity_has_a_decision() -> None:
    ambiguities = policy_for(WENZHOU).ambiguities
    assert [a.id for a in ambiguities] == [f"WZ-AMB-{n:03d}" for n in range(1, len(ambiguities) + 1)]
    assert all(a.decision for a in ambiguities)


def test_each_local_class_may_have_its_own_deductible() -> None:
    # 低边 (10000 - 5000) x 60% = 3000; 因病致贫 (10000 - 0) x 50% = 5000: the higher applies
    result = assist(
        categories=("marginal_subsistence", "illness_induced_poverty"),
        eligible_self_pay=D("10000"),
        deductibles={"marginal_subsistence": D("5000"), "illness_induced_poverty": D("0")},
    )
    assert (result["applied_category"], result["amount"]) == ("illness_induced_poverty", D("5000.00"))
    # one 起付线 for every class (deductible): 低边 wins, (10000 - 5000) x 60% = 3000
    shared = assist(
        categories=("marginal_subsistence", "illness_induced_poverty"),
        eligible_self_pay=D("10000"),
        deductible=D("5000"),
    )
    assert (shared["applied_category"], shared["amount"]) == ("marginal_subsistence", D("3000.00"))
