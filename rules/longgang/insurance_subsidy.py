"""龙港 确保困难群众应保尽保 (3(三)8): full subsidy of the personal contribution, and from when to when."""

from __future__ import annotations

import datetime as dt

from bingpin.rules.core import enrolment
from bingpin.rules.core.cases import InsuranceSubsidyCase
from bingpin.rules.core.categories import Category
from bingpin.rules.core.money import format_percent
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace

#: 渐退期 keeps the subsidy for 低保 and 低保边缘 objects only.
TRANSITION = {Category.SUBSISTENCE_ALLOWANCE, Category.MARGINAL_SUBSISTENCE}


def _transition_until(
    policy: Policy, case: InsuranceSubsidyCase, categories: list[Category], trace: Trace
) -> dt.date | None:
    """渐退期的低保、低边 keep the subsidy within the same 参保年度: its last day, or ``None``."""
    if not (case.in_transition_period and TRANSITION.intersection(categories)):
        return None
    start = case.exited_on or case.date
    year = case.enrolment_year
    if year is None:
        year = start.year
        trace.assume(f"未提供参保年度（enrolment_year），参保年度按自然年度，取 {year} 年")
    until = dt.date(year, 12, 31)
    trace.step(
        f"渐退期的低保、低保边缘对象：在同一参保年度（{year} 年）内继续保留资助参保，至 {until.isoformat()}",
        policy.cite("3(三)8", "对渐退期的低保和低保边缘对象，在同一参保年度内，继续保留资助参保"),
    )
    return until


def _unused_transition_inputs(case: InsuranceSubsidyCase, trace: Trace) -> None:
    """参保年度 serves only the 渐退期 of 低保、低边; a 渐退期 without an exit date changes nothing."""
    if case.enrolment_year is not None:
        trace.assume("参保年度只用于确定渐退期低保、低边对象的资助截止，忽略输入的参保年度（enrolment_year）")
    if case.in_transition_period and case.exited_on is None:
        trace.assume("渐退期继续保留资助参保只适用于低保和低保边缘对象，忽略输入的渐退期（in_transition_period）")


def insurance_subsidy(policy: Policy, case: InsuranceSubsidyCase, trace: Trace) -> Outcome:
    """困难群众个人缴费全额补贴；新增当月参保、次月生效；退出当年有效、次年不再资助；渐退期低保、低边同一参保年度内保留."""
    day = case.date
    categories = policy.categories_of(case.categories)
    share = policy.param("insurance_subsidy.share", day)
    if case.tier is not None:
        trace.assume("本方案未区分缴费档次，忽略输入的缴费档次（tier）")
    values = enrolment.blank()
    if not categories:
        trace.step("不属于本方案的困难群众，不予资助参保", share.citation)
        return Outcome(eligible=False, values=values, trace=trace)

    names = "、".join(policy.name_of(c) for c in categories)
    trace.step(f"{names}：个人缴费部分由政府给予财政全额补贴（{format_percent(share.value)}）", share.citation)
    values.update(share=share.value)
    enrolment.new_recipient(
        case, policy.cite("3(三)8", "按照“认定一户、参保一户”的要求，当月参保，次月生效"), trace, values, who="困难人员"
    )
    until = _transition_until(policy, case, categories, trace)
    if until is None:
        _unused_transition_inputs(case, trace)
    if until is not None:
        values.update(subsidy_until=until)
        if case.date > until:
            trace.step(f"计算日期 {case.date.isoformat()} 已在 {until.isoformat()} 之后，不再资助参保")
            values.update(share=None)
            return Outcome(eligible=False, values=values, trace=trace)
    elif case.exited_on is not None:
        if case.in_transition_period:
            trace.assume("渐退期继续保留资助参保只适用于低保和低保边缘对象，按退出处理")
        exit_clause = policy.cite("3(三)8", "医疗救助退出对象，当年参保继续有效，次年不再资助参保")
        if not enrolment.still_subsidised_after_exit(case, case.exited_on, exit_clause, trace, values):
            return Outcome(eligible=False, values=values, trace=trace)
    enrolment.amount(case, share.value, share.citation, trace, values)
    return Outcome(eligible=True, values=values, trace=trace)
