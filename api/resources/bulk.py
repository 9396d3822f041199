"""GET /v1/bulk.json: every open-data list in one document, unpaginated."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView

from bingpin.api.catalog.coverage import coverage_data
from bingpin.api.catalog.data import (
    ambiguities_data,
    by_id,
    categories_data,
    clauses_data,
    features,
    parameters_data,
    policy_data,
    rules_data,
)
from bingpin.api.catalog.features import feature_data, features_dir
from bingpin.api.catalog.reviews import review_of
from bingpin.api.open_data import PagedBlueprint
from bingpin.api.schemas.bulk import BulkSchema

blp = PagedBlueprint(
    "bulk",
    __name__,
    url_prefix="/v1",
    description="批量下载：政策及其条款、类别、参数、计算、验收标准、覆盖和歧义，一次取得。",
)


def bulk_data() -> dict[str, Any]:
    """All open data, as the separate endpoints give it."""
    return {
        "service": f"bingpin {current_app.config['API_VERSION']}",
        "suite_version": (features_dir() / "SUITE_VERSION").read_text(encoding="utf-8").strip(),
        "policies": [{**policy_data(p), "clauses": clauses_data(p)["clauses"]} for p in by_id().values()],
        "categories": categories_data(),
        "parameters": parameters_data(),
        "rules": rules_data(),
        "features": [feature_data(f, review_of) for f in features()],
        "coverage": coverage_data(),
        "ambiguities": ambiguities_data(),
    }


@blp.route("/bulk.json")
@blp.etag
class Bulk(MethodView):
    @blp.response(200, BulkSchema)
    def get(self) -> dict[str, Any]:
        """批量下载全部开放数据（不分页）"""
        return bulk_data()
