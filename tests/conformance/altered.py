"""Deliberately wrong implementations for proving the suite and its runner: a loopback proxy in
front of a real service that forwards every request and lets a hook answer instead (``proxy``);
``altered`` changes one field of the answers a predicate picks."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Predicate = Callable[[str, Any], bool]
#: ``hook(handler, sent, status, body)``: True when it wrote the answer itself (raw, on handler.wfile).
Hook = Callable[[BaseHTTPRequestHandler, Any, int, bytes], bool]


@contextmanager
def proxy(upstream: str, hook: Hook) -> Iterator[str]:
    """Serve on a free loopback port; each request goes to ``upstream``, then to ``hook``, and the
    upstream's answer is passed on unless the hook answered."""

    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length) if length else None
            request = urllib.request.Request(upstream + self.path, data=data, method=self.command)
            for header in ("Content-Type", "Accept"):
                if self.headers.get(header):
                    request.add_header(header, self.headers[header])
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, body = response.status, response.read()
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read()
            try:
                sent = json.loads(data) if data else None
            except ValueError:
                sent = None
            try:
                if hook(self, sent, status, body):
                    return
            except OSError:  # the client hung up on a misbehaving answer: that is the point
                self.close_connection = True
                return
            respond(self, status, body)

        do_GET = _forward
        do_POST = _forward

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def respond(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    """A JSON answer with its length."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@contextmanager
def altered(upstream: str, predicate: Predicate, field: str, value: Any) -> Iterator[str]:
    """Answers for which ``predicate(path, request_body)`` holds get ``field`` set to ``value``."""

    def hook(handler: BaseHTTPRequestHandler, sent: Any, status: int, body: bytes) -> bool:
        if status != 200 or not predicate(handler.path, sent):
            return False
        payload = json.loads(body)
        payload[field] = value
        respond(handler, status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        return True

    with proxy(upstream, hook) as url:
        yield url
