"""POST /v1/calculations/<calculation>/batch: many cases in one request, each answered on its own.

Built for analysts running a year of records: one JSON object per record (a row of a table, as
``DataFrame.to_dict("records")`` gives), the jurisdiction, date and any other shared fields given
once, up to 10,000 cases per request. Each case is read by the calculation's own request schema
after merging (case over ``defaults`` over ``jurisdiction``/``date``), so its answer, or its error,
is exactly what the single endpoint answers for that merged body. One schema instance per
calculation serves every case, through the compiled load and dump of api.compiled.
"""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import request
from flask.typing import ResponseReturnValue
from flask.views import MethodView

from bingpin.api import errors
from bingpin.api.compiled import Fallback, compile_dump, compile_load
from bingpin.api.parsing import Blueprint
from bingpin.api.resources.calculations import ENDPOINTS, Endpoint, respond, shape
from bingpin.api.schemas import batch as s
from bingpin.rules.core.errors import BingpinError
from bingpin.rules.registry import CALCULATIONS, calculate

log = logging.getLogger(__name__)

blp = Blueprint(
    "batch",
    __name__,
    url_prefix="/v1/calculations",
    description="批量计算：一次提交多个案件（如一年的记录，最多 10,000 个），逐个按单项计算的规则答复；"
    "某个案件出错只影响该案件，其错误与单项计算的错误答复相同。",
)


@blp.before_request
def _larger_body_limit() -> None:
    """A batch may carry 10,000 cases: a larger, still bounded, request body."""
    request.max_content_length = s.MAX_BATCH_BYTES


Answer = tuple[int, dict[str, Any] | None, dict[str, Any] | None]


class Runner:
    """Answers the cases of one calculation, with one request schema and one result schema."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.request = endpoint.request()
        self.result = s.result_schema(endpoint.view, endpoint.response)()
        # The compiled paths themselves (api.compiled), without a method call around each.
        self.load = compile_load(self.request) or self._marshmallow_load
        self.dump = compile_dump(self.result) or self.result.dump

    def _marshmallow_load(self, body: Any) -> Any:
        return ma.Schema.load(self.request, body)

    def one(self, body: Any, explain: bool = True) -> Answer:
        """(status, result, error) exactly as the single endpoint answers ``body``."""
        try:
            try:
                args = self.load(body)
            except Fallback:
                args = self._marshmallow_load(body)
        except ma.ValidationError as error:
            return 422, None, errors.payload(*errors.CODES[422], errors.flatten({"json": error.messages}))
        try:
            case = self.endpoint.build(args)
            policy, outcome = calculate(self.endpoint.path, args["jurisdiction"], case, explain)
            result = self.dump(shape(policy, case, outcome, explain=explain))
        except BingpinError as error:
            payload, status = errors.domain_error(error)
            return status, None, payload
        except Exception:
            log.exception("unhandled error in a batch case")
            return 500, None, errors.payload(*errors.CODES[500])
        return 200, result, None

    def run(self, envelope: dict[str, Any], explain: bool) -> dict[str, Any]:
        shared = {key: envelope[key] for key in s.SHARED if key in envelope}
        shared.update(envelope.get("defaults") or {})
        one = self.one
        results = []
        failed = 0
        for index, case in enumerate(envelope["cases"]):
            status, result, error = one({**shared, **case} if type(case) is dict else case, explain)
            if error is not None:
                failed += 1
            results.append({"index": index, "status": status, "result": result, "error": error})
        return {
            "calculation": self.endpoint.path,
            "count": len(results),
            "succeeded": len(results) - failed,
            "failed": failed,
            "results": results,
        }


RUNNERS = {endpoint.path: Runner(endpoint) for endpoint in ENDPOINTS}


def _register(endpoint: Endpoint) -> None:
    runner = RUNNERS[endpoint.path]

    @blp.arguments(s.BatchQueryArgsSchema, location="query")
    @blp.arguments(s.request_schema(endpoint.view, endpoint.request))
    @blp.response(200, s.response_schema(endpoint.view, endpoint.response))
    def post(self: MethodView, query: dict[str, Any], envelope: dict[str, Any]) -> ResponseReturnValue:
        # Every case is already in its wire form: encode the answer as it stands.
        return respond(runner.run(envelope, query["explain"]))

    post.__doc__ = (
        f"批量{CALCULATIONS[endpoint.path]}：多个案件逐个计算，按原顺序答复\n\n"
        "请求：jurisdiction、date 和 defaults 给出各案件共用的值，cases 每个案件一个对象（一条记录一行，"
        "字段与单项计算的请求相同，案件自带的值优先）。答复：results 每个案件一项，status 为单项计算会答复的"
        "状态，result 为其结果或 error 为其错误（{code, message, errors}）；一个案件出错不影响其他案件。"
        f"最多 {s.MAX_CASES} 个案件（超过答复 422），请求体最大 {s.MAX_BATCH_BYTES // (1024 * 1024)} MiB"
        "（超过答复 413）。?explain=false 省略计算步骤，适合大批量统计。"
    )
    blp.route(f"/{endpoint.path}/batch")(type(f"{endpoint.view}Batch", (MethodView,), {"post": post}))


for _endpoint in ENDPOINTS:
    _register(_endpoint)
