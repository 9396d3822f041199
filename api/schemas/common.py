"""Schemas shared by every calculation: the request's common fields and the response's frame."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from bingpin.api.compiled import CompiledSchema
from bingpin.api.fields import BoundedList, Date, MoneyInput
from bingpin.rules.core.categories import CATEGORY_NAMES, Category, Diagnosis
from bingpin.rules.registry import policies

#: The one definition of ``eligible`` (DESIGN.md), on every field of that name.
ELIGIBLE = (
    "是否符合条件：在计算日期，此人属于政策给予该项待遇的对象，且满足该待遇规定的条件（执行就医指导方案、规范转诊、"
    '年龄、已享受的待遇等）。与金额无关：个人负担未超过起付线时为 true，金额为 "0.00"。为 false 时，待遇金额'
    '（amount、subsidy、relief）为 "0.00"。待遇金额或份额为 null 只表示未计算：政策未写明该数额（如“按规定”），'
    "或留给请求未给出的输入，assumptions 或 explanation 说明是哪一项；描述规则的数额（如 annual_cap: null 即无封顶）"
    "不因是否符合条件而变。 / eligible: on that date the person belongs to a group the policy grants this benefit "
    "to and meets the benefit's stated conditions (treatment guidance, referral, age, benefits already in effect "
    '...). It never depends on the amount: self-pay at or below the deductible is eligible: true with amount "0.00". '
    'When false, the benefit amount (amount, subsidy, relief) is "0.00". null in a benefit amount or share means '
    "only: not computed, because the policy does not state the figure or leaves it to an input the request did not "
    "give (assumptions or explanation says which); figures describing the rule keep their meaning whatever the "
    "eligibility (annual_cap: null is no cap)."
)


def eligible_field(note: str = "", **kwargs: Any) -> ma.fields.Boolean:
    """``eligible`` with its one definition; ``note`` adds what is particular to the place (e.g. null)."""
    return ma.fields.Boolean(metadata={"description": ELIGIBLE + note}, **kwargs)


def _listed(names: dict[str, str]) -> str:
    return "、".join(f"{code}（{name}）" for code, name in names.items())


def jurisdiction_codes() -> ma.validate.OneOf:
    """The jurisdiction codes; one not among them is refused with each valid code and its Chinese name,
    said once (a list field's bad items share the message: api.fields.summarise)."""
    names = {code: policies()[code].jurisdiction_name for code in sorted(policies())}
    return ma.validate.OneOf(list(names), error=unknown_jurisdiction(names))


def unknown_jurisdiction(names: dict[str, str] | None = None) -> str:
    """What an unknown jurisdiction code is told: the valid ones, with their Chinese names."""
    names = names or {code: policies()[code].jurisdiction_name for code in sorted(policies())}
    return f"取值无效，可用地区：{_listed(names)} / not a jurisdiction code of this service (GET /v1/jurisdictions)"


def category_codes() -> ma.validate.OneOf:
    """The category codes; one not among them is refused with each valid code and its Chinese name."""
    names = {c.value: CATEGORY_NAMES[c] for c in Category}
    return ma.validate.OneOf(
        list(names),
        error=f"取值无效，可用类别：{_listed(names)} / not a category code (GET /v1/categories lists each "
        "jurisdiction's own)",
    )


def jurisdiction_field() -> ma.fields.String:
    codes = sorted(policies())
    names = "，".join(f"{code} {policies()[code].jurisdiction_name}" for code in codes)
    return ma.fields.String(
        required=True,
        validate=jurisdiction_codes(),
        metadata={"description": f"地区代码（GB/T 2260）/ jurisdiction code: {names}", "example": "330400"},
    )


def categories_field(description: str = "救助对象类别代码 / category codes") -> ma.fields.List:
    names = "，".join(f"{c.value} {CATEGORY_NAMES[c]}" for c in Category)
    return BoundedList(
        ma.fields.String(validate=category_codes()),
        load_default=list,
        validate=ma.validate.Length(max=len(Category)),
        metadata={"description": f"{description}（GET /v1/categories 按地区列出）: {names}"},
    )


def diagnoses_field() -> ma.fields.List:
    return BoundedList(
        ma.fields.String(validate=ma.validate.OneOf([d.value for d in Diagnosis])),
        load_default=list,
        validate=ma.validate.Length(max=len(Diagnosis)),
        metadata={"description": "诊断代码 / diagnosis codes"},
    )


#: How every input amount is described: the documented string, and the number read too.
MONEY_FORM = "（元，字符串，如 “10000.00”，最多两位小数；写法相同的 JSON 数字也可读取）"


def money(description: str, *, required: bool = False) -> MoneyInput:
    options: dict[str, object] = {"required": True} if required else {"load_default": None}
    return MoneyInput(metadata={"description": f"{description}{MONEY_FORM}"}, **options)


class CalculationRequestSchema(CompiledSchema):
    """Fields every calculation takes (loaded through the compiled fast path)."""

    jurisdiction = jurisdiction_field()
    date = Date(
        required=True,
        metadata={"description": "计算日期（就医或评估日期，YYYY-MM-DD）/ date of service or evaluation"},
    )


class CitationSchema(ma.Schema):
    policy = ma.fields.String(required=True, metadata={"description": "政策 id"})
    clause = ma.fields.String(required=True, metadata={"description": "条款路径，如 二(二)7"})
    quote = ma.fields.String(required=True, metadata={"description": "条款原文摘录"})


class StepSchema(ma.Schema):
    text = ma.fields.String(required=True, metadata={"description": "计算步骤说明"})
    citation = ma.fields.Nested(CitationSchema, allow_none=True, required=True)


class Steps(ma.fields.List):
    """The explanation as the calculation frame (``shape``) builds it: already plain strings in
    StepSchema's form, so sent as it is rather than copied step by step (documented as the list)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class JurisdictionRefSchema(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class PolicyRefSchema(ma.Schema):
    id = ma.fields.String(required=True)
    document_number = ma.fields.String(required=True, metadata={"description": "文号"})
    title = ma.fields.String(required=True)


class CalculationResponseSchema(CompiledSchema):
    """The frame of every calculation's answer (dumped through the compiled fast path)."""

    jurisdiction = ma.fields.Nested(JurisdictionRefSchema, required=True)
    policy = ma.fields.Nested(PolicyRefSchema, required=True)
    date = ma.fields.Date(required=True)
    eligible = eligible_field(required=True)
    assumptions = ma.fields.List(
        ma.fields.String(), required=True, metadata={"description": "计算中采用的默认值与假定"}
    )
    explanation = Steps(ma.fields.Nested(StepSchema), required=True, metadata={"description": "计算步骤及其条款依据"})
