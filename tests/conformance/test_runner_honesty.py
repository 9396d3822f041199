"""The runner's reports tell the truth about this run and are safe to use: a replay line runs
nothing but curl, the service's control characters never reach a terminal or junit.xml, a run
that ends early leaves no earlier verdict, and nothing is written through a planted link."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from bingpin.features.conformance.http_client import Exchange
from tests.conformance.altered import proxy, respond
from tests.live import ROOT
from tests.test_conformance import bingpin, load, on_new_year

HOSTILE_ID = "x'$(touch${IFS}pwned)'"
HOSTILE = [HOSTILE_ID, 'a"b`touch pwned`', "back\\slash\\'", "new\nline;touch pwned", "嘉兴$HOME", "it's"]
#: ESC clear-screen, NUL, form feed, DEL, a C1 control, NEL, the line and paragraph separators
#: and a lone surrogate, as JSON escapes.
CONTROLS = "\\u001b[2J\\u0000\\u000c\\u007f\\u009b\\u0085\\u2028\\u2029 ALL SCENARIOS PASSED \\ud800"


def plant_green_verdict(directory: Path) -> None:
    """An earlier run's reports, all green."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "report.json").write_text('{"summary": {"conformant": true}}', encoding="utf-8")
    (directory / "junit.xml").write_text('<testsuites><testsuite name="old" tests="9" failures="0"/></testsuites>')
    (directory / "report.html").write_text("<p>符合（全部核心场景通过）</p>", encoding="utf-8")


def replayed(line: str, work: Path) -> list[str]:
    """Run ``line`` in bash with a fake curl first on PATH; the words curl was given."""
    (work / "bin").mkdir(exist_ok=True)
    fake = work / "bin" / "curl"
    fake.write_text('#!/bin/sh\nfor word in "$@"; do printf \'%s\\0\' "$word"; done > "$RECORD"\n', encoding="utf-8")
    fake.chmod(0o755)
    record = work / "record"
    env = {**os.environ, "PATH": f"{work / 'bin'}{os.pathsep}{os.environ['PATH']}", "RECORD": str(record)}
    subprocess.run(["bash", "-c", line], cwd=work, env=env, check=True, timeout=30)
    return record.read_text(encoding="utf-8").split("\0")[:-1]


def test_a_replay_line_parses_to_the_same_url_and_body_and_runs_nothing_else(tmp_path: Path) -> None:
    for hostile in HOSTILE:
        url = f"http://127.0.0.1:9/v1/parameters/{hostile}:x?date={hostile}"
        body = {"jurisdiction": hostile, "categories": [hostile, "嘉兴", "\ud800"]}
        line = Exchange("POST", url, body, 200, {}).curl()
        words = shlex.split(line)
        assert words[:5] == ["curl", "-sS", "-X", "POST", url]
        assert words[5:10] == ["-H", "Accept: application/json", "-H", "Content-Type: application/json", "-d"]
        assert json.loads(words[10]) == body
        assert replayed(line, tmp_path) == words[1:]
        got = shlex.split(Exchange("GET", url, None, 200, {}).curl())
        assert got == ["curl", "-sS", "-X", "GET", url, "-H", "Accept: application/json"]
    assert not (tmp_path / "pwned").exists()


