"""GET /v1/ambiguities[/{id}]: where the policy text is unclear, and what was decided."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Page

from bingpin.api.catalog.data import ambiguities_data
from bingpin.api.open_data import PagedBlueprint, not_found
from bingpin.api.schemas.ambiguities import AmbiguityQueryArgsSchema, AmbiguitySchema

blp = PagedBlueprint(
    "ambiguities",
    __name__,
    url_prefix="/v1/ambiguities",
    description="歧义：政策原文不明确之处、所作决定，以及带该歧义标签的场景。",
)


@blp.route("")
@blp.etag
class Ambiguities(MethodView):
    @blp.arguments(AmbiguityQueryArgsSchema, location="query")
    @blp.response(200, AmbiguitySchema(many=True))
    @blp.paginate(Page, page_size=50)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """列出记录在案的歧义：条款、原文、问题、决定和相关场景"""
        return ambiguities_data(args.get("policy"))


@blp.route("/<string:ambiguity_id>")
@blp.etag
class AmbiguitiesById(MethodView):
    @blp.response(200, AmbiguitySchema)
    def get(self, ambiguity_id: str) -> dict[str, Any]:
        """一项歧义（id 如 JX-AMB-001）"""
        for ambiguity in ambiguities_data():
            if ambiguity["id"] == ambiguity_id:
                return ambiguity
        not_found(f"未知歧义 {ambiguity_id} / unknown ambiguity")
