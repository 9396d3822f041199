"""Every record accounted for: exit 0 only when every record was compared and agrees; a column the
calculation does not know, or of a type none of its cells could be read from, ends the run before
it starts; the types users' tools write are read as what they mean."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from bingpin.api.audit.fen import below_zero, to_fen
from bingpin.api.audit.keys import bincount, exact_sum
from tests.audit.test_command import SAMPLE, audit

TEXT = pacsv.ConvertOptions(column_types={"date": pa.string()}, strings_can_be_null=True)
COMMON = ["--jurisdiction", "330400", "--compare", "paid", "--carry", "settlement_id"]


def sample(**types: pa.DataType) -> pa.Table:
    """The shipped sample as a typed table (dates as date32, amounts as decimal(18, 2), categories
    as a list), with some columns cast to ``types``."""
    table = pacsv.read_csv(SAMPLE, convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(
        ["settlement_id", "date", "categories", "eligible_self_pay", "assistance_received_this_year", "paid"],
        pa.string()), strings_can_be_null=True))  # fmt: skip
    columns: dict[str, Any] = {
        "settlement_id": table.column("settlement_id"),
        "date": pc.cast(pc.strptime(table.column("date"), "%Y-%m-%d", "s"), pa.date32()),
        "categories": pc.split_pattern(table.column("categories"), ";"),
    }
    for name in ("eligible_self_pay", "assistance_received_this_year", "paid"):
        columns[name] = pc.cast(table.column(name), pa.decimal128(18, 2))
    for name, kind in types.items():
        columns[name] = pc.cast(columns[name], kind)
    return pa.table(columns)


def run(tmp_path: Path, table: pa.Table | str, *extra: str, out: str = "out.parquet") -> tuple[int, Path]:
    if isinstance(table, str):
        source = tmp_path / "records.csv"
        source.write_text(table, encoding="utf-8")
    else:
        source = tmp_path / "records.parquet"
        pq.write_table(table, source)
    return audit("medical-assistance", str(source), "--out", str(tmp_path / out), *extra), tmp_path / out


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize(
    ("wrong", "meant"),
    [("assistance_recieved_this_year", "assistance_received_this_year"), ("category", "categories")],
)
def test_a_misspelt_column_is_refused_before_the_run_naming_the_field_it_means(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], wrong: str, meant: str
) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace(meant, wrong, 1)
    status, out = run(tmp_path, text, *COMMON)
    line = one_line(capsys.readouterr().err)
    assert status == 2
    assert f"未知的列（{wrong!r}），是否应为（{meant!r}）" in line
    assert f"did you mean {meant!r}" in line and f"--carry {wrong}" in line
    assert not out.exists()


def test_a_column_is_carried_only_when_declared(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    status, out = run(tmp_path, text, "--jurisdiction", "330400", "--compare", "paid")
    assert status == 2 and "unknown column 'settlement_id'" in one_line(capsys.readouterr().err)
    assert not out.exists()
    status, out = run(tmp_path, text, *COMMON, "--carry", "note")
    assert status == 2 and "has no column 'note' (--carry)" in one_line(capsys.readouterr().err)
    status, out = run(tmp_path, text, *COMMON)
    assert status == 1
    # the declared column and the compared one (carried by rule), in the input's order
    assert pq.read_table(out).column_names[:2] == ["settlement_id", "paid"]


@pytest.mark.parametrize(
    "types",
    [
        {"date": pa.timestamp("ns")},
        {"date": pa.timestamp("us", tz="Asia/Shanghai")},
        {"date": pa.date64()},
        {"date": pa.string()},
        {"eligible_self_pay": pa.float64(), "paid": pa.float64()},
        {"paid": pa.string(), "assistance_received_this_year": pa.string()},
        {"eligible_self_pay": pa.decimal128(30, 2), "paid": pa.decimal256(40, 2)},
    ],
    ids=repr,
)
def test_the_types_users_tools_write_are_read_as_what_they_mean(tmp_path: Path, types: dict[str, Any]) -> None:
    """A pandas timestamp column is a date: before, every row was refused and the run said 0."""
    status, expected = run(tmp_path, sample(), *COMMON, out="expected.parquet")
    assert status == 1
    status, out = run(tmp_path, sample(**types), *COMMON)
    assert status == 1
    got, want = pq.read_table(out), pq.read_table(expected)
    for name in ("status", "amount", "discrepancy", "compared", "date"):
        assert got.column(name).to_pylist() == want.column(name).to_pylist(), name
    assert got.column("status").to_pylist().count(200) == 10
    assert got.column("discrepancy").drop_null().to_pylist() == [8000, 560]


def test_integer_yuan_are_amounts(tmp_path: Path) -> None:
    table = sample().filter(pc.equal(pc.field("settlement_id"), "JX-2023-000001"))
    table = table.set_column(3, "eligible_self_pay", pa.array([10000], pa.int64()))
    table = table.set_column(5, "paid", pa.array([9000], pa.int32()))
    status, out = run(tmp_path, table, *COMMON)
    assert status == 0
    assert pq.read_table(out).column("amount").to_pylist() == [pa.scalar(9000, pa.decimal128(18, 2)).as_py()]


@pytest.mark.parametrize(
    ("column", "cells", "kind", "shown"),
    [
        ("eligible_self_pay", [True], pa.bool_(), "bool"),
        ("categories", [[1, 2]], pa.list_(pa.int64()), "list<element: int64>"),
        ("eligible_self_pay", [None], pa.decimal128(18, 3), "decimal128(18, 3)"),
        ("paid", [None], pa.decimal128(18, 3), "decimal128(18, 3)"),
        ("paid", [True], pa.bool_(), "bool"),
        ("date", [b"2023"], pa.binary(), "binary"),
        ("jurisdiction", [330400], pa.int64(), "int64"),
        ("recognized_on", [1.5], pa.float64(), "double"),
    ],
)
def test_a_column_no_cell_of_which_could_be_read_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, cells: list[Any], kind: pa.DataType, shown: str
) -> None:
    """Before, such columns made every row a 422 and the run said "no discrepancy"."""
    table = sample().slice(0, 1)
    array = pa.array(cells, kind)
    table = table.set_column(table.column_names.index(column), column, array) if column in table.column_names else (
        table.append_column(column, array))  # fmt: skip
    status, out = run(tmp_path, table, *COMMON)
    line = one_line(capsys.readouterr().err)
    assert status == 2
    assert f"列（{column!r}）的类型为 {shown}" in line and f"column {column!r} is {shown}" in line
    assert not out.exists()


def test_records_not_compared_are_counted_apart_with_what_was_paid_on_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _ = run(tmp_path, sample(), *COMMON, "--report", str(tmp_path / "report"))
    assert status == 1
    data = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert (data["refused"], data["not_compared"], data["not_compared_audited"]) == (2, 2, "900.00")
    assert data["agrees"] is False
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "并非每条记录都已比对且一致：2 条有差异，2 条未能比对（退出码 1）" in page
    printed = capsys.readouterr().out
    assert "not compared: 2 records (refused 2, paid missing 0, unreadable 0); paid on them 900.00" in printed
    # the answered records alone, all paid as the policy gives: every record compared and agrees
    good = sample().filter(pc.is_in(pc.field("settlement_id"), pa.array(["JX-2023-000001", "JX-2023-000002"])))
    assert run(tmp_path, good, *COMMON)[0] == 0
    assert "every record was compared and agrees" in capsys.readouterr().out
    # one of them without the audited figure: not every record was compared
    missing = good.set_column(5, "paid", pa.array([Decimal("9000.00"), None], pa.decimal128(18, 2)))
    assert run(tmp_path, missing, *COMMON)[0] == 1
    assert "not compared: 1 records (refused 0, paid missing 1, unreadable 0)" in capsys.readouterr().out
    # without --compare: exit 0 means every record was answered
    plain = ["--jurisdiction", "330400", "--carry", "settlement_id", "--carry", "paid"]
    assert run(tmp_path, good, *plain)[0] == 0
    assert run(tmp_path, sample(), *plain)[0] == 1
    assert "NOT every record was answered: 2 refused (exit 1)" in capsys.readouterr().out


def test_an_audited_figure_below_zero_is_counted_apart_not_as_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reversal or recovery (paid below zero) is not compared record by record; it is counted as
    such, not as a figure that could not be read, and its amount is not in the sum paid."""
    good = sample().filter(pc.is_in(pc.field("settlement_id"), pa.array(["JX-2023-000001", "JX-2023-000002"])))
    paid = pa.array([Decimal("-9000.00"), Decimal("9000.00")], pa.decimal128(18, 2))
    status, _ = run(tmp_path, good.set_column(5, "paid", paid), *COMMON, "--report", str(tmp_path / "report"))
    assert status == 1
    printed = capsys.readouterr().out
    assert (
        "not compared: 1 records (refused 0, paid missing 0, unreadable 0, below zero 1 for -9000.00); paid on them"
        " 0.00, 1 of them not in it (missing, unreadable or below zero)"
    ) in printed, printed
    data = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert (data["audited_negative"], data["audited_unreadable"], data["not_compared_unread"]) == (1, 0, 1)
    assert data["audited_negative_sum"] == "-9000.00" and data["not_compared_audited"] == "0.00"
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert '未比对：实付数为负数（冲销、追回等，不逐条比对）</td><td class="n">1<' in page
    assert '未能比对：实付数无法读取（格式无法识别，如全角字符、空格、科学计数法）</td><td class="n">0<' in page
    assert '实付数为负数的记录（冲销、追回等，未比对）</td><td class="n">1 条</td><td class="n">-9,000.00 元<' in page
    # as text: a minus sign before an amount is below zero; before anything else, or before zero, unreadable
    header, first, *_ = SAMPLE.read_text(encoding="utf-8").splitlines()
    cells = first.split(",")
    where = header.split(",").index("paid")
    rows = [",".join([*cells[:where], figure, *cells[where + 1 :]]) for figure in ("-9000.00", "-abc", "-0.00")]
    assert run(tmp_path, "\n".join([header, *rows]) + "\n", *COMMON)[0] == 1
    assert "(refused 0, paid missing 0, unreadable 2, below zero 1 for -9000.00)" in capsys.readouterr().out