def hostile_policy_id(handler: BaseHTTPRequestHandler, sent: Any, status: int, body: bytes) -> bool:
    """嵊州's policy id in GET /v1/jurisdictions becomes a shell command."""
    if not handler.path.startswith("/v1/jurisdictions") or status != 200:
        return False
    payload = json.loads(body)
    for jurisdiction in payload:
        if jurisdiction["name"] == "嵊州市":
            jurisdiction["policy"]["id"] = HOSTILE_ID
    respond(handler, status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    return True


def test_the_replay_line_of_a_hostile_policy_id_runs_nothing_when_pasted(live_url: str, tmp_path: Path) -> None:
    report = tmp_path / "report"
    with proxy(live_url, hostile_policy_id) as hostile:
        result = bingpin(
            "conformance", "--base-url", hostile, "--tags", "id:SZ-OD-001", "--verbose", "--report", str(report)
        )
    assert result.returncode == 0, result.stdout + result.stderr  # SZ-OD-001 is @optional: --verbose shows all
    (failed,) = [s for s in load(report)["scenarios"] if s["status"] == "failed"]
    line = failed["failure"]["curl"]
    assert f"  replay:   {line}\n" in result.stdout
    (url,) = [w for w in shlex.split(line) if w.startswith("http")]
    assert url == failed["failure"]["request"]["url"]
    assert replayed(line, tmp_path)[3] == url
    assert not (tmp_path / "pwned").exists() and not (ROOT / "pwned").exists()


def control_characters(handler: BaseHTTPRequestHandler, sent: Any, status: int, body: bytes) -> bool:
    """JX-IF-001 (2022-12-31) refused with a code full of control characters; JX-IF-002 (2023-01-01)
    answered with a lone surrogate in its amount."""
    if not handler.path.endswith("/medical-assistance") or not isinstance(sent, dict):
        return False
    if sent.get("date") == "2022-12-31":
        respond(handler, 422, f'{{"code": "{CONTROLS}"}}'.encode())
        return True
    if on_new_year(handler.path, sent):
        respond(handler, 200, b'{"eligible": true, "amount": "\\ud800", "ratio": "0.90"}')
        return True
    return False


def test_control_characters_and_a_lone_surrogate_reach_neither_the_console_nor_junit_xml(
    live_url: str, tmp_path: Path
) -> None:
    report = tmp_path / "report"
    plant_green_verdict(report)
    with proxy(live_url, control_characters) as hostile:
        result = bingpin("conformance", "--base-url", hostile, "--tags", "clause:三", "--report", str(report))
    assert result.returncode == 1, result.stdout + result.stderr
    for raw in ("\x1b", "\x00", "\x0c", "\x7f", "\x9b", "\x85", "\u2028", "\u2029"):
        assert raw not in result.stdout + result.stderr
    assert "\\x1b[2J" in result.stdout and "\\u2028\\u2029" in result.stdout  # shown, not acted on
    shown = [line for line in result.stdout.splitlines() if "ALL SCENARIOS PASSED" in line]
    assert shown and all(line.startswith(("  check:", "  answer:")) for line in shown)  # never a line of its own
    failed = {s["id"]: s for s in load(report)["scenarios"] if s["status"] == "failed"}
    assert set(failed) == {"JX-IF-001", "JX-IF-002"}
    assert failed["JX-IF-002"]["failure"]["response"]["body"]["amount"] == "\ud800"  # the answer, as it came
    junit = ET.parse(report / "junit.xml")  # parses: no NUL, ESC or form feed in it
    text = ET.tostring(junit.getroot(), encoding="unicode")
    assert "\\x1b[2J" in text and "\x1b" not in text and 'failures="0"' not in text
    html = (report / "report.html").read_text(encoding="utf-8")
    assert not {"\x1b", "\x85", "\u2028", "\u2029"} & set(html) and "符合（全部核心场景通过）" not in html


def test_a_run_that_crashes_exits_70_and_leaves_no_earlier_verdict(tmp_path: Path) -> None:
    report = tmp_path / "report"
    plant_green_verdict(report)
    crash = (
        "import sys\n"
        "from bingpin.features.conformance import report\n"
        "def broken(*args):\n"
        "    raise RuntimeError('disk on fire')\n"
        "report.write_html = broken\n"
        "from bingpin.api.cli import main\n"
        f"sys.exit(main(['conformance', '--tags', 'id:JX-IF-002', '--report', {str(report)!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", crash], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 70, result.stderr
    assert "internal error (RuntimeError: disk on fire" in result.stderr
    assert "Traceback" not in result.stderr and "reinstall" not in result.stderr
    assert not report.exists()
    assert os.listdir(tmp_path) == []  # nor half-written reports beside it


def test_a_run_that_does_not_start_leaves_no_earlier_verdict(tmp_path: Path) -> None:
    """A service that does not answer (69), a waiver or a selection naming no scenario (2): the
    earlier run's green reports stayed in place, looking current."""
    waivers = tmp_path / "waivers.txt"
    waivers.write_text("XX-NO-001 no such scenario\n", encoding="utf-8")
    for extra, code in (
        (["--base-url", "http://127.0.0.1:9"], 69),
        (["--tags", "id:NO-SUCH-001"], 2),
        (["--waive", str(waivers)], 2),
    ):
        report = tmp_path / "report"
        plant_green_verdict(report)
        result = bingpin("conformance", *extra, "--report", str(report))
        assert result.returncode == code, result.stderr
        assert not report.exists(), extra
        assert [name for name in os.listdir(tmp_path) if name != "waivers.txt"] == []


def test_the_report_directory_is_never_written_through_a_planted_link(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "report.json").write_text("precious", encoding="utf-8")
    link = tmp_path / "linked"
    link.symlink_to(elsewhere)
    refused = bingpin("conformance", "--tags", "id:JX-IF-002", "--report", str(link))
    assert refused.returncode == 2 and "symbolic link" in refused.stderr
    report = tmp_path / "report"
    report.mkdir()
    (report / "report.json").symlink_to(elsewhere / "report.json")
    result = bingpin("conformance", "--tags", "id:JX-IF-002", "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "report.json").read_text(encoding="utf-8") == "precious"
    assert not (report / "report.json").is_symlink() and load(report)["summary"]["conformant"]


def test_an_empty_report_path_or_a_directory_of_other_files_is_a_usage_error(tmp_path: Path) -> None:
    empty = bingpin("conformance", "--tags", "id:JX-IF-002", "--report", "")
    assert empty.returncode == 2 and "--report needs a directory" in empty.stderr
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    foreign = bingpin("conformance", "--tags", "id:JX-IF-002", "--report", str(tmp_path))
    assert foreign.returncode == 2 and "holds other files than the reports (notes.txt)" in foreign.stderr
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def numbers_for_jurisdictions(handler: BaseHTTPRequestHandler, sent: Any, status: int, body: bytes) -> bool:
    """GET /v1/jurisdictions answers a JSON list, of numbers."""
    if not handler.path.startswith("/v1/jurisdictions") or status != 200:
        return False
    respond(handler, 200, b"[1, 2, 3]")
    return True


def test_reference_data_in_another_shape_fails_saying_so_with_its_replay_line(live_url: str, tmp_path: Path) -> None:
    report = tmp_path / "report"
    with proxy(live_url, numbers_for_jurisdictions) as hostile:
        result = bingpin("conformance", "--base-url", hostile, "--tags", "id:JX-IF-002", "--report", str(report))
    assert result.returncode == 1, result.stdout + result.stderr
    (failed,) = [s for s in load(report)["scenarios"] if s["status"] == "failed"]
    failure = failed["failure"]
    assert failure["expected"].startswith("参考数据无法使用 / reference data not usable: [0].code 应为文本")
    assert "subscriptable" not in result.stdout + failure["message"]
    assert failure["response"] == {"status": 200, "body": [1, 2, 3]}
    assert shlex.split(failure["curl"])[3:5] == ["GET", f"{hostile}/v1/jurisdictions"]
    assert f"  replay:   {failure['curl']}\n" in result.stdout
