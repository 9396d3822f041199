"""Schemas of coverage: clause -> scenarios -> calculation (GET /v1/coverage)."""

from __future__ import annotations

import marshmallow as ma

from bingpin.api.catalog.coverage import STATUSES
from bingpin.api.schemas.common import JurisdictionRefSchema
from bingpin.api.schemas.features import ReviewSchema
from bingpin.api.schemas.policies import policy_field


class CoverageQueryArgsSchema(ma.Schema):
    policy = policy_field()
    status = ma.fields.String(
        validate=ma.validate.OneOf(STATUSES),
        metadata={"description": "covered 有场景 / covered_by_subclauses 仅下级条款有场景 / gap 可计算而无场景"},
    )


class CitedBySchema(ma.Schema):
    parameters = ma.fields.List(ma.fields.String(), required=True)
    categories = ma.fields.List(ma.fields.String(), required=True)
    ambiguities = ma.fields.List(ma.fields.String(), required=True)
    in_force = ma.fields.List(ma.fields.String(), required=True)


class ReviewCountsSchema(ma.Schema):
    proposed = ma.fields.Integer(required=True, metadata={"description": "拟定（未审核）"})
    confirmed = ma.fields.Integer(required=True, metadata={"description": "已审核"})
    disputed = ma.fields.Integer(required=True, metadata={"description": "有异议"})
    stale = ma.fields.Integer(required=True, metadata={"description": "需复核（审核后所审内容已改变）"})


class CoveredScenarioSchema(ma.Schema):
    id = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    tier = ma.fields.String(required=True)
    review = ma.fields.Nested(ReviewSchema, required=True, metadata={"description": "法律审核状态"})
    calculations = ma.fields.List(ma.fields.String(), required=True)


class CoverageSchema(ma.Schema):
    policy = ma.fields.String(required=True)
    jurisdiction = ma.fields.Nested(JurisdictionRefSchema, required=True)
    clause = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    computable = ma.fields.Boolean(
        required=True, metadata={"description": "政策数据（参数、类别、歧义、施行期间）引用了该条款"}
    )
    cited_by = ma.fields.Nested(CitedBySchema, required=True)
    scenarios = ma.fields.List(ma.fields.Nested(CoveredScenarioSchema), required=True)
    subclause_scenarios = ma.fields.List(
        ma.fields.String(), required=True, metadata={"description": "检验下级条款的场景"}
    )
    review_counts = ma.fields.Nested(
        ReviewCountsSchema, required=True, metadata={"description": "引用本条的场景按法律审核状态计数"}
    )
    subclause_review_counts = ma.fields.Nested(
        ReviewCountsSchema, required=True, metadata={"description": "引用下级条款的场景按法律审核状态计数"}
    )
    calculations = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "这些场景调用的计算"})
    status = ma.fields.String(required=True, metadata={"description": "covered / covered_by_subclauses / gap"})
