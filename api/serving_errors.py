"""Errors gunicorn answers itself, before the app sees the request (a request line or headers
over the limits, malformed HTTP), in the service's one JSON error shape instead of an HTML page.

gunicorn writes those answers with ``gunicorn.util.write_error``; ``install()`` replaces it, in
the server process only (api.serving calls it), with a writer of ``{"code", "message", "errors"}``.
"""

from __future__ import annotations

import json
import socket

from gunicorn import util

from bingpin.api.errors import CODES, payload

#: Statuses gunicorn itself may answer, besides those in api.errors.CODES.
GUNICORN_CODES = {
    403: ("forbidden", "禁止访问 / forbidden"),
    414: ("uri_too_long", "请求行过长 / request line too long"),
    417: ("expectation_failed", "无法满足 Expect 请求头 / expectation failed"),
    431: ("request_header_fields_too_large", "请求头过大或过多 / request header fields too large"),
}


def json_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``write_error``, answering JSON (and ``nosniff``) instead of HTML."""
    code, message = {**CODES, **GUNICORN_CODES}.get(status_int, (f"http_{status_int}", reason))
    body = json.dumps(payload(code, message, {"_request": [mesg]} if mesg else {}), ensure_ascii=False)
    data = body.encode("utf-8")
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + data)


def install() -> None:
    """Make gunicorn answer its own errors with :func:`json_error`."""
    util.write_error = json_error
