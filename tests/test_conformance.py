"""The conformance runner, proven over real HTTP: it passes the reference service under
gunicorn, fails a deliberately wrong one and names the scenario, honours waivers, and its
diff exits non-zero on a regression."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bingpin.features.conformance import suite
from bingpin.features.conformance.plugin import Selection
from tests.conformance.altered import altered
from tests.live import ROOT

SCHEMA = json.loads((ROOT / "docs" / "conformance-report.schema.json").read_text(encoding="utf-8"))


def bingpin(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "bingpin.api.cli", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def load(directory: Path) -> dict[str, Any]:
    report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, SCHEMA)
    return report


def on_new_year(path: str, body: Any) -> bool:
    """Only the answer of JX-IF-002 (嘉兴, 2023-01-01) is altered."""
    return path.endswith("/medical-assistance") and isinstance(body, dict) and body.get("date") == "2023-01-01"


@pytest.fixture(scope="module")
def passing(live_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    directory = tmp_path_factory.mktemp("pass")
    result = bingpin("conformance", "--base-url", live_url, "--policy", "jiaxing", "--report", str(directory))
    return result, directory


@pytest.fixture(scope="module")
def failing(live_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    directory = tmp_path_factory.mktemp("fail")
    with altered(live_url, on_new_year, "amount", "8999.99") as wrong:
        result = bingpin("conformance", "--base-url", wrong, "--policy", "jiaxing", "--report", str(directory))
    return result, directory


def test_the_reference_service_under_gunicorn_conforms(passing: tuple[Any, Path]) -> None:
    result, directory = passing
    assert result.returncode == 0, result.stdout + result.stderr
    report = load(directory)
    assert report["summary"]["conformant"] is True
    assert report["summary"]["core"]["failed"] == 0
    assert report["summary"]["core"]["passed"] > 50
    assert report["target"]["kind"] == "http"
    assert report["suite"]["version"] == suite.version()
    assert "CONFORMANT" in result.stdout
    assert "/" in result.stderr  # the progress line


def test_a_wrong_answer_fails_and_the_report_names_the_scenario(failing: tuple[Any, Path]) -> None:
    result, directory = failing
    assert result.returncode == 1
    report = load(directory)
    failed = [s for s in report["scenarios"] if s["status"] == "failed"]
    assert [s["id"] for s in failed] == ["JX-IF-002"]
    failure = failed[0]["failure"]
    assert failure["response"]["body"]["amount"] == "8999.99"
    assert failure["request"]["body"]["date"] == "2023-01-01"
    assert failure["curl"].startswith("curl ")
    assert "9000.00" in failure["expected"]
    assert "FAILED JX-IF-002" in result.stdout


def test_the_junit_and_html_reports_name_the_failure(failing: tuple[Any, Path]) -> None:
    _, directory = failing
    tree = ET.parse(directory / "junit.xml")
    failures = [case.get("name") for case in tree.iter("testcase") if case.find("failure") is not None]
    assert len(failures) == 1 and failures[0].startswith("JX-IF-002")
    html = (directory / "report.html").read_text(encoding="utf-8")
    assert 'id="JX-IF-002"' in html
    assert "8999.99" in html
    assert "<script" not in html


def test_a_waived_failure_is_reported_as_waived_not_passed(live_url: str, tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.txt"
    waivers.write_text("# known\nJX-IF-002 our 2023-01-01 rollover is fixed in release 4.2\n", encoding="utf-8")
    with altered(live_url, on_new_year, "amount", "8999.99") as wrong:
        result = bingpin(
            "conformance",
            "--base-url",
            wrong,
            "--tags",
            "clause:三",
            "--waive",
            str(waivers),
            "--report",
            str(tmp_path),
        )
    assert result.returncode == 0, result.stdout + result.stderr
    report = load(tmp_path)
    (waived,) = [s for s in report["scenarios"] if s["status"] == "waived"]
    assert waived["id"] == "JX-IF-002"
    assert waived["waiver"].startswith("our 2023-01-01")
    assert report["summary"]["core"]["waived"] == 1


def on_longgang_start(path: str, body: Any) -> bool:
    """Only 龙港's answers for 2022-01-01 (LG-IF-002, resting on the choice LG-AMB-001) are altered."""
    return path.endswith("/medical-assistance") and isinstance(body, dict) and body.get("date") == "2022-01-01"


def test_an_optional_failure_names_the_register_entry_it_rests_on(live_url: str, tmp_path: Path) -> None:
    with altered(live_url, on_longgang_start, "eligible", False) as wrong:
        result = bingpin(
            "conformance", "--base-url", wrong, "--policy", "longgang", "--tags", "clause:四", "--report", str(tmp_path)
        )
    assert result.returncode == 0, result.stdout + result.stderr
    report = load(tmp_path)
    (failed,) = [s for s in report["scenarios"] if s["status"] == "failed"]
    assert (failed["id"], failed["tier"]) == ("LG-IF-002", "optional")
    assert [(a["id"], a["kind"]) for a in failed["rests_on"]] == [("LG-AMB-001", "choice")]
    assert report["summary"]["conformant"] is True
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "所依据的歧义登记 LG-AMB-001（choice）" in html


def test_diff_lists_the_regression_and_exits_non_zero(passing: tuple[Any, Path], failing: tuple[Any, Path]) -> None:
    old, new = passing[1] / "report.json", failing[1] / "report.json"
    result = bingpin("conformance", "diff", str(old), str(new))
    assert result.returncode == 1
    assert "newly failing: 1" in result.stdout
    assert "JX-IF-002" in result.stdout
    assert "REGRESSION" in result.stdout
    back = bingpin("conformance", "diff", str(new), str(old))
    assert back.returncode == 0
    assert "newly passing: 1" in back.stdout


def test_selection_by_jurisdiction_and_tags() -> None:
    tags = {"jiaxing", "core", "id:JX-MA-001", "clause:二(二)7"}
    assert Selection(policies=["jiaxing"]).matches(tags)
    assert not Selection(policies=["chengkou"]).matches(tags)
    assert Selection(tags=["@core", "clause:二(二)7"]).matches(tags)
    assert not Selection(tags=["~core"]).matches(tags)
    assert not Selection(tags=["optional"]).matches(tags)


def test_the_manifest_hash_changes_when_a_scenario_changes() -> None:
    entries = suite.manifest()
    assert len({e.id for e in entries}) == len(entries)
    altered_entries = [*entries[:-1], type(entries[-1])(**{**entries[-1].__dict__, "hash": "0" * 16})]
    assert suite.manifest_hash(altered_entries) != suite.manifest_hash(entries)


def test_every_quoted_clause_is_found_in_the_policy_text() -> None:
    assert [c for c in suite.clause_check() if c["status"] != "ok"] == []
