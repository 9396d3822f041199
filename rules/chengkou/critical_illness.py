"""城口 大病保险 (三(六)): for "上述对象" (特困人员、低保对象、返贫致贫人口) only: 起付线 = 50% of
全市上年度居民人均可支配收入, halved; "60%左右" (taken as 60%, CK-AMB-006) plus 5 points; no cap.
For anyone else the plan does not define 大病保险."""

from __future__ import annotations

from bingpin.rules.chengkou.groups import PRIORITY, STABLE
from bingpin.rules.core.cases import CriticalIllnessCase
from bingpin.rules.core.critical_illness import Terms, settle
from bingpin.rules.core.errors import NotDefinedByPolicy
from bingpin.rules.core.money import format_money, format_percent
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace

TILT_QUOTE = "过渡期内，继续对特困人员、低保对象、返贫致贫人口实施倾斜支付政策"


def critical_illness_insurance(policy: Policy, case: CriticalIllnessCase, trace: Trace) -> Outcome:
    """特困人员、低保对象、返贫致贫人口: (burden - 起付线 50% of income, halved) x (60% + 5 points), no
    cap; eligible whatever the amount. Anyone else: not defined by this plan."""
    day = case.date
    categories = policy.categories_of(case.categories)
    tilted = [c for c in categories if c in PRIORITY]
    if not tilted:
        stable = "；稳定脱贫人口按规定享受基本医疗保险待遇（二(二)）" if STABLE in categories else ""
        raise NotDefinedByPolicy(
            f"{policy.document_number} 三(六)的大病保险规定只适用于“上述对象”（特困人员、低保对象、返贫致贫人口）"
            f"{stable} / 大病保险 is defined for 特困人员、低保对象、返贫致贫人口 only",
            {"categories": ["本方案只规定特困人员、低保对象、返贫致贫人口的大病保险 / only these three classes"]},
        )
    share = policy.param("critical_illness.deductible_share", day)
    ratio = policy.param("critical_illness.ratio", day)
    income = case.per_capita_disposable_income
    deductible = income * share.value
    trace.step(
        f"大病保险起付线 = 全市上年度居民人均可支配收入 {format_money(income)} x {format_percent(share.value)}"
        f" = {format_money(deductible)} 元",
        share.citation,
    )
    trace.step(
        f"政策范围内支付比例为“60%左右”，按 {format_percent(ratio.value)} 计算",
        ratio.citation,
    )
    trace.assume("“60%左右”不是确定数值，按60%计算（CK-AMB-006）")
    if case.registered_poor is not None:
        trace.assume(
            "本方案的倾斜支付以特困人员、低保对象、返贫致贫人口为条件，忽略输入的建档立卡贫困人员（registered_poor）"
        )
    reduction = policy.param("critical_illness.tilt.deductible_reduction", day)
    increase = policy.param("critical_illness.tilt.ratio_increase", day)
    names = "、".join(policy.name_of(c) for c in tilted)
    trace.step(f"{names}：实施大病保险倾斜支付", policy.cite("三(六)", TILT_QUOTE))
    reduced = deductible * (1 - reduction.value)
    trace.step(
        f"起付线降低 {format_percent(reduction.value)}：{format_money(deductible)} x "
        f"(1 - {format_percent(reduction.value)}) = {format_money(reduced)} 元",
        reduction.citation,
    )
    deductible = reduced
    rate = ratio.value + increase.value
    trace.step(
        f"报销比例提高 {format_percent(increase.value)[:-1]} 个百分点：{format_percent(ratio.value)} + "
        f"{format_percent(increase.value)} = {format_percent(rate)}",
        increase.citation,
    )
    trace.step("不设封顶线", policy.cite("三(六)", "报销比例提高5个百分点，不设封顶线"))
    if case.annual_cap is not None:
        trace.assume("本方案规定特困人员、低保对象、返贫致贫人口不设封顶线，忽略输入的封顶线（annual_cap）")
    return settle(case.eligible_self_pay, Terms(deductible, rate, False, None, ratio.citation), trace)
