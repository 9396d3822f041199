"""嵊州 rules, called directly (no HTTP). Mirrors rules/shengzhou/."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D

import pytest

from bingpin.rules.core.cases import IndicatorsCase, RiskMonitoringCase
from bingpin.rules.core.errors import InvalidInput, NotDefinedByPolicy, NotInForce, UnknownCategory
from bingpin.rules.registry import calculate, policies

SHENGZHOU = "330683"
DAY = dt.date(2023, 6, 1)


def monitor(**facts: object) -> dict[str, object]:
    facts.setdefault("date", DAY)
    facts.setdefault("annual_self_pay", D("0.00"))
    _, outcome = calculate("risk-monitoring", SHENGZHOU, RiskMonitoringCase(**facts))  # type: ignore[arg-type]
    return {"eligible": outcome.eligible, **outcome.values, "assumptions": outcome.trace.assumptions}


def indicator(day: dt.date, **figures: str) -> dict[str, object]:
    case = IndicatorsCase(date=day, figures={name: D(value) for name, value in figures.items()})
    _, outcome = calculate("indicators", SHENGZHOU, case)
    (result,) = outcome.values["indicators"]
    return result


# ---- policy data ------------------------------------------------------------------------


def test_the_draft_is_read_as_in_force_from_2023_to_2025_with_no_issue_date() -> None:
    policy = policies()[SHENGZHOU]
    assert policy.status == "征求意见稿"
    assert policy.issued_on is None
    assert (policy.in_force.start, policy.in_force.end) == (dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    assert "SZ-AMB-001" in {a.id for a in policy.ambiguities}


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("subsistence_allowance.annual_standard", ("13000.00", "14000.00", "15000.00")),  # 附件2第1项 不低于
        ("target.personal_burden_rate", ("18", "17", "15")),
        ("target.comprehensive_coverage_rate", ("82", "83", "85")),
    ],
)
def test_yearly_figures_change_on_the_first_of_january(key: str, values: tuple[str, str, str]) -> None:
    policy = policies()[SHENGZHOU]
    for year, value in zip((2023, 2024, 2025), values, strict=True):
        assert policy.param(key, dt.date(year, 1, 1)).value == D(value)
        assert policy.param(key, dt.date(year, 12, 31)).value == D(value)


def test_the_minimum_subsistence_standard_is_a_floor() -> None:
    assert policies()[SHENGZHOU].param("subsistence_allowance.annual_standard", DAY).is_floor is True


# ---- calculations the draft does not contain ----------------------------------------------


@pytest.mark.parametrize(
    "calculation", ["medical-assistance", "critical-illness-insurance", "insurance-subsidy", "high-cost-relief"]
)
def test_calculations_without_figures_in_the_draft_are_not_defined_and_name_the_policy(calculation: str) -> None:
    with pytest.raises(NotDefinedByPolicy, match="嵊州市构建因病致贫返贫防范长效机制实施方案征求意见稿"):
        calculate(calculation, SHENGZHOU, object())


@pytest.mark.parametrize("day", [dt.date(2022, 12, 31), dt.date(2026, 1, 1)])
def test_dates_outside_2023_to_2025_are_not_in_force(day: dt.date) -> None:
    with pytest.raises(NotInForce):
        monitor(date=day, categories=("subsistence_allowance",))


# ---- risk monitoring 2(1)1 ----------------------------------------------------------------


@pytest.mark.parametrize(
    "category", ["extreme_poverty", "subsistence_allowance", "marginal_subsistence", "illness_induced_poverty"]
)
def test_each_category_of_the_draft_is_a_key_object_whatever_the_self_pay(category: str) -> None:
    result = monitor(categories=(category,))
    assert result["flagged"] is True
    assert result["level"] == "key"
    assert result["threshold"] is None


def test_illness_induced_temporary_assistance_is_a_key_object() -> None:
    assert monitor(attributes=("illness_temporary_assistance",))["level"] == "key"


def test_a_category_the_draft_does_not_name_is_refused() -> None:
    with pytest.raises(UnknownCategory):
        monitor(categories=("returned_to_poverty",))


@pytest.mark.parametrize(
    "attribute",
    [
        "scattered_orphan",
        "child_basic_living_allowance",
        "rural_three_elders",
        "former_downsized_worker",
        "key_entitled_group",
        "severe_mental_disorder",
    ],
)
def test_each_watch_circumstance_makes_a_watch_object(attribute: str) -> None:
    result = monitor(attributes=(attribute,))
    assert (result["flagged"], result["level"]) == (True, "watch")


@pytest.mark.parametrize(("grade", "level"), [(1, "watch"), (2, "watch"), (3, None), (4, None)])
def test_disability_grade_two_or_above_means_grades_one_and_two(grade: int, level: str | None) -> None:
    # 二级及以上: 一级 is the most severe, so grades 1 and 2 (2 <= 2), not 3 or 4
    result = monitor(disability_grade=grade, potential_threshold=D("10000.00"))
    assert result["level"] == level


@pytest.mark.parametrize(("age", "level"), [(59, None), (60, "watch"), (75, "watch")])
def test_a_model_farmer_with_no_fixed_income_is_watched_from_age_60_inclusive(age: int, level: str | None) -> None:
    # 年满60周岁: 60 >= 60
    facts = {"attributes": ("agricultural_model_worker", "no_fixed_income"), "age": age}
    assert monitor(potential_threshold=D("10000.00"), **facts)["level"] == level


def test_a_model_farmer_with_a_fixed_income_is_not_watched() -> None:
    result = monitor(attributes=("agricultural_model_worker",), age=70, potential_threshold=D("10000.00"))
    assert result["flagged"] is False


def test_a_model_farmer_with_no_fixed_income_and_no_age_is_asked_for_the_age() -> None:
    with pytest.raises(InvalidInput) as error:
        monitor(attributes=("agricultural_model_worker", "no_fixed_income"))
    assert "age" in error.value.errors


@pytest.mark.parametrize("in_transition_period", [True, None])
@pytest.mark.parametrize(("self_pay", "flagged"), [("4999.99", False), ("5000.00", True), ("5000.01", True)])
def test_reaching_the_potential_threshold_includes_the_number(
    self_pay: str, flagged: bool, in_transition_period: bool | None
) -> None:
    # 达到: 5000.00 >= 5000.00; 4999.99 is 0.01 short
    result = monitor(
        annual_self_pay=D(self_pay), potential_threshold=D("5000.00"), in_transition_period=in_transition_period
    )
    assert result["flagged"] is flagged
    assert result["level"] == ("potential" if flagged else None)
    assert result["threshold"] == D("5000.00")
    assert result["threshold_inclusive"] is True


def test_the_potential_threshold_given_is_listed_as_an_assumption() -> None:
    result = monitor(annual_self_pay=D("1"), potential_threshold=D("5000.00"))
    assert any("5000.00" in a for a in result["assumptions"])


def test_without_a_threshold_a_person_in_no_other_class_gets_a_validation_error() -> None:
    with pytest.raises(InvalidInput) as error:
        monitor(annual_self_pay=D("80000.00"))
    assert "potential_threshold" in error.value.errors


def test_a_monitoring_standard_is_not_taken_for_the_potential_threshold_and_says_so() -> None:
    result = monitor(categories=("subsistence_allowance",), monitoring_standard=D("3000.00"))
    assert result["level"] == "key"
    assert any("monitoring_standard" in a for a in result["assumptions"])


@pytest.mark.parametrize(
    ("facts", "level"),
    [
        ({"categories": ("marginal_subsistence",), "attributes": ("scattered_orphan",)}, "key"),
        ({"attributes": ("severe_mental_disorder",), "annual_self_pay": D("9000")}, "watch"),
        ({"categories": ("extreme_poverty",), "disability_grade": 1, "annual_self_pay": D("9000")}, "key"),
    ],
)
def test_the_highest_class_sets_the_level(facts: dict[str, object], level: str) -> None:
    assert monitor(potential_threshold=D("5000.00"), **facts)["level"] == level


# ---- indicators 附件1 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "burden", "met"),
    [
        (dt.date(2023, 12, 31), "18000.00", True),  # 18000 / 100000 = 18% <= 18 (以内 includes the number)
        (dt.date(2023, 12, 31), "18010.00", False),  # 18.01% > 18
        (dt.date(2024, 1, 1), "18000.00", False),  # 18% > 17 from 2024
        (dt.date(2024, 12, 31), "17000.00", True),
        (dt.date(2025, 1, 1), "17000.00", False),  # 17% > 15 from 2025
        (dt.date(2025, 12, 31), "15000.00", True),
    ],
)
def test_the_personal_burden_rate_is_a_ceiling_that_includes_the_number(day: dt.date, burden: str, met: bool) -> None:
    result = indicator(day, personal_burden=burden, total_medical_cost="100000.00")
    assert result["comparator"] == "<="
    assert result["met"] is met


@pytest.mark.parametrize(
    ("day", "paid", "target", "met"),
    [
        (dt.date(2023, 12, 31), "80000.00", "82", True),  # (80000 + 2000) / 100000 = 82% >= 82
        (dt.date(2023, 6, 30), "79990.00", "82", False),  # 81.99%
        (dt.date(2024, 1, 1), "80000.00", "83", False),  # 82% < 83 from 2024
        (dt.date(2025, 12, 31), "83000.00", "85", True),
    ],
)
def test_the_comprehensive_coverage_target_includes_the_number_despite_the_tables_strict_sign(
    day: dt.date, paid: str, target: str, met: bool
) -> None:
    result = indicator(day, three_systems_paid=paid, supplementary_paid="2000.00", total_medical_cost="100000.00")
    assert (result["target"], result["comparator"], result["met"]) == (D(target), ">=", met)
    assert result["kind"] == "约束性"


@pytest.mark.parametrize(("year", "target"), [(2023, "6"), (2024, "8"), (2025, "10")])
def test_the_social_contribution_target_is_met_exactly_at_the_number(year: int, target: str) -> None:
    # target% of 100000.00: 6000.00 / 100000.00 = 6%
    result = indicator(dt.date(year, 6, 30), social_paid=str(D(target) * 1000), total_medical_cost="100000.00")
    assert result["met"] is True
    assert result["target"] == D(target)


@pytest.mark.parametrize(
    ("figures", "ident", "kind"),
    [
        ({"subsidised_enrollees": "1", "eligible_for_assistance": "1"}, "subsidised_enrolment_rate", "约束性"),
        ({"supplementary_insured": "1", "basic_insured_last_year": "1"}, "supplementary_insurance_rate", "预期性"),
        ({"personal_burden": "1", "total_medical_cost": "1"}, "personal_burden_rate", "预期性"),
        ({"warning_responses": "1", "warning_problems": "1"}, "warning_response_rate", "预期性"),
        ({"chronic_signed": "1", "chronic_patients": "1"}, "chronic_contract_rate", "预期性"),
        ({"three_systems_paid": "1", "policy_scope_cost": "1"}, "fund_payment_ratio", "预期性"),
        ({"social_paid": "1", "total_medical_cost": "1"}, "social_contribution_rate", "预期性"),
        ({"basic_living_covered": "1", "basic_living_eligible": "1"}, "basic_living_coverage_rate", "预期性"),
        ({"high_cost_resolved": "1", "high_cost_total": "1"}, "high_cost_clearance_rate", "预期性"),
    ],
)
def test_every_indicator_of_annex_1_has_a_target_and_its_kind(figures: dict[str, str], ident: str, kind: str) -> None:
    result = indicator(DAY, **figures)
    assert (result["id"], result["kind"]) == (ident, kind)


@pytest.mark.parametrize(
    ("ident", "figures", "targets"),
    [
        ("chronic_contract_rate", ("chronic_signed", "chronic_patients"), ("82", "84", "85")),
        ("fund_payment_ratio", ("three_systems_paid", "policy_scope_cost"), ("82", "83", "85")),
        ("supplementary_insurance_rate", ("supplementary_insured", "basic_insured_last_year"), ("50", "50", "50")),
    ],
)
def test_bare_numbers_of_the_table_are_floors(ident: str, figures: tuple[str, str], targets: tuple[str, ...]) -> None:
    numerator, denominator = figures
    for year, target in zip((2023, 2024, 2025), targets, strict=True):
        # target x 100 of 10000 = target%; one fewer misses it
        at = indicator(dt.date(year, 6, 30), **{numerator: str(D(target) * 100), denominator: "10000"})
        below = indicator(dt.date(year, 6, 30), **{numerator: str(D(target) * 100 - 1), denominator: "10000"})
        assert (at["id"], at["comparator"], at["met"], below["met"]) == (ident, ">=", True, False)


def test_indicator_explanations_name_the_figures_in_chinese_never_by_field() -> None:
    # 附件1 备注1: 资助参加基本医保的困难群众人数 / 符合医疗救助条件的困难群众人数; a missing figure and a
    # zero denominator are named the same way
    figures = {"subsidised_enrollees": D("99"), "eligible_for_assistance": D("100"), "chronic_signed": D("1")}
    figures |= {"warning_responses": D("1"), "warning_problems": D("0")}
    _, outcome = calculate("indicators", SHENGZHOU, IndicatorsCase(date=DAY, figures=figures))
    text = "\n".join(step.text for step in outcome.trace.steps)
    assert "资助参加基本医保的困难群众人数 / 符合医疗救助条件的困难群众人数" in text
    assert "缺少数据 困难群众高血压和糖尿病患者总人数" in text
    assert "分母 经筛选发现问题总数 为 0" in text
    assert not re.search(r"[a-z]+_[a-z]+", text), text
    (result,) = outcome.values["indicators"]
    assert result["name"] == "资助困难群众参加基本医疗保险率"
