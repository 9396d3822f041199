"""城口县 rules (城府办发〔2021〕216号), called directly (no HTTP). Mirrors rules/chengkou/."""

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
from bingpin.rules.core.errors import InvalidInput, NotDefinedByPolicy, NotInForce, UnknownCategory
from bingpin.rules.registry import calculate, policy_for
from tests.rules.outcomes import answer

CHENGKOU = "500229"
DAY = dt.date(2023, 6, 1)
LOW_INCOME = (
    "extreme_poverty",
    "subsistence_allowance",
    "marginal_subsistence",
    "returned_to_poverty",
    "unstable_out_of_poverty",
    "marginal_at_risk",
    "sudden_severe_hardship",
)


def run(calculation: str, case: Any) -> dict[str, Any]:
    return answer(calculation, CHENGKOU, case)


def assist(**facts: Any) -> dict[str, Any]:
    facts.setdefault("date", DAY)
    return run("medical-assistance", MedicalAssistanceCase(**facts))


def subsidy(**facts: Any) -> dict[str, Any]:
    facts.setdefault("date", DAY)
    return run("insurance-subsidy", InsuranceSubsidyCase(**facts))


def critical(**facts: Any) -> dict[str, Any]:
    facts.setdefault("date", DAY)
    facts.setdefault("per_capita_disposable_income", D("48000"))
    return run("critical-illness-insurance", CriticalIllnessCase(**facts))


def monitor(**facts: Any) -> dict[str, Any]:
    facts.setdefault("date", DAY)
    return run("risk-monitoring", RiskMonitoringCase(**facts))


# ---- the policy as data -------------------------------------------------------------------


def test_the_policy_names_the_seven_classes_and_stable_out_of_poverty_as_the_text_does() -> None:
    names = {c.value: e.name for c, e in policy_for(CHENGKOU).categories.items()}
    assert names == {
        "extreme_poverty": "特困人员",
        "subsistence_allowance": "低保对象",
        "marginal_subsistence": "低保边缘户",
        "returned_to_poverty": "返贫致贫人口",
        "unstable_out_of_poverty": "脱贫不稳定户",
        "marginal_at_risk": "边缘易致贫户",
        "sudden_severe_hardship": "突发严重困难户",
        "stable_out_of_poverty": "稳定脱贫人口",
    }


def test_every_ambiguity_has_a_ck_id() -> None:
    ids = [a.id for a in policy_for(CHENGKOU).ambiguities]
    assert ids == [f"CK-AMB-{n:03d}" for n in range(1, len(ids) + 1)]


# ---- in force ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (dt.date(2021, 12, 31), False),  # 政策调整从2022年1月1日起统一执行
        (dt.date(2022, 1, 1), True),
        (dt.date(2025, 12, 31), True),  # 过渡期截止日
        (dt.date(2026, 1, 1), False),
    ],
)
def test_the_policy_is_in_force_from_2022_01_01_to_2025_12_31_inclusive(day: dt.date, in_force: bool) -> None:
    if in_force:
        assert assist(date=day, categories=("subsistence_allowance",), eligible_self_pay=D("100"))["eligible"]
    else:
        with pytest.raises(NotInForce):
            assist(date=day, categories=("subsistence_allowance",), eligible_self_pay=D("100"))


def test_high_cost_relief_and_indicators_are_not_defined_by_this_policy() -> None:
    members = (HouseholdMember(D("80000"), ("extreme_poverty",), True, True),)
    with pytest.raises(NotDefinedByPolicy, match="城府办发〔2021〕216号"):
        calculate("high-cost-relief", CHENGKOU, HighCostReliefCase(date=DAY, members=members))
    with pytest.raises(NotDefinedByPolicy):
        calculate("indicators", CHENGKOU, IndicatorsCase(date=DAY, figures={"social_paid": D("1")}))


def test_a_category_of_another_jurisdiction_is_refused() -> None:
    with pytest.raises(UnknownCategory):
        assist(categories=("expenditure_poverty",), eligible_self_pay=D("1"))


