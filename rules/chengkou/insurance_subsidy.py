"""城口 资助参保 (二(一), 三(四)): shares of the 一档 personal contribution for the 7 classes of
低收入人口, 100% of the 一档 standard for the voluntary 二档, fixed amounts for 稳定脱贫人口
by enrolment year, and late enrolment without a waiting period."""

from __future__ import annotations

import datetime as dt

from bingpin.rules.chengkou.groups import LOW_INCOME, LOW_INCOME_QUOTE, STABLE
from bingpin.rules.core import enrolment
from bingpin.rules.core.cases import InsuranceSubsidyCase
from bingpin.rules.core.categories import Category
from bingpin.rules.core.errors import InvalidInput, NotInForce
from bingpin.rules.core.money import format_money, format_percent, round_money
from bingpin.rules.core.policy import Policy
from bingpin.rules.core.trace import Outcome, Trace

SHARE_KEYS: dict[Category, str] = {c: f"insurance_subsidy.share.{c.value}" for c in LOW_INCOME}
TIER_2_KEY = "insurance_subsidy.share.tier_2"
STABLE_KEY = "insurance_subsidy.stable_out_of_poverty.amount"
#: 三(四): "在7月1日至12月31日期间参加当年城乡居民医疗保险" (month, day of the first day).
LATE_ENROLMENT_FROM = (7, 1)
LATE_ENROLMENT_QUOTE = (
    "上述人员错过集中参保期的，不设待遇享受等待期；在7月1日至12月31日期间参加当年城乡居民医疗保险，"
    "参保个人缴费资助部分由医疗救助资金解决"
)


def _enrolment_year(policy: Policy, case: InsuranceSubsidyCase, trace: Trace) -> int:
    """参保年度: given, or the year of ``date`` (listed in assumptions); within the in-force years."""
    year = case.enrolment_year
    if year is None:
        year = case.date.year
        trace.assume(f"未提供参保年度（enrolment_year），取计算日期所在年度 {year} 年")
    first, last = policy.in_force.start.year, policy.in_force.end.year if policy.in_force.end else None
    if year < first or (last is not None and year > last):
        raise NotInForce(
            f"参保年度 {year} 不在{policy.document_number}的施行期间（{policy.in_force.describe()}）内"
            f" / enrolment year {year} is outside the policy's in-force period",
            {"enrolment_year": [f"施行期间 / in force: {policy.in_force.describe()}"]},
        )
    if case.enrolled_on is not None and case.enrolled_on.year > year:
        raise InvalidInput(
            f"参保日期 {case.enrolled_on.isoformat()} 晚于参保年度 {year} 年 / enrolled after the enrolment year",
            {"enrolled_on": [f"应不晚于 {year}-12-31 / must not be after {year}-12-31"]},
        )
    return year


def _late_enrolment(policy: Policy, case: InsuranceSubsidyCase, year: int, trace: Trace) -> dt.date | None:
    """三(四): enrolment from 7-01 to 12-31 of the enrolment year is subsidised, with no waiting period."""
    enrolled = case.enrolled_on
    if enrolled is None:
        return None
    if enrolled >= dt.date(year, *LATE_ENROLMENT_FROM):
        trace.step(
            f"{enrolled.isoformat()} 参加 {year} 年城乡居民医保（7月1日至12月31日期间）：错过集中参保期的，"
            "照常资助参保，参保个人缴费资助部分由医疗救助资金解决；不设待遇享受等待期，待遇自参保之日起享受",
            policy.cite("三(四)", LATE_ENROLMENT_QUOTE),
        )
        return enrolled
    trace.assume(
        "本方案未规定集中参保期的起止日期：参保日期不在参保年度7月1日至12月31日期间的，"
        "无法判断是否错过集中参保期，不答复待遇生效日期；资助不受影响"
    )
    return None


