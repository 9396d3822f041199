"""Schemas of the acceptance criteria as data (GET /v1/features)."""

from __future__ import annotations

import marshmallow as ma

from bingpin.api.catalog.reviews import STATUSES, VERDICTS
from bingpin.api.schemas.policies import policy_field

TABLE = ma.fields.List(ma.fields.List(ma.fields.String()))


class FeatureQueryArgsSchema(ma.Schema):
    policy = policy_field()
    review = ma.fields.String(
        validate=ma.validate.OneOf(STATUSES),
        metadata={"description": "只列出该审核状态（拟定 / 已审核 / 有异议 / 需复核）的场景，及含这些场景的特性"},
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


class ReviewSchema(ma.Schema):
    status = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(STATUSES),
        metadata={
            "description": "审核状态：拟定（未审核）/ 已审核 / 有异议 / "
            "需复核（审核后场景步骤、所检验条款原文或所引歧义登记已改变）"
        },
    )
    verdict = ma.fields.String(
        required=True,
        allow_none=True,
        validate=ma.validate.OneOf(VERDICTS),
        metadata={"description": "最近一次审核记录的结论（需复核时仍给出原结论）；未审核为 null"},
    )
    reviewer = ma.fields.String(required=True, allow_none=True, metadata={"description": "审核人（姓名或职责）"})
    reviewed_on = ma.fields.Date(required=True, allow_none=True, metadata={"description": "审核日期"})
    note = ma.fields.String(required=True, allow_none=True, metadata={"description": "审核意见"})
    stale = ma.fields.Boolean(
        required=True, metadata={"description": "审核后所审内容已改变，结论需复核（status 为 需复核）"}
    )


class ScenarioSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "稳定 id，如 JX-MA-001"})
    name = ma.fields.String(required=True)
    keyword = ma.fields.String(required=True, metadata={"description": "场景 / 场景大纲"})
    line = ma.fields.Integer(required=True)
    tier = ma.fields.String(required=True, metadata={"description": "core 必须通过 / optional 可选"})
    review = ma.fields.Nested(ReviewSchema, required=True, metadata={"description": "法律审核状态"})
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
