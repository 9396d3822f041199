"""嘉兴 rules, called directly (no HTTP). Mirrors rules/jiaxing/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from bingpin.rules.core.cases import (
    HighCostReliefCase,
    HouseholdMember,
    IndicatorsCase,
    InsuranceSubsidyCase,
    MedicalAssistanceCase,
    RiskMonitoringCase,
)
from bingpin.rules.core.errors import NotDefinedByPolicy, NotInForce, UnknownCategory
from bingpin.rules.registry import calculate

DAY = dt.date(2023, 6, 1)


def assist(**facts: object) -> dict[str, object]:
    facts.setdefault("date", DAY)
    _, outcome = calculate("medical-assistance", "330400", MedicalAssistanceCase(**facts))  # type: ignore[arg-type]
    return {"eligible": outcome.eligible, **outcome.values, "assumptions": outcome.trace.assumptions}


@pytest.mark.parametrize(
    ("category", "ratio", "amount"),
    [
        ("extreme_poverty", "1.00", "10000.00"),  # 一类 全额
        ("subsistence_allowance", "0.90", "9000.00"),  # 10000 x 90%
        ("marginal_subsistence", "0.80", "8000.00"),
        ("expenditure_poverty", "0.70", "7000.00"),
        ("child_in_difficulty", "0.70", "7000.00"),
        ("other_special_hardship", "0.50", "5000.00"),  # 不低于 50%: the floor
    ],
)
def test_each_class_is_assisted_at_its_ratio(category: str, ratio: str, amount: str) -> None:
    result = assist(categories=(category,), eligible_self_pay=D("10000.00"))
    assert result["ratio"] == D(ratio)
    assert result["amount"] == D(amount)
    assert result["applied_category"] == category


def test_the_fifth_class_ratio_is_reported_as_a_floor() -> None:
    assert assist(categories=("other_special_hardship",), eligible_self_pay=D(1))["ratio_is_floor"] is True
    assert assist(categories=("subsistence_allowance",), eligible_self_pay=D(1))["ratio_is_floor"] is False


def test_the_highest_ratio_wins_and_ratios_are_never_added() -> None:
    # 二类 90% and 三类 80%: 90%, not 170%
    result = assist(categories=("marginal_subsistence", "subsistence_allowance"), eligible_self_pay=D("10000"))
    assert result["ratio"] == D("0.90")
    assert result["applied_category"] == "subsistence_allowance"


@pytest.mark.parametrize(("age", "eligible"), [(0, True), (14, True), (15, False)])
def test_the_childrens_rule_covers_ages_0_to_14_inclusive(age: int, eligible: bool) -> None:
    result = assist(eligible_self_pay=D("10000"), age=age, diagnoses=("leukemia",), local_household_registration=True)
    assert result["eligible"] is eligible
    assert result["amount"] == (D("8000.00") if eligible else D("0.00"))


def test_the_childrens_rule_assumes_local_registration_and_says_so() -> None:
    result = assist(eligible_self_pay=D("100"), age=3, diagnoses=("congenital_heart_disease",))
    assert result["applied_rule"] == "children_severe_disease"
    assert any("本市户籍" in a for a in result["assumptions"])


def test_the_annual_cap_counts_assistance_already_received() -> None:
    # cap 120000, received 115000: 5000 left although 10000 x 90% = 9000
    result = assist(
        categories=("subsistence_allowance",), eligible_self_pay=D("10000"), assistance_received_this_year=D("115000")
    )
    assert result["amount"] == D("5000.00")
    used_up = assist(
        categories=("extreme_poverty",), eligible_self_pay=D("10"), assistance_received_this_year=D("130000")
    )
    assert used_up["amount"] == D("0.00")
    assert used_up["eligible"] is True


def test_inputs_for_figures_the_policy_states_are_ignored_and_listed() -> None:
    result = assist(
        categories=("subsistence_allowance",), eligible_self_pay=D("100"), annual_cap=D("1"), deductible=D("50")
    )
    assert result["amount"] == D("90.00")
    assert len([a for a in result["assumptions"] if "忽略" in a]) == 2


def test_a_category_of_another_jurisdiction_is_refused() -> None:
    with pytest.raises(UnknownCategory) as error:
        assist(categories=("returned_to_poverty",), eligible_self_pay=D("1"))
    assert "categories" in error.value.errors


def test_dates_before_2023_are_not_in_force() -> None:
    with pytest.raises(NotInForce):
        assist(date=dt.date(2022, 12, 31), categories=("subsistence_allowance",), eligible_self_pay=D("1"))


def test_critical_illness_insurance_is_not_defined_by_this_policy() -> None:
    with pytest.raises(NotDefinedByPolicy, match="嘉政办发〔2022〕58号"):
        calculate("critical-illness-insurance", "330400", object())


def test_newly_recognised_members_have_costs_from_six_months_before() -> None:
    result = assist(
        categories=("expenditure_poverty", "subsistence_allowance"),
        eligible_self_pay=D("1"),
        recognized_on=dt.date(2023, 5, 15),
    )
    assert result["costs_eligible_from"] == dt.date(2022, 11, 15)


def test_enrolment_subsidy_is_full_for_classes_one_to_three_and_children_in_difficulty() -> None:
    for category in ("extreme_poverty", "subsistence_allowance", "marginal_subsistence", "child_in_difficulty"):
        _, outcome = calculate(
            "insurance-subsidy",
            "330400",
            InsuranceSubsidyCase(date=DAY, categories=(category,), personal_contribution=D("380")),
        )
        assert outcome.values["subsidy"] == D("380.00")


@pytest.mark.parametrize("category", ["expenditure_poverty", "other_special_hardship"])
def test_every_recognised_object_is_subsidised_the_share_of_classes_four_and_five_not_stated(category: str) -> None:
    _, outcome = calculate(
        "insurance-subsidy",
        "330400",
        InsuranceSubsidyCase(date=DAY, categories=(category,), personal_contribution=D("380")),
    )
    assert outcome.eligible is True
    assert outcome.values["share"] is None
    assert outcome.values["subsidy"] is None
    assert any("未规定" in a for a in outcome.trace.assumptions)


@pytest.mark.parametrize(
    ("day", "eligible"),
    [(dt.date(2023, 5, 20), False), (dt.date(2023, 5, 31), False), (dt.date(2023, 6, 1), True)],
)
def test_a_new_objects_assistance_starts_on_the_first_day_of_the_next_month(day: dt.date, eligible: bool) -> None:
    result = assist(
        date=day,
        categories=("subsistence_allowance",),
        eligible_self_pay=D("10000"),
        recognized_on=dt.date(2023, 5, 15),
    )
    assert result["eligible"] is eligible
    assert result["amount"] == (D("9000.00") if eligible else D("0"))
    assert result["costs_eligible_from"] == dt.date(2023, 6, 1)


@pytest.mark.parametrize(
    ("day", "eligible"),
    [(dt.date(2023, 1, 15), False), (dt.date(2023, 2, 27), False), (dt.date(2023, 2, 28), True)],
)
def test_the_six_months_before_recognition_are_a_window(day: dt.date, eligible: bool) -> None:
    result = assist(
        date=day,
        categories=("illness_induced_poverty", "subsistence_allowance"),
        eligible_self_pay=D("10000"),
        recognized_on=dt.date(2023, 8, 31),
    )
    assert result["eligible"] is eligible
    assert result["amount"] == (D("9000.00") if eligible else D("0"))


def test_the_jiaxing_dabing_wuyou_premium_is_paid_in_full_for_subsidised_enrollees_and_certificate_holders() -> None:
    for facts in ({"categories": ("expenditure_poverty",)}, {"disability_certificate": True}):
        _, outcome = calculate(
            "insurance-subsidy",
            "330400",
            InsuranceSubsidyCase(date=DAY, scheme="supplementary", personal_contribution=D("150"), **facts),  # type: ignore[arg-type]
        )
        assert (outcome.eligible, outcome.values["subsidy"]) == (True, D("150.00"))
    _, outcome = calculate("insurance-subsidy", "330400", InsuranceSubsidyCase(date=DAY, scheme="supplementary"))
    assert outcome.eligible is False


def test_a_supplementary_scheme_subsidy_is_not_defined_elsewhere() -> None:
    with pytest.raises(NotDefinedByPolicy, match="惠民型商业补充医疗保险"):
        calculate(
            "insurance-subsidy",
            "330300",
            InsuranceSubsidyCase(date=dt.date(2020, 6, 1), categories=("extreme_poverty",), scheme="supplementary"),
        )


@pytest.mark.parametrize(("self_pay", "flagged"), [("5000.00", False), ("5000.01", True)])
def test_risk_monitoring_flags_self_pay_strictly_above_5000(self_pay: str, flagged: bool) -> None:
    _, outcome = calculate("risk-monitoring", "330400", RiskMonitoringCase(date=DAY, annual_self_pay=D(self_pay)))
    assert outcome.values["flagged"] is flagged


def test_high_cost_relief_brings_individuals_to_30000_then_the_household_to_50000() -> None:
    # 40000 -> 30000 and 35000 -> 30000 (15000), then 60000 -> 50000 (10000 more, split 1:1)
    members = (
        HouseholdMember(D("40000"), ("subsistence_allowance",), True, True),
        HouseholdMember(D("35000"), ("subsistence_allowance",), True, True),
    )
    _, outcome = calculate("high-cost-relief", "330400", HighCostReliefCase(date=DAY, members=members))
    assert outcome.values["relief"] == D("25000.00")
    assert [m["self_pay_after"] for m in outcome.values["members"]] == [D("25000.00"), D("25000.00")]


def test_indicators_compare_exactly_including_the_number() -> None:
    figures = {"three_systems_paid": D("80000"), "supplementary_paid": D("5000"), "total_medical_cost": D("100000")}
    _, outcome = calculate("indicators", "330400", IndicatorsCase(date=DAY, figures=figures))
    (indicator,) = outcome.values["indicators"]
    assert indicator["id"] == "comprehensive_coverage_rate"
    assert indicator["value"] == D("85")
    assert indicator["met"] is True


def test_an_indicator_with_a_zero_denominator_is_skipped_with_a_reason() -> None:
    figures = {"personal_burden": D("1"), "total_medical_cost": D("0")}
    _, outcome = calculate("indicators", "330400", IndicatorsCase(date=DAY, figures=figures))
    assert outcome.values["indicators"] == []
    assert any("分母" in step.text for step in outcome.trace.steps)


def test_illness_induced_members_given_without_their_class_are_assisted_at_least_at_the_third_class_ratio() -> None:
    # 因病纳入低保、低边: 二类 90% or 三类 80%, so at least 80%, as a floor; never "not eligible"
    result = assist(categories=("illness_induced_poverty",), eligible_self_pay=D("10000.00"))
    assert result["eligible"] is True
    assert (result["ratio"], result["ratio_is_floor"], result["amount"]) == (D("0.80"), True, D("8000.00"))
    assert any("较低" in a for a in result["assumptions"])  # type: ignore[attr-defined]
    inside = assist(
        categories=("illness_induced_poverty",), eligible_self_pay=D("100"), recognized_on=dt.date(2023, 8, 31)
    )
    assert inside["eligible"] is True and inside["amount"] == D("80.00")  # 2023-06-01 is within the 6 months
    # with the class given, the class's own ratio, not a floor
    given = assist(categories=("illness_induced_poverty", "subsistence_allowance"), eligible_self_pay=D("100"))
    assert (given["ratio"], given["ratio_is_floor"]) == (D("0.90"), False)


def test_the_look_back_for_expenditure_poverty_members_in_low_income_classes_is_an_assumption() -> None:
    facts = {"eligible_self_pay": D("100"), "recognized_on": dt.date(2023, 8, 31)}
    assumed = assist(categories=("expenditure_poverty", "subsistence_allowance"), **facts)
    assert assumed["eligible"] is True and any("因病" in a for a in assumed["assumptions"])  # type: ignore[attr-defined]
    stated = assist(categories=("illness_induced_poverty", "subsistence_allowance"), **facts)
    assert not any("假定为因病" in a for a in stated["assumptions"])  # type: ignore[attr-defined]


def test_illness_induced_members_are_relieved_as_second_or_third_class_objects() -> None:
    member = HouseholdMember(
        categories=("illness_induced_poverty",),
        self_pay=D("40000.00"),
        followed_treatment_guidance=True,
        referred=True,
    )
    _, outcome = calculate("high-cost-relief", "330400", HighCostReliefCase(date=DAY, members=(member,)))
    assert outcome.values["relief"] == D("10000.00")  # 40000 down to 30000


@pytest.mark.parametrize(
    ("day", "in_transition", "eligible"),
    [
        (dt.date(2023, 12, 31), False, True),  # the year of exit: still a 资助参保对象
        (dt.date(2024, 1, 1), False, False),  # 次年不再资助参保
        (dt.date(2024, 1, 1), True, True),  # 渐退期: still subsidised
    ],
)
def test_the_dabing_wuyou_premium_ends_the_year_after_exit(day: dt.date, in_transition: bool, eligible: bool) -> None:
    case = InsuranceSubsidyCase(
        date=day,
        categories=("subsistence_allowance",),
        scheme="supplementary",
        exited_on=dt.date(2023, 5, 1),
        in_transition_period=in_transition,
        personal_contribution=D("150.00"),
    )
    _, outcome = calculate("insurance-subsidy", "330400", case)
    assert outcome.eligible is eligible
    assert outcome.values["subsidy"] == (D("150.00") if eligible else D("0.00"))
