"""龙港 鼓励发展商业健康保险 (3(三)10): 困难群众参加政策性商业补充医疗保险, 财政资助参保. The text
states no share and no amount (LG-AMB-012): 困难群众 are eligible, the share and the subsidy are not
computed (``null``); anyone else is not subsidised, as with the basic scheme (3(三)8)."""

from __future__ import annotations

from bingpin.rules.core import enrolment
from bingpin.rules.core.cases import InsuranceSubsidyCase
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace
from bingpin.rules.longgang.medical_assistance import SCOPE

QUOTE = "实行困难群众参加政策性商业补充医疗保险财政资助参保"

#: Inputs of the basic scheme that 3(三)10 gives no meaning to: one assumption line each when given
#: (``POLICY.ignored_inputs``, answered before the rule runs).
IGNORED = {
    "tier": "本方案3(三)10未区分缴费档次，忽略输入的缴费档次（tier）",
    "recognized_on": "本方案3(三)10未规定新增对象资助参保的起始，忽略输入的认定日期（recognized_on）",
    "exited_on": (
        "本方案3(三)10未规定退出对象的资助截止，按请求所列类别判断是否属于困难群众，忽略输入的退出日期（exited_on）"
    ),
    "in_transition_period": "本方案3(三)10未规定渐退期的资助，忽略输入的渐退期（in_transition_period）",
    "enrolment_year": "本方案3(三)10未规定参保年度，忽略输入的参保年度（enrolment_year）",
    "enrolled_on": "本方案3(三)10未规定参保日期的作用，忽略输入的参保日期（enrolled_on）",
    "already_enrolled_this_year": (
        "本方案3(三)10未规定已自行参保的处理，忽略输入的当年已参保（already_enrolled_this_year）"
    ),
    "disability_certificate": (
        "本方案3(三)10只资助困难群众，未规定持证残疾人的资助，忽略输入的残疾人证（disability_certificate）"
    ),
}


def supplementary_insurance(policy: Policy, case: InsuranceSubsidyCase, trace: Trace) -> Outcome:
    """困难群众参加政策性商业补充医疗保险由财政资助参保；资助比例未规定，资助比例和资助金额不予计算."""
    categories = policy.categories_of(case.categories)
    values = enrolment.blank()
    if not categories:
        trace.step("不属于本方案的困难群众，不予资助参加政策性商业补充医疗保险", policy.cite("2", SCOPE))
        return Outcome(eligible=False, values=values, trace=trace)

    names = "、".join(policy.name_of(c) for c in categories)
    trace.step(
        f"{names}：属于困难群众，参加政策性商业补充医疗保险由财政资助参保；本方案未规定资助比例和资助金额，不予计算",
        policy.cite("3(三)10", QUOTE),
    )
    trace.assume("本方案3(三)10未规定政策性商业补充医疗保险的资助比例和数额，资助比例和资助金额答复为 null（未计算）")
    if case.personal_contribution is not None:
        trace.assume("资助比例未规定，无法按输入的保费（personal_contribution）计算资助金额")
    return Outcome(eligible=True, values=values, trace=trace)
