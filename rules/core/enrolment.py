"""The parts of an enrolment subsidy (资助参保) that read the same in every policy: the answer's
fields, 当月资助参保、次月生效 for a new recipient, 退出当年有效、次年不再资助, and the amount as
a share of the personal contribution. Each policy supplies its own clause for every step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bingpin.rules.core.cases import InsuranceSubsidyCase
from bingpin.rules.core.citations import Citation
from bingpin.rules.core.dates import end_of_year, first_day_of_next_month
from bingpin.rules.core.money import format_money, format_percent, round_money
from bingpin.rules.core.trace import Trace

Values = dict[str, object]


def blank() -> Values:
    """The answer's fields, none known yet."""
    return {
        "share": None,
        "share_is_floor": False,
        "subsidy": None,
        "subsidised_from": None,
        "coverage_effective_from": None,
        "subsidy_until": None,
    }


def new_recipient(
    case: InsuranceSubsidyCase, citation: Citation, trace: Trace, values: Values, *, who: str = "救助对象"
) -> None:
    """当月资助参保，次月生效: the month of recognition is subsidised, cover starts next month."""
    if case.recognized_on is None:
        return
    subsidised_from = dt.date(case.recognized_on.year, case.recognized_on.month, 1)
    effective = first_day_of_next_month(case.recognized_on)
    trace.step(
        f"{case.recognized_on.isoformat()} 新增为{who}：当月（{subsidised_from:%Y-%m}）资助参保，"
        f"次月 {effective.isoformat()} 起待遇生效",
        citation,
    )
    values.update(subsidised_from=subsidised_from, coverage_effective_from=effective)


def after_year_of_exit(day: dt.date, exited_on: dt.date) -> bool:
    """退出对象，当年继续有效、次年不再资助: whether ``day`` is past the year of exit."""
    return day > end_of_year(exited_on)


def still_subsidised_after_exit(
    case: InsuranceSubsidyCase, exited_on: dt.date, citation: Citation, trace: Trace, values: Values
) -> bool:
    """退出对象当年继续有效、次年不再资助: whether ``case.date`` is still in the year of exit."""
    until = end_of_year(exited_on)
    values.update(subsidy_until=until)
    trace.step(f"{exited_on.isoformat()} 退出：当年资助参保继续有效（至 {until.isoformat()}），次年不再资助", citation)
    if after_year_of_exit(case.date, exited_on):
        trace.step(f"计算日期 {case.date.isoformat()} 已是退出的次年，不再资助参保", citation)
        values.update(share=None)
        return False
    return True


def amount(
    case: InsuranceSubsidyCase,
    share: Decimal,
    citation: Citation,
    trace: Trace,
    values: Values,
    *,
    contribution: str = "个人缴费标准",
) -> None:
    """资助金额 = 个人缴费 x 资助比例, rounded once; without the contribution only the share is answered."""
    if case.personal_contribution is None:
        trace.assume(f"未提供{contribution}（personal_contribution），只答复资助比例，不计算资助金额")
        return
    subsidy = round_money(case.personal_contribution * share)
    trace.step(
        f"资助金额 = {contribution} {format_money(case.personal_contribution)} x {format_percent(share)} "
        f"= {format_money(subsidy)} 元",
        citation,
    )
    values.update(subsidy=subsidy)
