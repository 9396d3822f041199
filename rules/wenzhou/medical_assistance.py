"""温州 全面落实医疗救助政策 (三(五)): ratio and 起付线 by class, within the 8万 annual cap."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bingpin.rules.core import assistance
from bingpin.rules.core.cases import MedicalAssistanceCase
from bingpin.rules.core.categories import Category, Diagnosis
from bingpin.rules.core.errors import NotDefinedByPolicy
from bingpin.rules.core.money import ZERO, format_money, format_percent, larger, round_money
from bingpin.rules.core.policy import ParameterValue, Policy
from bingpin.rules.core.trace import Outcome, Trace

RATIO_KEYS: dict[Category, str] = {
    category: f"medical_assistance.ratio.{category.value}"
    for category in (
        Category.EXTREME_POVERTY,
        Category.SUBSISTENCE_ALLOWANCE,
        Category.MARGINAL_SUBSISTENCE,
        Category.ILLNESS_INDUCED_POVERTY,
        Category.OTHER_SPECIAL_HARDSHIP,
    )
}
#: Classes whose 起付线 is a local figure (an input): 低边 (逐步取消), 因病致贫 (各地设定), others (not stated).
LOCAL_DEDUCTIBLE: dict[Category, str] = {
    Category.MARGINAL_SUBSISTENCE: "逐步取消最低生活保障边缘家庭成员的医疗救助起付线",
    Category.ILLNESS_INDUCED_POVERTY: (
        "因病致贫人员医疗救助起付线由各地根据实际设定，一般不高于上年度城乡居民人均收入水平"
    ),
    Category.OTHER_SPECIAL_HARDSHIP: "因病致贫人员和当地政府规定的其他救助对象住院自负合规医疗费用救助比例不低于 50%",
}
RARE_DISEASES = {Diagnosis.GAUCHER_DISEASE.value, Diagnosis.PHENYLKETONURIA.value, Diagnosis.ALS.value}


@dataclass(frozen=True)
class Option:
    """What one class of the person would receive before the annual cap."""

    category: Category
    ratio: ParameterValue
    deductible: Decimal
    computed: Decimal


def _check_care_type(policy: Policy, case: MedicalAssistanceCase, trace: Trace) -> None:
    """门诊救助的方式和封顶线未规定数额：门诊答复政策未规定 (WZ-AMB-005)."""
    if case.care_type == "outpatient":
        raise NotDefinedByPolicy(
            f"{policy.document_number} 未规定门诊救助的救助比例和封顶线（“通过定额救助或与住院同比例救助等方式，"
            "并设置封顶线”，由各地确定）/ the policy states no figures for outpatient assistance",
            {"care_type": ["本方案只规定了住院医疗救助的比例和封顶线 / only inpatient assistance is defined"]},
        )
    if case.care_type is None:
        trace.assume("未提供就医类型（care_type），按住院医疗费用计算")


def _check_guidance(policy: Policy, case: MedicalAssistanceCase, categories: list[Category], trace: Trace) -> None:
    """因病致贫人员的起付线“一般不高于上年度城乡居民人均收入水平”: guidance, not a bar (WZ-AMB-013).

    The given 起付线 is applied; one above the income is listed in ``assumptions``, never refused.
    """
    deductible = _local(case, Category.ILLNESS_INDUCED_POVERTY)
    if Category.ILLNESS_INDUCED_POVERTY not in categories or deductible is None:
        if case.per_capita_income is not None:
            trace.assume(
                "上年度城乡居民人均收入只用于衡量因病致贫人员的当地起付线，"
                "忽略输入的上年度城乡居民人均收入（per_capita_income）"
            )
        return
    if case.per_capita_income is None:
        return
    if deductible > case.per_capita_income:
        trace.assume(
            f"当地规定的因病致贫人员起付线 {format_money(deductible)} 元高于上年度城乡居民人均收入 "
            f"{format_money(case.per_capita_income)} 元；三(五)“一般不高于上年度城乡居民人均收入水平”是指导性规定，"
            "仍按当地规定的起付线计算"
        )


def _local(case: MedicalAssistanceCase, category: Category) -> Decimal | None:
    """The local 起付线 of ``category``: its own (``deductibles``), else the one given for every class."""
    own = (case.deductibles or {}).get(category.value)
    return own if own is not None else case.deductible


def _deductible(policy: Policy, case: MedicalAssistanceCase, category: Category, trace: Trace) -> Decimal:
    """The 起付线 of one class: none for 特困 (全额) and 低保 (不设); the local figure for the others."""
    name = policy.name_of(category)
    if category is Category.EXTREME_POVERTY:
        trace.step(
            f"{name}：全额解决住院基本医疗费用，不设起付线", policy.param(RATIO_KEYS[category], case.date).citation
        )
        return ZERO
    if category is Category.SUBSISTENCE_ALLOWANCE:
        stated = policy.param("medical_assistance.deductible.subsistence_allowance", case.date)
        if trace.explain:
            trace.step(f"{name}：不设医疗救助起付线（{format_money(stated.value)} 元）", stated.citation)
        return stated.value
    citation = policy.cite("三(五)", LOCAL_DEDUCTIBLE[category])
    local = _local(case, category)
    if local is None:
        trace.assume(f"未提供{name}的当地起付线（deductible / deductibles），{name}的起付线按 0 元计算")
        trace.step(f"{name}：起付线由当地规定，未提供，按 0 元计算", citation)
        return ZERO
    if trace.explain:
        trace.step(f"{name}：按当地规定的起付线 {format_money(local)} 元", citation)
    return local


def _option(policy: Policy, case: MedicalAssistanceCase, category: Category, trace: Trace) -> Option:
    ratio = policy.param(RATIO_KEYS[category], case.date)
    deductible = _deductible(policy, case, category, trace)
    computed = larger(case.eligible_self_pay - deductible, Decimal(0)) * ratio.value
    if trace.explain:  # the step's text is built only when the answer carries it
        floor = "不低于" if ratio.is_floor else ""
        trace.step(
            f"{policy.name_of(category)}：救助比例{floor} {format_percent(ratio.value)}，"
            f"({format_money(case.eligible_self_pay)} - {format_money(deductible)}) x {format_percent(ratio.value)}"
            f" = {format_money(computed)} 元",
            ratio.citation,
        )
    return Option(category, ratio, deductible, computed)


def _rare_diseases(policy: Policy, case: MedicalAssistanceCase, trace: Trace) -> None:
    """罕见病专项救助：标准未规定，不计算 (WZ-AMB-006)."""
    others = [d for d in case.diagnoses if d not in RARE_DISEASES]
    if others:
        trace.assume(f"本方案未对其他病种规定医疗救助，忽略输入的诊断 {'、'.join(others)}（diagnoses）")
    if RARE_DISEASES.intersection(case.diagnoses):
        trace.step(
            "戈谢病、苯丙酮尿症（药物）、渐冻症对象另行实行罕见病专项救助政策，本方案未规定其标准，不计入本次金额",
            policy.cite(
                "三(五)",
                "建立罕见病专项救助，对纳入浙江省罕见病政策范围的戈谢病、苯丙酮尿症（药物）、渐冻症对象实行专项救助政策",
            ),
        )
        trace.assume("罕见病专项救助的标准未规定，本次只计算住院医疗救助")


def medical_assistance(policy: Policy, case: MedicalAssistanceCase, trace: Trace) -> Outcome:
    """Assistance = the class's ratio x (住院自负合规医疗费用 - 起付线), the best class, within the 8万 cap."""
    day = case.date
    categories = policy.categories_of(case.categories)
    _check_care_type(policy, case, trace)
    _check_guidance(policy, case, categories, trace)
    cap = policy.param("medical_assistance.annual_cap", day)
    if case.annual_cap is not None:
        trace.assume(f"本方案规定年度救助封顶线为 {format_money(cap.value)} 元，忽略输入的年度限额（annual_cap）")
    values = assistance.blank(cap.value, None)
    if not categories:
        trace.step("不属于本方案所列的贫困人员，不予医疗救助", policy.cite("三(一)", "我市户籍贫困人员主要包括"))
        return Outcome(eligible=False, values=values, trace=trace)

    _rare_diseases(policy, case, trace)
    if (case.deductible is not None or case.deductibles) and not LOCAL_DEDUCTIBLE.keys() & set(categories):
        trace.assume(
            "特困供养人员全额解决、最低生活保障家庭成员不设起付线，忽略输入的当地起付线（deductible、deductibles）"
        )
    if trace.explain:
        trace.step(
            f"救助基数为扣除基本医保、大病保险和其他补充医疗保险补偿后的住院自负合规医疗费用 "
            f"{format_money(case.eligible_self_pay)} 元",
            policy.cite("三(五)", "扣除基本医保、大病保险和其他补充医疗保险补偿后的个人负担部分，纳入医疗救助范围"),
        )
    options = [_option(policy, case, category, trace) for category in categories]
    best = max(options, key=lambda o: (o.computed, o.ratio.value))
    if options[1:]:  # several classes: the text is silent (WZ-AMB-016)
        trace.assume(
            f"同一对象属于多个类别，方案未规定如何救助：按救助金额最高的{policy.name_of(best.category)}计算，不重复享受"
        )
    amount = assistance.within_annual_cap(case, best.computed, cap.value, "年度救助封顶线", cap.citation, trace)
    values.update(
        applied_category=best.category.value,
        applied_rule=best.category.value,
        ratio=best.ratio.value,
        ratio_is_floor=best.ratio.is_floor,
        deductible=best.deductible,
        amount=round_money(amount),
    )
    return Outcome(eligible=True, values=values, trace=trace)
