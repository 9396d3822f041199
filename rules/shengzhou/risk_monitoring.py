"""嵊州 因病致贫与因病返贫双预警机制 (2(1)1): who is monitored, and at which level.

Three classes: 重点对象 (``key``), 关注对象 (``watch``) and 潜在对象 (``potential``). Key and
watch objects are monitored for who they are, whatever they spend (SZ-AMB-009). Potential
objects are those whose self-paid medical costs 达到一定标准: the draft states no figure, so the
standard is the input ``potential_threshold`` and 达到 includes the number (SZ-AMB-008). A
person in several classes is monitored at the highest level (SZ-AMB-010).
"""

from __future__ import annotations

from decimal import Decimal

from bingpin.rules.core.cases import RiskMonitoringCase
from bingpin.rules.core.errors import InvalidInput
from bingpin.rules.core.money import format_money
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace
from bingpin.rules.shengzhou.attributes import ATTRIBUTE_NAMES, Attribute

CLAUSE = "2(1)1"
LEVEL_NAMES = {"key": "重点对象", "watch": "关注对象", "potential": "潜在对象"}

#: Circumstances that on their own make a person a 重点对象 (the four categories aside).
KEY_ATTRIBUTES = (Attribute.ILLNESS_TEMPORARY_ASSISTANCE,)

#: Circumstances that on their own make a person a 关注对象.
WATCH_ATTRIBUTES = (
    Attribute.SCATTERED_ORPHAN,
    Attribute.CHILD_BASIC_LIVING_ALLOWANCE,
    Attribute.RURAL_THREE_ELDERS,
    Attribute.FORMER_DOWNSIZED_WORKER,
    Attribute.KEY_ENTITLED_GROUP,
    Attribute.SEVERE_MENTAL_DISORDER,
)


def risk_monitoring(policy: Policy, case: RiskMonitoringCase, trace: Trace) -> Outcome:
    """分类监测预警：属于重点对象、关注对象或潜在对象的，列为监测对象，按其中最高一级监测."""
    key = is_key_object(policy, case, trace)
    watch = is_watch_object(policy, case, trace)
    if case.monitoring_standard is not None:
        trace.assume(
            "本方案以潜在对象自付费用标准（potential_threshold）认定潜在对象，未采用输入的 monitoring_standard"
        )
    threshold = case.potential_threshold
    if threshold is not None:
        potential = is_potential_object(policy, case, threshold, trace)
    elif key or watch:
        potential = False
        trace.step("已属于重点对象或关注对象，无须按自付费用标准判断是否为潜在对象")
    else:
        raise InvalidInput(
            "本方案未规定潜在对象“自负医疗费用达到一定标准”的数额，须给出该标准 / "
            "the draft states no figure for the potential-object standard: give potential_threshold",
            {"potential_threshold": ["不属于重点对象或关注对象时必填 / required unless a key or watch class applies"]},
        )
    level = "key" if key else "watch" if watch else "potential" if potential else None
    classes = policy.cite(CLAUSE, "（1）重点对象……（2）关注对象……（3）潜在对象")
    if level is None:
        trace.step("不属于重点对象、关注对象或潜在对象：不列为监测对象", classes)
    else:
        trace.step(f"列为{LEVEL_NAMES[level]}，实行分类监测预警（同时属于几类的，按最高一级）", classes)
    values = {
        "flagged": level is not None,
        "threshold": threshold,
        "threshold_inclusive": True if threshold is not None else None,
        "level": level,
    }
    return Outcome(eligible=level is not None, values=values, trace=trace)


def is_key_object(policy: Policy, case: RiskMonitoringCase, trace: Trace) -> bool:
    """重点对象：特困人员、低保对象、低边对象、因病纳入低保或低边的支出型困难人员和因病致贫纳入临时救助对象."""
    found = False
    for category in policy.categories_of(case.categories):
        trace.step(f"{policy.name_of(category)}：属于重点对象", policy.categories[category].citation)
        found = True
    for attribute in KEY_ATTRIBUTES:
        if attribute in case.attributes:
            name = ATTRIBUTE_NAMES[attribute]
            trace.step(f"{name}：属于重点对象", policy.cite(CLAUSE, name))
            found = True
    return found