def _low_income(
    policy: Policy, case: InsuranceSubsidyCase, classes: list[Category], year: int, trace: Trace
) -> Outcome:
    """一档: the share of the class (the most favourable at enrolment); 二档: 100% of the 一档 standard."""
    on = dt.date(year, 1, 1)
    shares = [(policy.param(SHARE_KEYS[c], on), c) for c in classes]
    for share, category in shares:
        trace.step(
            f"{policy.name_of(category)}：参加城乡居民医保一档的，"
            f"按一档个人缴费标准的 {format_percent(share.value)} 资助",
            share.citation,
        )
    share, category = max(shares, key=lambda pair: pair[0].value)
    if shares[1:]:  # several identities
        trace.step(
            f"按参保缴费时就高身份确定资助标准：{policy.name_of(category)}（{format_percent(share.value)}）",
            policy.cite("二(一)", "上述人员享受资助参保的标准，按参保缴费时就高身份确定"),
        )
    trace.step(
        "资助标准以参保缴费时的身份为准；享受资助参保后人员身份发生变化的，不再进行差额资助",
        policy.cite("二(一)", "享受资助参保后人员身份发生变化的，不再进行差额资助"),
    )
    tier = case.tier
    if tier is None:
        tier = "1"
        trace.assume("未提供缴费档次（tier），按参加城乡居民医保一档计算")
    if tier == "2":
        share = policy.param(TIER_2_KEY, on)
        trace.step(
            f"自愿参加城乡居民医保二档：统一按一档个人缴费标准的 {format_percent(share.value)} 资助，"
            "资助额等于一档个人缴费标准；超过资助标准的个人应缴纳参保费用由参保对象自行负担",
            share.citation,
        )
    coverage = _late_enrolment(policy, case, year, trace)
    values = enrolment.blank() | {"share": share.value, "coverage_effective_from": coverage}
    enrolment.amount(case, share.value, share.citation, trace, values, contribution="一档个人缴费标准")
    return Outcome(eligible=True, values=values, trace=trace)


def _stable(policy: Policy, case: InsuranceSubsidyCase, year: int, trace: Trace) -> Outcome:
    """稳定脱贫人口: 100 yuan for 2022, 50 yuan for 2023, nothing from 2024 (资助参保渐退)."""
    parameter = policy.parameters[STABLE_KEY]
    amount = parameter.at(dt.date(year, 1, 1))
    values = enrolment.blank()
    if case.tier is not None or case.personal_contribution is not None:
        trace.assume(
            "稳定脱贫人口按参保年度定额资助，与缴费档次和个人缴费标准无关，忽略输入的缴费档次和个人缴费标准（tier、personal_contribution）"
        )
    if case.enrolled_on is not None:
        trace.assume("三(四)错过集中参保期不设等待期的规定适用于7类低收入人口，不答复稳定脱贫人口的待遇生效日期")
    if amount is None:
        trace.step(
            f"未纳入低收入人口监测范围的稳定脱贫人口：{year} 年按规定退出，不再享受资助参保政策",
            parameter.citation,
        )
        return Outcome(eligible=False, values=values, trace=trace)
    trace.step(
        f"未纳入低收入人口监测范围的稳定脱贫人口，执行资助参保渐退政策：参加 {year} 年城乡居民医保的，"
        f"定额资助 {format_money(amount.value)} 元",
        parameter.citation,
    )
    values.update(subsidy=round_money(amount.value))
    return Outcome(eligible=True, values=values, trace=trace)


def insurance_subsidy(policy: Policy, case: InsuranceSubsidyCase, trace: Trace) -> Outcome:
    """7类低收入人口按一档个人缴费标准的100%/90%/70%资助（二档统一100%）；稳定脱贫人口按年度定额资助."""
    categories = policy.categories_of(case.categories)
    year = _enrolment_year(policy, case, trace)
    for label, name, given in (
        ("认定日期", "recognized_on", case.recognized_on),
        ("退出日期", "exited_on", case.exited_on),
        ("渐退期", "in_transition_period", case.in_transition_period),
    ):
        if given is not None:
            trace.assume(f"本方案未规定新增、退出或渐退期对象的资助起止，忽略输入的{label}（{name}）")
    classes = [c for c in categories if c in LOW_INCOME]
    if classes:
        if STABLE in categories:
            trace.step(
                "同时属于7类低收入人口的，不是未纳入低收入人口监测范围的稳定脱贫人口：按7类低收入人口资助",
                policy.cite("二(一)", "未纳入低收入人口监测范围的稳定脱贫人口"),
            )
        return _low_income(policy, case, classes, year, trace)
    if STABLE in categories:
        return _stable(policy, case, year, trace)
    names = "、".join(policy.name_of(c) for c in categories) or "无类别"
    trace.step(f"{names}：不属于本方案规定资助参保的对象", policy.cite("二(一)", LOW_INCOME_QUOTE))
    return Outcome(eligible=False, values=enrolment.blank(), trace=trace)
