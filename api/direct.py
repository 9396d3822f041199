"""One calculation answered without Flask's request cycle, when nothing about it is unusual.

A single calculation costs little (read, load, calculate, dump: about 40 µs of CPU); Flask's
request cycle around it (request and response objects, the URL map, the request context, the
hooks, webargs' JSON reading) cost as much again and more, so one calculation served at 0.58-0.66x
the requests/s of a trivial Flask app. This WSGI middleware answers ``POST
/v1/calculations/<calculation>`` itself when the request is plain: no query string, a
``Content-Type`` of ``application/json`` and no ``Content-Encoding``, a ``Content-Length``
within the service's limit, and a body that reads, loads and calculates to a 200. It does the
same steps as the view (:func:`~bingpin.api.resources.calculations.compute`) and writes the
same status, headers and bytes. Anything else (every error, every refusal, every unusual
header) goes to the application with the body it sent, which answers as it always does: the fast
way only ever answers 200s the application would have answered byte for byte (tested on every
calculation).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from bingpin.api.resources import calculations

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: What the application's own answer to a calculation says beside the body (``api.create_app``'s
#: header hook adds ``X-Content-Type-Options``), in its order.
NOSNIFF = ("X-Content-Type-Options", "nosniff")


class _Unread(io.RawIOBase):
    """The body stream for the application when reading the body failed here: it fails again
    there, the same way, so the answer is the application's own."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise self.error


class Calculations:
    """WSGI middleware: plain single calculations answered directly, everything else by ``app``."""

    def __init__(self, app: WSGIApp, limit: Callable[[], int | None]) -> None:
        self.app = app
        #: The application's limit on a body (read on each request, as Flask does).
        self.limit = limit
        self.views = {f"/v1/calculations/{e.path}": calculations.Compute(e) for e in calculations.ENDPOINTS}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        compute = self.views.get(environ.get("PATH_INFO", ""))
        if compute is None or environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING"):
            return self.app(environ, start_response)
        length, limit = environ.get("CONTENT_LENGTH", ""), self.limit()
        if (
            not length.isascii()
            or not length.isdigit()
            or limit is None
            or int(length) > limit
            or "HTTP_TRANSFER_ENCODING" in environ
            or "HTTP_CONTENT_ENCODING" in environ  # refused by the application (api.parsing)
            or environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower() != "application/json"
        ):
            return self.app(environ, start_response)
        try:
            data = environ["wsgi.input"].read(int(length)) if int(length) else b""
        except Exception as error:  # a client gone: the application reads the same failure
            environ["wsgi.input"] = io.BufferedReader(_Unread(error))
            return self.app(environ, start_response)
        body = compute.answer(data) if len(data) == int(length) else None
        if body is None:  # not a plain 200: the application answers it from the same bytes
            environ["wsgi.input"] = io.BytesIO(data)
            return self.app(environ, start_response)
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body))), NOSNIFF])
        return [body]
