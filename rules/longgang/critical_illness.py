"""龙港 增强大病保险减负功能 (3(三)9): 困难群众 起付线 -50%, ratio 80%以上, no cap; the standard
起付线 it halves is 温州's city-wide rule (温医保发〔2019〕13号 三(四), LG-AMB-005, a choice). The plan
covers 困难群众 only (2 适用对象): 大病保险 for anyone else is not defined by it."""

from __future__ import annotations

from bingpin.rules import wenzhou
from bingpin.rules.core.cases import CriticalIllnessCase
from bingpin.rules.core.critical_illness import Terms, settle
from bingpin.rules.core.errors import NotDefinedByPolicy
from bingpin.rules.core.money import format_money, format_percent
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace
from bingpin.rules.wenzhou.critical_illness import standard

SCOPE_QUOTE = (
    "本方案适用于我市民政部门认定的特困、低保、低边和纳入低保、低边的因病致贫对象及市政府规定的其他特殊困难人员"
    "（以下统称困难群众）"
)


def critical_illness(policy: Policy, case: CriticalIllnessCase, trace: Trace) -> Outcome:
    """困难群众：温州统一起付线降低50%，支付比例不低于80%，不设封顶线；其他参保人员本方案未规定."""
    day = case.date
    categories = policy.categories_of(case.categories)
    if not categories:
        policy.cite("2", SCOPE_QUOTE)
        raise NotDefinedByPolicy(
            f"{policy.document_number} 适用于困难群众（2 适用对象：“{SCOPE_QUOTE}”），"
            "未规定其他参保人员的大病保险待遇 / the plan covers 困难群众 only",
            {"categories": ["本方案的大病保险倾斜支付只适用于困难群众 / only 困难群众 are covered"]},
        )
    city = wenzhou.POLICY
    trace.step(
        f"大病保险起付线和报销比例按温州全市统一标准（{city.document_number}）",
        city.cite("三(四)", "降低并统一全市大病保险起付线"),
    )
    deductible, _ = standard(city, case, trace)
    trace.assume("本方案未规定被降低的标准起付线，按温州全市统一的大病保险起付线计算（LG-AMB-005）")
    if case.registered_poor is not None:
        trace.assume("本方案未规定建档立卡贫困人员的大病保险待遇，忽略输入的建档立卡贫困人员（registered_poor）")

    reduction = policy.param("critical_illness.hardship.deductible_reduction", day)
    hardship_ratio = policy.param("critical_illness.hardship.ratio", day)
    deductible = deductible * (1 - reduction.value)
    names = "、".join(policy.name_of(c) for c in categories)
    trace.step(
        f"{names}属于困难群众：起付标准线降低 {format_percent(reduction.value)}，为 {format_money(deductible)} 元",
        reduction.citation,
    )
    cap_citation = policy.cite("3(三)9", "取消大病保险封顶线")
    trace.step(
        f"支付比例不低于 {format_percent(hardship_ratio.value)}，取消大病保险封顶线",
        hardship_ratio.citation,
    )
    if case.annual_cap is not None:
        trace.assume("本方案取消困难群众的大病保险封顶线，忽略输入的封顶线（annual_cap）")
    terms = Terms(
        deductible, hardship_ratio.value, hardship_ratio.is_floor, None, hardship_ratio.citation, cap_citation
    )
    return settle(case.eligible_self_pay, terms, trace)
