"""A bounded HTTP load generator for loopback only: a fixed number of requests (or a fixed
duration) over a fixed number of threads, each with its own keep-alive connection.

Every request is timed; the result holds the latencies, the wall time and every failure, so
callers report requests/s and percentiles. Nothing here retries: an error is counted.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    """One HTTP request, sent as is each time."""

    method: str
    path: str
    body: bytes | None = None
    expect: int = 200

    @property
    def headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json"} if self.body is not None else {}


@dataclass
class Result:
    """What a run measured."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.count / self.wall if self.wall else 0.0

    def percentile(self, share: float) -> float:
        """The latency (seconds) below which ``share`` of the requests fall (nearest rank)."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        rank = max(1, round(share * len(ordered)))
        return ordered[min(rank, len(ordered)) - 1]


def _loopback(base_url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(base_url)
    host = parts.hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise ValueError(f"load runs against loopback only, not {host!r}")
    return host, parts.port or 80


def run(
    base_url: str,
    requests: Callable[[int], Request],
    *,
    total: int | None = None,
    duration: float | None = None,
    concurrency: int = 4,
    check: Callable[[Request, int, bytes], str | None] | None = None,
    fresh_connections: bool = False,
) -> Result:
    """Send ``requests(i)`` for i = 0, 1, ... until ``total`` are sent or ``duration`` seconds
    have passed (at least one bound is required), ``concurrency`` at a time; each thread keeps
    its connection alive unless ``fresh_connections`` (then every worker gets some)."""
    if total is None and duration is None:
        raise ValueError("give total, duration or both: the load must stop by itself")
    host, port = _loopback(base_url)
    result = Result()
    lock = threading.Lock()
    counter = iter(range(total if total is not None else 2**62))
    deadline = time.monotonic() + duration if duration is not None else float("inf")

    def worker() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        latencies: list[float] = []
        errors: list[str] = []
        while time.monotonic() < deadline:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            request = requests(index)
            start = time.perf_counter()
            try:
                connection.request(request.method, request.path, body=request.body, headers=request.headers)
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as error:
                errors.append(f"{request.method} {request.path}: {type(error).__name__}: {error}")
                connection.close()
                continue
            latencies.append(time.perf_counter() - start)
            problem = check(request, response.status, data) if check else None
            if problem is None and response.status != request.expect:
                problem = f"status {response.status}, expected {request.expect}"
            if problem:
                errors.append(f"{request.method} {request.path}: {problem}")
            if fresh_connections:
                connection.close()
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            result.errors.extend(errors)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.wall = time.perf_counter() - started
    return result
