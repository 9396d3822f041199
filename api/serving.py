"""Serving with gunicorn: the production configuration in one place.

Workers are gevent workers: each connection is a greenlet, so a client that sends its request
slowly holds one greenlet, not a thread or a process, and a request's line and headers must
arrive within ``header_timeout`` seconds or the connection is closed. Each instance runs without
gunicorn's control socket, which every instance on a machine would otherwise share.
"""

from __future__ import annotations

import errno
import gc
import multiprocessing
import socket
from typing import Any

from gunicorn.app.base import BaseApplication

from bingpin.api import serving_errors


def default_workers() -> int:
    """A process per core and one more, capped at 8: the work is CPU-bound Python, so processes
    (not threads) give parallelism; the extra one covers time spent reading and writing."""
    return min(multiprocessing.cpu_count() + 1, 8)


#: Seconds a client has to send a request's line and headers (and, between requests on a kept-alive
#: connection, to start the next one) before the connection is closed.
HEADER_TIMEOUT = 5


#: Seconds a worker may stay silent before it is restarted, and a request may wait on its client.
TIMEOUT = 30


def options(
    host: str,
    port: int,
    workers: int | None = None,
    header_timeout: int = HEADER_TIMEOUT,
    timeout: int = TIMEOUT,
) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        # gevent: a connection waits in the worker's event loop, not in a thread, so 200 clients
        # trickling their headers cost 200 greenlets and normal requests go on (gthread read headers
        # in a blocked thread with no time limit: 5 such clients stopped the service). The worker
        # reads each request's line and headers under a timeout of ``keepalive`` seconds
        # (gunicorn.workers.ggevent.timeout_ctx): that is the header timeout; api.worker adds a
        # deadline of ``timeout`` seconds on the rest of each request (a body sent slowly).
        "worker_class": "bingpin.api.worker.Worker",
        "worker_connections": 1000,
        "keepalive": header_timeout,
        # Every gunicorn 27 instance would open $HOME/.gunicorn/gunicorn.ctl, and the last to stop
        # deletes it under the others: not used here, so not opened.
        "control_socket_disable": True,
        # The app is stateless and loads its data at import: load once, fork workers.
        "preload_app": True,
        # A calculation takes microseconds and a batch of 10,000 about a second; a worker whose main
        # loop is silent for 30 s is stuck and restarted, and a request still waiting on its client
        # after 30 s is cut off (api.worker). Requests are bounded by the body limits.
        "timeout": timeout,
        "graceful_timeout": 10,
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

        app = create_app()
        # The app, its data and its schemas live as long as the process and hold no garbage: kept
        # out of every collection from here on, in the master before it forks and so in each worker
        # (collections neither traverse them again nor write to the pages the workers share).
        gc.freeze()
        return app


class AddressError(Exception):
    """The service cannot listen where it was asked to (one line for the person who started it)."""


def _free_port_after(host: str, port: int, tries: int = 20) -> int | None:
    """A port above ``port`` that nothing listens on now, for the suggestion (None: none of the next few)."""
    for candidate in range(port + 1, min(port + tries, 65535) + 1):
        try:
            bound(host, candidate).close()
        except AddressError:
            continue
        return candidate
    return None


def _problem(error: OSError, host: str, port: int) -> str:
    where = f"port {port} of {host}"
    if isinstance(error, socket.gaierror):
        return f"cannot resolve the host {host!r} ({error.strerror}): give an address with --host, e.g. 127.0.0.1"
    if error.errno == errno.EADDRINUSE:
        free = _free_port_after(host, port)
        suggestion = f", e.g. --port {free}" if free is not None else ""
        return f"{where} is already in use (another service listens on it): choose another port with --port{suggestion}"
    if error.errno == errno.EACCES:
        return f"no permission to listen on {where} (ports below 1024 need privileges): choose another with --port"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine: choose another with --host (127.0.0.1, or 0.0.0.0 for all)"
    return f"cannot listen on {where}: {error.strerror or error}"


def bound(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` with the options gunicorn gives its own (``SO_REUSEADDR``),
    not yet listening; :class:`AddressError` when the address cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as error:
        raise AddressError(_problem(error, host, port)) from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
    except OSError as error:
        sock.close()
        raise AddressError(_problem(error, host, port)) from None
    return sock


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    header_timeout: int = HEADER_TIMEOUT,
    timeout: int = TIMEOUT,
) -> None:
    """Serve until stopped. The socket is bound here and handed to gunicorn (``fd://``), so an address
    that cannot be had is one :class:`AddressError`, not gunicorn's five retries and a log of errors."""
    settings = options(host, port, workers, header_timeout, timeout)
    settings["bind"] = f"fd://{bound(host.strip('[]'), port).detach()}"
    Server(settings).run()
