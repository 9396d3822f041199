"""/healthz and the offline API docs page /docs (Swagger UI shipped in the package)."""

from __future__ import annotations

import html
from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import Response, send_from_directory
from flask.views import MethodView
from swagger_ui_bundle import swagger_ui_path

from bingpin.api.open_data import public_path
from bingpin.api.parsing import Blueprint
from bingpin.api.schemas.reference import HealthSchema
from bingpin.rules.registry import policies

blp = Blueprint("meta", __name__, description="服务状态")


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, Any]:
        """服务状态：政策数据已载入即为 ok"""
        return {"status": "ok", "policies": len(policies())}


docs = FlaskBlueprint("docs", __name__, static_folder="../static", static_url_path="/docs/app")

DOCS_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>Bingpin 病贫 API 文档</title>
<link rel="stylesheet" href="{root}/docs/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-spec="{root}/openapi.json"></div>
<script src="{root}/docs/swagger-ui/swagger-ui-bundle.js"></script>
<script src="{root}/docs/swagger-ui/swagger-ui-standalone-preset.js"></script>
<script src="{root}/docs/app/docs.js"></script>
</body>
</html>
"""


@docs.route("/docs")
@docs.route("/docs/")
def page() -> Response:
    """The docs page: everything it loads is served by this service (no CDN), under the path the
    service is reached at (``BINGPIN_PUBLIC_BASE_URL``)."""
    return Response(DOCS_PAGE.format(root=html.escape(public_path(""))), mimetype="text/html")


@docs.route("/docs/swagger-ui/<path:filename>")
def swagger_ui(filename: str) -> Response:
    return send_from_directory(str(swagger_ui_path), filename, max_age=86400)
