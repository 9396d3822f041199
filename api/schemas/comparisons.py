"""Schemas of the comparison across jurisdictions, derived from each calculation's own schemas."""

from __future__ import annotations

import marshmallow as ma

from bingpin.api.errors import ErrorSchema
from bingpin.api.fields import BoundedList
from bingpin.api.schemas.common import JurisdictionRefSchema, PolicyRefSchema, eligible_field, jurisdiction_codes
from bingpin.rules.registry import policies


def _each_once(codes: list[str]) -> None:
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise ma.ValidationError(f"地区代码重复 / jurisdiction listed twice: {', '.join(twice)}")


def request_schema(name: str, calculation: type[ma.Schema]) -> type[ma.Schema]:
    """The calculation's request, with ``jurisdictions`` (default: all) instead of ``jurisdiction``."""
    fields: dict[str, ma.fields.Field] = {
        key: field for key, field in calculation._declared_fields.items() if key != "jurisdiction"
    }
    codes = sorted(policies())
    fields["jurisdictions"] = BoundedList(
        ma.fields.String(validate=jurisdiction_codes()),
        load_default=None,
        validate=[ma.validate.Length(min=1, max=len(codes)), _each_once],
        metadata={"description": "要比较的地区代码（各不相同）；缺省为全部地区", "uniqueItems": True},
    )
    return ma.Schema.from_dict(fields, name=f"{name}ComparisonRequest")


class RowSchema(ma.Schema):
    """One line of the side-by-side table."""

    jurisdiction = ma.fields.Nested(JurisdictionRefSchema, required=True)
    status = ma.fields.String(
        required=True,
        metadata={
            "description": "computed 已计算；not_defined_by_policy 政策未规定；not_in_force 不在施行期间；"
            "其他为该地区拒绝计算的错误代码"
        },
    )
    eligible = eligible_field(
        " null：该地区未计算（见 status）/ null: not computed (see status).", allow_none=True, required=True
    )
    headline = ma.fields.String(
        allow_none=True, required=True, metadata={"description": "主要结果（金额为两位小数的字符串）"}
    )
    summary = ma.fields.String(required=True, metadata={"description": "一句话说明"})


def response_schema(name: str, result: type[ma.Schema]) -> type[ma.Schema]:
    """Rows for reading, and each jurisdiction's full answer (or refusal) for checking."""
    entry = ma.Schema.from_dict(
        {
            "jurisdiction": ma.fields.Nested(JurisdictionRefSchema, required=True),
            "policy": ma.fields.Nested(PolicyRefSchema, required=True),
            "status": ma.fields.String(required=True),
            "ignored_categories": ma.fields.List(
                ma.fields.String(), required=True, metadata={"description": "该政策不认可、比较时未计入的类别"}
            ),
            "result": ma.fields.Nested(result, allow_none=True, required=True),
            "error": ma.fields.Nested(ErrorSchema, allow_none=True, required=True),
        },
        name=f"{name}ComparisonEntry",
    )
    return ma.Schema.from_dict(
        {
            "calculation": ma.fields.String(required=True),
            "date": ma.fields.Date(required=True),
            "headline": ma.fields.String(required=True, metadata={"description": "比较的主要结果是什么"}),
            "table": ma.fields.List(ma.fields.Nested(RowSchema), required=True),
            "silent": ma.fields.List(
                ma.fields.Nested(JurisdictionRefSchema),
                required=True,
                metadata={"description": "政策未规定此项计算的地区"},
            ),
            "results": ma.fields.List(ma.fields.Nested(entry), required=True),
        },
        name=f"{name}Comparison",
    )
