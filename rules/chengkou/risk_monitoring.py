"""城口 因病返贫致贫风险监测 (三(八)): the 7 classes whose self-pay after the three systems
达到 2x the 监测标准 (an input: 乡村振兴部门 sets it) are monitored; 达到 includes the number."""

from __future__ import annotations

from bingpin.rules.chengkou.groups import LOW_INCOME
from bingpin.rules.core.cases import RiskMonitoringCase
from bingpin.rules.core.errors import InvalidInput
from bingpin.rules.core.money import format_money
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace

MONITORED_QUOTE = (
    "7类低收入人员当年内符合政策范围内的医疗费用，经基本医保、大病保险和医疗救助后，"
    "自付费用达到乡村振兴部门确定的监测标准2倍及以上的人员进行监测"
)


def risk_monitoring(policy: Policy, case: RiskMonitoringCase, trace: Trace) -> Outcome:
    """7类低收入人员年度自付费用达到监测标准2倍及以上（含本数）的，纳入监测."""
    categories = policy.categories_of(case.categories)
    if case.monitoring_standard is None:
        raise InvalidInput(
            "本方案的监测标准由乡村振兴部门确定，未规定数额：请提供 monitoring_standard"
            " / the policy does not state the monitoring standard: give monitoring_standard",
            {"monitoring_standard": ["缺少监测标准（乡村振兴部门确定）/ monitoring standard required"]},
        )
    if case.potential_threshold is not None:
        trace.assume("本方案按监测标准的倍数监测，忽略输入的潜在对象自付费用标准（potential_threshold）")
    multiple = policy.param("risk_monitoring.standard_multiple", case.date)
    threshold = case.monitoring_standard * multiple.value
    trace.step(
        f"监测线 = 乡村振兴部门确定的监测标准 {format_money(case.monitoring_standard)} 元 x {multiple.value}"
        f" = {format_money(threshold)} 元（达到即纳入，含本数）",
        multiple.citation,
    )
    values = {"flagged": False, "threshold": threshold, "threshold_inclusive": True, "level": None}
    monitored = [c for c in categories if c in LOW_INCOME]
    if not monitored:
        names = "、".join(policy.name_of(c) for c in categories) or "无类别"
        trace.step(f"{names}：不属于7类低收入人员，不在本条监测范围", policy.cite("三(八)", MONITORED_QUOTE))
        return Outcome(eligible=False, values=values, trace=trace)
    flagged = case.annual_self_pay >= threshold
    trace.step(
        f"{'、'.join(policy.name_of(c) for c in monitored)}：经三重制度支付后年度自付 "
        f"{format_money(case.annual_self_pay)} 元{'达到' if flagged else '未达到'}监测线 {format_money(threshold)} 元"
        f"{'，纳入因病返贫致贫风险监测' if flagged else '，不纳入监测'}",
        policy.cite("三(八)", MONITORED_QUOTE),
    )
    values.update(flagged=flagged)
    return Outcome(eligible=flagged, values=values, trace=trace)
