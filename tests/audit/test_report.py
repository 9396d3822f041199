"""The audit report's page speaks to a Chinese fund supervisor: places, categories, rules and
statuses by the policies' names (codes in parentheses), the money at stake first, every refused
record paid on listed with its reason, sums that say what they cover, the worst rows with the
single endpoint's steps and citations; offline, and every record text escaped."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from bingpin.api import create_app
from bingpin.api.audit import files as files_module
from bingpin.api.audit import report as report_module
from bingpin.api.audit.page import grouped
from bingpin.rules.core.categories import Category
from bingpin.rules.registry import policies
from tests.audit.test_command import SAMPLE, audit

HOSTILE = "<script>alert('x')</script>&<b>"


def mixed_report(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The shipped sample (嘉兴) with a 温州 record whose paid figure is missing, a 嵊州 record (its
    policy grants no medical assistance) that was paid, and a record id of markup; (index.html,
    report.json)."""
    rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    header, records = rows[0], rows[1:]
    lines = [header.replace("settlement_id,", "settlement_id,jurisdiction,")]
    lines += [record.replace(",", ",330400,", 1) for record in records]
    lines += [
        "WZ-2023-000001,330300,2023-06-01,subsistence_allowance,10000.00,,",
        "SZ-2023-000001,330683,2023-06-02,subsistence_allowance,5000.00,,4500.00",
        f'"{HOSTILE}",330400,2023-06-03,subsistence_allowance,3000.00,,2800.00',
    ]
    source = tmp_path / "records.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = tmp_path / "report"
    status = audit(
        "medical-assistance", str(source), "--out", str(tmp_path / "out.csv"), "--compare", "paid",
        "--carry", "settlement_id", "--report", str(report),
    )  # fmt: skip
    assert status == 1
    return report / "index.html", json.loads((report / "report.json").read_text(encoding="utf-8"))


