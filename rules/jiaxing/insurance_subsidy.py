"""嘉兴 统一资助参保政策 (二(二)6): every recognised object is subsidised; who in full; from when."""

from __future__ import annotations

from bingpin.rules.core import enrolment
from bingpin.rules.core.cases import InsuranceSubsidyCase
from bingpin.rules.core.categories import Category
from bingpin.rules.core.money import format_percent
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace

#: 一类、二类和三类对象，以及未纳入低保和低边的困境儿童（纳入五类）: 全额资助参保. 因病纳入低保、低边的
#: 支出型困难人员 are 二类 or 三类 members, both 全额.
FULL_SHARE = (
    Category.EXTREME_POVERTY,
    Category.SUBSISTENCE_ALLOWANCE,
    Category.MARGINAL_SUBSISTENCE,
    Category.CHILD_IN_DIFFICULTY,
    Category.ILLNESS_INDUCED_POVERTY,
)
SUBSIDISED = "经民政部门认定的困难救助对象，由户籍地统一资助参加城乡居民基本医疗保险并实施医疗救助"


def insurance_subsidy(policy: Policy, case: InsuranceSubsidyCase, trace: Trace) -> Outcome:
    """经民政部门认定的困难救助对象统一资助参保；一、二、三类和困境儿童全额，四类和其他五类比例未规定."""
    day = case.date
    categories = policy.categories_of(case.categories)
    share = policy.param("insurance_subsidy.share.full", day)
    if case.tier is not None:
        trace.assume("本办法未区分缴费档次，忽略输入的缴费档次（tier）")
    values = enrolment.blank()
    basis = policy.cite("二(二)6", SUBSIDISED)
    if not categories:
        trace.step("不属于经民政部门认定的困难救助对象，不予资助参保", basis)
        return Outcome(eligible=False, values=values, trace=trace)

    names = "、".join(policy.name_of(c) for c in categories)
    trace.step(f"{names}：经民政部门认定的困难救助对象，由户籍地统一资助参加城乡居民基本医疗保险", basis)
    full = [c for c in categories if c in FULL_SHARE]
    if full:
        trace.step(f"{policy.name_of(full[0])}：全额资助参保（{format_percent(share.value)}）", share.citation)
        values.update(share=share.value)
    else:
        trace.step(
            f"{names}：本办法规定资助参保，但未规定资助比例（全额资助只适用于一类、二类、三类对象和"
            "未纳入低保和低边的困境儿童），资助比例和资助金额不予计算",
            share.citation,
        )
        trace.assume("本办法未规定四类对象和其他五类对象的资助比例，资助比例和资助金额答复为 null（未计算）")
        if case.personal_contribution is not None:
            trace.assume("资助比例未规定，无法按输入的个人缴费标准（personal_contribution）计算资助金额")
    enrolment.new_recipient(
        case,
        policy.cite("二(二)6", "新增医疗救助对象，当月资助参保，次月基本医保和医疗救助待遇生效"),
        trace,
        values,
        who="医疗救助对象",
    )
    if case.exited_on is None and case.in_transition_period is not None:
        trace.assume("未提供退出日期（exited_on），资助参保照常，忽略输入的渐退期（in_transition_period）")
    if case.exited_on is not None:
        if case.in_transition_period:
            trace.step(
                "处于民政部门认定的过渡期（渐退期）内，继续资助参保并实施医疗救助",
                policy.cite("二(二)6", "对民政部门认定的过渡期内（渐退期）的医疗救助对象，继续资助参保并实施医疗救助"),
            )
        elif not enrolment.still_subsidised_after_exit(
            case,
            case.exited_on,
            policy.cite("二(二)6", "医疗救助退出对象，当年资助参保继续有效，次年不再资助参保"),
            trace,
            values,
        ):
            return Outcome(eligible=False, values=values, trace=trace)
    if full:
        enrolment.amount(case, share.value, share.citation, trace, values)
    return Outcome(eligible=True, values=values, trace=trace)
