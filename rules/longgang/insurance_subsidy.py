"""龙港 确保困难群众应保尽保 (3(三)8): full subsidy of the personal contribution, and from when to when."""

from __future__ import annotations

import datetime as dt

from rules.core.cases import InsuranceSubsidyCase
from rules.core.categories import Category
from rules.core.dates import end_of_year, first_day_of_next_month
from rules.core.money import format_money, format_percent, round_money
from rules.core.policy import Policy
from rules.core.trace import Outcome, Trace

#: 渐退期 keeps the subsidy for 低保 and 低保边缘 objects only.
TRANSITION = {Category.SUBSISTENCE_ALLOWANCE, Category.MARGINAL_SUBSISTENCE}


def _until(policy: Policy, case: InsuranceSubsidyCase, categories: list[Category], trace: Trace) -> dt.date | None:
    """The last day subsidised for an exited object or one in 渐退期 (低保、低边: the same 参保年度)."""
    if case.in_transition_period and TRANSITION.intersection(categories):
        start = case.exited_on or case.date
        year = case.enrolment_year
        if year is None:
            year = start.year
            trace.assume(f"未提供 enrolment_year，参保年度按自然年度，取 {year} 年")
        until = dt.date(year, 12, 31)
        trace.step(
            f"渐退期的低保、低保边缘对象：在同一参保年度（{year} 年）内继续保留资助参保，至 {until.isoformat()}",
            policy.cite("3(三)8", "对渐退期的低保和低保边缘对象，在同一参保年度内，继续保留资助参保"),
        )
        return until
    if case.exited_on is None:
        return None
    if case.in_transition_period:
        trace.assume("渐退期继续保留资助参保只适用于低保和低保边缘对象，按退出处理")
    until = end_of_year(case.exited_on)
    trace.step(
        f"{case.exited_on.isoformat()} 退出医疗救助：当年参保继续有效（至 {until.isoformat()}），次年不再资助参保",
        policy.cite("3(三)8", "医疗救助退出对象，当年参保继续有效，次年不再资助参保"),
    )
    return until


def insurance_subsidy(policy: Policy, case: InsuranceSubsidyCase, trace: Trace) -> Outcome:
    """困难群众个人缴费全额补贴；新增当月参保、次月生效；退出当年有效、次年不再资助；渐退期低保、低边同一参保年度内保留."""
    day = case.date
    categories = policy.categories_of(case.categories)
    share = policy.param("insurance_subsidy.share", day)
    if case.tier is not None:
        trace.assume("本方案未区分缴费档次，忽略输入的 tier")
    values: dict[str, object] = {
        "share": None,
        "share_is_floor": False,
        "subsidy": None,
        "subsidised_from": None,
        "coverage_effective_from": None,
        "subsidy_until": None,
    }
    if not categories:
        trace.step("不属于本方案的困难群众，不予资助参保", share.citation)
        return Outcome(eligible=False, values=values, trace=trace)

    names = "、".join(policy.name_of(c) for c in categories)
    trace.step(f"{names}：个人缴费部分由政府给予财政全额补贴（{format_percent(share.value)}）", share.citation)
    values.update(share=share.value)
    if case.recognized_on is not None:
        subsidised_from = dt.date(case.recognized_on.year, case.recognized_on.month, 1)
        effective = first_day_of_next_month(case.recognized_on)
        trace.step(
            f"{case.recognized_on.isoformat()} 新增为困难人员：当月（{subsidised_from:%Y-%m}）参保，"
            f"次月 {effective.isoformat()} 起生效",
            policy.cite("3(三)8", "按照“认定一户、参保一户”的要求，当月参保，次月生效"),
        )
        values.update(subsidised_from=subsidised_from, coverage_effective_from=effective)
    until = _until(policy, case, categories, trace)
    if until is not None:
        values.update(subsidy_until=until)
        if day > until:
            trace.step(f"计算日期 {day.isoformat()} 已在 {until.isoformat()} 之后，不再资助参保")
            values.update(share=None)
            return Outcome(eligible=False, values=values, trace=trace)
    if case.personal_contribution is None:
        trace.assume("未提供 personal_contribution（个人缴费标准），只答复资助比例，不计算资助金额")
    else:
        subsidy = round_money(case.personal_contribution * share.value)
        trace.step(
            f"资助金额 = 个人缴费 {format_money(case.personal_contribution)} x {format_percent(share.value)} "
            f"= {format_money(subsidy)} 元",
            share.citation,
        )
        values.update(subsidy=subsidy)
    return Outcome(eligible=True, values=values, trace=trace)
