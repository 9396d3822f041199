"""嘉兴 统一资助参保政策 (二(二)6): who is subsidised in full, and from when."""

from __future__ import annotations

import datetime as dt

from rules.core.cases import InsuranceSubsidyCase
from rules.core.categories import Category
from rules.core.dates import end_of_year, first_day_of_next_month
from rules.core.money import format_money, format_percent, round_money
from rules.core.policy import Policy
from rules.core.trace import Outcome, Trace

FULL_SHARE = (
    Category.EXTREME_POVERTY,
    Category.SUBSISTENCE_ALLOWANCE,
    Category.MARGINAL_SUBSISTENCE,
    Category.CHILD_IN_DIFFICULTY,
)


def insurance_subsidy(policy: Policy, case: InsuranceSubsidyCase, trace: Trace) -> Outcome:
    """一类、二类、三类对象和未纳入低保低边的困境儿童全额资助参保；新增当月资助、次月生效."""
    day = case.date
    categories = policy.categories_of(case.categories)
    share = policy.param("insurance_subsidy.share.full", day)
    if case.tier is not None:
        trace.assume("本办法未区分缴费档次，忽略输入的 tier")
    values: dict[str, object] = {
        "share": None,
        "share_is_floor": False,
        "subsidy": None,
        "subsidised_from": None,
        "coverage_effective_from": None,
        "subsidy_until": None,
    }
    qualifying = [c for c in categories if c in FULL_SHARE]
    if not qualifying:
        names = "、".join(policy.name_of(c) for c in categories) or "无类别"
        trace.step(f"{names}：不属于本办法规定全额资助参保的对象", share.citation)
        return Outcome(eligible=False, values=values, trace=trace)

    trace.step(f"{policy.name_of(qualifying[0])}：全额资助参保（{format_percent(share.value)}）", share.citation)
    values.update(share=share.value)
    if case.recognized_on is not None:
        subsidised_from = dt.date(case.recognized_on.year, case.recognized_on.month, 1)
        effective = first_day_of_next_month(case.recognized_on)
        trace.step(
            f"{case.recognized_on.isoformat()} 新增为医疗救助对象：当月（{subsidised_from:%Y-%m}）资助参保，"
            f"次月 {effective.isoformat()} 起基本医保和医疗救助待遇生效",
            policy.cite("二(二)6", "新增医疗救助对象，当月资助参保，次月基本医保和医疗救助待遇生效"),
        )
        values.update(subsidised_from=subsidised_from, coverage_effective_from=effective)
    if case.exited_on is not None:
        if case.in_transition_period:
            trace.step(
                "处于民政部门认定的过渡期（渐退期）内，继续资助参保并实施医疗救助",
                policy.cite("二(二)6", "对民政部门认定的过渡期内（渐退期）的医疗救助对象，继续资助参保并实施医疗救助"),
            )
        else:
            until = end_of_year(case.exited_on)
            values.update(subsidy_until=until)
            exit_citation = policy.cite("二(二)6", "医疗救助退出对象，当年资助参保继续有效，次年不再资助参保")
            trace.step(
                f"{case.exited_on.isoformat()} 退出医疗救助：当年资助参保继续有效"
                f"（至 {until.isoformat()}），次年不再资助",
                exit_citation,
            )
            if day > until:
                trace.step(f"计算日期 {day.isoformat()} 已是退出的次年，不再资助参保", exit_citation)
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