def text(page: str) -> str:
    """What a reader sees: the page without tags, entities resolved."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_page_names_places_categories_rules_and_statuses_in_the_policies_words(tmp_path: Path) -> None:
    index, data = mixed_report(tmp_path)
    seen = text(index.read_text(encoding="utf-8"))
    jiaxing, wenzhou, shengzhou = (policies()[code] for code in ("330400", "330300", "330683"))
    for policy in (jiaxing, wenzhou, shengzhou):
        assert f"{policy.jurisdiction_name}（{policy.jurisdiction_code}）" in seen
    low = Category.SUBSISTENCE_ALLOWANCE
    assert f"{jiaxing.jurisdiction_name}（330400）：{jiaxing.name_of(low)}（{low.value}）" in seen
    assert f"{wenzhou.jurisdiction_name}（330300）：{wenzhou.name_of(low)}（{low.value}）" in seen
    assert f"按{jiaxing.name_of(low)}（{low.value}）的比例" in seen  # the rule applied
    assert "不在政策施行期间（not_in_force）" in seen and "政策未规定该项待遇（not_defined_by_policy）" in seen
    assert "医疗救助（medical-assistance）稽核报告" in seen
    # the refused 嵊州 record counts under 嵊州, not under "no jurisdiction"
    assert [g["key"] for g in data["by_jurisdiction"] if g["key"] == "330683"] == ["330683"]


def test_the_money_at_stake_comes_first_and_every_refused_record_paid_on_is_listed(tmp_path: Path) -> None:
    index, data = mixed_report(tmp_path)
    seen = text(index.read_text(encoding="utf-8"))
    totals = data["totals"]
    first = seen.index("涉及金额")
    assert first < seen.index("记录核对情况") < seen.index("差异最大的")
    assert f"多付（实付高于政策应付） {totals['overpaid_records']} 条 {grouped(totals['overpaid'])} 元" in seen
    assert f"少付（实付低于政策应付） {totals['underpaid_records']} 条 {grouped(totals['underpaid'])} 元" in seen
    found = data["refused_paid"]
    # the record before the policy took effect (900.00) and the 嵊州 record (4500.00): both paid on
    assert [item["carried"]["settlement_id"] for item in found["listed"]] == ["JX-2023-000012", "SZ-2023-000001"]
    assert found["audited"] == "5400.00" and found["unlisted"] == 0
    assert {r["error_code"]: r["audited"] for r in found["by_reason"]} == {
        "not_in_force": "900.00",
        "not_defined_by_policy": "4500.00",
    }
    listed = seen[seen.index("政策拒绝但被审系统已支付的记录") :]
    assert "SZ-2023-000001" in listed and "4,500.00 元" in listed  # thousands marked, as a supervisor reads
    assert "未规定医疗救助" in listed  # the refusal's own reason, as the single endpoint gives it


def test_sums_say_what_they_cover_and_a_group_without_comparable_records_is_not_zero(tmp_path: Path) -> None:
    index, data = mixed_report(tmp_path)
    seen = text(index.read_text(encoding="utf-8"))
    compared = data["totals"]["compared"]
    assert (
        f"政策应付医疗救助金额合计（仅含可比对的 {compared} 条记录） {grouped(data['totals']['reference'])} 元" in seen
    )
    wenzhou = next(g for g in data["by_jurisdiction"] if g["key"] == "330300")
    assert (wenzhou["records"], wenzhou["compared"]) == (1, 0)
    page = index.read_text(encoding="utf-8")
    head = [text(cell).strip() for cell in re.findall(r"<th>(.*?)</th>", page.split("<h2>按地区</h2>")[1])][:10]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", page)]
    cells = dict(zip(head, next(row for row in rows if row and text(row[0]) == "温州市（330300）"), strict=True))
    assert cells["政策应付医疗救助金额（仅含可比对记录）"] == "—（无可比对记录）"
    assert cells["被审系统实付医疗救助金额（仅含可比对记录）"] == "—（无可比对记录）"
    assert cells["未比对"] == "1"


def test_the_worst_rows_show_the_single_endpoints_steps_with_their_citations(tmp_path: Path) -> None:
    index, data = mixed_report(tmp_path)
    seen = text(index.read_text(encoding="utf-8"))
    http = create_app().test_client()
    for item in data["worst"]:
        answer = http.post("/v1/calculations/medical-assistance", json=item["request"]).get_json()
        assert item["steps"] == answer["explanation"]
        for step in answer["explanation"]:
            assert step["text"] in seen
            if step["citation"]:
                document = next(p for p in policies().values() if p.id == step["citation"]["policy"]).document_number
                assert f"依据：{document} {step['citation']['clause']}：“{step['citation']['quote']}”" in seen


def test_record_text_is_escaped_and_the_page_loads_nothing_from_elsewhere(tmp_path: Path) -> None:
    index, data = mixed_report(tmp_path)
    page = index.read_text(encoding="utf-8")
    assert HOSTILE not in page and "<script" not in page and "<b>" not in page
    assert html.escape(HOSTILE) in page
    assert any(item["carried"]["settlement_id"] == HOSTILE for item in data["worst"])
    assert not re.search(r"(src|href)\s*=|@import|url\(|https?://(?!127\.0\.0\.1:8000/v1/)", page)


def _report_run(tmp_path: Path, report: Path, out: str = "out.csv") -> int:
    return audit(
        "medical-assistance", str(SAMPLE), "--out", str(tmp_path / out), "--jurisdiction", "330400",
        "--compare", "paid", "--carry", "settlement_id", "--report", str(report),
    )  # fmt: skip


def test_a_report_that_cannot_be_written_leaves_the_old_one_whole_and_nothing_else(tmp_path: Path) -> None:
    """Both files or neither: a run that cannot write the page does not put its data beside the old
    page, leaves no partial file, and writes no output (exit 2)."""
    report = tmp_path / "report"
    assert _report_run(tmp_path, report) == 1
    (tmp_path / "out.csv").unlink()
    before = (report / "report.json").read_bytes()
    (report / "index.html").unlink()
    (report / "index.html").mkdir()  # the page cannot replace a directory
    assert _report_run(tmp_path, report, out="other.csv") == 2  # its report.json would name other.csv
    assert (report / "report.json").read_bytes() == before
    assert sorted(p.name for p in report.iterdir()) == ["index.html", "report.json"]
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "other.csv").exists()
    (report / "report.json").unlink()
    assert _report_run(tmp_path, report) == 2
    assert sorted(p.name for p in report.iterdir()) == ["index.html"]


def test_a_report_directory_made_for_a_run_that_fails_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(data: dict[str, Any]) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_module, "page", failing)
    assert _report_run(tmp_path, tmp_path / "new" / "report") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_output_that_cannot_be_finished_leaves_no_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The output's last steps (Parquet's footer, its permissions) fail before the report is
    written: no report describes an output that was never made."""
    readable = files_module._readable

    def failing(path: Path) -> None:
        if path.name.startswith(".out.parquet."):
            raise OSError(28, "No space left on device")
        readable(path)

    monkeypatch.setattr(files_module, "_readable", failing)
    assert _report_run(tmp_path, tmp_path / "report", out="out.parquet") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("written", "shown"),
    [("13640557952.86", "13,640,557,952.86"), ("-21780025.94", "-21,780,025.94"), ("999.00", "999.00"),
     ("0.00", "0.00"), ("-0.01", "-0.01"), ("1234", "1,234"), ("—", "—")],
)  # fmt: skip
def test_amounts_on_the_page_have_their_thousands_marked_exactly(written: str, shown: str) -> None:
    assert grouped(written) == shown


