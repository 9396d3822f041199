"""GET /v1/features[/{id}]: the acceptance criteria as data."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Page

from bingpin.api.catalog.data import features
from bingpin.api.catalog.features import feature_data
from bingpin.api.catalog.reviews import review_of, state_of
from bingpin.api.open_data import PagedBlueprint, not_found
from bingpin.api.schemas.features import FeatureQueryArgsSchema, FeatureSchema

blp = PagedBlueprint(
    "features",
    __name__,
    url_prefix="/v1/features",
    description="验收标准：特性文件的内容（场景 id、步骤、数据表、标签、条款、法律审核状态），"
    "与一致性测试所运行的相同。",
)


@blp.route("")
@blp.etag
class Features(MethodView):
    @blp.arguments(FeatureQueryArgsSchema, location="query")
    @blp.response(200, FeatureSchema(many=True))
    @blp.paginate(Page, page_size=10)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """列出特性及其场景；?policy= 只列一项政策的特性，?review= 只列该审核状态的场景（及其特性）"""
        wanted, status = args.get("policy"), args.get("review")
        result = []
        for feature in features():
            if wanted not in (None, feature.policy):
                continue
            chosen = [s for s in feature.scenarios if status in (None, state_of(s.id).status)]
            if chosen:
                result.append(feature_data(feature, review_of, chosen))
        return result


@blp.route("/<path:feature_id>")
@blp.etag
class FeaturesById(MethodView):
    @blp.response(200, FeatureSchema)
    def get(self, feature_id: str) -> dict[str, Any]:
        """一个特性（id 如 jiaxing/medical_assistance）"""
        for feature in features():
            if feature.id == feature_id:
                return feature_data(feature, review_of)
        not_found(f"未知特性 {feature_id} / unknown feature")
