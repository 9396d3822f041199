"""温州 加大贫困人员倾斜支付力度 (三(四)): the city-wide 大病保险 起付线 and ratio, and the
倾斜 for 贫困人员. The city-wide standard also serves 龙港 (a 温州 county-level city)."""

from __future__ import annotations

from decimal import Decimal

from bingpin.rules.core.cases import CriticalIllnessCase
from bingpin.rules.core.critical_illness import Terms, deductible_from_income, settle
from bingpin.rules.core.money import format_money, format_percent
from bingpin.rules.core.policy import ParameterValue, Policy
from bingpin.rules.core.trace import Outcome, Trace


def standard(policy: Policy, case: CriticalIllnessCase, trace: Trace) -> tuple[Decimal, ParameterValue]:
    """全市统一的大病保险起付线（上一年度居民人均可支配收入的50%）和政策范围内报销比例（60%）."""
    share = policy.param("critical_illness.deductible_share", case.date)
    ratio = policy.param("critical_illness.ratio", case.date)
    deductible = deductible_from_income(case.per_capita_disposable_income, share.value)
    trace.step(
        f"全市统一的大病保险起付线 = 上一年度居民人均可支配收入 {format_money(case.per_capita_disposable_income)}"
        f" x {format_percent(share.value)} = {format_money(deductible)} 元",
        share.citation,
    )
    floor = "不低于" if ratio.is_floor else ""
    trace.step(f"政策范围内报销比例{floor} {format_percent(ratio.value)}（应达到）", ratio.citation)
    return deductible, ratio


def local_cap(policy: Policy, case: CriticalIllnessCase, trace: Trace) -> Decimal | None:
    """温州未规定建档立卡贫困人员以外的大病保险封顶线：当地封顶线作为输入，未提供时不设封顶."""
    if case.annual_cap is None:
        trace.assume(f"{policy.document_number} 未规定大病保险封顶线，未提供当地封顶线（annual_cap），按不设封顶线计算")
        return None
    trace.assume(f"采用输入的当地大病保险封顶线 {format_money(case.annual_cap)} 元")
    return case.annual_cap


def critical_illness(policy: Policy, case: CriticalIllnessCase, trace: Trace) -> Outcome:
    """贫困人员起付线降低50%、支付比例提高5个百分点；建档立卡贫困人员不设封顶线."""
    day = case.date
    categories = policy.categories_of(case.categories)
    deductible, ratio = standard(policy, case, trace)
    ratio_value, ratio_citation = ratio.value, ratio.citation
    if categories or case.registered_poor:
        reduction = policy.param("critical_illness.poor.deductible_reduction", day)
        increase = policy.param("critical_illness.poor.ratio_increase", day)
        deductible = deductible * (1 - reduction.value)
        ratio_value = ratio.value + increase.value
        who = "、".join(policy.name_of(c) for c in categories) or "建档立卡贫困人员"
        trace.step(
            f"{who}属于贫困人员：起付线降低 {format_percent(reduction.value)}，为 {format_money(deductible)} 元",
            reduction.citation,
        )
        trace.step(
            f"支付比例提高 {(increase.value * 100).normalize():f} 个百分点，为"
            f"{'不低于' if ratio.is_floor else ''} {format_percent(ratio_value)}",
            increase.citation,
        )
        ratio_citation = increase.citation
    cap_citation = None
    if case.registered_poor:
        cap_citation = policy.cite("三(四)", "全面取消建档立卡贫困人员大病保险封顶线")
        trace.step("建档立卡贫困人员不设大病保险封顶线", cap_citation)
        if case.annual_cap is not None:
            trace.assume("建档立卡贫困人员不设封顶线，忽略输入的封顶线（annual_cap）")
        cap = None
    else:
        cap = local_cap(policy, case, trace)
    return settle(
        case.eligible_self_pay,
        Terms(deductible, ratio_value, ratio.is_floor, cap, ratio_citation, cap_citation),
        trace,
    )