# ---- insurance subsidy 二(一), 三(四) -------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "share", "amount"),
    [
        ("extreme_poverty", "1.00", "350.00"),  # 350 x 100%
        ("subsistence_allowance", "0.90", "315.00"),  # 350 x 90%
        ("returned_to_poverty", "0.70", "245.00"),  # 350 x 70%
        ("unstable_out_of_poverty", "0.70", "245.00"),
        ("marginal_at_risk", "0.70", "245.00"),
        ("sudden_severe_hardship", "0.70", "245.00"),
        ("marginal_subsistence", "0.70", "245.00"),
    ],
)
def test_each_class_is_subsidised_at_its_share_of_the_tier_1_contribution(
    category: str, share: str, amount: str
) -> None:
    result = subsidy(categories=(category,), tier="1", personal_contribution=D("350"))
    assert result["eligible"] is True
    assert result["share"] == D(share)
    assert result["subsidy"] == D(amount)


@pytest.mark.parametrize("category", LOW_INCOME)
def test_tier_2_is_subsidised_with_the_whole_tier_1_contribution_for_all_seven_classes(category: str) -> None:
    # 二档: 一档个人缴费标准 350 x 100% = 350; the rest of the 二档 contribution is the person's own
    result = subsidy(categories=(category,), tier="2", personal_contribution=D("350"))
    assert result["share"] == D("1.00")
    assert result["subsidy"] == D("350.00")


def test_the_most_favourable_identity_at_enrolment_decides_and_later_changes_are_not_topped_up() -> None:
    # 低保边缘户 70% and 低保对象 90%: 90%
    result = subsidy(categories=("marginal_subsistence", "subsistence_allowance"), personal_contribution=D("350"))
    assert result["share"] == D("0.90")
    assert result["subsidy"] == D("315.00")
    assert result["clauses"].count("二(一)") >= 3  # shares, 就高身份, 不再进行差额资助


def test_the_subsidy_is_rounded_half_up_to_the_fen_once() -> None:
    # 350.05 x 90% = 315.045 -> 315.05
    assert subsidy(categories=("subsistence_allowance",), personal_contribution=D("350.05"))["subsidy"] == D("315.05")


def test_without_tier_and_contribution_the_answer_is_the_tier_1_share_and_says_so() -> None:
    result = subsidy(categories=("subsistence_allowance",))
    assert result["share"] == D("0.90")
    assert result["subsidy"] is None
    assert any("tier" in a for a in result["assumptions"])
    assert any("personal_contribution" in a for a in result["assumptions"])


@pytest.mark.parametrize(
    ("year", "amount", "eligible"),
    [(2022, D("100.00"), True), (2023, D("50.00"), True), (2024, D("0.00"), False), (2025, D("0.00"), False)],
)
def test_stable_out_of_poverty_get_100_then_50_yuan_and_nothing_from_2024(year: int, amount: D, eligible: bool) -> None:
    # a not-eligible answer's subsidy is 0.00, never null (null would mean "not computed")
    result = subsidy(categories=("stable_out_of_poverty",), enrolment_year=year)
    assert result["subsidy"] == amount
    assert result["eligible"] is eligible
    assert result["share"] is None


def test_the_enrolment_year_defaults_to_the_year_of_the_date_and_is_listed() -> None:
    result = subsidy(date=dt.date(2022, 3, 1), categories=("stable_out_of_poverty",))
    assert result["subsidy"] == D("100.00")
    assert any("enrolment_year" in a and "2022" in a for a in result["assumptions"])


@pytest.mark.parametrize("year", [2021, 2026])
def test_an_enrolment_year_outside_the_transition_period_is_not_in_force(year: int) -> None:
    with pytest.raises(NotInForce) as error:
        subsidy(date=dt.date(2025, 11, 1), categories=("subsistence_allowance",), enrolment_year=year)
    assert "enrolment_year" in error.value.errors


def test_one_of_the_seven_classes_is_not_treated_as_stable_out_of_poverty() -> None:
    # 边缘易致贫户 70% of 350 rather than the fixed 50 yuan of 2023
    result = subsidy(categories=("stable_out_of_poverty", "marginal_at_risk"), personal_contribution=D("350"))
    assert result["subsidy"] == D("245.00")


def test_no_category_gets_no_subsidy() -> None:
    result = subsidy(categories=(), personal_contribution=D("350"))
    assert result["eligible"] is False
    assert result["subsidy"] == D("0.00")


@pytest.mark.parametrize("enrolled", [dt.date(2023, 7, 1), dt.date(2023, 12, 31)])
def test_late_enrolment_from_july_to_december_is_subsidised_without_a_waiting_period(enrolled: dt.date) -> None:
    result = subsidy(
        date=dt.date(2023, 12, 31),
        enrolment_year=2023,
        enrolled_on=enrolled,
        categories=("subsistence_allowance",),
        personal_contribution=D("350"),
    )
    assert result["subsidy"] == D("315.00")
    assert result["coverage_effective_from"] == enrolled
    assert "三(四)" in result["clauses"]


