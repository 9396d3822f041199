"""龙港 夯实医疗救助托底保障功能 (3(三)9): no 起付线, 不低于80%, 10万 per person per year, 特困 no limit."""

from __future__ import annotations

from decimal import Decimal

from bingpin.rules.core import assistance
from bingpin.rules.core.cases import MedicalAssistanceCase
from bingpin.rules.core.categories import Category
from bingpin.rules.core.money import format_money, format_percent, larger, round_money
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace

#: 2 适用对象: 特困、低保、低边、纳入低保低边的因病致贫对象、其他特殊困难人员 (统称困难群众).
HARDSHIP = (
    Category.EXTREME_POVERTY,
    Category.SUBSISTENCE_ALLOWANCE,
    Category.MARGINAL_SUBSISTENCE,
    Category.ILLNESS_INDUCED_POVERTY,
    Category.OTHER_SPECIAL_HARDSHIP,
)
SCOPE = "本方案适用于我市民政部门认定的特困、低保、低边和纳入低保、低边的因病致贫对象及市政府规定的其他特殊困难人员"


def medical_assistance(policy: Policy, case: MedicalAssistanceCase, trace: Trace) -> Outcome:
    """困难群众救助 = 个人负担 x 不低于80%，不设起付线；门诊与住院同比例、共用年度限额；特困人员不设限额."""
    day = case.date
    categories = [c for c in policy.categories_of(case.categories) if c in HARDSHIP]
    deductible = policy.param("medical_assistance.deductible", day)
    ratio = policy.param("medical_assistance.ratio", day)
    cap = policy.param("medical_assistance.annual_cap", day)
    if case.deductible is not None or case.deductibles:
        trace.assume("本方案规定医疗救助不设起付线，忽略输入的当地起付线（deductible、deductibles）")
    if case.annual_cap is not None:
        trace.assume(
            f"本方案规定救助限额为每人每年 {format_money(cap.value)} 元（特困人员不设限额），"
            "忽略输入的年度限额（annual_cap）"
        )
    values = assistance.blank(cap.value, deductible.value)
    if not categories:
        trace.step("不属于本方案的困难群众，不予医疗救助", policy.cite("2", SCOPE))
        return Outcome(eligible=False, values=values, trace=trace)

    applied = Category.EXTREME_POVERTY if Category.EXTREME_POVERTY in categories else categories[0]
    computed = larger(case.eligible_self_pay - deductible.value, Decimal(0)) * ratio.value
    if trace.explain:  # the steps' text is built only when the answer carries it
        names = "、".join(policy.name_of(c) for c in categories)
        trace.step(f"{names}：属于困难群众，救助比例不低于 {format_percent(ratio.value)}", ratio.citation)
        if case.care_type == "outpatient":
            trace.step(
                "门诊目录范围内医疗费用与住院同比例救助，共用年度救助限额",
                policy.cite("3(三)9", "门诊目录范围内医疗费用与住院同比例救助、共用年度救助限额"),
            )
        trace.step(f"不设起付线（{format_money(deductible.value)} 元）", deductible.citation)
        trace.step(
            f"{format_money(case.eligible_self_pay)} x {format_percent(ratio.value)} = {format_money(computed)} 元",
            ratio.citation,
        )
    if applied is Category.EXTREME_POVERTY:
        if trace.explain:
            trace.step(
                f"{policy.name_of(applied)}取消救助限额：本次救助 {format_money(computed)} 元",
                policy.cite("3(三)9", "其中特困人员取消救助限额"),
            )
        amount, annual_cap = computed, None
        if case.assistance_received_this_year is not None:
            trace.assume("特困人员取消救助限额，忽略输入的本年度已获医疗救助金额（assistance_received_this_year）")
    else:
        label = "救助限额每人每年（门诊和住院共用）"
        amount = assistance.within_annual_cap(case, computed, cap.value, label, cap.citation, trace)
        annual_cap = cap.value
    values.update(
        applied_category=applied.value,
        applied_rule=applied.value,
        ratio=ratio.value,
        ratio_is_floor=ratio.is_floor,
        annual_cap=annual_cap,
        amount=round_money(amount),
    )
    return Outcome(eligible=True, values=values, trace=trace)
