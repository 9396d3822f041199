"""The service as a user runs it: `bingpin serve` under gunicorn, over real HTTP."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.live import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_example() -> tuple[str, dict, dict]:
    curl = re.search(r"```sh\n(curl .+?)\n```", README, re.S)
    answer = re.search(r"The answer[^\n]*\n\n```json\n(.+?)\n```", README, re.S)
    assert curl and answer, "README has a curl example followed by its answer"
    command = curl.group(1).replace("\\\n", " ")
    url = re.search(r"(http://\S+)", command)
    body = re.search(r"-d '(.+?)'", command)
    assert url and body
    return url.group(1), json.loads(body.group(1)), json.loads(answer.group(1))


def test_the_readme_example_answers_as_shown(live_url: str) -> None:
    url, body, shown = _readme_example()
    assert url.startswith("http://127.0.0.1:8000/"), "the README shows the default address"
    request = urllib.request.Request(
        url.replace("http://127.0.0.1:8000", live_url),
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert json.loads(response.read()) == shown


def test_the_server_sends_no_version_banner_and_json_errors(live_url: str) -> None:
    request = urllib.request.Request(f"{live_url}/v1/calculations/medical-assistance", method="GET")
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 405
        assert error.headers["Content-Type"] == "application/json"
        assert json.loads(error.read())["code"] == "method_not_allowed"
        assert not re.search(r"\d", error.headers.get("Server", ""))
    else:
        raise AssertionError("GET on a calculation must be 405")


def test_the_jiaxing_features_pass_over_real_http(live_url: str, tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/step_defs",
        "-m",
        "jiaxing",
        "-q",
        "-p",
        "no:cacheprovider",
        "--base-url",
        live_url,
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert re.search(r"\d+ passed", result.stdout)


def test_the_readme_comparison_answers_as_shown(live_url: str) -> None:
    curls = re.findall(r"```sh\n(curl .+?)\n```", README, re.S)
    shown = re.search(r"The answer's `headline`[^`]*`table`[^\n]*\n(?:[^\n]*\n)*?\n```json\n(.+?)\n```", README, re.S)
    comparison = [c for c in curls if "/v1/comparisons/" in c]
    assert comparison and shown, "README shows a comparison call and its table"
    command = comparison[0].replace("\\\n", " ")
    url = re.search(r"(http://\S+)", command)
    body = re.search(r"-d '(.+?)'", command)
    assert url and body
    request = urllib.request.Request(
        url.group(1).replace("http://127.0.0.1:8000", live_url),
        data=body.group(1).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read())
    expected = json.loads(shown.group(1))
    assert {key: answer[key] for key in expected} == expected
