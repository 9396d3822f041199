"""嘉兴 健全风险预警监测 (二(一)2): yearly self-pay above 5,000 yuan marks a potential object."""

from __future__ import annotations

from bingpin.rules.core.cases import RiskMonitoringCase
from bingpin.rules.core.money import format_money
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace


def risk_monitoring(policy: Policy, case: RiskMonitoringCase, trace: Trace) -> Outcome:
    """年度医疗费用自付超过5000元（不含本数）的参保人员为潜在对象，推送民政部门."""
    policy.categories_of(case.categories)
    threshold = policy.param("risk_monitoring.self_pay_threshold", case.date)
    if case.monitoring_standard is not None or case.potential_threshold is not None:
        trace.assume(
            f"本办法规定监测标准为自付超过 {format_money(threshold.value)} 元，"
            "忽略输入的监测标准（monitoring_standard、potential_threshold）"
        )
    flagged = case.annual_self_pay > threshold.value
    trace.step(
        f"年度医疗费用自付 {format_money(case.annual_self_pay)} 元"
        f"{'超过' if flagged else '未超过'} {format_money(threshold.value)} 元"
        f"{'：列为因病致贫返贫风险潜在对象，推送民政部门' if flagged else '：不列为潜在对象'}",
        threshold.citation,
    )
    values = {
        "flagged": flagged,
        "threshold": threshold.value,
        "threshold_inclusive": False,
        "level": "potential" if flagged else None,
    }
    return Outcome(eligible=flagged, values=values, trace=trace)