def is_watch_object(policy: Policy, case: RiskMonitoringCase, trace: Trace) -> bool:
    """关注对象：社会散居孤儿等六类人员、残疾等级二级及以上的持证残疾人、年满60周岁且无固定收入的农业劳动模范."""
    found = False
    for attribute in WATCH_ATTRIBUTES:
        if attribute in case.attributes:
            name = ATTRIBUTE_NAMES[attribute]
            trace.step(f"{name}：属于关注对象", policy.cite(CLAUSE, name))
            found = True
    disabled = is_disabled_watch_object(policy, case, trace)
    model_worker = is_model_worker_watch_object(policy, case, trace)
    return found or disabled or model_worker


def is_disabled_watch_object(policy: Policy, case: RiskMonitoringCase, trace: Trace) -> bool:
    """持有《中华人民共和国残疾人证》且残疾等级在二级及以上（一级或二级，含二级）的人员为关注对象."""
    if case.disability_grade is None:
        return False
    limit = policy.param("risk_monitoring.disability_grade_max", case.date)
    # 一级 is the most severe grade: "二级及以上" are the grades numbered 2 or less.
    found = Decimal(case.disability_grade) <= limit.value
    trace.step(
        f"持残疾人证，残疾等级为{case.disability_grade}级：{'在' if found else '不在'}{limit.value}级及以上，"
        f"{'属于' if found else '不属于'}关注对象",
        limit.citation,
    )
    return found


def is_model_worker_watch_object(policy: Policy, case: RiskMonitoringCase, trace: Trace) -> bool:
    """年满60周岁（含60周岁）且无固定收入的嵊州市级及以上农业劳动模范为关注对象."""
    model_worker = {Attribute.AGRICULTURAL_MODEL_WORKER, Attribute.NO_FIXED_INCOME}.issubset(case.attributes)
    if case.age is not None and not model_worker:
        trace.assume("年龄只用于认定年满60周岁且无固定收入的农业劳动模范，忽略输入的年龄（age）")
    if Attribute.AGRICULTURAL_MODEL_WORKER not in case.attributes:
        return False
    min_age = policy.param("risk_monitoring.model_worker_min_age", case.date)
    if Attribute.NO_FIXED_INCOME not in case.attributes:
        trace.step("嵊州市级及以上农业劳动模范，但未表明无固定收入：不属于关注对象", min_age.citation)
        return False
    if case.age is None:
        raise InvalidInput(
            "无固定收入的农业劳动模范须给出周岁年龄，才能判断是否年满60周岁 / give age",
            {"age": ["身份含 agricultural_model_worker 和 no_fixed_income 时必填 / required for this class"]},
        )
    found = Decimal(case.age) >= min_age.value
    trace.step(
        f"无固定收入的嵊州市级及以上农业劳动模范，{case.age}周岁：{'已' if found else '未'}年满{min_age.value}周岁，"
        f"{'属于' if found else '不属于'}关注对象",
        min_age.citation,
    )
    return found


def is_potential_object(policy: Policy, case: RiskMonitoringCase, threshold: Decimal, trace: Trace) -> bool:
    """潜在对象：自负医疗费用达到一定标准（含本数）的低保、低边家庭一年渐退期内人员和其他人员."""
    reached = case.annual_self_pay >= threshold
    if case.in_transition_period:
        who = "低保、低边家庭一年渐退期内人员"
        citation = policy.cite(CLAUSE, "自负医疗费用达到一定标准的低保、低边家庭一年渐退期内人员")
    else:
        who = "其他人员"
        citation = policy.cite(CLAUSE, "自负医疗费用达到一定标准的其他人员")
    trace.assume(f"潜在对象的自付费用标准由请求给出：{format_money(threshold)} 元（本方案未规定数额）")
    trace.step(
        f"{who}，年度自负医疗费用 {format_money(case.annual_self_pay)} 元"
        f"{'达到' if reached else '未达到'}标准 {format_money(threshold)} 元"
        f"{'（含本数）：属于潜在对象' if reached else '：不属于潜在对象'}",
        citation,
    )
    return reached
