"""Schemas of the calculations catalogue (GET /v1/rules)."""

from __future__ import annotations

import marshmallow as ma

from bingpin.api.schemas.common import JurisdictionRefSchema


class RuleFieldSchema(ma.Schema):
    name = ma.fields.String(required=True)
    type = ma.fields.String(
        required=True, metadata={"description": "string / date / integer / boolean / list / decimal string …"}
    )
    required = ma.fields.Boolean(required=True)
    description = ma.fields.String(required=True)
    choices = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "可取的值（若有限定）"})


class RuleJurisdictionSchema(JurisdictionRefSchema):
    policy = ma.fields.String(required=True)


class RuleClauseSchema(ma.Schema):
    policy = ma.fields.String(required=True)
    jurisdiction = ma.fields.Nested(JurisdictionRefSchema, required=True)
    clause = ma.fields.String(required=True, metadata={"description": "条款路径"})
    title = ma.fields.String(required=True)
    parameters = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "引用该条款的参数 id"})
    scenarios = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "检验该条款的场景 id"})


class RuleSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "计算 id，即 /v1/calculations/<id>"})
    name = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    endpoint = ma.fields.String(required=True)
    inputs = ma.fields.List(ma.fields.Nested(RuleFieldSchema), required=True, metadata={"description": "请求字段"})
    outputs = ma.fields.List(ma.fields.Nested(RuleFieldSchema), required=True, metadata={"description": "答复字段"})
    defined_by = ma.fields.List(
        ma.fields.Nested(RuleJurisdictionSchema), required=True, metadata={"description": "政策规定了该计算的地区"}
    )
    silent = ma.fields.List(
        ma.fields.Nested(RuleJurisdictionSchema),
        required=True,
        metadata={"description": "政策未规定该计算的地区（答复 422 not_defined_by_policy）"},
    )
    clauses = ma.fields.List(
        ma.fields.Nested(RuleClauseSchema), required=True, metadata={"description": "计算所依据的条款"}
    )
