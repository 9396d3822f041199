"""嘉兴 鼓励发展商业保险 (二(三)10): 医疗救助资助参保对象、持证残疾人 — the 嘉兴大病无忧 premium in full."""

from __future__ import annotations

from bingpin.rules.core import enrolment
from bingpin.rules.core.cases import InsuranceSubsidyCase
from bingpin.rules.core.money import ZERO, format_percent
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace


def _exited_last_year(policy: Policy, case: InsuranceSubsidyCase, trace: Trace) -> bool:
    """医疗救助退出对象，当年资助参保继续有效，次年不再资助参保: from the year after exit (outside 渐退期) a
    former object is no longer a 医疗救助资助参保对象."""
    if case.exited_on is None and case.in_transition_period is not None:
        trace.assume("未提供退出日期（exited_on），资助投保照常，忽略输入的渐退期（in_transition_period）")
    if case.exited_on is None or case.in_transition_period:
        return False
    if not enrolment.after_year_of_exit(case.date, case.exited_on):
        return False
    trace.step(
        f"{case.exited_on.isoformat()} 退出医疗救助，计算日期 {case.date.isoformat()} 已是退出的次年，"
        "不再是医疗救助资助参保对象",
        policy.cite("二(二)6", "医疗救助退出对象，当年资助参保继续有效，次年不再资助参保"),
    )
    return True


def supplementary_insurance(policy: Policy, case: InsuranceSubsidyCase, trace: Trace) -> Outcome:
    """医疗救助资助参保对象和持证残疾人由财政全额资助投保“嘉兴大病无忧”（保费为输入）."""
    categories = policy.categories_of(case.categories)
    share = policy.param("insurance_subsidy.supplementary.share", case.date)
    if case.tier is not None:
        trace.assume("“嘉兴大病无忧”不区分缴费档次，忽略输入的缴费档次（tier）")
    values = enrolment.blank()
    if categories and _exited_last_year(policy, case, trace):
        categories = []
    who = [f"医疗救助资助参保对象（{'、'.join(policy.name_of(c) for c in categories)}）"] if categories else []
    if case.disability_certificate:
        who.append("持证残疾人")
    if not who:
        trace.step("既不是医疗救助资助参保对象，也不是持证残疾人，不予资助投保“嘉兴大病无忧”", share.citation)
        values.update(subsidy=ZERO)
        return Outcome(eligible=False, values=values, trace=trace)
    trace.step(f"{'、'.join(who)}：由财政全额资助投保“嘉兴大病无忧”（{format_percent(share.value)}）", share.citation)
    values.update(share=share.value)
    enrolment.amount(case, share.value, share.citation, trace, values, contribution="“嘉兴大病无忧”保费")
    return Outcome(eligible=True, values=values, trace=trace)
