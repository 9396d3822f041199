"""Schemas of the reference data: jurisdictions and categories."""

from __future__ import annotations

import marshmallow as ma

from bingpin.api.compiled import CompiledSchema
from bingpin.api.schemas.common import CitationSchema, PolicyRefSchema


class InForceSchema(ma.Schema):
    start = ma.fields.Date(required=True)
    end = ma.fields.Date(allow_none=True, required=True, metadata={"description": "null 表示未规定截止日期"})


class JurisdictionPolicySchema(PolicyRefSchema):
    issuer = ma.fields.String(required=True)
    issued_on = ma.fields.Date(allow_none=True, required=True)
    status = ma.fields.String(required=True, metadata={"description": "正式 / 征求意见稿"})
    in_force = ma.fields.Nested(InForceSchema, required=True)


class JurisdictionSchema(CompiledSchema):
    code = ma.fields.String(required=True, metadata={"description": "GB/T 2260 代码"})
    name = ma.fields.String(required=True)
    policy = ma.fields.Nested(JurisdictionPolicySchema, required=True)
    calculations = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "该地区政策规定的计算"})
    not_defined = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "该地区政策未规定的计算"})


class CategoryQueryArgsSchema(ma.Schema):
    jurisdiction = ma.fields.String(metadata={"description": "只列出该地区政策的类别"})


class CategorySchema(CompiledSchema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True, metadata={"description": "政策原文中的名称"})
    label = ma.fields.String(allow_none=True, required=True, metadata={"description": "如 一类、二类"})
    jurisdiction = ma.fields.String(required=True)
    citation = ma.fields.Nested(CitationSchema, required=True)


class HealthSchema(CompiledSchema):
    status = ma.fields.String(required=True)
    policies = ma.fields.Integer(required=True)