def test_below_zero_reads_what_to_fen_reads_after_a_minus_sign() -> None:
    cases = [
        (pa.array([Decimal("-1.50"), Decimal("1.50"), Decimal("0.00"), None], pa.decimal128(18, 2)), [1, 0, 0, 0]),
        (pa.array([-2, 2, 0, None, -(2**63)], pa.int64()), [1, 0, 0, 0, 0]),
        (pa.array([-32768, 5, None], pa.int16()), [1, 0, 0]),  # no int16 opposite: read wider
        (pa.array([5, 0], pa.uint64()), [0, 0]),
        (pa.array(np.array([-1.5, 2.0], np.float16)), [1, 0]),
        (pa.array([Decimal("-1.00")], pa.decimal256(40, 2)), [1]),
        (pa.array(["-1.00"], pa.large_string()), [1]),
        (pa.array([b"-1.00"], pa.binary()), [0]),
        (pa.array([-2.5, 2.5, -0.0, float("nan"), -0.001], pa.float64()), [1, 0, 0, 0, 0]),
        (pa.array(["-1.50", "1.50", "-0.00", "-abc", "--1.50", None, "-1.505"]), [1, 0, 0, 0, 0, 0, 0]),
        (pa.array([True, False]), [0, 0]),
    ]
    for array, expected in cases:
        fen, found = below_zero(array)
        assert found.tolist() == [bool(each) for each in expected], array
        assert not (found & to_fen(array)[1]).any()  # never a figure to_fen reads
        assert (fen[found] > 0).all() and not fen[~found].any()
    assert below_zero(pa.array([-32768], pa.int16()))[0].tolist() == [3276800]
    assert below_zero(pa.array(["-1.50"]))[0].tolist() == [150]


