"""Limits and headers as gunicorn serves them (api/serving.py), over real HTTP on loopback."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bingpin.api.serving import options
from tests.live import free_port, running, served
from tests.samples import bad_batch, bad_categories

MEDICAL = "/v1/calculations/medical-assistance"
SAME_REQUESTS = [
    (
        "POST",
        MEDICAL,
        {
            "jurisdiction": "330400",
            "date": "2023-06-01",
            "categories": ["subsistence_allowance"],
            "eligible_self_pay": "10000.00",
        },
    ),
    ("POST", MEDICAL, {"jurisdiction": "330400", "zeta": 1, "alpha": 2, "mid": 3, "eligible_self_pay": "x"}),
    (
        "POST",
        f"{MEDICAL}/batch",
        {"jurisdiction": "330400", "date": "2023-06-01", "cases": [{"eligible_self_pay": "1"}, {"b": 1, "a": 2}, 3]},
    ),
    ("GET", "/v1/categories", None),
    ("GET", "/v1/nothing-here", None),
    ("DELETE", MEDICAL, None),
    ("OPTIONS", MEDICAL, None),
    ("OPTIONS", "/v1/jurisdictions", None),
]


def _address(base_url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(base_url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def _raw(base_url: str, head: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``head`` as is (no body), read the whole answer."""
    with socket.create_connection(_address(base_url), timeout=10) as sock:
        sock.sendall(head)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def _send(base_url: str, method: str, path: str, body: Any) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
    connection = http.client.HTTPConnection(*_address(base_url), timeout=10)
    try:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        kept = tuple(sorted((k.lower(), v) for k, v in response.getheaders() if k.lower() != "date"))
        return response.status, kept, response.read()
    finally:
        connection.close()


def test_the_settings_bound_time_and_request_size() -> None:
    settings = options("127.0.0.1", 8000, 2)
    assert 0 < settings["timeout"] <= 60 and 0 < settings["graceful_timeout"] <= settings["timeout"]
    assert settings["keepalive"] > 0  # with gevent workers, also the time allowed for a request's headers
    assert settings["worker_class"] == "bingpin.api.worker.Worker" and settings["control_socket_disable"] is True
    assert settings["limit_request_line"] and settings["limit_request_fields"] and settings["limit_request_field_size"]
    assert settings["max_requests"] > 0 and settings["max_requests_jitter"] > 0


def test_a_body_over_the_limit_is_a_json_413_before_it_is_read(live_url: str) -> None:
    for path, length in [(MEDICAL, 2 * 1024 * 1024), (f"{MEDICAL}/batch", 17 * 1024 * 1024)]:
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
        status, headers, body = _raw(live_url, head.encode())
        assert status == 413, body
        assert headers["content-type"] == "application/json"
        assert json.loads(body)["code"] == "payload_too_large"


def _chunked(base_url: str, path: str, size: int) -> tuple[int, dict[str, str], bytes]:
    """POST ``size`` bytes of a JSON body in 64 KiB chunks (no Content-Length)."""
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    data = b'{"pad": "' + b"x" * max(0, size - 11) + b'"}'
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(part), part) for part in (data[i : i + 65536] for i in range(0, len(data), 65536))
    )
    with socket.create_connection(_address(base_url), timeout=10) as sock:
        sock.sendall(head.encode() + b"Connection: close\r\n\r\n")
        with contextlib.suppress(OSError):  # the server may answer and close before reading it all
            sock.sendall(chunks + b"0\r\n\r\n")
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def test_a_chunked_body_counts_against_the_same_limits(live_url: str) -> None:
    for path, limit in [(MEDICAL, 1024 * 1024), (f"{MEDICAL}/batch", 8 * 1024 * 1024)]:
        status, headers, body = _chunked(live_url, path, limit + 1024)
        assert (status, json.loads(body)["code"]) == (413, "payload_too_large"), body[:200]
        assert headers["content-type"] == "application/json"
        status, _, body = _chunked(live_url, path, 1024)  # under the limit: read whole, then validated
        assert (status, json.loads(body)["code"]) == (422, "validation_error"), body[:200]


def test_hostile_bodies_are_4xx_under_gunicorn_too(live_url: str) -> None:
    valid = '{"jurisdiction": "330400", "date": "2023-06-01", "categories": ["subsistence_allowance"], '
    for data, status, code in [
        ("[" * 100_000, 400, "nesting_too_deep"),
        (valid + '"eligible_self_pay": 1e1000000}', 422, "validation_error"),
        (valid + '"eligible_self_pay": "abc", "eligible_self_pay": "10.00"}', 400, "duplicate_key"),
    ]:
        connection = http.client.HTTPConnection(*_address(live_url), timeout=10)
        try:
            connection.request("POST", MEDICAL, body=data.encode(), headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            assert (response.status, json.loads(response.read())["code"]) == (status, code)
        finally:
            connection.close()


def test_errors_gunicorn_answers_itself_are_json_too(live_url: str) -> None:
    status, headers, body = _raw(live_url, b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 414
    assert headers["content-type"] == "application/json"
    assert headers["x-content-type-options"] == "nosniff"
    assert set(json.loads(body)) == {"code", "message", "errors"}


def test_headers_say_nosniff_and_no_version(live_url: str) -> None:
    for method, path, body in SAME_REQUESTS:
        _, headers, _ = _send(live_url, method, path, body)
        named = dict(headers)
        assert named["x-content-type-options"] == "nosniff", path
        assert not any(c.isdigit() for c in named.get("server", "")), named.get("server")
        assert method == "OPTIONS" or named["content-type"].startswith("application/json"), path
    status, headers, _ = _send(live_url, "GET", "/docs", None)
    assert status == 200 and "default-src 'self'" in dict(headers)["content-security-policy"]


def test_the_same_request_gets_the_same_bytes_from_every_worker_and_instance(live_url: str) -> None:
    with served(workers=2) as other, ThreadPoolExecutor(max_workers=4) as pool:
        for method, path, body in SAME_REQUESTS:
            # Fresh connections, four at a time, to both instances: every worker of each answers some.
            jobs = [pool.submit(_send, url, method, path, body) for _ in range(12) for url in (live_url, other)]
            answers = {job.result() for job in jobs}
            assert len(answers) == 1, (method, path, answers)


def _rss(pid: int) -> int:
    """Resident memory of process ``pid`` in bytes (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise LookupError(pid)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads worker memory from /proc")
def test_bad_requests_answer_small_and_leave_the_worker_small() -> None:
    """A megabyte of bad categories and a large bad batch, under gunicorn: answers within four times
    the request and 4 KiB (they were 80 and 42 times), and the worker keeps well under the 1.2 GB it
    used to keep afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "bingpin.api.cli", "serve", "--port", str(port), "--workers", "1"]
    with running(command, port) as master:
        (worker,) = map(int, Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split())
        before = _rss(worker)
        for path, data in [(MEDICAL, bad_categories(1024 * 1024 - 100)), (f"{MEDICAL}/batch", bad_batch())]:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                connection.request("POST", path, body=data, headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                answer = response.read()
            finally:
                connection.close()
            assert response.status in (200, 422) and len(answer) <= 4 * len(data) + 4096, (path, len(answer))
        assert _rss(worker) - before < 300 * 1024 * 1024, (before, _rss(worker))
