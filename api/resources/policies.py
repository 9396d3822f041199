"""GET /v1/policies[/{id}] and /v1/policies/{id}/clauses: the policies and their verbatim clauses."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Page

from bingpin.api.catalog.data import by_id, clauses_data, policy_data
from bingpin.api.open_data import PagedBlueprint, not_found
from bingpin.api.schemas.policies import ClauseTreeSchema, PolicyQueryArgsSchema, PolicySchema
from bingpin.rules.core.policy import Policy

blp = PagedBlueprint(
    "policies",
    __name__,
    url_prefix="/v1/policies",
    description="政策：文号、发文机关、日期、状态、施行期间，以及按条款切分的逐字原文。",
)


def find(policy_id: str) -> Policy:
    policy = by_id().get(policy_id)
    if policy is None:
        not_found(f"未知政策 {policy_id} / unknown policy")
    return policy


@blp.route("")
@blp.etag
class Policies(MethodView):
    @blp.arguments(PolicyQueryArgsSchema, location="query")
    @blp.response(200, PolicySchema(many=True))
    @blp.paginate(Page, page_size=20)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """列出政策：文号、标题、发文机关、成文日期、状态和施行期间"""
        wanted = args.get("jurisdiction")
        return [policy_data(p) for p in by_id().values() if wanted in (None, p.jurisdiction_code)]


@blp.route("/<string:policy_id>")
@blp.etag
class PoliciesById(MethodView):
    @blp.response(200, PolicySchema)
    def get(self, policy_id: str) -> dict[str, Any]:
        """一项政策"""
        return policy_data(find(policy_id))


@blp.route("/<string:policy_id>/clauses")
@blp.etag
class PolicyClauses(MethodView):
    @blp.response(200, ClauseTreeSchema)
    def get(self, policy_id: str) -> dict[str, Any]:
        """政策的条款树：每条的路径、序号、标题和逐字原文

        路径与特性文件的 @clause 标签和参数引用的写法相同（如 二(二)7、3(三)8、2(1)1、附件1第3项）。
        每条的 text 只含本条、不含下级条款；按顺序连接全部条款即为原文全文。"""
        return clauses_data(find(policy_id))
