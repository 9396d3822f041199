"""GET /v1/rules: the calculations, their inputs and outputs, who defines them and on which clauses."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from bingpin.api.catalog.data import rules_data
from bingpin.api.open_data import PagedBlueprint, not_found
from bingpin.api.schemas.rules_catalog import RuleSchema

blp = PagedBlueprint(
    "rules",
    __name__,
    url_prefix="/v1/rules",
    description="规则：每项计算的输入、输出、规定或未规定它的地区，以及它所依据的条款。",
)


@blp.route("")
@blp.etag
class Rules(MethodView):
    @blp.response(200, RuleSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """列出计算：输入、输出、规定它的地区与未规定它的地区、所依据的条款"""
        return rules_data()


@blp.route("/<string:rule_id>")
@blp.etag
class RulesById(MethodView):
    @blp.response(200, RuleSchema)
    def get(self, rule_id: str) -> dict[str, Any]:
        """一项计算"""
        for rule in rules_data():
            if rule["id"] == rule_id:
                return rule
        not_found(f"未知计算 {rule_id} / unknown calculation")
