"""``bingpin conformance matrix`` puts several runs side by side: disagreements first, grouped by
policy and clause, the scenarios only the reference passes flagged, counts per implementation and
tier; it never mixes suite versions unless asked, reads any file within bounds (one line and exit
2, never a traceback), escapes what reports and names hold, and writes its directory whole."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bingpin.features.conformance import report as reports
from bingpin.features.conformance import suite
from bingpin.features.conformance.matrix import SCHEMA_FILE
from tests.conformance.odd_reports import UNREADABLE
from tests.test_conformance import SCHEMA, bingpin

ENTRIES = suite.manifest()[:40]
IDS = [e.id for e in ENTRIES]
WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
MATRIX_SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
URL = "http://vendor/v1/calculations/medical-assistance"


def failure(entry: suite.Entry, actual: str = "1.00") -> dict[str, Any]:
    body = {"jurisdiction": "500229", "date": "2023-06-01"}
    return {
        "step": "那么 医疗救助金额应为 7000.00 元",
        "line": entry.line + 4,
        "expected": f"amount 应为 7000.00，实际为 {actual!r}",
        "message": f"amount 应为 7000.00，实际为 {actual!r}\n...",
        "request": {"method": "POST", "url": URL, "body": body},
        "response": {"status": 200, "body": {"amount": actual}},
        "curl": f"curl -sS -X POST {URL} -d '{json.dumps(body)}' #{entry.id}",
    }


def report(
    statuses: dict[str, str],
    *,
    version: str = "3.0.0",
    target: str = "http://vendor",
    waivers: dict[str, str] | None = None,
    actual: str = "1.00",
) -> dict[str, Any]:
    """A report.json as the runner writes it (report.build), for ``statuses`` by scenario id."""
    records = {
        e.id: {
            "id": e.id,
            "status": statuses[e.id],
            "duration_seconds": 0.01,
            "failure": failure(e, actual) if statuses[e.id] == "failed" else None,
        }
        for e in ENTRIES
        if e.id in statuses
    }
    built = reports.build(
        entries=ENTRIES,
        records=records,
        waivers=waivers or {},
        clause_check=[],
        suite={"name": "bingpin", "version": version, "manifest_sha256": suite.manifest_hash(ENTRIES), "scenarios": 40},
        target={"kind": "http", "base_url": target, "description": target},
        selection={"policies": [], "tags": [], "waived": sorted(waivers or {})},
        started=WHEN,
        finished=WHEN,
    )
    jsonschema.validate(built, SCHEMA)
    return built


def write(path: Path, content: dict[str, Any] | bytes) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content, ensure_ascii=False).encode())
    return path


#: The reference passes everything; A fails X and Y; B fails X only and did not run the last one.
X, Y, LAST = IDS[30], IDS[5], IDS[39]
PASSING = dict.fromkeys(IDS, "passed")
A = {**PASSING, X: "failed", Y: "failed"}
B = {**{i: s for i, s in PASSING.items() if i != LAST}, X: "failed"}


@pytest.fixture
def three(tmp_path: Path) -> list[str]:
    return [
        f"参考={write(tmp_path / 'ref.json', report(PASSING, target='reference'))}",
        f"a={write(tmp_path / 'a.json', report(A, target='http://a'))}",
        f"b={write(tmp_path / 'b.json', report(B, target='http://b'))}",
    ]


def made(out: Path) -> tuple[dict[str, Any], str]:
    """matrix.json (checked against its published schema) and index.html in ``out``."""
    data = json.loads((out / "matrix.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, MATRIX_SCHEMA)
    return data, (out / "index.html").read_text("utf-8")


def test_disagreements_come_first_then_every_row_grouped_by_policy_and_clause(three: list[str], tmp_path: Path) -> None:
    out = tmp_path / "matrix"
    result = bingpin("conformance", "matrix", *three, "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "40 scenarios, 2 where they disagree, 1 that only the reference passes" in result.stdout
    matrix, page = made(out)
    rows = matrix["rows"]
    assert len(rows) == 40 and {r["id"] for r in rows[:2]} == {X, Y}
    assert [r["disagree"] for r in rows] == [True, True] + [False] * 38
    for part in (rows[:2], rows[2:]):  # within each part, a policy and clause's rows are together
        groups = [(r["policy"], " ".join(r["clauses"])) for r in part]
        assert all(groups.index(g) == i or groups[i - 1] == g for i, g in enumerate(groups))
    by_id = {r["id"]: r for r in rows}
    assert [r["id"] for r in rows if r["flagged"]] == [X]  # only the reference passes it
    assert by_id[LAST]["cells"] == {"参考": {"status": "passed"}, "a": {"status": "passed"}, "b": {"status": "not_run"}}
    cell = by_id[X]["cells"]["a"]
    assert cell["status"] == "failed" and cell["check"] == "amount 应为 7000.00，实际为 '1.00'"
    assert cell["replay"].startswith("curl -sS -X POST http://vendor/") and cell["replay"].endswith(f"#{X}")
    assert page.index(f'data-id="{X}"') < page.index('id="agree"') < page.index(f'data-id="{LAST}"')
    row = re.search(rf'<tr class="row disagree flagged" id="(row-\d+)" data-id="{X}">(.+?)</tr>', page, re.S)
    assert row and "⚑ 仅参考实现通过（其余 2 个实现均失败）" in row[2]
    (link,) = re.findall(r'<td class="cell failed"><a href="#(f-1-\d+)">失败</a>', row[2])
    detail = re.search(rf'<div class="detail" id="{link}">(.+?)</div>', page, re.S)
    assert detail and f"#{X}" in detail[1] and "重放 / replay: curl -sS -X POST http://vendor/" in detail[1]


def test_counts_per_implementation_and_tier_match_the_reports(three: list[str], tmp_path: Path) -> None:
    out = tmp_path / "matrix"
    assert bingpin("conformance", "matrix", *three, "--out", str(out)).returncode == 0
    matrix, page = made(out)
    tiers = {e.id: e.tier for e in ENTRIES}
    for implementation, statuses in zip(matrix["implementations"], (PASSING, A, B), strict=True):
        for tier in ("core", "optional"):
            counts = implementation["counts"][tier]
            mine = [i for i in IDS if tiers[i] == tier]
            assert counts["total"] == len(mine)
            assert counts["failed"] == sum(statuses.get(i) == "failed" for i in mine)
            assert counts["passed"] == sum(statuses.get(i) == "passed" for i in mine)
            assert counts["not_run"] == sum(i not in statuses for i in mine)
            assert f'data-tier="{tier}" data-status="failed">{counts["failed"]}<' in page
    assert [i["reference"] for i in matrix["implementations"]] == [True, False, False]
    assert "参考（参考实现 / reference）" in page and matrix["suite_versions"] == ["3.0.0"]


def test_the_reference_is_the_column_named_and_the_flag_follows_it(three: list[str], tmp_path: Path) -> None:
    out = tmp_path / "matrix"
    result = bingpin("conformance", "matrix", *three, "--reference", "b", "--out", str(out))
    assert result.returncode == 0, result.stderr
    matrix, page = made(out)
    assert matrix["reference"] == "b" and matrix["summary"]["flagged"] == 0  # b fails X itself
    assert "（参考实现 / reference）" in page.split('id="impl-2"', 1)[1].split("</tr>", 1)[0]
    unknown = bingpin("conformance", "matrix", *three, "--reference", "c", "--out", str(tmp_path / "m2"))
    assert unknown.returncode == 2 and unknown.stderr == (
        "bingpin conformance matrix: --reference 'c' is none of the NAMEs: 参考, a, b\n"
    )


def test_reports_of_different_suite_versions_are_refused_unless_allow_mixed(tmp_path: Path) -> None:
    pairs = [
        f"new={write(tmp_path / 'new.json', report(PASSING))}",
        f"old={write(tmp_path / 'old.json', report(A, version='2.0.0'))}",
    ]
    out = tmp_path / "matrix"
    refused = bingpin("conformance", "matrix", *pairs, "--out", str(out))
    assert refused.returncode == 2 and refused.stdout == ""
    (line,) = refused.stderr.splitlines()
    assert "different suite versions (new 3.0.0, old 2.0.0)" in line and "--allow-mixed" in line
    assert not out.exists()
    allowed = bingpin("conformance", "matrix", *pairs, "--allow-mixed", "--out", str(out))
    assert allowed.returncode == 0, allowed.stderr
    matrix, page = made(out)
    assert matrix["mixed_versions"] is True and matrix["suite_versions"] == ["2.0.0", "3.0.0"]
    assert re.findall(r'<td class="version">([^<]+)</td>', page) == ["3.0.0", "2.0.0"]
    assert "混用了不同版本" in page


@pytest.mark.parametrize(
    ("content", "says"),
    [
        *UNREADABLE,
        pytest.param(b'{"scenarios": [], "suite": {}, "target": {}}', "suite.version must be a string", id="version"),
        pytest.param(
            b'{"scenarios": [1], "suite": {"version": "3.0.0"}, "target": {}}',
            "scenarios[0] must be an object",
            id="scenario",
        ),
        pytest.param(
            b'{"scenarios": [{"id": "<b>"}], "suite": {"version": "3"}, "target": {}}', "must be a scenario id", id="id"
        ),
        pytest.param(
            b'{"scenarios": [{"id": "JX-MA-001", "status": "ok"}], "suite": {"version": "3"}, "target": {}}',
            "status",
            id="status",
        ),
        pytest.param(b'{"scenarios": [{"id": "A", "status": NaN}]}', "NaN is not valid JSON", id="nan"),
        pytest.param(b" " * (32 * 1024 * 1024 + 1), "larger than 32 MiB", id="huge"),
    ],
)
def test_a_file_that_is_not_a_report_is_one_line_and_exit_2(content: bytes, says: str, tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", report(PASSING))
    odd = write(tmp_path / "odd.json", content)
    out = tmp_path / "matrix"
    result = bingpin("conformance", "matrix", f"good={good}", f"odd={odd}", "--out", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"bingpin conformance matrix: {odd} (odd) is not a report.json") and says in line, line
    assert result.stdout == "" and not out.exists()


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["only={good}"], "at least two reports"),
        (["{good}", "b={good}"], "give each report as NAME=REPORT.json"),
        (["a={good}", "a={good}"], "each NAME once: a is given twice"),
        (["\x1b[2J={good}", "b={good}"], "NAME must be 1 to 40 printable characters, not '\\x1b[2J'"),
        (["a={good}", "b={missing}"], "cannot read {missing} (b): No such file or directory"),
        (["a={good}", "b={directory}"], "cannot read {directory} (b): Is a directory"),
    ],
    ids=["one", "no-name", "twice", "control", "missing", "directory"],
)
def test_a_bad_command_line_is_one_line_and_exit_2(arguments: list[str], says: str, tmp_path: Path) -> None:
    paths = {"good": write(tmp_path / "good.json", report(PASSING)), "missing": tmp_path / "no.json"}
    paths["directory"] = tmp_path
    out = tmp_path / "matrix"
    result = bingpin("conformance", "matrix", *(a.format(**paths) for a in arguments), "--out", str(out))
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert says.format(**paths) in line and "Traceback" not in line
    assert not out.exists()


def test_what_reports_and_names_hold_is_escaped_and_the_page_needs_nothing_outside_it(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>\x1b[2J\u2028"
    bad = report(A, target=hostile, actual="<img src=x onerror=alert(1)>")
    pairs = [f"ref={write(tmp_path / 'ref.json', report(PASSING))}", f"<i>{hostile[:20]}={write(tmp_path / 'x', bad)}"]
    out = tmp_path / "matrix"
    result = bingpin("conformance", "matrix", *pairs, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    matrix, page = made(out)
    assert "<script" not in page and "<img" not in page and "<i>" not in page
    assert not {"\x1b", "\u2028"} & set(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[2J\\u2028" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert all(link.startswith("#") for link in re.findall(r'(?:href|src)="([^"]*)"', page))  # offline
    assert matrix["implementations"][1]["target"] == hostile  # the data keeps the text as it came
    assert "\u2028" not in (out / "matrix.json").read_text(encoding="utf-8")  # written as its JSON escape


def test_the_output_directory_is_written_whole_and_never_through_a_link(three: list[str], tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "linked"
    link.symlink_to(elsewhere)
    refused = bingpin("conformance", "matrix", *three, "--out", str(link))
    assert refused.returncode == 2 and "symbolic link" in refused.stderr and os.listdir(elsewhere) == []
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    foreign = bingpin("conformance", "matrix", *three, "--out", str(mine))
    assert foreign.returncode == 2 and "holds other files than the reports (notes.txt)" in foreign.stderr
    out = tmp_path / "matrix"
    out.mkdir()
    (out / "index.html").write_text("an earlier matrix", encoding="utf-8")
    again = bingpin("conformance", "matrix", *three, "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert sorted(os.listdir(out)) == ["index.html", "matrix.json"] and "互操作矩阵" in made(out)[1]
    assert sorted(os.listdir(tmp_path)) == ["a.json", "b.json", "elsewhere", "linked", "matrix", "mine", "ref.json"]


def test_the_matrix_options_and_exit_codes_are_documented() -> None:
    text = bingpin("conformance", "matrix", "--help").stdout
    for words in ("NAME=REPORT.json", "--out", "--reference", "--allow-mixed", "exit codes", "disagree"):
        assert words in text
    assert "conformance matrix" in bingpin("conformance", "--help").stdout
    guide = (Path(__file__).parents[2] / "docs" / "vendors.md").read_text(encoding="utf-8")
    assert "bingpin conformance matrix" in guide and "--allow-mixed" in guide and "--reference" in guide
