"""Shared enumerations of the spec: each defined once as a component, its values named for clients.

A string field whose ``OneOf`` choices are exactly one of these enumerations is documented as a
reference to its component (``allOf`` with ``nullable`` when it may be null or is described), instead of an inline
``enum``: a generated client then has one class per enumeration, with named members
(``x-enum-varnames``) and the Chinese names as descriptions (``x-enum-descriptions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow as ma

from bingpin.api.catalog.coverage import STATUSES
from bingpin.api.catalog.reviews import STATUSES as REVIEW_STATUSES
from bingpin.api.catalog.reviews import VERDICTS
from bingpin.rules.core.categories import CATEGORY_NAMES, DIAGNOSIS_NAMES, Category, Diagnosis
from bingpin.rules.core.policy import AMBIGUITY_KINDS
from bingpin.rules.registry import policies
from bingpin.rules.shengzhou.attributes import ATTRIBUTE_NAMES, Attribute


@dataclass(frozen=True)
class Enumeration:
    """A component: its values, an identifier for each, and what each means (Chinese)."""

    name: str
    description: str
    values: tuple[str, ...]
    varnames: tuple[str, ...]
    names: tuple[str, ...]

    def component(self) -> dict[str, Any]:
        listed = "，".join(f"{value} {name}" for value, name in zip(self.values, self.names, strict=True))
        return {
            "type": "string",
            "enum": list(self.values),
            "description": f"{self.description}：{listed}",
            "x-enum-varnames": list(self.varnames),
            "x-enum-descriptions": list(self.names),
        }


def _jurisdictions() -> Enumeration:
    codes = sorted(policies())
    return Enumeration(
        "JurisdictionCode",
        "地区代码（GB/T 2260）/ jurisdiction code",
        tuple(codes),
        # The place's name in pinyin, as the policy id starts (jiaxing-2022-58 -> JIAXING).
        tuple(policies()[code].id.split("-")[0].upper() for code in codes),
        tuple(policies()[code].jurisdiction_name for code in codes),
    )


def _policies() -> Enumeration:
    found = sorted(policies().values(), key=lambda p: p.id)
    return Enumeration(
        "PolicyId",
        "政策 id / policy id",
        tuple(p.id for p in found),
        tuple(p.id.replace("-", "_").upper() for p in found),
        tuple(p.document_number or p.title for p in found),
    )


def _named(name: str, description: str, names: dict[Any, str]) -> Enumeration:
    return Enumeration(
        name,
        description,
        tuple(str(key.value) for key in names),
        tuple(key.name for key in names),
        tuple(names.values()),
    )


def enumerations() -> tuple[Enumeration, ...]:
    """Every shared enumeration of the spec."""
    return (
        _jurisdictions(),
        _policies(),
        _named("CategoryCode", "救助对象类别代码 / category code", {c: CATEGORY_NAMES[c] for c in Category}),
        _named("DiagnosisCode", "诊断代码 / diagnosis code", {d: DIAGNOSIS_NAMES[d] for d in Diagnosis}),
        _named(
            "AttributeCode",
            "人员身份代码（嵊州 2(1)1）/ personal circumstance",
            {a: ATTRIBUTE_NAMES[a] for a in Attribute},
        ),
        Enumeration(
            "CareType",
            "就医类型 / type of care",
            ("inpatient", "outpatient"),
            ("INPATIENT", "OUTPATIENT"),
            ("住院", "门诊"),
        ),
        Enumeration(
            "InsuranceScheme",
            "险种 / insurance scheme",
            ("basic", "supplementary"),
            ("BASIC", "SUPPLEMENTARY"),
            ("城乡居民基本医疗保险", "惠民型商业补充医疗保险"),
        ),
        Enumeration(
            "AmbiguityKind",
            "歧义登记的性质 / kind of register entry",
            AMBIGUITY_KINDS,
            tuple(k.upper() for k in AMBIGUITY_KINDS),
            ("原文已定，记录如何理解", "原文可有多种答案，参考实现选其一"),
        ),
        Enumeration(
            "InsuranceTier", "缴费档次 / contribution tier", ("1", "2"), ("TIER_1", "TIER_2"), ("一档", "二档")
        ),
        Enumeration(
            "CoverageStatus",
            "条款覆盖状态 / clause coverage",
            STATUSES,
            tuple(s.upper() for s in STATUSES),
            ("有场景引用本条", "仅下级条款有场景引用", "可计算而无场景检验"),
        ),
        Enumeration(
            "ReviewStatus",
            "法律审核状态 / legal review status",
            REVIEW_STATUSES,
            ("PROPOSED", "CONFIRMED", "DISPUTED", "STALE"),
            ("拟定（未审核）", "已审核", "有异议", "需复核（审核后所审内容已改变）"),
        ),
        Enumeration(
            "ReviewVerdict", "审核结论 / review verdict", VERDICTS, ("CONFIRMED", "DISPUTED"), ("已审核", "有异议")
        ),
    )


def _choices(field: ma.fields.Field) -> tuple[str, ...] | None:
    for validator in field.validators:
        if isinstance(validator, ma.validate.OneOf):
            return tuple(str(choice) for choice in validator.choices)
    return None


def register(api: Any) -> None:
    """Add each enumeration as a component and document matching fields as references to it."""
    by_values: dict[frozenset[str], str] = {}
    for enumeration in enumerations():
        api.spec.components.schema(enumeration.name, enumeration.component())
        by_values[frozenset(enumeration.values)] = enumeration.name

    def enum_reference(self: Any, field: ma.fields.Field, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        choices = _choices(field)
        name = by_values.get(frozenset(choices)) if choices else None
        if name is None:
            return {}
        for key in ("enum", "type", "nullable"):
            ret.pop(key, None)
        reference = {"$ref": f"#/components/schemas/{name}"}
        if field.allow_none or set(ret) - {"default"}:
            # OpenAPI 3.0: a reference has no siblings, so a described or nullable one is wrapped.
            ret["allOf"] = [reference]
            if field.allow_none:
                ret["nullable"] = True
        else:
            ret.update(reference)
        return {}

    api.ma_plugin.converter.add_attribute_function(enum_reference)
    api.ma_plugin.converter.add_attribute_function(nullable_reference)


def nullable_reference(self: Any, field: ma.fields.Field, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A nullable nested object as OpenAPI 3.0 spells it, ``allOf: [{$ref}]`` with ``nullable``, which a
    generated client reads as ``Model | None`` (apispec writes ``anyOf`` with an untyped object)."""
    options = ret.get("anyOf")
    if options and len(options) == 2 and {"type": "object", "nullable": True} in options:
        reference = next((o for o in options if "$ref" in o), None)
        if reference is not None:
            del ret["anyOf"]
            ret["allOf"] = [reference]
            ret["nullable"] = True
    return {}
