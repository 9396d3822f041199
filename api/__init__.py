"""Bingpin's read-only REST API: ``create_app()`` builds the Flask application."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider

from bingpin.api import contract, direct, enums, errors, fields, open_data, query, rendered
from bingpin.api.catalog.reviews import states as review_states
from bingpin.api.resources import (
    ambiguities,
    batch,
    bulk,
    calculations,
    comparisons,
    coverage,
    features,
    meta,
    parameters,
    policies,
    reference,
    review,
    rules_catalog,
)

VERSION = "2.0.0"

DESCRIPTION = """病贫（Bingpin）：地方医疗救助与防范因病致贫返贫政策的参考实现。

每个数额都可追溯到政策条款：计算答复附计算步骤（explanation，含条款原文摘录）和所用假定（assumptions）。
金额以两位小数的字符串传送（如 "9000.00"）。请求中的金额是字符串，写法须符合 ^[0-9]{1,12}(\\.[0-9]{1,2})?$
（ASCII 数字，不带正负号、指数或空格）；写法相同的 JSON 数字也可读取（各字段的 x-also-accepts），
但本文档将金额定为字符串，生成的客户端按字符串处理。/ Amounts are decimal strings in answers and requests;
a request may also give a JSON number written the same way (x-also-accepts), but strings are the documented form.
错误答复统一为 {"code", "message", "errors"}：422 validation_error（输入无效）、unknown_category、
not_defined_by_policy（该地区政策未规定此项）、not_in_force（日期不在施行期间）；400 malformed_json、
duplicate_key（JSON 对象中的键重复）、nesting_too_deep（嵌套超过 32 层）；413 payload_too_large；
404 not_found；405 method_not_allowed（本服务只读）。


合同的组成 / the contract: 本文档；验收场景（GET /v1/features，`bingpin conformance` 运行它们）；政策原文与参数
（GET /v1/policies/{id}/clauses、GET /v1/parameters：场景读取的每个参数键都在其中）；以及歧义登记
GET /v1/ambiguities。歧义登记是合同的一部分：原文可有不止一种读法之处，每条记录条款、原文、问题、决定、
kind 和依赖它的场景。kind: reading 表示按公布的解读规则（以上/以下含本数，超过/低于不含）只有一种读法；
kind: choice 表示原文允许不止一种答案、参考实现选了其一，凡结果随之不同的场景都标注该条目并为 @optional，
厂商不会因参考实现的选择而判为不符合。eligible 在每个答复中只有一种含义，定义见 eligible 字段的说明。
/ The register of ambiguities (GET /v1/ambiguities: id, clause, quote, issue, decision, kind, scenarios) is part
of the contract: kind "reading" is settled by the published reading rules; kind "choice" is a reference choice
among readings the text allows, and every scenario that rests on it is @optional.

""" + contract.description_sections()


class JSONProvider(DefaultJSONProvider):
    """UTF-8 JSON with Chinese kept readable and fields in schema order."""

    ensure_ascii = False
    sort_keys = False


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application (embedded policy data, no database)."""
    app = Flask(__name__)
    app.json_provider_class = JSONProvider
    app.json = JSONProvider(app)
    app.config.update(
        # ASCII: client generators name the package after it (openapi-python-client: bingpin_client)
        API_TITLE="Bingpin",
        API_VERSION=VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=1024 * 1024,
        # Where clients reach the service (``https://example.org/bingpin``) for absolute links;
        # empty: links are relative. Never taken from a request's Host header (api.open_data).
        PUBLIC_BASE_URL=os.environ.get("BINGPIN_PUBLIC_BASE_URL", ""),
        API_SPEC_OPTIONS={
            "info": {"description": DESCRIPTION, "license": {"name": "MIT"}},
            # Every parameter key, so the document alone tells a vendor what GET /v1/parameters serves.
            "x-parameters": contract.parameter_index(),
            "servers": [{"url": "/", "description": "this service"}],
        },
    )
    app.config.update(config or {})
    # "Try it out" on the docs page calls the service where clients reach it
    public = str(app.config["PUBLIC_BASE_URL"]).rstrip("/")
    app.config["API_SPEC_OPTIONS"]["servers"] = [{"url": public or "/", "description": "this service"}]
    # The review records are read (and checked) when the service starts: a record that cannot be
    # read stops the start with its reason instead of failing every request that shows reviews.
    review_states()
    api = errors.Api(app)
    fields.register(api)
    enums.register(api)
    for blueprint in (calculations.blp, batch.blp, comparisons.blp, reference.blp, meta.blp):
        api.register_blueprint(blueprint)
    for blueprint in (
        policies.blp,
        parameters.blp,
        rules_catalog.blp,
        features.blp,
        coverage.blp,
        ambiguities.blp,
        bulk.blp,
    ):
        api.register_blueprint(blueprint)
    app.register_blueprint(meta.docs)
    app.register_blueprint(review.page)
    errors.register(app)
    open_data.register(app)
    query.register(app, api.spec.to_dict())

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        if "Allow" in response.headers:  # werkzeug lists methods in set order, which varies by process
            response.headers["Allow"] = ", ".join(sorted(response.headers["Allow"].split(", ")))
        if response.mimetype == "text/html":
            response.headers["Content-Security-Policy"] = (
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                "script-src 'self'; object-src 'none'; frame-ancestors 'none'"
            )
        return response

    # plain single calculations answered without the request cycle (api.direct), same bytes
    direct_app = direct.Calculations(app.wsgi_app, lambda: app.config["MAX_CONTENT_LENGTH"])
    app.wsgi_app = rendered.RenderedOnce(direct_app)  # type: ignore[method-assign]
    return app