def test_a_risk_monitoring_audit_counts_flags_not_compared(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        "id,jurisdiction,date,annual_self_pay,audited\n"
        "1,330400,2023-06-01,100.00,false\n"
        "2,330400,2023-06-01,-1,true\n"
        "3,330400,2023-06-01,100.00,maybe\n"
    )
    source = tmp_path / "records.csv"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out.csv"
    status = audit("risk-monitoring", str(source), "--out", str(out), "--compare", "audited", "--carry", "id")
    assert status == 1
    printed = capsys.readouterr().out
    assert "not compared: 2 records (refused 1, audited missing 0, unreadable 1); audited on them 1" in printed
    assert "below zero" not in printed  # yes or no: no figure is below zero


def test_duplicate_column_names_end_the_run_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = sample().slice(0, 1)
    twice = pa.Table.from_arrays([*table.columns, table.column("paid")], names=[*table.column_names, "paid"])
    status, out = run(tmp_path, twice, *COMMON)
    assert status == 2 and "appears more than once: 'paid'" in one_line(capsys.readouterr().err)
    header, _, rest = SAMPLE.read_text(encoding="utf-8").partition("\n")
    status, out = run(tmp_path, f"{header},settlement_id\n" + rest.replace("\n", ",x\n"), *COMMON)
    assert status == 2 and "appears more than once: 'settlement_id'" in one_line(capsys.readouterr().err)
    assert not out.exists()


