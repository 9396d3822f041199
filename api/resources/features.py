"""GET /v1/features[/{id}]: the acceptance criteria as data."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Page

from bingpin.api.catalog.data import features
from bingpin.api.catalog.features import feature_data
from bingpin.api.open_data import PagedBlueprint, not_found
from bingpin.api.schemas.features import FeatureQueryArgsSchema, FeatureSchema

blp = PagedBlueprint(
    "features",
    __name__,
    url_prefix="/v1/features",
    description="验收标准：特性文件的内容（场景 id、步骤、数据表、标签、条款、审核状态），与一致性测试所运行的相同。",
)


@blp.route("")
@blp.etag
class Features(MethodView):
    @blp.arguments(FeatureQueryArgsSchema, location="query")
    @blp.response(200, FeatureSchema(many=True))
    @blp.paginate(Page, page_size=10)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """列出特性及其场景；?policy= 只列一项政策的特性，?review= 只列含该审核状态场景的特性"""
        wanted, review = args.get("policy"), args.get("review")
        return [
            feature_data(f)
            for f in features()
            if wanted in (None, f.policy) and (review is None or any(s.review == review for s in f.scenarios))
        ]


@blp.route("/<path:feature_id>")
@blp.etag
class FeaturesById(MethodView):
    @blp.response(200, FeatureSchema)
    def get(self, feature_id: str) -> dict[str, Any]:
        """一个特性（id 如 jiaxing/medical_assistance）"""
        for feature in features():
            if feature.id == feature_id:
                return feature_data(feature)
        not_found(f"未知特性 {feature_id} / unknown feature")
