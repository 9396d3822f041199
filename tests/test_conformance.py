"""The conformance runner, proven over real HTTP: it passes the reference service under
gunicorn, fails a deliberately wrong one and names the scenario, honours waivers, and its
diff exits non-zero on a regression."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bingpin.api.catalog import results
from bingpin.api.catalog.features import load_features
from bingpin.features.conformance import report as reports
from bingpin.features.conformance import suite
from bingpin.features.conformance.cli import DEFAULT_REPORT, WaiverError, read_waivers
from bingpin.features.conformance.grammar import Context, StepError, json_path
from bingpin.features.conformance.http_client import Client, Exchange
from bingpin.features.conformance.plugin import Selection
from tests.conformance.altered import altered
from tests.live import ROOT

SCHEMA = json.loads(reports.SCHEMA_FILE.read_text(encoding="utf-8"))


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
            str(tmp_path / "report"),
        )
    assert result.returncode == 0, result.stdout + result.stderr
    report = load(tmp_path / "report")
    (waived,) = [s for s in report["scenarios"] if s["status"] == "waived"]
    assert waived["id"] == "JX-IF-002"
    assert waived["waiver"].startswith("our 2023-01-01")
    assert report["summary"]["core"]["waived"] == 1


def test_a_waiver_for_a_scenario_that_passes_is_reported_stale_and_never_counted_as_passed(
    live_url: str, tmp_path: Path
) -> None:
    waivers = tmp_path / "waivers.txt"
    waivers.write_text("JX-IF-002 our 2023-01-01 rollover is fixed in release 4.2\n", encoding="utf-8")
    directory = tmp_path / "report"
    result = bingpin(
        "conformance",
        "--base-url",
        live_url,
        "--tags",
        "clause:三",
        "--waive",
        str(waivers),
        "--report",
        str(directory),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = load(directory)
    (stale,) = [s for s in report["scenarios"] if s["id"] == "JX-IF-002"]
    assert stale["status"] == "stale_waiver" and stale["waiver"].startswith("our 2023-01-01")
    core = report["summary"]["core"]
    assert core["stale_waiver"] == 1
    assert core["passed"] + core["stale_waiver"] == core["total"]
    assert f"STALE WAIVER JX-IF-002: passes now; remove it from {waivers}" in result.stdout
    assert "1 stale waivers" in result.stdout
    junit = ET.parse(directory / "junit.xml")
    (case,) = [c for c in junit.iter("testcase") if (c.get("name") or "").startswith("JX-IF-002")]
    assert "stale waiver" in (case.findtext("system-out") or "")


def test_the_summary_comes_first_then_core_failures_by_clause_and_field_each_with_its_replay(
    failing: tuple[Any, Path],
) -> None:
    result, _ = failing
    lines = result.stdout.splitlines()
    assert lines[0].startswith("core: ") and "1 failed" in lines[0] and "; optional: " in lines[0]
    assert lines[1].startswith("NOT CONFORMANT")
    start = lines.index("CORE FAILURES: 1, by clause and answer field (amount 1)")
    assert lines[start + 1 : start + 4] == [
        "== 嘉兴市 嘉政办发〔2022〕58号 · clause 三: 1 failed",
        "-- amount: 1",
        "FAILED JX-IF-002 [core] 自2023年1月1日起按本办法计算",
    ]
    assert "OPTIONAL" not in result.stdout and lines[-1].startswith("NOT CONFORMANT; core: 1 failed; reports in ")
    block = result.stdout.split("FAILED JX-IF-002", 1)[1].split("\nFAILED", 1)[0]
    assert "  step:     而且 医疗救助金额应为 9000.00 元" in block
    assert "  check:    amount 应为 9000.00，实际为 '8999.99'" in block
    assert '"amount": "8999.99"' in block  # the answer received
    assert "  replay:   curl -sS -X POST" in block


def test_a_dead_base_url_is_one_line_and_exit_69_before_any_scenario(tmp_path: Path) -> None:
    from tests.live import free_port

    result = bingpin("conformance", "--base-url", f"http://127.0.0.1:{free_port()}", "--report", str(tmp_path))
    assert result.returncode == 69
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("bingpin conformance: cannot reach http://127.0.0.1:") and "/v1/jurisdictions" in line
    assert not (tmp_path / "report.json").exists()


def test_a_base_url_that_is_not_http_is_refused_as_usage(tmp_path: Path) -> None:
    report = tmp_path / "report"
    for url in ("127.0.0.1:8000", "ftp://127.0.0.1/"):
        result = bingpin("conformance", "--base-url", url, "--report", str(report))
        assert result.returncode == 2
        assert "must start with http:// or https://" in result.stderr
    assert not report.exists()  # a run refused before it starts leaves no report directory


def test_an_unknown_policy_is_refused_as_usage_naming_the_known_ones(tmp_path: Path) -> None:
    result = bingpin("conformance", "--policy", "atlantis", "--report", str(tmp_path / "report"))
    assert result.returncode == 2
    assert result.stderr.startswith("unknown --policy atlantis: one of jiaxing, wenzhou, longgang")


def test_member_labels_count_from_zero_as_the_json_does() -> None:
    assert json_path("members[{index}].relief", "1") == "members[0].relief"
    assert json_path("members[{index}].self_pay_after", "3") == "members[2].self_pay_after"
    assert json_path("indicators[id={index}].value", "A1") == "indicators[id=A1].value"
    context = Context(Client(base_url="http://127.0.0.1:9"))
    context.exchange = Exchange("POST", "/", {}, 200, {"members": [{"relief": "1.00"}]})
    with pytest.raises(StepError, match=r"^答复中没有第 2 项（members\[1\]）"):
        context.resolve("members[{index}].relief", "2")
    with pytest.raises(StepError, match=r"^答复中缺少字段 nope（members\[0\]\.nope）"):
        context.resolve("members[{index}].nope", "1")


def test_a_wrong_second_member_is_reported_at_its_json_index(live_url: str, tmp_path: Path) -> None:
    """第2位成员 of JX-HC-011 is members[1] in the answer, and the failure names members[1]."""

    def household(path: str, body: Any) -> bool:
        return path.endswith("/high-cost-relief") and [m["self_pay"] for m in body["members"]] == [
            "28000.00",
            "26000.00",
        ]

    members = [
        {"eligible": True, "relief": "2074.07", "self_pay_after": "25925.93"},
        {"eligible": True, "relief": "1.00", "self_pay_after": "24074.07"},
    ]
    with altered(live_url, household, "members", members) as wrong:
        result = bingpin("conformance", "--base-url", wrong, "--tags", "id:JX-HC-011", "--report", str(tmp_path))
    assert result.returncode == 0  # JX-HC-011 is @optional
    (failed,) = [s for s in load(tmp_path)["scenarios"] if s["status"] == "failed"]
    assert failed["failure"]["step"] == "而且 第2位成员化解金额应为 1925.93 元"
    assert failed["failure"]["expected"] == "members[1].relief 应为 1925.93，实际为 '1.00'"


def on_longgang_start(path: str, body: Any) -> bool:
    """Only 龙港's answers for 2022-01-01 (LG-IF-002, resting on the choice LG-AMB-001) are altered."""
    return path.endswith("/medical-assistance") and isinstance(body, dict) and body.get("date") == "2022-01-01"


