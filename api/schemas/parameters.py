"""Schemas of the dated parameters."""

from __future__ import annotations

import marshmallow as ma

from bingpin.api.fields import Date
from bingpin.api.schemas.common import CitationSchema, JurisdictionRefSchema
from bingpin.api.schemas.policies import policy_field


class ParameterQueryArgsSchema(ma.Schema):
    date = Date(metadata={"description": "只列出该日施行的政策在该日有效的取值（YYYY-MM-DD）；不给则列出全部历史取值"})
    policy = policy_field()


class ParameterDateArgsSchema(ma.Schema):
    date = Date(metadata={"description": "只给出该日有效的取值（YYYY-MM-DD）"})


class ParameterValueSchema(ma.Schema):
    start = ma.fields.Date(required=True, metadata={"description": "自该日起有效"})
    end = ma.fields.Date(allow_none=True, required=True, metadata={"description": "有效至该日；null 表示至今"})
    value = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": '十进制字符串，如 "0.90"、"120000.00"；null 表示自 start 起废止', "example": "0.90"},
    )


class ParameterSchema(ma.Schema):
    id = ma.fields.String(
        required=True,
        metadata={
            "description": "稳定 id：<政策 id>:<参数键>",
            "example": "jiaxing-2022-58:medical_assistance.annual_cap",
        },
    )
    policy = ma.fields.String(required=True)
    jurisdiction = ma.fields.Nested(JurisdictionRefSchema, required=True)
    key = ma.fields.String(required=True, metadata={"description": "参数键"})
    description = ma.fields.String(required=True, metadata={"description": "参数说明"})
    unit = ma.fields.String(
        required=True,
        metadata={"description": "yuan 元 / ratio 比例 / percent 百分数 / years 周岁 / months 月 / count 数量"},
    )
    floor = ma.fields.Boolean(required=True, metadata={"description": "是否为政策下限（不低于）"})
    comparator = ma.fields.String(
        allow_none=True, required=True, metadata={"description": "目标值的比较方式（>=、<=、>、<）；非目标为 null"}
    )
    kind = ma.fields.String(allow_none=True, required=True, metadata={"description": "指标属性：约束性 / 预期性"})
    calculation = ma.fields.String(allow_none=True, required=True, metadata={"description": "使用该参数的计算"})
    citation = ma.fields.Nested(CitationSchema, required=True)
    values = ma.fields.List(
        ma.fields.Nested(ParameterValueSchema), required=True, metadata={"description": "分时段取值"}
    )
