"""GET /v1/jurisdictions and /v1/categories: what the service knows."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import abort

from bingpin.api.parsing import Blueprint
from bingpin.api.schemas.common import unknown_jurisdiction
from bingpin.api.schemas.reference import CategoryQueryArgsSchema, CategorySchema, JurisdictionSchema
from bingpin.rules.core.policy import Policy
from bingpin.rules.registry import CALCULATIONS, policies

blp = Blueprint("reference", __name__, url_prefix="/v1", description="地区与救助对象类别")


def jurisdiction(policy: Policy) -> dict[str, Any]:
    return {
        "code": policy.jurisdiction_code,
        "name": policy.jurisdiction_name,
        "policy": {
            "id": policy.id,
            "document_number": policy.document_number,
            "title": policy.title,
            "issuer": policy.issuer,
            "issued_on": policy.issued_on,
            "status": policy.status,
            "in_force": {"start": policy.in_force.start, "end": policy.in_force.end},
        },
        "calculations": [c for c in CALCULATIONS if c in policy.calculations],
        "not_defined": [c for c in CALCULATIONS if c not in policy.calculations],
    }


@blp.route("/jurisdictions")
class Jurisdictions(MethodView):
    @blp.response(200, JurisdictionSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """列出地区及其政策、施行期间和政策规定的计算"""
        return [jurisdiction(p) for _, p in sorted(policies().items())]


@blp.route("/jurisdictions/<string:code>")
class JurisdictionsByCode(MethodView):
    @blp.response(200, JurisdictionSchema)
    def get(self, code: str) -> dict[str, Any]:
        """一个地区及其政策"""
        if code not in policies():
            abort(404, message=f"未知地区 {code} / unknown jurisdiction", errors={"code": [unknown_jurisdiction()]})
        return jurisdiction(policies()[code])


@blp.route("/categories")
class Categories(MethodView):
    @blp.arguments(CategoryQueryArgsSchema, location="query")
    @blp.response(200, CategorySchema(many=True))
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """列出各地区政策认可的救助对象类别及其原文名称"""
        wanted = args.get("jurisdiction")
        if wanted is not None and wanted not in policies():
            abort(
                404,
                message=f"未知地区 {wanted} / unknown jurisdiction",
                errors={"jurisdiction": [unknown_jurisdiction()]},
            )
        return [
            {
                "code": entry.code.value,
                "name": entry.name,
                "label": entry.label,
                "jurisdiction": code,
                "citation": entry.citation.as_dict(),
            }
            for code, policy in sorted(policies().items())
            if wanted in (None, code)
            for entry in policy.categories.values()
        ]
