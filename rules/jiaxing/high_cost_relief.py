"""嘉兴 健全兜底保障机制 (二(三)12): individual self-pay to 30,000 or less, household to 50,000."""

from __future__ import annotations

from decimal import Decimal

from bingpin.rules.core.allocation import allocate
from bingpin.rules.core.cases import HighCostReliefCase
from bingpin.rules.core.categories import Category
from bingpin.rules.core.money import ZERO, format_money
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.relief import conditions_met
from bingpin.rules.core.trace import Outcome, Trace

#: 一类、二类、三类对象. 因病纳入低保、低边的支出型困难人员 are 二类 or 三类 by definition ("支出型贫困对象纳入
#: 低保或低边的按相应比例救助"), whether or not the class they joined is given.
ELIGIBLE = {
    Category.EXTREME_POVERTY,
    Category.SUBSISTENCE_ALLOWANCE,
    Category.MARGINAL_SUBSISTENCE,
    Category.ILLNESS_INDUCED_POVERTY,
}


def high_cost_relief(policy: Policy, case: HighCostReliefCase, trace: Trace) -> Outcome:
    """Individuals first (to the individual limit), then the household (to the household limit)."""
    individual = policy.param("high_cost_relief.individual_limit", case.date)
    household = policy.param("high_cost_relief.household_limit", case.date)
    trace.step(
        "执行就医指导方案且经规范转诊的一类、二类、三类对象，经多重保障后个人自付化解在"
        f" {format_money(individual.value)} 元以下（含本数）",
        individual.citation,
    )
    eligible = [
        conditions_met(policy, m, i, trace, classes=ELIGIBLE, outside="不是一类、二类或三类对象")
        for i, m in enumerate(case.members)
    ]
    relief = [ZERO for _ in case.members]
    after = [m.self_pay for m in case.members]
    for i, member in enumerate(case.members):
        # 化解在3万元以下: only the part above the limit is relieved (nothing at the limit itself).
        relief[i] = max(member.self_pay - individual.value, ZERO) if eligible[i] else ZERO
        after[i] = member.self_pay - relief[i]
        if relief[i]:
            trace.step(
                f"成员 {i + 1}：自付 {format_money(member.self_pay)} 元，化解 {format_money(relief[i])} 元，"
                f"个人自付降至 {format_money(individual.value)} 元",
                individual.citation,
            )
    pooled = sum((after[i] for i in range(len(after)) if eligible[i]), Decimal(0))
    excess = max(pooled - household.value, ZERO)
    if excess:
        indices = [i for i in range(len(after)) if eligible[i]]
        parts = allocate(excess, [after[i] for i in indices])
        for i, part in zip(indices, parts, strict=True):
            relief[i] += part
            after[i] -= part
        trace.step(
            f"符合条件成员的家庭自付合计 {format_money(pooled)} 元，超过 {format_money(household.value)} 元，"
            f"再化解 {format_money(excess)} 元（按各成员自付比例分配）",
            household.citation,
        )
    else:
        trace.step(
            f"符合条件成员的家庭自付合计 {format_money(pooled)} 元，未超过 {format_money(household.value)} 元",
            household.citation,
        )
    members = [
        {"eligible": eligible[i], "relief": relief[i], "self_pay_after": after[i]} for i in range(len(case.members))
    ]
    values = {
        "relief": sum(relief, ZERO),
        "members": members,
        "household_self_pay_after": sum(after, ZERO),
        "individual_limit": individual.value,
        "household_limit": household.value,
    }
    return Outcome(eligible=any(eligible), values=values, trace=trace)
