"""Serving with gunicorn: the production configuration in one place."""

from __future__ import annotations

import multiprocessing
from typing import Any

from gunicorn.app.base import BaseApplication

from bingpin.api import serving_errors


def default_workers() -> int:
    """A process per core and one more, capped at 8: the work is CPU-bound Python, so processes
    (not threads) give parallelism; the extra one covers time spent reading and writing."""
    return min(multiprocessing.cpu_count() + 1, 8)


def options(host: str, port: int, workers: int | None = None) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        # gthread: a kept-alive connection (from a load balancer or a client) waits in the worker's
        # poller instead of holding a whole process, and is reused: up to twice the requests/s of
        # sync workers (tests/bench). Two threads overlap one request's I/O with another's work.
        "worker_class": "gthread",
        "threads": 2,
        # The app is stateless and loads its data at import: load once, fork workers.
        "preload_app": True,
        # A calculation takes microseconds and a batch of 10,000 about a second; a worker whose main
        # loop is silent for 30 s is stuck and restarted. Requests are bounded by the body limits.
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        # Bound request lines and headers; bodies are bounded by MAX_CONTENT_LENGTH.
        "limit_request_line": 4094,
        "limit_request_fields": 50,
        "limit_request_field_size": 8190,
        "max_requests": 10000,
        "max_requests_jitter": 1000,
        "accesslog": "-",
        "errorlog": "-",
    }


class Server(BaseApplication):
    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)
        # Errors gunicorn answers itself (request line too long...) are JSON too.
        serving_errors.install()

    def load(self) -> Any:
        from bingpin.api import create_app

        return create_app()


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int | None = None) -> None:
    Server(options(host, port, workers)).run()
