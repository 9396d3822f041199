"""Schemas of the acceptance criteria as data (GET /v1/features)."""

from __future__ import annotations

import marshmallow as ma

from bingpin.api.catalog.features import REVIEW_STATES
from bingpin.api.schemas.policies import policy_field

TABLE = ma.fields.List(ma.fields.List(ma.fields.String()))


class FeatureQueryArgsSchema(ma.Schema):
    policy = policy_field()
    review = ma.fields.String(
        validate=ma.validate.OneOf(REVIEW_STATES), metadata={"description": "只列出含该审核状态场景的特性"}
    )


class FeatureStepSchema(ma.Schema):
    keyword = ma.fields.String(required=True, metadata={"description": "假如 / 而且 / 当 / 那么 …"})
    kind = ma.fields.String(required=True, metadata={"description": "given / when / then"})
    text = ma.fields.String(required=True)
    table = ma.fields.List(
        ma.fields.List(ma.fields.String()),
        allow_none=True,
        required=True,
        metadata={"description": "数据表，首行为表头"},
    )
    docstring = ma.fields.String(allow_none=True, required=True)


class ExamplesSchema(ma.Schema):
    name = ma.fields.String(required=True)
    tags = ma.fields.List(ma.fields.String(), required=True)
    table = ma.fields.List(ma.fields.List(ma.fields.String()), required=True, metadata={"description": "首行为表头"})


class ScenarioSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "稳定 id，如 JX-MA-001"})
    name = ma.fields.String(required=True)
    keyword = ma.fields.String(required=True, metadata={"description": "场景 / 场景大纲"})
    line = ma.fields.Integer(required=True)
    tier = ma.fields.String(required=True, metadata={"description": "core 必须通过 / optional 可选"})
    review = ma.fields.String(required=True, metadata={"description": "审核状态：拟定 / 已审核 / 有异议"})
    clauses = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "所检验的条款路径"})
    ambiguities = ma.fields.List(ma.fields.String(), required=True)
    calculations = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "场景调用的计算"})
    tags = ma.fields.List(ma.fields.String(), required=True)
    steps = ma.fields.List(ma.fields.Nested(FeatureStepSchema), required=True)
    examples = ma.fields.List(ma.fields.Nested(ExamplesSchema), required=True)


class QuoteSchema(ma.Schema):
    clause = ma.fields.String(required=True)
    quote = ma.fields.String(required=True)


class FeatureSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "特性 id：features/ 下的路径，不含 .feature"})
    file = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    policy = ma.fields.String(required=True)
    jurisdiction = ma.fields.String(required=True)
    tags = ma.fields.List(ma.fields.String(), required=True)
    quotes = ma.fields.List(
        ma.fields.Nested(QuoteSchema), required=True, metadata={"description": "描述中引用的条款原文"}
    )
    background = ma.fields.List(ma.fields.Nested(FeatureStepSchema), required=True)
    scenarios = ma.fields.List(ma.fields.Nested(ScenarioSchema), required=True)