def test_an_enrolment_before_july_gives_no_effective_date_and_says_why() -> None:
    result = subsidy(enrolment_year=2023, enrolled_on=dt.date(2023, 6, 30), categories=("subsistence_allowance",))
    assert result["eligible"] is True
    assert result["coverage_effective_from"] is None
    assert any("集中参保期" in a for a in result["assumptions"])


def test_an_enrolment_date_after_the_enrolment_year_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        subsidy(enrolment_year=2022, enrolled_on=dt.date(2023, 1, 5), categories=("subsistence_allowance",))
    assert "enrolled_on" in error.value.errors


# ---- critical-illness insurance 三(六) -----------------------------------------------------


@pytest.mark.parametrize("category", ["extreme_poverty", "subsistence_allowance", "returned_to_poverty"])
def test_the_three_classes_get_half_the_deductible_five_points_more_and_no_cap(category: str) -> None:
    # 起付线 48000 x 50% x (1 - 50%) = 12000; (52000 - 12000) x 65% = 26000
    result = critical(categories=(category,), eligible_self_pay=D("52000"))
    assert result["deductible"] == D("12000.00")
    assert result["ratio"] == D("0.65")
    assert result["ratio_is_floor"] is False
    assert result["annual_cap"] is None
    assert result["amount"] == D("26000.00")


@pytest.mark.parametrize(
    "categories", [("marginal_subsistence",), (), ("stable_out_of_poverty",), ("marginal_at_risk",)]
)
def test_critical_illness_for_anyone_but_the_three_classes_is_not_defined(categories: tuple[str, ...]) -> None:
    # 三(六): the 起付线, ratio and no-cap terms are for "上述对象" (特困人员、低保对象、返贫致贫人口) only
    with pytest.raises(NotDefinedByPolicy):
        critical(categories=categories, eligible_self_pay=D("52000"), annual_cap=D("300000"))


def test_a_cap_given_for_the_three_classes_is_ignored_and_60_percent_is_an_assumption() -> None:
    # 低保对象: (1012000 - 12000) x 65% = 650000, 不设封顶线
    tilted = critical(categories=("subsistence_allowance",), eligible_self_pay=D("1012000"), annual_cap=D("300000"))
    assert tilted["amount"] == D("650000.00")
    assert tilted["annual_cap"] is None
    assert any("忽略输入的封顶线（annual_cap）" in a for a in tilted["assumptions"])
    assert any("CK-AMB-006" in a for a in tilted["assumptions"])


@pytest.mark.parametrize(
    ("burden", "amount", "eligible"),
    [
        ("12000.00", "0.00", True),  # exactly the 起付线: eligible, nothing above it to pay
        ("12000.01", "0.01", True),  # 0.01 x 65% = 0.0065 -> 0.01
        ("12000.07", "0.05", True),  # 0.07 x 65% = 0.0455 -> 0.05
    ],
)
def test_only_the_burden_above_the_deductible_is_paid_rounded_once(burden: str, amount: str, eligible: bool) -> None:
    result = critical(categories=("extreme_poverty",), eligible_self_pay=D(burden))
    assert result["amount"] == D(amount)
    assert result["eligible"] is eligible


def test_a_person_in_several_classes_gets_the_tilt_if_any_class_qualifies() -> None:
    result = critical(categories=("marginal_subsistence", "subsistence_allowance"), eligible_self_pay=D("52000"))
    assert result["deductible"] == D("12000.00")


# ---- medical assistance 三(七) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "ratio", "amount"),
    [
        ("extreme_poverty", "0.70", "7000.00"),  # 10000 x 不低于70%
        ("subsistence_allowance", "0.70", "7000.00"),
        ("returned_to_poverty", "0.70", "7000.00"),
        ("marginal_subsistence", "0.60", "6000.00"),  # 其他低收入人口 不低于60%
        ("unstable_out_of_poverty", "0.60", "6000.00"),
        ("marginal_at_risk", "0.60", "6000.00"),
        ("sudden_severe_hardship", "0.60", "6000.00"),
    ],
)
def test_each_class_is_assisted_at_its_floor_and_the_floor_is_flagged(category: str, ratio: str, amount: str) -> None:
    result = assist(categories=(category,), eligible_self_pay=D("10000"))
    assert result["ratio"] == D(ratio)
    assert result["ratio_is_floor"] is True
    assert result["amount"] == D(amount)
    assert result["applied_category"] == category


