"""Schemas of the recorded ambiguities (GET /v1/ambiguities)."""

from __future__ import annotations

import marshmallow as ma

from bingpin.api.schemas.common import JurisdictionRefSchema
from bingpin.api.schemas.policies import policy_field
from bingpin.rules.core.policy import AMBIGUITY_KINDS


class AmbiguityQueryArgsSchema(ma.Schema):
    policy = policy_field()


class AmbiguitySchema(ma.Schema):
    id = ma.fields.String(required=True)
    policy = ma.fields.String(required=True)
    jurisdiction = ma.fields.Nested(JurisdictionRefSchema, required=True)
    clause = ma.fields.String(required=True)
    quote = ma.fields.String(required=True, metadata={"description": "原文"})
    issue = ma.fields.String(required=True, metadata={"description": "问题"})
    decision = ma.fields.String(required=True, metadata={"description": "决定"})
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(AMBIGUITY_KINDS),
        metadata={
            "description": "性质：choice（原文可有不止一种答案，参考实现选了其一；结果因此不同的场景为 @optional，"
            "不据以判定厂商不符合）；reading（原文本身已定，只记录如何理解）"
        },
    )
    scenarios = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "带此歧义标签的场景"})
