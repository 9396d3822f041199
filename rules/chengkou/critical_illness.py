"""城口 大病保险 (三(六)): 起付线 = 50% of 全市上年度居民人均可支配收入, 60% of the policy-scope
burden above it; 特困人员、低保对象、返贫致贫人口: 起付线 halved, 5 points more, no cap."""

from __future__ import annotations

from decimal import Decimal

from bingpin.rules.chengkou.groups import PRIORITY, STABLE, STABLE_QUOTE
from bingpin.rules.core.cases import CriticalIllnessCase
from bingpin.rules.core.critical_illness import Terms, settle
from bingpin.rules.core.money import format_money, format_percent
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace

TILT_QUOTE = "过渡期内，继续对特困人员、低保对象、返贫致贫人口实施倾斜支付政策"


def critical_illness_insurance(policy: Policy, case: CriticalIllnessCase, trace: Trace) -> Outcome:
    """Pays (burden - 起付线) x ratio: 起付线 50% of income and 60% for everyone; for 特困人员、低保对象、
    返贫致贫人口 the 起付线 is 50% lower, the ratio 5 points higher, and there is no cap. Eligible when
    the burden exceeds the 起付线."""
    day = case.date
    categories = policy.categories_of(case.categories)
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
    if case.registered_poor is not None:
        trace.assume("本方案的倾斜支付以特困人员、低保对象、返贫致贫人口为条件，忽略输入的 registered_poor")
    tilted = [c for c in categories if c in PRIORITY]
    rate = ratio.value
    cap: Decimal | None
    if tilted:
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
            trace.assume("本方案规定特困人员、低保对象、返贫致贫人口不设封顶线，忽略输入的 annual_cap")
        cap = None
    else:
        trace.step(
            "不属于特困人员、低保对象、返贫致贫人口：按标准起付线和支付比例计算",
            policy.cite("三(六)", TILT_QUOTE),
        )
        if STABLE in categories:
            trace.step("稳定脱贫人口按规定享受基本医疗保险待遇，不实施倾斜支付", policy.cite("二(二)", STABLE_QUOTE))
        cap = case.annual_cap
        if cap is None:
            trace.assume("本方案未规定其他参保人员的大病保险封顶线；未提供 annual_cap，未适用封顶线")
    return settle(case.eligible_self_pay, Terms(deductible, rate, False, cap, ratio.citation), trace)
