"""High-cost relief (高额医疗费用化解): the conditions every policy sets on a household member."""

from __future__ import annotations

from collections.abc import Collection

from bingpin.rules.core.cases import HouseholdMember
from bingpin.rules.core.categories import Category
from bingpin.rules.core.citations import Citation
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Trace


def conditions_met(
    policy: Policy,
    member: HouseholdMember,
    index: int,
    trace: Trace,
    *,
    classes: Collection[Category] | None,
    outside: str,
    citation: Citation | None = None,
) -> bool:
    """In one of ``classes`` (any class the policy recognises when ``None``), followed the
    treatment guidance (执行就医指导方案) and was referred (经规范转诊); each reason it fails is said."""
    categories = policy.categories_of(member.categories, f"members.{index}.categories")
    reasons = []
    if not (categories if classes is None else set(classes).intersection(categories)):
        reasons.append(outside)
    if not member.followed_treatment_guidance:
        reasons.append("未执行就医指导方案")
    if not member.referred:
        reasons.append("未经规范转诊")
    if reasons:
        trace.step(f"成员 {index + 1}：{'，'.join(reasons)}，不予化解", citation)
    return not reasons
