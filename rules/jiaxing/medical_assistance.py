"""嘉兴 医疗救助待遇 (二(二)7): ratio by class, the children's rule, the annual cap."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bingpin.rules.core import assistance
from bingpin.rules.core.cases import MedicalAssistanceCase
from bingpin.rules.core.categories import Category, Diagnosis
from bingpin.rules.core.dates import add_months, first_day_of_next_month
from bingpin.rules.core.money import format_money, format_percent, round_money
from bingpin.rules.core.policy import ParameterValue, Policy
from bingpin.rules.core.trace import Outcome, Trace

RATIO_KEYS: dict[Category, str] = {
    Category.EXTREME_POVERTY: "medical_assistance.ratio.extreme_poverty",
    Category.SUBSISTENCE_ALLOWANCE: "medical_assistance.ratio.subsistence_allowance",
    Category.MARGINAL_SUBSISTENCE: "medical_assistance.ratio.marginal_subsistence",
    Category.EXPENDITURE_POVERTY: "medical_assistance.ratio.expenditure_poverty",
    Category.CHILD_IN_DIFFICULTY: "medical_assistance.ratio.child_in_difficulty",
    Category.OTHER_SPECIAL_HARDSHIP: "medical_assistance.ratio.other_special_hardship",
}
CHILDREN_RULE = "children_severe_disease"
CHILDREN_DIAGNOSES = {Diagnosis.CONGENITAL_HEART_DISEASE.value, Diagnosis.LEUKEMIA.value}
LOW_INCOME = {Category.SUBSISTENCE_ALLOWANCE, Category.MARGINAL_SUBSISTENCE}


def _children_rule(policy: Policy, case: MedicalAssistanceCase, trace: Trace) -> ParameterValue | None:
    """本市户籍的0-14周岁（含14周岁）患先天性心脏病、白血病病种的参保儿童按80%救助."""
    ratio, registration_read = _children_rule_ratio(policy, case, trace)
    if not registration_read and case.local_household_registration is not None:
        trace.assume(
            "不适用儿童重大疾病救助，户籍不影响医疗救助，忽略输入的是否本市户籍（local_household_registration）"
        )
    return ratio


def _children_rule_ratio(
    policy: Policy, case: MedicalAssistanceCase, trace: Trace
) -> tuple[ParameterValue | None, bool]:
    """The children's ratio (or None), and whether the household registration was read."""
    others = sorted(set(case.diagnoses) - CHILDREN_DIAGNOSES)
    if others:
        trace.assume(
            "本办法的医疗救助只对先天性心脏病、白血病规定儿童重大疾病救助，忽略输入的其他病种"
            f"（diagnoses：{'、'.join(others)}）"
        )
    if not CHILDREN_DIAGNOSES.intersection(case.diagnoses):
        if case.age is not None:
            trace.assume("未患先天性心脏病、白血病，年龄不影响医疗救助，忽略输入的年龄（age）")
        return None, False
    if case.age is None:
        trace.assume("未提供年龄（age），无法判断是否为0-14周岁的儿童，不适用儿童重大疾病救助")
        return None, False
    max_age = policy.param("medical_assistance.children_severe_disease.max_age", case.date)
    if case.age > max_age.value:
        trace.step(f"年龄 {case.age} 周岁，超过 {max_age.value} 周岁，不适用儿童重大疾病救助", max_age.citation)
        return None, False
    if case.local_household_registration is False:
        trace.step("非本市户籍，不适用儿童重大疾病救助", max_age.citation)
        return None, True
    if case.local_household_registration is None:
        trace.assume("未提供是否本市户籍（local_household_registration），假定为本市户籍的参保儿童")
    return policy.param("medical_assistance.ratio.children_severe_disease", case.date), True


def _class_not_given(policy: Policy, day: dt.date, trace: Trace) -> ParameterValue:
    """因病纳入低保、低边的支出型困难人员 given without the class they joined: 二类 (90%) or 三类 (80%),
    so at least the lower of the two, answered as a floor (JX-AMB-012)."""
    lowest = min((policy.param(RATIO_KEYS[c], day) for c in LOW_INCOME), key=lambda p: p.value)
    trace.assume(
        "未给出因病纳入低保、低边的支出型困难人员所纳入的类别（最低生活保障家庭成员或最低生活保障边缘家庭成员），"
        f"按两者中较低的比例 {format_percent(lowest.value)} 作为下限计算"
    )
    return replace(
        lowest,
        is_floor=True,
        citation=policy.cite("二(二)7", "支出型贫困对象纳入低保或低边的按相应比例救助"),
    )


def _newly_recognised(categories: list[Category]) -> bool:
    """因病纳入低保、低边的支出型困难人员: the class whose costs before recognition are included."""
    return Category.ILLNESS_INDUCED_POVERTY in categories or (
        Category.EXPENDITURE_POVERTY in categories and bool(LOW_INCOME.intersection(categories))
    )


