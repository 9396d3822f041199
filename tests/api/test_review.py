"""The review page: every policy's clauses with their scenarios, review states, the last
conformance result (or a plain note that there is none), served with nothing from elsewhere,
and the same page written as static files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bingpin.api import create_app
from bingpin.api.catalog import results
from bingpin.api.catalog.data import by_id, scenarios_of
from bingpin.api.catalog.reviews import counts
from bingpin.api.cli import main
from bingpin.api.resources import review as review_resource
from bingpin.rules.registry import policies


def report(path: Path, statuses: dict[str, str]) -> Path:
    path.write_text(
        json.dumps(
            {
                "finished_at": "2024-05-01T08:00:00+00:00",
                "target": {"description": "测试服务"},
                "suite": {"version": "1.0.0"},
                "scenarios": [{"id": i, "status": s} for i, s in statuses.items()],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def reviewed(tmp_path: Path) -> FlaskClient:
    path = report(tmp_path / "report.json", {"JX-MA-001": "passed", "JX-MA-002": "failed"})
    app: Flask = create_app({"CONFORMANCE_REPORT": str(path)})
    return app.test_client()


def test_the_page_shows_every_policy_and_its_clauses(reviewed: FlaskClient) -> None:
    response = reviewed.get("/review")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for policy in policies().values():
        assert policy.document_number in html
        assert f'id="policy-{policy.id}"' in html
    assert 'data-path="二(二)7"' in html
    assert "一个年度内，一类对象全额救助" in html  # the clause, verbatim
    assert "<th>假如</th>" in html and "<th>那么</th>" in html


def test_each_scenario_shows_its_review_state_and_last_result(reviewed: FlaskClient) -> None:
    html = reviewed.get("/review").get_data(as_text=True)
    first = re.search(r'data-scenario="JX-MA-001".*?</caption>', html, re.S)
    assert first and "结果：通过" in first.group(0) and "审核：拟定" in first.group(0)
    second = re.search(r'data-scenario="JX-MA-002".*?</caption>', html, re.S)
    assert second and "结果：失败" in second.group(0)
    third = re.search(r'data-scenario="JX-MA-003".*?</caption>', html, re.S)
    assert third and "结果：未运行" in third.group(0)
    assert "测试服务" in html


def test_a_parent_clause_counts_each_scenario_below_it_once(reviewed: FlaskClient) -> None:
    """Some 嘉兴 scenarios test two sub-clauses of 二(二): the parents count them once, so no parent
    shows more scenarios, or more of a review status, than the policy has."""
    html = reviewed.get("/review").get_data(as_text=True)
    below: set[str] = set()
    for scenario in scenarios_of("jiaxing-2022-58"):
        if any(path.startswith("二(") for path in scenario.clauses):
            below.add(scenario.id)
    assert len(below) < sum(
        1 for s in scenarios_of("jiaxing-2022-58") for path in s.clauses if path.startswith("二(")
    ), "a scenario testing two sub-clauses"
    summary = re.search(r'id="c-jiaxing-2022-58-二" data-path="二"><summary>(.*?)</summary>', html)
    assert summary, "the clause 二"
    assert f"下级条款场景 {len(below)}<" in summary.group(1)
    found = counts(below)
    shown = dict(re.findall(r'class="rc review-[^"]+">(\S+) (\d+)<', summary.group(1)))
    assert shown == {status: str(n) for status, n in found.items() if status != "拟定" and n}


def test_datatables_become_tables_and_ambiguities_are_noted(reviewed: FlaskClient) -> None:
    html = reviewed.get("/review").get_data(as_text=True)
    assert '<table class="datatable"><thead><tr><th>数据项</th>' in html
    assert 'id="amb-JX-AMB-004"' in html
    assert "<dt>决定</dt>" in html
    assert 'class="ambiguity ambiguity-reading" id="amb-JX-AMB-004"' in html
    assert 'class="ambiguity ambiguity-choice" id="amb-JX-AMB-001"' in html


def test_without_a_report_the_page_says_so(tmp_path: Path) -> None:
    app = create_app({"CONFORMANCE_REPORT": str(tmp_path / "missing.json")})
    html = app.test_client().get("/review").get_data(as_text=True)
    assert "尚无一致性测试结果" in html
    assert "结果：无结果" in html


def test_the_page_loads_only_its_own_script_and_style(reviewed: FlaskClient) -> None:
    response = reviewed.get("/review")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html
    links = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
    assets = [link for link in links if "/dossier" not in link]
    assert sorted(assets) == ["/review/assets/review.css", "/review/assets/review.js"]
    assert sorted(set(links) - set(assets)) == sorted(f"/review/{p}/dossier" for p in by_id())
    for link in links:
        with reviewed.get(link) as answer:
            assert answer.status_code == 200
    dossier = reviewed.get("/review/jiaxing-2022-58/dossier")
    assert dossier.headers["Content-Security-Policy"] == csp
    text = dossier.get_data(as_text=True)
    assert "<script" not in text and "style=" not in text and "<style" not in text
    assert re.findall(r'(?:src|href)="([^"#][^"]*)"', text) == ["/review/assets/dossier.css"]
    assert reviewed.get("/review/nowhere/dossier").status_code == 404


def test_the_static_build_writes_the_same_page_with_relative_assets(tmp_path: Path) -> None:
    path = report(tmp_path / "report.json", {"JX-MA-001": "passed"})
    out = tmp_path / "site"
    assert main(["review", "--output", str(out), "--report", str(path)]) == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'src="assets/review.js"' in html and 'href="assets/review.css"' in html
    assert 'href="dossier-jiaxing-2022-58.html"' in html
    dossier = (out / "dossier-jiaxing-2022-58.html").read_text(encoding="utf-8")
    assert 'href="assets/dossier.css"' in dossier and (out / "assets" / "dossier.css").is_file()
    assert (out / "assets" / "review.js").is_file() and (out / "assets" / "review.css").is_file()
    assert "结果：通过" in html
    assert "http://" not in html and "https://" not in html


ODD_REPORTS = {
    "a list": b"[]",
    "no scenarios": b"{}",
    "scenarios as an object": b'{"scenarios": {"JX-MA-001": "passed"}}',
    "a scenario that is a number": b'{"scenarios": [1]}',
    "an id that is a list": b'{"scenarios": [{"id": ["JX-MA-001"], "status": "passed"}]}',
    "a status that is an object": b'{"scenarios": [{"id": "JX-MA-001", "status": {"a": 1}}]}',
    "a missing status": b'{"scenarios": [{"id": "JX-MA-001"}]}',
    "NaN for an id": b'{"scenarios": [{"id": NaN, "status": "passed"}]}',
    "a target that is text": b'{"scenarios": [], "target": "http://x"}',
    "a target description that is a number": b'{"scenarios": [], "target": {"description": 1}}',
    "a suite that is a list": b'{"scenarios": [], "suite": ["1.0"]}',
    "a finish time that is an object": b'{"scenarios": [], "finished_at": {"at": 1}}',
    "nested a million deep": b'{"scenarios": ' + b"[" * 1_000_000 + b"]" * 1_000_000 + b"}",
    "not UTF-8": b'{"scenarios": [{"id": "\xff\xfe", "status": "passed"}]}',
    "not JSON": b"<html>report</html>",
    "empty": b"",
}


@pytest.mark.parametrize("data", ODD_REPORTS.values(), ids=ODD_REPORTS.keys())
def test_a_report_not_in_the_runners_shape_is_named_on_the_page(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    path = tmp_path / "report.json"
    path.write_bytes(data)
    monkeypatch.setitem(app.config, "CONFORMANCE_REPORT", str(path))
    response = app.test_client().get("/review")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "尚无一致性测试结果" in html and "无法读取" in html, re.findall(r'id="results-source">[^<]*', html)
    assert "结果：通过" not in html


def test_a_report_over_the_size_limit_is_not_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = report(tmp_path / "report.json", {"JX-MA-001": "passed"})
    monkeypatch.setattr(results, "MAX_REPORT_BYTES", path.stat().st_size - 1)
    parsed: list[bytes] = []
    monkeypatch.setattr(results, "parse_report", lambda *args: parsed.append(args[1]))
    found = results.load_results(path)
    assert not found.found and found.problem and "MiB" in found.problem and not parsed


def test_long_texts_from_a_report_are_clipped(tmp_path: Path) -> None:
    path = report(tmp_path / "report.json", {"JX-MA-001": "x" * 100_000})
    found = results.load_results(path)
    assert found.found and len(found.statuses["JX-MA-001"]) == results.MAX_TEXT


REPORT_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["JX-MA-001", "passed"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["id", "status", "x"]), children),
    max_leaves=10,
)
REPORT_SHAPES = st.one_of(
    REPORT_VALUES,
    st.fixed_dictionaries(
        {},
        optional={
            "scenarios": st.lists(REPORT_VALUES, max_size=3) | REPORT_VALUES,
            "target": REPORT_VALUES,
            "suite": REPORT_VALUES,
            "finished_at": REPORT_VALUES,
        },
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=REPORT_SHAPES)
def test_no_report_shape_makes_the_page_fail(
    app: Flask, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, shape: Any
) -> None:
    path = tmp_path_factory.mktemp("report") / "report.json"
    path.write_text(json.dumps(shape), encoding="utf-8")
    monkeypatch.setitem(app.config, "CONFORMANCE_REPORT", str(path))
    response = app.test_client().get("/review")
    assert response.status_code == 200 and response.mimetype == "text/html"


def test_the_report_is_read_once_until_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = report(tmp_path / "report.json", {"JX-MA-001": "passed"})
    reads: list[Path] = []

    def counted(where: Path) -> results.Results:
        reads.append(where)
        return results.load_results(where)

    monkeypatch.setattr(review_resource, "load_results", counted)
    http = create_app({"CONFORMANCE_REPORT": str(path)}).test_client()
    first, second = http.get("/review").get_data(), http.get("/review").get_data()
    assert first == second and len(reads) == 1
    report(path, {"JX-MA-001": "failed", "JX-MA-002": "passed"})
    html = http.get("/review").get_data(as_text=True)
    assert len(reads) == 2 and "结果：失败" in html
