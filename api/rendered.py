"""Open data rendered once: a GET answer of the open data is kept as bytes and served again as is.

The open data (policies, clauses, parameters, categories, jurisdictions, rules, features,
coverage, ambiguities, the bulk download and the spec) changes only with a deploy, so the first
answer to a (path, query) is the answer: its status line, headers (ETag, pagination, CORS, cache
headers, all set by the application as usual) and body are kept, and the next identical GET is
answered from them without entering the application. Conditional and HEAD requests, and anything
but a 200, go through the application every time (so 304 and errors are the application's own).

The key is the path and query alone: no answer depends on what a client sends in a header
(pagination ``Link`` headers are relative, or built from the configured public base URL). The
store is bounded (entries and bytes; the oldest answer goes first), so arbitrary query strings
cannot grow it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

#: Paths whose GET answers are open data (the calculations are POSTs; /healthz and the review
#: page, which reads a conformance report from disk, are not kept).
PREFIXES = ("/v1/", "/openapi.json")
#: Request headers that make an answer depend on more than the URL.
CONDITIONAL = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_RANGE",
)
MAX_ENTRIES = 2048
#: At most this much per worker (the largest answer, /v1/bulk.json, is under 1 MiB).
MAX_BYTES = 32 * 1024 * 1024

Key = tuple[str, str, str]
Entry = tuple[str, list[tuple[str, str]], bytes]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class RenderedOnce:
    """WSGI middleware keeping each open-data GET answer (200) as bytes, per (path, query)."""

    def __init__(self, app: WSGIApp, *, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.app = app
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.entries: dict[Key, Entry] = {}
        self.size = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "GET" or not path.startswith(PREFIXES):
            return self.app(environ, start_response)
        if any(header in environ for header in CONDITIONAL):
            return self.app(environ, start_response)
        key = (
            environ.get("SCRIPT_NAME", ""),
            path,
            environ.get("QUERY_STRING", ""),
        )
        entry = self.entries.get(key)
        if entry is None:
            entry = self._render(environ)
            if entry[0].startswith("200 "):
                self._keep(key, entry)
        status, headers, body = entry
        start_response(status, list(headers))
        return [body]

    def _render(self, environ: dict[str, Any]) -> Entry:
        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            answer["status"], answer["headers"] = status, list(headers)
            return _no_write

        iterable = self.app(environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        return answer["status"], answer["headers"], body

    def _keep(self, key: Key, entry: Entry) -> None:
        size = len(entry[2])
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self.entries:
                return
            while self.entries and (len(self.entries) >= self.max_entries or self.size + size > self.max_bytes):
                oldest = next(iter(self.entries))
                self.size -= len(self.entries.pop(oldest)[2])
            self.entries[key] = entry
            self.size += size


def _no_write(data: bytes) -> None:
    raise NotImplementedError("the open data is answered as an iterable, not through write()")
