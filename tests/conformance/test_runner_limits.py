"""Every answer is bounded in size and time, in the reachability check and in the run: a trickle,
an endless or huge answer, a service that stops answering, garbage HTTP, deep JSON and redirects
to another host each cost at most the limits and end in one line and an exit code that means it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from bingpin.features.conformance.fetch import Limits
from bingpin.features.conformance.http_client import Client, ExchangeError, unreachable
from tests.conformance.altered import proxy, respond
from tests.conformance.hostile import endless_chunked, head, json_answer, raw_server, sends, silent, trickle
from tests.conformance.test_runner_honesty import plant_green_verdict
from tests.live import ROOT
from tests.test_conformance import bingpin, load, on_new_year

QUICK = Limits(max_bytes=100_000, timeout=1.5)
SECRET = b'[{"code": "330400", "name": "internal-only secret", "policy": {"id": "x"}}]'
DEEP = b"[" * 1_000_000 + b"]" * 1_000_000


def redirect_to(location: str) -> Callable[[socket.socket], None]:
    return sends(head("302 Found", f"Location: {location}", "Content-Length: 0"))


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (sends(b"\x1b[2J garbage \x00\r\n\r\n"), "not a valid HTTP answer"),
        (sends(head("200 OK", *(f"X-{i}: y" for i in range(150)))), "got more than 100 headers"),
        (sends(b"HTTP/1.1 200 OK\r\nX: " + b"y" * 70000 + b"\r\n\r\n"), "not a valid HTTP answer"),
        (sends(json_answer(b"[" * 20_000 + b"]" * 20_000)), "nested deeper than 64 levels"),
        (sends(json_answer(b"[" + b" " * 200_000 + b"]")), "answer larger than 100000 bytes"),
        (endless_chunked, "answer larger than 100000 bytes"),
        (trickle, "no complete answer within 1.5 s"),
        (silent, "no complete answer within 1.5 s"),
        (sends(json_answer(b'{"not": "a list"}')), "did not answer a JSON list"),
        (redirect_to("ftp://127.0.0.1/v1/jurisdictions"), "answered HTTP 302"),
        (sends(json_answer(b"[NaN]")), "NaN is not a JSON number"),
        (sends(json_answer(b'[{"code": -Infinity}]')), "-Infinity is not a JSON number"),
        (sends(head("200 OK", "Content-Length: -1") + b"[]"), "Content-Length must be one non-negative integer"),
        (sends(head("200 OK", "Content-Length: +2") + b"[]"), "Content-Length must be one non-negative integer"),
        (
            sends(head("200 OK", "Content-Length: 2", "Content-Length: 9") + b"[]"),
            "Content-Length must be one non-negative integer, not '2', '9'",
        ),
    ],
)
def test_the_reachability_check_answers_every_bad_service_in_one_line_within_the_limits(
    answer: Callable[[socket.socket], None], says: str
) -> None:
    with raw_server(answer) as url:
        started = time.monotonic()
        problem = unreachable(url, QUICK)
    assert problem is not None and says in problem and "\n" not in problem
    assert time.monotonic() - started < 15  # the deadline is 1.5 s; a trickle used to run forever


def test_a_redirect_is_followed_on_the_same_host_but_never_to_another() -> None:
    with raw_server(sends(json_answer(SECRET))) as other:
        for elsewhere in (other.replace("127.0.0.1", "localhost"), other):  # another host name, another port
            with raw_server(redirect_to(f"{elsewhere}/v1/jurisdictions")) as service:
                assert unreachable(service, QUICK) == (
                    f"{service}/v1/jurisdictions answered HTTP 302; the suite needs GET /v1/jurisdictions "
                    "(see the OpenAPI document)"
                )
    asked: list[int] = []

    def moved_once(connection: socket.socket) -> None:
        asked.append(1)
        if len(asked) == 1:
            redirect_to("/v1/jurisdictions?moved=1")(connection)
        else:
            connection.sendall(json_answer(SECRET))

    with raw_server(moved_once) as service:
        assert unreachable(service, QUICK) is None
    assert len(asked) == 2


def test_the_command_line_gives_one_line_and_exit_69_for_a_garbage_or_deep_service(tmp_path: Path) -> None:
    for answer in (
        sends(b"garbage\r\n\r\n"),
        sends(json_answer(DEEP)),
        sends(json_answer(b"[NaN]")),
        sends(head("200 OK", "Content-Length: 2", "Content-Length: 2") + b"[]"),
    ):
        with raw_server(answer) as url:
            result = bingpin("conformance", "--base-url", url, "--report", str(tmp_path / "report"))
        assert result.returncode == 69, result.stderr
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"bingpin conformance: {url}/v1/jurisdictions: ")
    assert not (tmp_path / "report").exists()


def misbehave_on_new_year(answer: Callable[[socket.socket], None]) -> Callable[..., bool]:
    """JX-IF-002's calculation gets ``answer`` (raw, on the socket); every other request the reference's."""

    def hook(handler: BaseHTTPRequestHandler, sent: Any, status: int, body: bytes) -> bool:
        if not on_new_year(handler.path, sent):
            return False
        answer(handler.connection)
        handler.close_connection = True
        return True

    return hook


#: The child's own peak (VmHWM: ``ru_maxrss`` would carry over the test process's size across exec).
PEAK = (
    "import re, sys\nfrom pathlib import Path\nfrom bingpin.api.cli import main\ncode = main(sys.argv[1:])\n"
    "status = Path('/proc/self/status').read_text()\n"
    "print(re.search(r'VmHWM:\\s+(\\d+) kB', status)[1], file=sys.stderr)\nsys.exit(code)\n"
)


def rss_run(*args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """``bingpin ARGS`` in a child that reports its peak memory (kB) on its last stderr line."""
    result = subprocess.run(
        [sys.executable, "-c", PEAK, *args], capture_output=True, text=True, timeout=600, check=False
    )
    return result, int(result.stderr.split()[-1])


def test_an_endless_answer_costs_the_size_limit_and_fails_its_scenario(live_url: str, tmp_path: Path) -> None:
    with proxy(live_url, misbehave_on_new_year(endless_chunked)) as hostile:
        result, peak = rss_run(
            "conformance", "--base-url", hostile, "--tags", "id:JX-IF-002", "--report", str(tmp_path / "r")
        )
    assert result.returncode == 1, result.stderr
    assert "  check:    answer larger than 4194304 bytes (--max-answer-bytes)" in result.stdout
    assert peak < 400_000, f"{peak} kB"  # an endless answer used to take 3.75 GB in 9 s
    assert "reinstall" not in result.stderr


def test_an_answer_with_nan_fails_its_scenario_with_the_reason(live_url: str, tmp_path: Path) -> None:
    nan = sends(json_answer(b'{"eligible": true, "amount": NaN, "ratio": "0.90"}'))
    with proxy(live_url, misbehave_on_new_year(nan)) as hostile:
        result = bingpin(
            "conformance", "--base-url", hostile, "--tags", "id:JX-IF-002", "--report", str(tmp_path / "r")
        )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "  check:    answer is not valid JSON: NaN is not a JSON number" in result.stdout
    (failed,) = load(tmp_path / "r")["scenarios"]
    assert failed["status"] == "failed" and "NaN" in failed["failure"]["response"]["body"]["unparsed"]


def test_a_success_answer_that_is_not_json_fails_its_scenario(live_url: str, tmp_path: Path) -> None:
    """A 200 whose body is cut short was kept as ``{"unparsed": ...}``, on which a check that
    something is absent passed (WZ-IN-005, @core: exit 0, conformant)."""

    def cut(handler: BaseHTTPRequestHandler, sent: Any, status: int, body: bytes) -> bool:
        if not handler.path.startswith("/v1/calculations/indicators"):
            return False
        respond(handler, status, body[:-5])
        return True

    with proxy(live_url, cut) as broken:
        result = bingpin("conformance", "--base-url", broken, "--tags", "id:WZ-IN-005", "--report", str(tmp_path / "r"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "  check:    answer is not valid JSON" in result.stdout


def test_an_answer_without_its_list_fails_a_check_that_something_is_absent_from_it(
    live_url: str, tmp_path: Path
) -> None:
    """A service answering ``{"amount": "1.00"}`` to an indicators request passed "不应计算指标…"."""

    def bare(handler: BaseHTTPRequestHandler, sent: Any, status: int, body: bytes) -> bool:
        if not handler.path.startswith("/v1/calculations/indicators"):
            return False
        respond(handler, 200, b'{"amount": "1.00"}')
        return True

    with proxy(live_url, bare) as broken:
        result = bingpin("conformance", "--base-url", broken, "--tags", "id:WZ-IN-005", "--report", str(tmp_path / "r"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "答复中没有列表 indicators" in result.stdout


def test_a_trickled_answer_is_cut_at_the_deadline(live_url: str, tmp_path: Path) -> None:
    with proxy(live_url, misbehave_on_new_year(trickle)) as hostile:
        started = time.monotonic()
        result = bingpin(
            "conformance",
            "--base-url",
            hostile,
            "--tags",
            "id:JX-IF-002",
            "--answer-timeout",
            "2",
            "--report",
            str(tmp_path / "r"),
        )
    assert result.returncode == 1, result.stderr
    assert "  check:    no complete answer within 2 s (--answer-timeout)" in result.stdout
    assert "  answer:   none" in result.stdout
    assert time.monotonic() - started < 45  # the trickle goes on for 60 s


def every_calculation_answers_5_mb(handler: BaseHTTPRequestHandler, sent: Any, status: int, body: bytes) -> bool:
    if "/calculations/" not in handler.path:
        return False
    respond(handler, 200, json.dumps({"amount": "1.00", "padding": "x" * 5_000_000}).encode())
    return True


def test_a_jiaxing_run_with_5_mb_answers_completes_with_small_reports(live_url: str, tmp_path: Path) -> None:
    report = tmp_path / "report"
    with proxy(live_url, every_calculation_answers_5_mb) as hostile:
        result, peak = rss_run("conformance", "--base-url", hostile, "--policy", "jiaxing", "--report", str(report))
    assert result.returncode == 1, result.stderr[-2000:]
    scenarios = load(report)["scenarios"]
    failed = [s for s in scenarios if s["status"] == "failed"]
    assert len(failed) > 50
    assert all(s["failure"]["expected"].startswith("answer larger than 4194304 bytes") for s in failed)
    assert (report / "report.json").stat().st_size < 5_000_000
    assert peak < 400_000, f"{peak} kB"  # 5 MB answers used to end in MemoryError


def test_a_service_that_stops_answering_ends_the_run_with_69_and_no_verdict(live_url: str, tmp_path: Path) -> None:
    report = tmp_path / "report"
    plant_green_verdict(report)

    def calculations_hang(handler: BaseHTTPRequestHandler, sent: Any, status: int, body: bytes) -> bool:
        if "/calculations/" not in handler.path:
            return False
        silent(handler.connection)
        return True

    with proxy(live_url, calculations_hang) as hostile:
        started = time.monotonic()
        result = bingpin(
            "conformance",
            "--base-url",
            hostile,
            "--policy",
            "jiaxing",
            "--answer-timeout",
            "1",
            "--give-up-after",
            "3",
            "--report",
            str(report),
        )
    assert result.returncode == 69, result.stdout + result.stderr
    assert "the service stopped answering: 3 requests in a row got no complete answer" in result.stderr
    assert "no report written" in result.stderr
    assert not report.exists()
    assert time.monotonic() - started < 60  # not 30 s a scenario for 150 scenarios


def test_answers_not_complete_within_the_deadline_count_towards_giving_up_and_say_so() -> None:
    """A trickle answers something, but never all of it in time: it counts, and the words say so."""
    reasons: list[str] = []
    with raw_server(trickle) as url:
        client = Client(base_url=url, limits=QUICK, give_up_after=2, stop=reasons.append)
        for _ in range(2):
            with pytest.raises(ExchangeError):
                client.get("/v1/jurisdictions")
    (reason,) = reasons
    assert reason.startswith(
        "2 requests in a row got no complete answer (none at all, or none complete within --answer-timeout), "
        "the last: no complete answer within 1.5 s"
    )
    shown = " ".join(bingpin("conformance", "--help").stdout.split())
    guide = " ".join((ROOT / "docs" / "vendors.md").read_text(encoding="utf-8").split())
    assert "no complete answer: none at all, or none complete within --answer-timeout" in shown
    assert "or none complete within `--answer-timeout`" in guide and "no answer at all" not in guide


def test_the_limits_are_options_documented_in_help() -> None:
    result = bingpin("conformance", "--help")
    for text in ("--answer-timeout", "--max-answer-bytes", "--give-up-after", "default 10", "4194304"):
        assert text in result.stdout
    bad = bingpin("conformance", "--max-answer-bytes", "-1")
    assert bad.returncode == 2 and "invalid positive int value" in bad.stderr