def test_an_optional_failure_names_its_register_entry_and_is_one_line_and_a_junit_skip(
    live_url: str, tmp_path: Path
) -> None:
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
    # The console: one line, with the check and the register entry; the replay line only with --verbose.
    check = failed["failure"]["expected"]
    assert f"OPTIONAL LG-IF-002 [四] eligible: {check}; rests on LG-AMB-001 (choice)\n" in result.stdout
    assert "replay:" not in result.stdout and "CORE FAILURES" not in result.stdout
    # JUnit: skipped, not failed (CI views do not turn red), with the check and the register entry.
    (suite,) = ET.parse(tmp_path / "junit.xml").iter("testsuite")
    assert (suite.get("failures"), suite.get("skipped")) == ("0", "1")
    (case,) = [c for c in suite.iter("testcase") if (c.get("name") or "").startswith("LG-IF-002")]
    skipped = case.find("skipped")
    assert case.find("failure") is None and skipped is not None
    message = skipped.get("message") or ""
    assert message.startswith(f"optional, not gating: {check}; rests on LG-AMB-001 (choice): ")
    assert failed["failure"]["curl"] in (skipped.text or "")
    assert [p.get("value") for p in case.iter("property") if p.get("name") == "rests_on"] == ["LG-AMB-001"]
    with altered(live_url, on_longgang_start, "eligible", False) as wrong:
        verbose = bingpin(
            "conformance",
            "--base-url",
            wrong,
            "--policy",
            "longgang",
            "--tags",
            "clause:四",
            "--verbose",
            "--report",
            str(tmp_path),
        )
    assert verbose.returncode == 0 and "OPTIONAL FAILURES: 1 (not gating), by clause and answer field" in verbose.stdout
    assert "  rests on: LG-AMB-001 (choice): " in verbose.stdout
    assert f"  replay:   {failed['failure']['curl'].split('127.0.0.1:')[0]}" in verbose.stdout


def test_diff_lists_the_regression_and_exits_non_zero(passing: tuple[Any, Path], failing: tuple[Any, Path]) -> None:
    old, new = passing[1] / "report.json", failing[1] / "report.json"
    result = bingpin("conformance", "diff", str(old), str(new))
    assert result.returncode == 1
    assert "newly failing: 1 (core 1, optional 0)" in result.stdout
    assert "  JX-IF-002 [core] " in result.stdout
    assert "REGRESSION: 1 core" in result.stdout
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


def listed_parameters(client: Any, policy: str) -> set[str]:
    """Every key GET /v1/parameters lists for ``policy``, over all pages."""
    keys: set[str] = set()
    page = 1
    while True:
        answer = client.get(f"/v1/parameters?policy={policy}&page={page}&page_size=100")
        assert answer.status_code == 200, answer.get_json()
        keys |= {p["key"] for p in answer.get_json()}
        if page >= json.loads(answer.headers["X-Pagination"])["total_pages"]:
            return keys
        page += 1


