"""Indicators (指标): each a rate, numerator over denominator, compared with a policy's target.

The formulas are those of 嵊州 附件1; the same ids serve the targets of 嘉兴 and 龙港. A policy
states targets as parameters ``target.<id>`` (with comparator and, where stated, kind).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from bingpin.rules.core.cases import IndicatorsCase
from bingpin.rules.core.money import format_ratio
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    numerator: tuple[str, ...]
    denominator: str


#: Named as 嵊州 附件1 names them (its table, and its 备注 for the formulas).
INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "subsidised_enrolment_rate",
        "资助困难群众参加基本医疗保险率",
        ("subsidised_enrollees",),
        "eligible_for_assistance",
    ),
    Indicator(
        "supplementary_insurance_rate",
        "惠民型商业补充医疗保险投保率",
        ("supplementary_insured",),
        "basic_insured_last_year",
    ),
    Indicator("personal_burden_rate", "困难群众医疗费用个人负担率", ("personal_burden",), "total_medical_cost"),
    Indicator("warning_response_rate", "有效预警信息处置响应率", ("warning_responses",), "warning_problems"),
    Indicator("chronic_contract_rate", "困难群众“两慢病”患者家庭医生签约率", ("chronic_signed",), "chronic_patients"),
    Indicator(
        "fund_payment_ratio", "困难群众基本医疗服务费用基金支付比例", ("three_systems_paid",), "policy_scope_cost"
    ),
    Indicator(
        "comprehensive_coverage_rate",
        "困难群众医疗费用综合保障率",
        ("three_systems_paid", "supplementary_paid"),
        "total_medical_cost",
    ),
    Indicator(
        "social_contribution_rate", "社会力量参与化解困难群众医疗费用负担率", ("social_paid",), "total_medical_cost"
    ),
    Indicator(
        "basic_living_coverage_rate",
        "符合条件的因病困难群众基本生活保障率",
        ("basic_living_covered",),
        "basic_living_eligible",
    ),
    Indicator(
        "high_cost_clearance_rate",
        "困难群众高额医疗费用动态清零化解率",
        ("high_cost_resolved",),
        "high_cost_total",
    ),
    # Targets of 温州 三(五) and 龙港 3(一)1, 3(一)2, 3(二)6, which state no formula (LG-AMB-009, WZ-AMB-012).
    Indicator("assistance_implementation_rate", "医疗救助政策落实率", ("assistance_delivered",), "assistance_due"),
    Indicator("chronic_report_timeliness_rate", "慢性病报告及时率", ("chronic_reports_on_time",), "chronic_reports"),
    Indicator("pairing_coverage_rate", "低收入农户结对覆盖率", ("paired_households",), "low_income_households"),
    # 嘉兴 二(二)8: 累计结余资金不超过当年筹集资金总额的15% (the text gives the ratio itself).
    Indicator(
        "fund_balance_ratio",
        "医疗救助累计结余资金占当年筹集资金总额的比例",
        ("accumulated_balance",),
        "funds_raised",
    ),
)

#: Each figure's Chinese name: 附件1 备注's words for its formulas (备注1: the denominator of 资助参保率 is
#: 符合医疗救助条件的困难群众人数), and plain names for the figures of the targets no text gives a formula for.
FIGURE_NAMES: dict[str, str] = {
    "subsidised_enrollees": "资助参加基本医保的困难群众人数",
    "eligible_for_assistance": "符合医疗救助条件的困难群众人数",
    "supplementary_insured": "惠民型商业补充医疗保险投保人数",
    "basic_insured_last_year": "上一年度基本医保参保人数",
    "personal_burden": "困难群众当年个人负担医疗费用",
    "total_medical_cost": "困难群众当年医疗总费用",
    "warning_responses": "多部门帮扶响应措施数",
    "warning_problems": "经筛选发现问题总数",
    "chronic_signed": "困难群众高血压和糖尿病患者家庭医生签约人数",
    "chronic_patients": "困难群众高血压和糖尿病患者总人数",
    "three_systems_paid": "三重制度综合保障报销金额",
    "policy_scope_cost": "困难群众政策内医疗费用",
    "supplementary_paid": "补充性保障金额",
    "social_paid": "社会力量支出金额",
    "basic_living_covered": "纳入基本生活保障的困难群众人数",
    "basic_living_eligible": "符合条件的困难群众人数",
    "high_cost_resolved": "当年困难群众中个人自负高额费用化解人数",
    "high_cost_total": "当年困难群众中个人自负高额费用所有人数",
    "assistance_delivered": "已落实医疗救助人次",
    "assistance_due": "应落实医疗救助人次",
    "chronic_reports_on_time": "慢性病及时报告数",
    "chronic_reports": "慢性病报告数",
    "paired_households": "已结对低收入农户数",
    "low_income_households": "低收入农户数",
    "accumulated_balance": "医疗救助累计结余资金",
    "funds_raised": "当年筹集资金总额",
}

#: Every figure an indicator can read.
FIGURES: tuple[str, ...] = tuple(dict.fromkeys(f for i in INDICATORS for f in (*i.numerator, i.denominator)))

COMPARE: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
_WORDS = {">=": "不低于", "<=": "不高于", ">": "高于", "<": "低于"}


def summed(terms: Iterable[str]) -> str:
    """A numerator as written in a formula: one term alone, several in brackets ("(a + b) / c")."""
    parts = list(terms)
    return parts[0] if len(parts) == 1 else f"({' + '.join(parts)})"


def rate(numerator: Decimal, denominator: Decimal, target: Decimal) -> Decimal:
    """numerator / denominator x 100, exact when it terminates, else to 28 significant digits rounded
    away from ``target``: the value returned stands on the same side of the target as the exact rate,
    so comparing it gives the exact answer and it never shows as equal to a target it misses."""
    with localcontext() as exact:
        exact.prec = 200  # products of inputs of at most 15 digits (and 2 decimals) are exact
        side = (numerator * 100 - target * denominator).compare(Decimal(0))
    with localcontext() as directed:
        directed.rounding = ROUND_FLOOR if side.is_signed() else ROUND_CEILING  # exact when side is 0
        return numerator * 100 / denominator


def indicators(policy: Policy, case: IndicatorsCase, trace: Trace) -> Outcome:
    """Compute each indicator the policy sets a target for and the figures allow."""
    results = []
    figures = case.figures
    for indicator in INDICATORS:
        key = f"target.{indicator.id}"
        if key not in policy.parameters:
            continue
        needed = (*indicator.numerator, indicator.denominator)
        missing = [name for name in needed if name not in figures]
        if missing:
            if any(name in figures for name in needed):
                trace.step(f"{indicator.name}：缺少数据 {'、'.join(FIGURE_NAMES[n] for n in missing)}，未计算")
            continue
        denominator = figures[indicator.denominator]
        if denominator == 0:
            trace.step(f"{indicator.name}：分母 {FIGURE_NAMES[indicator.denominator]} 为 0，无法计算")
            continue
        target = policy.param(key, case.date)
        value = rate(sum((figures[name] for name in indicator.numerator), Decimal(0)), denominator, target.value)
        comparator = target.comparator or ">="
        met = COMPARE[comparator](value, target.value)
        trace.step(
            f"{indicator.name} = {summed(FIGURE_NAMES[n] for n in indicator.numerator)} / "
            f"{FIGURE_NAMES[indicator.denominator]} x 100% "
            f"= {format_ratio(value)}%，目标{_WORDS[comparator]}{target.value}%："
            f"{'达到' if met else '未达到'}",
            target.citation,
        )
        results.append(
            {
                "id": indicator.id,
                "name": indicator.name,
                "value": value,
                "target": target.value,
                "comparator": comparator,
                "met": met,
                "kind": target.kind,
                "citation": target.citation,
            }
        )
    read = {f for i in INDICATORS if f"target.{i.id}" in policy.parameters for f in (*i.numerator, i.denominator)}
    for name in figures:
        if name not in read:
            trace.assume(
                f"本政策未设定使用{FIGURE_NAMES[name]}的指标目标，忽略输入的{FIGURE_NAMES[name]}（figures.{name}）"
            )
    if not results:
        trace.step("所给数据不足以计算本政策设定目标的任何指标")
    return Outcome(eligible=bool(results), values={"indicators": results}, trace=trace)
