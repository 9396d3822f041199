"""POST /v1/calculations/<calculation>/batch: many cases in one request, each answered on its own.

Built for analysts running a year of records: one JSON object per record (a row of a table, as
``DataFrame.to_dict("records")`` gives), the jurisdiction, date and any other shared fields given
once, up to 10,000 cases per request. Each case is read by the calculation's own request schema
after merging (case over ``defaults`` over ``jurisdiction``/``date``), so its answer, or its error,
is exactly what the single endpoint answers for that merged body. One schema instance per
calculation serves every case, through the compiled load and dump of api.compiled. Plain cases
(16 or more) go through the population path, the rule traced once per situation and branch
(api.audit.batch), with or without explanations, byte for byte as the single endpoint answers them.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from flask import current_app, request
from flask.typing import ResponseReturnValue
from flask.views import MethodView

from bingpin.api.audit import batch as fast
from bingpin.api.parsing import Blueprint, no_collection
from bingpin.api.resources.calculations import ENDPOINTS, Endpoint, respond
from bingpin.api.runner import runner_for
from bingpin.api.schemas import batch as s
from bingpin.rules.registry import CALCULATIONS

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


RUNNERS = {endpoint.path: runner_for(endpoint.path) for endpoint in ENDPOINTS}


def _register(endpoint: Endpoint) -> None:
    runner = RUNNERS[endpoint.path]

    @blp.arguments(s.BatchQueryArgsSchema, location="query")
    @blp.arguments(s.request_schema(endpoint.view, endpoint.request))
    @blp.response(200, s.response_schema(endpoint.view, endpoint.response))
    def post(self: MethodView, query: dict[str, Any], envelope: dict[str, Any]) -> ResponseReturnValue:
        # Every case is already in its wire form: encode the answer as it stands. The population
        # path's results are JSON text already (orjson.Fragment), which only orjson writes: what it
        # cannot write is answered case by case and written the usual way.
        try:
            data = orjson.dumps(fast.run(runner, envelope, query["explain"]), option=orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError:
            return respond(runner.run(envelope, query["explain"]))
        return current_app.response_class(data, mimetype="application/json")

    post.__doc__ = (
        f"批量{CALCULATIONS[endpoint.path]}：多个案件逐个计算，按原顺序答复\n\n"
        "请求：jurisdiction、date 和 defaults 给出各案件共用的值，cases 每个案件一个对象（一条记录一行，"
        "字段与单项计算的请求相同，案件自带的值优先）。答复：results 每个案件一项，status 为单项计算会答复的"
        "状态，result 为其结果或 error 为其错误（{code, message, errors}）；一个案件出错不影响其他案件。"
        f"前 {s.MAX_DETAILED_ERRORS} 个出错案件的 error 列出字段问题，此后的只给 code 和 message"
        "（errors_omitted 为其个数），答复因此不随错误成倍增大。"
        f"最多 {s.MAX_CASES} 个案件（超过答复 422），请求体最大 {s.MAX_BATCH_BYTES // (1024 * 1024)} MiB"
        "（超过答复 413）。?explain=false 省略计算步骤，适合大批量统计。"
    )
    # From reading the body to writing the answer without cyclic garbage collection: a batch makes
    # tens of thousands of objects and no cycles, all freed when it is answered.
    uncollected = no_collection()(post)
    blp.route(f"/{endpoint.path}/batch")(type(f"{endpoint.view}Batch", (MethodView,), {"post": uncollected}))


for _endpoint in ENDPOINTS:
    _register(_endpoint)
