"""龙港 建立高额医疗费用化解机制 (3(三)11, 附件2-32): self-pay above 50,000 yuan is relieved, person by person."""

from __future__ import annotations

from bingpin.rules.core.cases import HighCostReliefCase
from bingpin.rules.core.money import ZERO, format_money
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.relief import conditions_met
from bingpin.rules.core.trace import Outcome, Trace


def high_cost_relief(policy: Policy, case: HighCostReliefCase, trace: Trace) -> Outcome:
    """经多重保障后个人自付超出5万元（不含本数）的，超出部分全部化解，化解后个人自付为5万元."""
    limit = policy.param("high_cost_relief.individual_limit", case.date)
    trace.step(
        "执行就医指导方案且经规范转诊的困难群众，经基本医疗保险、大病保险、医疗救助等各项保障后自付部分超出"
        f" {format_money(limit.value)} 元的，对超出部分予以补助化解",
        limit.citation,
    )
    basis = policy.cite("3(三)11", "对于执行就医指导方案、且经规范转诊的困难群众")
    eligible = [
        conditions_met(policy, m, i, trace, classes=None, outside="不属于本方案的困难群众", citation=basis)
        for i, m in enumerate(case.members)
    ]
    members: list[dict[str, object]] = []
    total_relief, total_after = ZERO, ZERO
    for i, member in enumerate(case.members):
        relief, after = ZERO, member.self_pay
        if eligible[i]:
            # 超出 excludes the number itself: only the part above 50,000 is relieved.
            relief = max(member.self_pay - limit.value, ZERO)
            after = member.self_pay - relief
            if relief:
                trace.step(
                    f"成员 {i + 1}：自付 {format_money(member.self_pay)} 元，"
                    f"超出部分 {format_money(relief)} 元予以化解，个人自付降至 {format_money(limit.value)} 元",
                    limit.citation,
                )
            else:
                trace.step(
                    f"成员 {i + 1}：自付 {format_money(member.self_pay)} 元，"
                    f"未超出 {format_money(limit.value)} 元，无需化解",
                    limit.citation,
                )
        members.append({"eligible": eligible[i], "relief": relief, "self_pay_after": after})
        total_relief += relief
        total_after += after
    if case.members[1:]:  # a household
        trace.step("本方案只规定困难人员个人自付的化解，未规定家庭自付上限：逐人化解（见 LG-AMB-008）")
    values = {
        "relief": total_relief,
        "members": members,
        "household_self_pay_after": total_after,
        "individual_limit": limit.value,
        "household_limit": None,
    }
    return Outcome(eligible=any(eligible), values=values, trace=trace)