def test_a_binary_column_is_refused_for_csv_output_and_carried_in_parquet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = sample().append_column("scan", pa.array([b"\xff\x00"] * 12, pa.binary()))
    status, out = run(tmp_path, table, *COMMON, "--carry", "scan", out="out.csv")
    assert status == 2 and "column 'scan' is binary, which a CSV file cannot hold" in one_line(capsys.readouterr().err)
    assert not out.exists()
    status, out = run(tmp_path, table, *COMMON, "--carry", "scan")
    assert status == 1 and pq.read_table(out).column("scan").to_pylist() == [b"\xff\x00"] * 12
    # the report shows bytes as their text, or as hexadecimal digits when they are not text (was b'...')
    ids = pa.array([each.encode() for each in table.column("settlement_id").to_pylist()], pa.binary())
    table = table.set_column(table.schema.get_field_index("settlement_id"), "settlement_id", ids)
    status, out = run(tmp_path, table, *COMMON, "--carry", "scan", "--report", str(tmp_path / "r"))
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert data["worst"] and {item["carried"]["scan"] for item in data["worst"]} == {"0xff00"}
    assert all(item["carried"]["settlement_id"].startswith("JX-2023-") for item in data["worst"])
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "0xff00" in page and "b&#x27;" not in page and "b'" not in page
    # a CSV file with bytes that are not text: one line, exit 2
    source = tmp_path / "bytes.csv"
    source.write_bytes(SAMPLE.read_bytes().replace(b"JX-2023-000003", b"JX-\xff\x00\xfe-03"))
    status = audit("medical-assistance", str(source), "--out", str(out), *COMMON)
    assert status == 2 and "cannot read" in one_line(capsys.readouterr().err)


def test_a_zoned_timestamp_is_dated_in_its_own_zone(tmp_path: Path) -> None:
    """00:30 on 1 January 2023 in Shanghai (16:30 on 31 December in UTC) is dated 2023-01-01."""
    late = dt.datetime(2022, 12, 31, 16, 30, tzinfo=dt.UTC)
    table = sample().slice(0, 1).set_column(1, "date", pa.array([late], pa.timestamp("s", tz="Asia/Shanghai")))
    status, out = run(tmp_path, table, *COMMON)
    assert status == 0
    assert pq.read_table(out).column("date").to_pylist() == [dt.date(2023, 1, 1)]


@pytest.mark.parametrize("report", [False, True])
def test_sums_past_int64_are_exact(tmp_path: Path, capsys: pytest.CaptureFixture[str], report: bool) -> None:
    """100,000 records paid the largest amount a record can say (999,999,999,999.99): their sums
    pass int64 fen (92,000 such records do) and are still exact, on the console and in the report
    (they wrapped around to negative figures)."""
    n, most = 100_000, Decimal("999999999999.99")
    table = pa.table(
        {
            "settlement_id": pa.array(range(n), pa.int64()),
            "date": pa.array([dt.date(2023, 6, 1)] * n, pa.date32()),
            "categories": pa.array([["subsistence_allowance"]] * n, pa.list_(pa.string())),
            "eligible_self_pay": pa.array([most] * n, pa.decimal128(18, 2)),
            "paid": pa.array([most] * n, pa.decimal128(18, 2)),
        }
    )
    status, out = run(tmp_path, table, *COMMON, *(["--report", str(tmp_path / "report")] if report else []))
    assert status == 1
    amount = Decimal(pq.read_table(out, columns=["amount"]).column("amount")[0].as_py())
    assert set(pq.read_table(out, columns=["amount"]).column("amount").to_pylist()) == {amount}
    over = (most - amount) * n
    printed = capsys.readouterr().out
    assert f"audited minus reference {over:.2f} (absolute {over:.2f})" in printed
    if not report:
        return
    totals = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))["totals"]
    assert totals["overpaid"] == f"{over:.2f}" and totals["audited"] == f"{most * n:.2f}"
    assert totals["reference"] == f"{amount * n:.2f}"


def test_an_exact_sum_does_not_wrap() -> None:
    values = np.array([99_999_999_999_999] * 100_000 + [-5, 3], np.int64)
    assert exact_sum(values) == 99_999_999_999_999 * 100_000 - 2
    codes = np.array([0, 1] * 50_000 + [0, 0], np.int64)
    sums = bincount(codes, np.abs(values), 2)
    assert [int(v) for v in sums] == [99_999_999_999_999 * 50_000 + 8, 99_999_999_999_999 * 50_000]