def test_stable_out_of_poverty_get_basic_insurance_only_and_no_assistance() -> None:
    result = assist(categories=("stable_out_of_poverty",), eligible_self_pay=D("10000"))
    assert result["eligible"] is False
    assert result["amount"] == D("0.00")
    assert "二(二)" in result["clauses"]


def test_no_category_gets_no_assistance() -> None:
    result = assist(categories=(), eligible_self_pay=D("10000"))
    assert result["eligible"] is False
    assert result["amount"] == D("0.00")


def test_the_highest_floor_of_several_classes_applies_once() -> None:
    # 脱贫不稳定户 60% and 返贫致贫人口 70%: 70%, never 130%
    result = assist(categories=("unstable_out_of_poverty", "returned_to_poverty"), eligible_self_pay=D("10000"))
    assert result["ratio"] == D("0.70")
    assert result["applied_category"] == "returned_to_poverty"
    assert result["amount"] == D("7000.00")


def test_without_an_annual_cap_none_is_applied_and_that_is_listed() -> None:
    result = assist(categories=("extreme_poverty",), eligible_self_pay=D("200000"))
    assert result["amount"] == D("140000.00")  # 200000 x 70%
    assert result["annual_cap"] is None
    assert any("annual_cap" in a for a in result["assumptions"])


@pytest.mark.parametrize(
    ("received", "amount"),
    [
        ("0.00", "7000.00"),  # 10000 x 70% = 7000, cap 50000 untouched
        ("43000.00", "7000.00"),  # 7000 left: exactly enough
        ("45000.00", "5000.00"),  # 5000 left
        ("50000.00", "0.00"),  # used up
        ("60000.00", "0.00"),
    ],
)
def test_outpatient_and_inpatient_share_the_annual_cap_given(received: str, amount: str) -> None:
    for care_type in ("outpatient", "inpatient"):
        result = assist(
            categories=("subsistence_allowance",),
            eligible_self_pay=D("10000"),
            annual_cap=D("50000"),
            assistance_received_this_year=D(received),
            care_type=care_type,
        )
        assert result["amount"] == D(amount)
        assert result["annual_cap"] == D("50000")


def test_a_deductible_given_is_ignored_because_the_policy_sets_none() -> None:
    result = assist(categories=("subsistence_allowance",), eligible_self_pay=D("100"), deductible=D("50"))
    assert result["amount"] == D("70.00")
    assert result["deductible"] == D("0.00")
    assert any("deductible" in a for a in result["assumptions"])


def test_medical_assistance_is_rounded_half_up_to_the_fen_once() -> None:
    # 10.05 x 70% = 7.035 -> 7.04
    assert assist(categories=("subsistence_allowance",), eligible_self_pay=D("10.05"))["amount"] == D("7.04")


# ---- risk monitoring 三(八) ----------------------------------------------------------------


@pytest.mark.parametrize(("self_pay", "flagged"), [("12000.00", True), ("11999.99", False), ("12000.01", True)])
def test_self_pay_reaching_twice_the_standard_is_monitored_including_the_number(self_pay: str, flagged: bool) -> None:
    # 6000 x 2 = 12000; 达到……2倍及以上 includes 12000.00
    result = monitor(categories=("subsistence_allowance",), monitoring_standard=D("6000"), annual_self_pay=D(self_pay))
    assert result["flagged"] is flagged
    assert result["threshold"] == D("12000")
    assert result["threshold_inclusive"] is True
    assert result["level"] is None


@pytest.mark.parametrize("category", LOW_INCOME)
def test_all_seven_classes_are_monitored(category: str) -> None:
    assert monitor(categories=(category,), monitoring_standard=D("6000"), annual_self_pay=D("12000"))["flagged"]


@pytest.mark.parametrize("categories", [("stable_out_of_poverty",), ()])
def test_people_outside_the_seven_classes_are_not_monitored_under_this_clause(categories: tuple[str, ...]) -> None:
    result = monitor(categories=categories, monitoring_standard=D("6000"), annual_self_pay=D("50000"))
    assert result["flagged"] is False
    assert result["eligible"] is False


def test_the_monitoring_standard_is_required_because_the_policy_does_not_state_it() -> None:
    with pytest.raises(InvalidInput) as error:
        monitor(categories=("subsistence_allowance",), annual_self_pay=D("12000"))
    assert error.value.code == "validation_error"
    assert list(error.value.errors) == ["monitoring_standard"]
