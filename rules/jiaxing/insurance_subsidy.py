"""嘉兴 统一资助参保政策 (二(二)6): who is subsidised in full, and from when."""

from __future__ import annotations

from bingpin.rules.core import enrolment
from bingpin.rules.core.cases import InsuranceSubsidyCase
from bingpin.rules.core.categories import Category
from bingpin.rules.core.money import format_percent
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace

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
    values = enrolment.blank()
    qualifying = [c for c in categories if c in FULL_SHARE]
    if not qualifying:
        names = "、".join(policy.name_of(c) for c in categories) or "无类别"
        trace.step(f"{names}：不属于本办法规定全额资助参保的对象", share.citation)
        return Outcome(eligible=False, values=values, trace=trace)

    trace.step(f"{policy.name_of(qualifying[0])}：全额资助参保（{format_percent(share.value)}）", share.citation)
    values.update(share=share.value)
    enrolment.new_recipient(
        case,
        policy.cite("二(二)6", "新增医疗救助对象，当月资助参保，次月基本医保和医疗救助待遇生效"),
        trace,
        values,
        who="医疗救助对象",
    )
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
    enrolment.amount(case, share.value, share.citation, trace, values)
    return Outcome(eligible=True, values=values, trace=trace)