def _audit_csv(tmp_path: Path, calculation: str, lines: list[str], *flags: str) -> tuple[str, dict[str, Any]]:
    source, report = tmp_path / "records.csv", tmp_path / "report"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert audit(calculation, str(source), "--out", str(tmp_path / "out.csv"), "--report", str(report), *flags) == 1
    page = text((report / "index.html").read_text(encoding="utf-8"))
    return page, json.loads((report / "report.json").read_text(encoding="utf-8"))


def test_refused_records_whose_paid_figure_cannot_be_read_are_counted_and_said_to_be_in_no_sum(tmp_path: Path) -> None:
    """Six records outside the policy's period, paid "1,234.50", "¥900", "-50.00", nothing, 0.00
    and 70.00: the three figures that cannot be read as a payment are counted on the page and in
    report.json (they were in no count the page showed: missing, unreadable and negative are
    counts of answered records)."""
    paid = ['"1,234.50"', "¥900", "-50.00", "", "0.00", "70.00"]
    lines = ["settlement_id,date,categories,eligible_self_pay,paid"]
    lines += [f"R{n},2022-03-02,subsistence_allowance,100.00,{cell}" for n, cell in enumerate(paid, 1)]
    flags = ("--jurisdiction", "330400", "--compare", "paid", "--carry", "settlement_id")
    page, data = _audit_csv(tmp_path, "medical-assistance", lines, *flags)
    assert data["refused_unread"] == 3 and data["refused_paid"]["records"] == 1
    assert "其中实付数已填写但无法读取或为负数（不计入任何合计） 3" in page
    assert "另有 3 条被拒绝的记录填写了实付数，但无法读取或为负数" in page


def test_a_yes_no_audit_is_worded_as_conclusions_not_money(tmp_path: Path) -> None:
    """risk-monitoring compares a yes/no conclusion: the page speaks of conclusions and records,
    not of money paid; the flags Excel writes (TRUE, FALSE) and 1/0 as text are read."""
    lines = ["id,date,annual_self_pay,potential_threshold,flag"]
    cells = ["true", "false", "1", "0", "TRUE", "False"]
    lines += [f"M{n},2023-05-01,{'100000.00' if n % 2 else '100.00'},20000,{c}" for n, c in enumerate(cells)]
    lines += ["R1,2019-05-01,100.00,20000,maybe"]  # refused (before the policy), its conclusion not read
    flags = ("--jurisdiction", "330683", "--compare", "flag", "--carry", "id")
    page, data = _audit_csv(tmp_path, "risk-monitoring", lines, *flags)
    assert data["compared"] == 6 and data["audited_unreadable"] == 0 and data["refused_unread"] == 1
    assert "其中被审系统结论已填写但无法读取（不计入任何合计） 1" in page
    for money in (
        "实付",
        "涉及金额",
        "已支付",
        "差额",
        "负数",
        "记录数或金额",
        "1,234.50",
    ):  # the steps' amounts are the rule's
        assert money not in page, money
    assert "涉及记录" in page and "政策拒绝但被审系统结论为“是”的记录" in page
    assert re.search("政策结论：(是|否)；被审系统结论：(是|否)；差异", page)


def test_a_record_the_policy_gives_no_figure_for_is_not_blamed_on_the_paid_figure(tmp_path: Path) -> None:
    """An insurance subsidy whose share the policy does not state for the category is answered
    with no subsidy (null): its paid figure, read, is not compared, and is counted as having no
    policy figure, not as unreadable (the page said 实付数无法读取 of 100.00)."""
    lines = ["rid,jurisdiction,categories,personal_contribution,paid"]
    lines += ["1,330400,other_special_hardship,,100.00", "2,330400,other_special_hardship,,", "3,330400,x,,5.00"]
    page, data = _audit_csv(tmp_path, "insurance-subsidy", lines, "--date", "2023-06-01", "--compare", "paid",
                            "--carry", "rid")  # fmt: skip
    assert data["statuses"] == {"ok": 2, "validation_error": 1}  # "x" is no category code
    assert (data["reference_missing"], data["audited_unreadable"], data["audited_missing"]) == (1, 0, 1)
    assert data["not_compared"] == 3 and data["not_compared_audited"] == "105.00"  # the refused one's too
    assert "未能比对：政策未给出应付资助金额（政策未规定标准，或缺少所需输入，如个人缴费） 1" in page
    assert "未能比对：实付数无法读取（格式无法识别，如全角字符、空格、科学计数法） 0" in page