def _costs_from(
    policy: Policy, case: MedicalAssistanceCase, categories: list[Category], trace: Trace
) -> dt.date | None:
    """From which day a recognised object's costs are assisted: 次月 (the first day of the month after
    recognition); for 新认定的因病纳入低保、低边的支出型困难人员, 认定前6个月, continuously on to the
    day benefits start (JX-AMB-002, JX-AMB-007)."""
    recognized = case.recognized_on
    if recognized is None:
        return None
    effective = first_day_of_next_month(recognized)
    if _newly_recognised(categories):
        months = policy.param("medical_assistance.pre_recognition_months", case.date)
        if Category.ILLNESS_INDUCED_POVERTY not in categories:  # JX-AMB-013
            trace.assume(
                "纳入低保、低边的支出型贫困家庭成员，假定为因病纳入低保、低边的支出型困难人员，"
                f"认定前 {months.value} 个月的政策范围内医疗费用纳入救助范围"
            )
        start = add_months(recognized, -int(months.value))
        trace.step(
            f"{recognized.isoformat()} 新认定的因病纳入低保、低边的支出型困难人员：{start.isoformat()} 起"
            f"（认定前 {months.value} 个月）发生的政策范围内医疗费用纳入救助范围，"
            f"连续至 {effective.isoformat()} 待遇生效",
            months.citation,
        )
        return start
    trace.step(
        f"{recognized.isoformat()} 新增为医疗救助对象：次月 {effective.isoformat()} 起医疗救助待遇生效",
        policy.cite("二(二)6", "新增医疗救助对象，当月资助参保，次月基本医保和医疗救助待遇生效"),
    )
    return effective


def medical_assistance(policy: Policy, case: MedicalAssistanceCase, trace: Trace) -> Outcome:
    """Assistance = the highest applicable ratio x the policy-scope self-pay, within the annual cap."""
    day = case.date
    categories = policy.categories_of(case.categories)
    candidates: list[tuple[ParameterValue, str, Category | None]] = []
    for category in categories:
        if category in RATIO_KEYS:
            candidates.append((policy.param(RATIO_KEYS[category], day), policy.name_of(category), category))
        elif category is Category.ILLNESS_INDUCED_POVERTY and not LOW_INCOME.intersection(categories):
            candidates.append((_class_not_given(policy, day, trace), policy.name_of(category), category))
    child = _children_rule(policy, case, trace)
    if child is not None:
        candidates.append((child, "本市户籍0-14周岁患先天性心脏病、白血病的参保儿童", None))

    costs_from = _costs_from(policy, case, categories, trace)
    cap = policy.param("medical_assistance.annual_cap", day)
    if case.annual_cap is not None:
        trace.assume(f"本办法规定年度最高救助额为 {format_money(cap.value)} 元，忽略输入的年度限额（annual_cap）")
    given = [name for name, value in (("deductible", case.deductible), ("deductibles", case.deductibles)) if value]
    if case.deductible is not None and "deductible" not in given:
        given.insert(0, "deductible")
    if given:
        trace.assume(f"本办法未规定医疗救助起付线，忽略输入的当地起付线（{'、'.join(given)}）")
    values = assistance.blank(cap.value, costs_eligible_from=costs_from)
    if costs_from is not None and day < costs_from:
        trace.step(f"就医日期 {day.isoformat()} 早于 {costs_from.isoformat()}，其医疗费用不纳入医疗救助范围，不予救助")
        return Outcome(eligible=False, values=values, trace=trace)
    if not candidates:
        trace.step(
            "不属于本办法规定的医疗救助对象，亦不符合儿童重大疾病救助条件",
            policy.cite("二(二)5", "医疗救助对象主要包括"),
        )
        return Outcome(eligible=False, values=values, trace=trace)

    ratio, label, applied = max(candidates, key=lambda c: c[0].value)
    computed = case.eligible_self_pay * ratio.value
    if trace.explain:  # the steps' text is built only when the answer carries it
        for candidate, name, _ in candidates:
            floor = "不低于" if candidate.is_floor else ""
            trace.step(f"{name}：救助比例{floor} {format_percent(candidate.value)}", candidate.citation)
        if candidates[1:]:  # several rules apply
            trace.step(
                f"同一对象符合多项救助政策，就高从优：按{label} {format_percent(ratio.value)} 救助，不重复享受",
                policy.cite("二(二)7", "“同一对象”符合多项救助政策的，按照“就高、从优”原则,不重复享受"),
            )
        trace.step(
            f"救助基数为政策范围内扣除基本医保、大病保险和其他补充医疗保险补偿后的个人负担 "
            f"{format_money(case.eligible_self_pay)} 元，本办法未规定起付线",
            policy.cite("二(二)7", "扣除基本医保、大病保险和其他补充医疗保险补偿后的个人负担部分，纳入医疗救助范围"),
        )
        trace.step(
            f"{format_money(case.eligible_self_pay)} x {format_percent(ratio.value)} = {format_money(computed)} 元",
            ratio.citation,
        )
    amount = assistance.within_annual_cap(case, computed, cap.value, "年度最高救助额", cap.citation, trace)
    values.update(
        applied_category=applied.value if applied else None,
        applied_rule=applied.value if applied else CHILDREN_RULE,
        ratio=ratio.value,
        ratio_is_floor=ratio.is_floor,
        amount=round_money(amount),
    )
    return Outcome(eligible=True, values=values, trace=trace)
