"""GET /v1/coverage: clause -> scenarios -> calculation, with the gaps listed."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Page

from bingpin.api.catalog.coverage import coverage_data
from bingpin.api.open_data import PagedBlueprint
from bingpin.api.schemas.coverage import CoverageQueryArgsSchema, CoverageSchema

blp = PagedBlueprint(
    "coverage",
    __name__,
    url_prefix="/v1/coverage",
    description="覆盖：条款 → 场景 → 计算。政策数据引用了某条款（可计算）而没有场景检验它的，列为 gap。",
)


@blp.route("")
@blp.etag
class Coverage(MethodView):
    @blp.arguments(CoverageQueryArgsSchema, location="query")
    @blp.response(200, CoverageSchema(many=True))
    @blp.paginate(Page, page_size=50)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """列出可计算或有场景的条款、检验它们的场景和计算；?status=gap 只列缺口"""
        return coverage_data(args.get("policy"), args.get("status"))
