"""HTTP conventions of the open data: pagination links, ETag with 304, Cache-Control, CORS.

Answers are cached by shared caches (``Cache-Control: public``), so nothing a client sends in a
header goes into one: pagination links are relative (``/v1/...?page=2``), or absolute from the
configured ``PUBLIC_BASE_URL`` (environment ``BINGPIN_PUBLIC_BASE_URL``), never from ``Host`` or
``X-Forwarded-*``; an answer varies with its URL only, so it needs no ``Vary``.

JSON views use flask-smorest's ``etag`` and ``paginate``; the hook below gives every other GET
answer under /v1 and /review and the spec (CSV, bulk download, the review page, /openapi.json) an
ETag from its body, answers ``If-None-Match`` with 304, and lets any origin read GET answers.
api/rendered.py keeps each GET answer of the open data as bytes once rendered.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, current_app, request
from flask_smorest import abort
from werkzeug.datastructures import Headers

from bingpin.api.parsing import Blueprint

CACHE_CONTROL = "public, max-age=300"
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
CACHED_PREFIXES = ("/v1/", "/review", "/openapi.json")
EXPOSED = "ETag, X-Pagination, Link"
#: The review page loads only what this service serves: no inline script or style, no CDN.
REVIEW_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def public_path(path: str, app: Flask | None = None) -> str:
    """``path`` (``/docs/app/docs.js``) under the path clients reach the service at: the path of
    the configured public address (``/bingpin`` for ``https://example.org/bingpin``), or none. The
    pages' own links (the docs page's scripts and spec, the review page's style sheet and
    dossiers) then work behind a proxy that strips the prefix."""
    base = str((app or current_app).config.get("PUBLIC_BASE_URL") or "")
    return urlsplit(base).path.rstrip("/") + path


def not_found(message: str) -> NoReturn:
    """404 in the service's one error shape."""
    abort(404, message=message)
    raise AssertionError(message)  # not reached: abort raises


class PagedBlueprint(Blueprint):
    """Pagination metadata in ``X-Pagination`` (flask-smorest) and as RFC 8288 ``Link`` headers."""

    def _set_pagination_metadata(self, page_params: Any, result: Any, headers: Any) -> tuple[Any, Any]:
        result, headers = super()._set_pagination_metadata(page_params, result, headers)
        metadata = json.loads(headers[self.PAGINATION_HEADER_NAME])
        # The configured public address, or none (a relative link): never the request's Host.
        base = str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/") + request.path
        links = []
        for rel, key in (
            ("first", "first_page"),
            ("prev", "previous_page"),
            ("next", "next_page"),
            ("last", "last_page"),
        ):
            if key in metadata:
                args = request.args.copy()
                args["page"] = str(metadata[key])
                args["page_size"] = str(page_params.page_size)
                links.append(f'<{base}?{urlencode(list(args.items(multi=True)))}>; rel="{rel}"')
        if links:
            if isinstance(headers, Headers):
                headers["Link"] = ", ".join(links)
            else:
                headers = {**headers, "Link": ", ".join(links)}
        return result, headers

    def _document_pagination_metadata(self, spec: Any, resp_doc: dict[str, Any]) -> None:
        super()._document_pagination_metadata(spec, resp_doc)
        resp_doc["headers"]["Link"] = {
            "description": 'RFC 8288 links to the first, prev, next and last pages (rel="first" …)',
            "schema": {"type": "string"},
        }


def register(app: Flask) -> None:
    """Add the hooks; registered before the app's own header hook, so they run after it."""

    @app.after_request
    def _open_data(response: Response) -> Response:
        if request.method not in READ_METHODS:
            return response
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Accept, If-None-Match"
            response.headers["Access-Control-Max-Age"] = "86400"
            return response
        if request.path.startswith("/review"):
            response.headers["Content-Security-Policy"] = REVIEW_CSP
        if not request.path.startswith(CACHED_PREFIXES) or response.status_code not in (200, 304):
            return response
        response.headers["Cache-Control"] = CACHE_CONTROL
        if response.status_code == 304:
            tags = list(request.if_none_match.as_set())
            if len(tags) == 1 and "ETag" not in response.headers:
                response.set_etag(tags[0])
            return response
        if "ETag" not in response.headers and not response.direct_passthrough:
            response.add_etag()
        response.make_conditional(request)  # 304 with no body when If-None-Match matches
        return response
