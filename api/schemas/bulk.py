"""Schema of the bulk download (GET /v1/bulk.json): all open data in one document."""

from __future__ import annotations

import marshmallow as ma

from bingpin.api.schemas.ambiguities import AmbiguitySchema
from bingpin.api.schemas.coverage import CoverageSchema
from bingpin.api.schemas.features import FeatureSchema
from bingpin.api.schemas.parameters import ParameterSchema
from bingpin.api.schemas.policies import ClauseSchema, PolicySchema
from bingpin.api.schemas.reference import CategorySchema
from bingpin.api.schemas.rules_catalog import RuleSchema


class BulkPolicySchema(PolicySchema):
    clauses = ma.fields.List(ma.fields.Nested(ClauseSchema), required=True, metadata={"description": "条款树"})


class BulkSchema(ma.Schema):
    service = ma.fields.String(
        required=True,
        metadata={
            "description": "服务名称与 API 文档版本（即 /openapi.json 的 info.version，如 bingpin 2.0.0；"
            "软件包版本另见 bingpin --version）"
        },
    )
    suite_version = ma.fields.String(required=True, metadata={"description": "验收标准（特性文件）的版本"})
    policies = ma.fields.List(ma.fields.Nested(BulkPolicySchema), required=True)
    categories = ma.fields.List(ma.fields.Nested(CategorySchema), required=True)
    parameters = ma.fields.List(ma.fields.Nested(ParameterSchema), required=True)
    rules = ma.fields.List(ma.fields.Nested(RuleSchema), required=True)
    features = ma.fields.List(ma.fields.Nested(FeatureSchema), required=True)
    coverage = ma.fields.List(ma.fields.Nested(CoverageSchema), required=True)
    ambiguities = ma.fields.List(ma.fields.Nested(AmbiguitySchema), required=True)
