"""Schemas of the recorded ambiguities (GET /v1/ambiguities)."""

from __future__ import annotations

import marshmallow as ma

from bingpin.api.schemas.common import JurisdictionRefSchema
from bingpin.api.schemas.policies import policy_field


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
    scenarios = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "带此歧义标签的场景"})