def test_every_parameter_key_a_scenario_reads_is_listed_by_the_open_data(app: Any) -> None:
    """A vendor learns every key the open-data scenarios read from GET /v1/parameters alone."""
    client = app.test_client()
    policy_of = {j["name"]: j["policy"]["id"] for j in client.get("/v1/jurisdictions").get_json()}
    read: dict[str, set[str]] = {}
    for feature in load_features():
        for scenario in feature.scenarios:
            steps = (*feature.background, *scenario.steps)
            places = [m.group(1) for s in steps if (m := re.fullmatch(r'地区为"(.+)"', s.text))]
            for step in steps:
                if step.text == "政策参数的值应为:" and step.table:
                    assert places, f"{scenario.id}: reads parameters without naming its 地区"
                    read.setdefault(policy_of[places[-1]], set()).update(row[0] for row in step.table[1:])
    assert read, "no scenario reads a parameter: the step phrase changed?"
    missing = {policy: sorted(keys - listed_parameters(client, policy)) for policy, keys in read.items()}
    assert {p: k for p, k in missing.items() if k} == {}


def test_the_runner_writes_its_reports_where_the_review_page_reads_them() -> None:
    """The review page's hint ("run bingpin conformance") works: the default report is the one it reads."""
    assert DEFAULT_REPORT / "report.json" == results.DEFAULT_REPORT
    assert str(DEFAULT_REPORT) in results.Results(results.DEFAULT_REPORT, False).describe()


@pytest.mark.parametrize(
    ("stop", "code", "says"),
    [
        (signal.SIGINT, 130, "interrupted after"),
        (signal.SIGTERM, 143, "stopped by SIGTERM after"),
        (signal.SIGHUP, 129, "stopped by SIGHUP after"),
    ],
)
def test_an_interrupted_run_writes_no_report_leaves_nothing_behind_and_exits_128_plus_the_signal(
    stop: signal.Signals, code: int, says: str, tmp_path: Path
) -> None:
    """A truncated run never reads as a verdict, its own or the previous run's, and leaves no
    half-written reports beside it, whether by Ctrl-C, kill or a closed terminal (the suite
    against the in-process reference)."""
    from tests.conformance.test_runner_honesty import plant_green_verdict

    directory = tmp_path / "report"
    plant_green_verdict(directory)
    command = [sys.executable, "-m", "bingpin.api.cli", "conformance", "--report", str(directory)]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        progress = re.match(r"\[\s*(\d+)/(\d+)\]", line)
        if progress and progress[1] != progress[2]:
            # Ctrl-C at a progress line, and again at the next one if the run goes on: on a loaded
            # machine the first was once lost and the run completed.
            process.send_signal(stop)
        if says in line:
            break
    _, rest = process.communicate(timeout=120)
    rest = "".join(seen) + rest
    assert process.returncode == code, rest
    assert "no report written" in rest
    assert os.listdir(tmp_path) == []  # neither the previous reports nor half-written ones


def test_the_exit_codes_of_signals_are_documented() -> None:
    shown = bingpin("conformance", "--help").stdout
    guide = (ROOT / "docs" / "vendors.md").read_text(encoding="utf-8")
    for code, signal_name in (("130", "Ctrl-C"), ("143", "SIGTERM"), ("129", "SIGHUP")):
        assert re.search(rf"^  {code} .*{signal_name}", shown, re.M), shown
        assert re.search(rf"^\| `{code}` \| .*{signal_name}", guide, re.M)


def test_waivers_are_one_id_and_a_reason_per_line_which_may_hold_an_issue_url(tmp_path: Path) -> None:
    path = tmp_path / "waivers.txt"
    path.write_text(
        "# known failures\nJX-IF-002\tfixed in 4.2, https://tracker.example/issues/12#note-3  # ours\n\n",
        encoding="utf-8",
    )
    assert read_waivers(path) == {"JX-IF-002": "fixed in 4.2, https://tracker.example/issues/12#note-3"}
    path.write_text("JX-IF-002\n", encoding="utf-8")
    with pytest.raises(WaiverError, match="a waiver needs a reason"):
        read_waivers(path)
    result = bingpin("conformance", "--waive", str(path), "--report", str(tmp_path))
    assert result.returncode == 2
    assert "waivers.txt:1: a waiver needs a reason" in result.stderr


def test_a_waiver_for_an_unknown_id_and_an_empty_selection_are_usage_errors(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.txt"
    waivers.write_text("JX-XX-999 no such scenario\n", encoding="utf-8")
    unknown = bingpin("conformance", "--waive", str(waivers), "--report", str(tmp_path / "report"))
    assert unknown.returncode == 2
    assert "JX-XX-999" in unknown.stderr
    empty = bingpin("conformance", "--tags", "id:JX-XX-999", "--report", str(tmp_path / "report"))
    assert empty.returncode == 2
    assert "no scenario matches the selection" in empty.stderr
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    unwritable = bingpin("conformance", "--report", str(tmp_path / "a-file" / "reports"))
    assert unwritable.returncode == 2
    assert unwritable.stderr.startswith("cannot write the reports to ")
