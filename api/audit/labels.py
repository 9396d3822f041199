"""The Chinese a fund supervisor reads in the audit report: places, categories, rules, statuses,
fields and figures by the policies' own words, each code kept in parentheses after it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import marshmallow as ma

from bingpin.api import errors
from bingpin.api.runner import runner_for
from bingpin.rules.core.categories import Category
from bingpin.rules.registry import CALCULATIONS, policies

NONE = "—"

#: The refusals a record can get (the single endpoint's error codes) and what succeeded.
STATUSES = {
    "ok": "已计算",
    "validation_error": "输入无效",
    "not_in_force": "不在政策施行期间",
    "not_defined_by_policy": "政策未规定该项待遇",
    "unknown_category": "政策未列明的救助对象类别",
    "unknown_jurisdiction": "未知地区",
    "internal_error": "服务内部错误",
}

#: The figure compared with the audited system's, by calculation.
HEADLINE = {
    "medical-assistance": "医疗救助金额",
    "critical-illness-insurance": "大病保险支付金额",
    "insurance-subsidy": "资助金额",
    "risk-monitoring": "是否达到预警标准",
    "high-cost-relief": "化解金额",
}

#: Rules that are not a category's ratio (``applied_rule``).
RULES = {"children_severe_disease": "儿童重大疾病救助（本市户籍0-14周岁，先天性心脏病、白血病）"}

#: Request fields whose description does not begin with a short name.
FIELDS = {"care_type": "就医类型", "jurisdiction": "地区", "date": "计算日期"}


def coded(name: str, code: str) -> str:
    """``name（code）``, or the code alone when there is no name."""
    return f"{name}（{code}）" if name and name != code else code


def calculation(code: str) -> str:
    return coded(CALCULATIONS.get(code, ""), code)


def place(code: str | None) -> str:
    """嘉兴市（330400）; a row without one: 未能确定."""
    if code is None or code == NONE:
        return "未能确定地区（记录被拒绝且未写明可识别的地区）"
    policy = policies().get(code)
    return coded(policy.jurisdiction_name if policy else "", code)


def _category(code: str, jurisdiction: str) -> str | None:
    policy = policies().get(jurisdiction)
    try:
        category = Category(code)
    except ValueError:
        return None
    if policy is None or category not in policy.categories:
        return None
    return policy.name_of(category)


def category(code: str | None, jurisdictions: Iterable[str] = ()) -> str:
    """The category's name in each of ``jurisdictions``' policies (their own words differ:
    最低生活保障家庭成员（二类） in 嘉兴, 低保对象 in 城口), the code in parentheses."""
    if code is None or code == NONE:
        return "无适用类别（记录被拒绝，或按非类别规则计算）"
    names = list(dict.fromkeys(n for j in jurisdictions if (n := _category(code, j)) is not None))
    if not names:
        names = list(dict.fromkeys(n for j in sorted(policies()) if (n := _category(code, j)) is not None))
    return coded("、".join(names), code)


def rule(code: str | None, jurisdictions: Iterable[str] = ()) -> str:
    """The rule applied (a category's ratio, or a special rule), or the refusal's reason."""
    if code is None or code == NONE:
        return "无（该计算不区分规则）"
    if code in RULES:
        return coded(RULES[code], code)
    if code in STATUSES or code in {c for c, _ in errors.CODES.values()}:
        return "拒绝：" + status(code)
    named = category(code, jurisdictions)
    return f"按{named}的比例" if named != code else code


def status(code: str) -> str:
    """已计算（ok）, 不在政策施行期间（not_in_force） ..."""
    if code in STATUSES:
        return coded(STATUSES[code], code)
    for known, message in errors.CODES.values():
        if known == code:
            return coded(message.split(" / ")[0], code)
    return code


@cache
def _fields(calculation: str) -> dict[str, ma.fields.Field]:
    return dict(runner_for(calculation).request.fields)


def field(calculation: str, name: str) -> str:
    """A request field's Chinese name (the start of its documented description), the name after it."""
    if name in FIELDS:
        return coded(FIELDS[name], name)
    described = _fields(calculation).get(name)
    text = described.metadata.get("description", "") if described is not None else ""
    short = re.split(r"[（(/:：；，]", text)[0].strip()
    return coded(short, name)
