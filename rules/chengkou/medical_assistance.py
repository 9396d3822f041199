"""城口 医疗救助 (三(七)): 特困人员、低保对象、返贫致贫人口 不低于70%, other 低收入人口 不低于60%;
门诊慢特病 and 住院 share one annual limit whose figure is an input; 稳定脱贫人口 are not assisted."""

from __future__ import annotations

from decimal import Decimal

from bingpin.rules.chengkou.groups import LOW_INCOME, LOW_INCOME_QUOTE, STABLE, STABLE_QUOTE
from bingpin.rules.core import assistance
from bingpin.rules.core.cases import MedicalAssistanceCase
from bingpin.rules.core.categories import Category
from bingpin.rules.core.money import format_money, format_percent, round_money
from bingpin.rules.core.policy import ParameterValue, Policy
from bingpin.rules.core.trace import Outcome, Trace

RATIO_KEYS: dict[Category, str] = {c: f"medical_assistance.ratio.{c.value}" for c in LOW_INCOME}
SHARED_LIMIT_QUOTE = "统筹加大门诊慢特病救助保障，门诊和住院救助共用年度救助限额"


def _not_assisted(policy: Policy, categories: list[Category], trace: Trace) -> None:
    """Explain why no one of the 7 classes is present: 稳定脱贫人口 or no category."""
    if STABLE in categories:
        trace.step(
            "未纳入低收入人口监测范围的稳定脱贫人口，不属于特困人员、低保对象和返贫致贫人口的，"
            "转为按规定享受基本医疗保险待遇，不实施医疗救助",
            policy.cite("二(二)", STABLE_QUOTE),
        )
    else:
        trace.step("不属于7类低收入人口，不属于本方案规定的医疗救助对象", policy.cite("二(一)", LOW_INCOME_QUOTE))


def _cap(policy: Policy, case: MedicalAssistanceCase, computed: Decimal, trace: Trace) -> Decimal:
    """The annual limit (an input), shared by 门诊 and 住院, less the assistance received this year."""
    if case.annual_cap is None:
        trace.assume("本方案未规定年度救助限额的数额；未提供年度救助限额（annual_cap），未适用限额")
        if case.assistance_received_this_year is not None:
            trace.assume("未适用年度救助限额，忽略输入的本年度已获医疗救助金额（assistance_received_this_year）")
        return computed
    label = "年度救助限额（门诊和住院共用）"
    limit = policy.cite("三(七)", SHARED_LIMIT_QUOTE)
    return assistance.within_annual_cap(case, computed, case.annual_cap, label, limit, trace)


def medical_assistance(policy: Policy, case: MedicalAssistanceCase, trace: Trace) -> Outcome:
    """Assistance = the highest floor ratio of the person's classes x the policy-scope self-pay,
    within the annual limit when one is given."""
    day = case.date
    categories = policy.categories_of(case.categories)
    if case.deductible is not None or case.deductibles:
        trace.assume("本方案未规定医疗救助起付线，忽略输入的当地起付线（deductible、deductibles）")
    values = assistance.blank(case.annual_cap)
    candidates: list[tuple[ParameterValue, Category]] = [
        (policy.param(RATIO_KEYS[c], day), c) for c in categories if c in RATIO_KEYS
    ]
    if not candidates:
        _not_assisted(policy, categories, trace)
        return Outcome(eligible=False, values=values, trace=trace)
    if STABLE in categories:
        trace.step(
            "同时属于7类低收入人口的，不是未纳入低收入人口监测范围的稳定脱贫人口：按7类低收入人口救助",
            policy.cite("二(一)", "未纳入低收入人口监测范围的稳定脱贫人口"),
        )
    ratio, category = max(candidates, key=lambda pair: pair[0].value)
    computed = case.eligible_self_pay * ratio.value
    if trace.explain:  # the steps' text is built only when the answer carries it
        for each, member in candidates:
            trace.step(f"{policy.name_of(member)}：救助比例不低于 {format_percent(each.value)}", each.citation)
        if candidates[1:]:  # several classes
            trace.step(
                f"属于多类低收入人口的，按其中最高的比例救助一次，不重复享受：{policy.name_of(category)} "
                f"不低于 {format_percent(ratio.value)}",
                ratio.citation,
            )
        if case.care_type == "outpatient":
            trace.step("门诊慢特病救助与住院救助适用同一救助比例", policy.cite("三(七)", SHARED_LIMIT_QUOTE))
        trace.step(
            "救助基数为经基本医保、大病保险支付后的政策范围内个人自付医疗费用 "
            f"{format_money(case.eligible_self_pay)} 元，本方案未规定起付线",
            policy.cite("三(七)", "政策范围内个人自付医疗费用救助比例"),
        )
        trace.step(
            f"{format_money(case.eligible_self_pay)} x {format_percent(ratio.value)} = {format_money(computed)} 元"
            "（按政策下限计算）",
            ratio.citation,
        )
    amount = _cap(policy, case, computed, trace)
    values.update(
        applied_category=category.value,
        applied_rule=category.value,
        ratio=ratio.value,
        ratio_is_floor=ratio.is_floor,
        amount=round_money(amount),
    )
    return Outcome(eligible=True, values=values, trace=trace)
