"""温州 落实贫困人员参保资助政策 (三(三)): who is subsidised and from when; the share is not stated."""

from __future__ import annotations

import datetime as dt

from bingpin.rules.core import enrolment
from bingpin.rules.core.cases import InsuranceSubsidyCase
from bingpin.rules.core.categories import Category
from bingpin.rules.core.dates import first_day_of_next_month
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace

#: 三(三) names 特困、低保、低边 and 其他困难人员; 纳入低保、低边的因病致贫人员 are 低保/低边 members (WZ-AMB-009).
SUBSIDISED = {
    Category.EXTREME_POVERTY,
    Category.SUBSISTENCE_ALLOWANCE,
    Category.MARGINAL_SUBSISTENCE,
    Category.ILLNESS_INDUCED_POVERTY,
    Category.OTHER_SPECIAL_HARDSHIP,
}
BASIS = (
    "对特困供养人员、最低生活保障家庭成员、最低生活保障边缘家庭成员和当地政府确定的其他困难人员，"
    "参加城乡居民基本医保、大病保险的个人缴费部分，按规定予以补助"
)


def _start(policy: Policy, case: InsuranceSubsidyCase, trace: Trace, values: dict[str, object]) -> bool:
    """新增对象次月生效；个人当年已参保的不退保费、次年资助。Returns whether subsidised on ``case.date``."""
    if case.already_enrolled_this_year:
        reference = case.recognized_on or case.date
        if case.recognized_on is None:
            trace.assume("未提供认定日期（recognized_on），以计算日期所在年度为个人已参保的年度")
        start = dt.date(reference.year + 1, 1, 1)
        trace.step(
            f"个人 {reference.year} 年已参保：不退保费，自次年 {start.isoformat()} 起资助参保",
            policy.cite("三(三)", "个人当年已参保的，不退保费，次年资助参保"),
        )
        values.update(subsidised_from=start)
        if case.date < start:
            trace.step(f"计算日期 {case.date.isoformat()} 尚在个人已参保的当年，当年不予资助")
            return False
        return True
    if case.recognized_on is not None:
        effective = first_day_of_next_month(case.recognized_on)
        trace.step(
            f"{case.recognized_on.isoformat()} 新增为资助参保对象：资助参保后次月 {effective.isoformat()} 起生效",
            policy.cite("三(三)", "新增资助参保对象，统一于资助参保后，次月生效"),
        )
        values.update(coverage_effective_from=effective)
    return True


def insurance_subsidy(policy: Policy, case: InsuranceSubsidyCase, trace: Trace) -> Outcome:
    """特困、低保、低边和其他困难人员的个人缴费按规定予以补助（比例未规定）；新增次月生效；退出次年不再资助."""
    categories = policy.categories_of(case.categories)
    basis = policy.cite("三(三)", BASIS)
    if case.tier is not None:
        trace.assume("本方案未区分缴费档次，忽略输入的缴费档次（tier）")
    values = enrolment.blank()
    qualifying = [c for c in categories if c in SUBSIDISED]
    if not qualifying:
        trace.step("不属于本方案规定的资助参保对象", basis)
        return Outcome(eligible=False, values=values, trace=trace)

    names = "、".join(policy.name_of(c) for c in qualifying)
    trace.step(f"{names}：参加城乡居民基本医保、大病保险的个人缴费部分按规定予以补助，补助比例未作规定", basis)
    trace.assume("本方案未规定资助参保的补助比例和数额（按规定予以补助），资助比例和资助金额答复为 null")
    if not _start(policy, case, trace, values):
        return Outcome(eligible=False, values=values, trace=trace)
    if case.exited_on is None and case.in_transition_period is not None:
        trace.assume("本方案未规定渐退期，未提供退出日期（exited_on），忽略输入的渐退期（in_transition_period）")
    if case.exited_on is not None:
        if case.in_transition_period:
            trace.assume("本方案未规定渐退期，输入的渐退期按退出处理")
        citation = policy.cite("三(三)", "对退出对象，当年参保继续有效，次年不再资助")
        if not enrolment.still_subsidised_after_exit(case, case.exited_on, citation, trace, values):
            return Outcome(eligible=False, values=values, trace=trace)
    return Outcome(eligible=True, values=values, trace=trace)
