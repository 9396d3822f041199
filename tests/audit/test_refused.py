"""Inputs refused with a line that says what is wrong: a file without records (exit 0 would say
"every record agrees" of nothing), an empty file, and column names that differ from a field only
in spaces or case (shown quoted, so that the spaces show)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bingpin.api.cli import main
from tests.audit.test_accounted import COMMON, one_line, run, sample
from tests.audit.test_command import SAMPLE

HEADER = SAMPLE.read_text(encoding="utf-8").partition("\n")[0]
NOTHING = "输入文件没有记录，未作任何核对 / the input holds no records: nothing was checked"


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_an_input_without_records_ends_the_run_with_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """Before: exit 0, "every record was compared and agrees", of no record at all."""
    table = f"{HEADER}\n" if kind == "csv" else sample().slice(0, 0)
    status, _ = run(tmp_path, table, *COMMON, "--report", str(tmp_path / "report" / "deeper"))
    line = one_line(capsys.readouterr().err)
    assert status == 2
    assert line.endswith(f"records.{kind}: {NOTHING}")
    assert [p.name for p in tmp_path.iterdir()] == [f"records.{kind}"]  # no output, no report, no directory


@pytest.mark.parametrize(("name", "said"), [("records.csv", "the file is empty (no header row)"),
                                            ("records.parquet", "the file is empty")])  # fmt: skip
def test_an_empty_file_is_said_to_be_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, said: str
) -> None:
    """Before: ``cannot read empty.csv: StopIteration``."""
    from tests.audit.test_command import audit

    (tmp_path / name).write_bytes(b"")
    assert audit("medical-assistance", str(tmp_path / name), "--out", str(tmp_path / "out.parquet"), *COMMON) == 2
    assert one_line(capsys.readouterr().err) == f"bingpin audit: cannot read {tmp_path / name}: {said}"
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("wrong", ["date ", " date", "Date", "DATE"])
def test_a_required_column_named_with_a_space_or_another_case_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], wrong: str
) -> None:
    """Before: "has no column 'date'", the column the file has left unsaid."""
    text = SAMPLE.read_text(encoding="utf-8").replace(",date,", f",{wrong},", 1)
    status, _ = run(tmp_path, text, *COMMON)
    line = one_line(capsys.readouterr().err)
    assert status == 2
    assert line.endswith(
        "缺少列 'date'（medical-assistance 必需，或用 --date 给出） / "
        f"has no column 'date', which medical-assistance requires (or give --date); did you mean its column {wrong!r}?"
    )


@pytest.mark.parametrize("wrong", ["date ", "Date"])
def test_an_unknown_column_named_with_a_space_or_another_case_is_shown_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], wrong: str
) -> None:
    """Before: "--carry date " with an invisible trailing space, and no "did you mean" for ``Date``."""
    text = SAMPLE.read_text(encoding="utf-8").replace(",date,", f",{wrong},", 1)
    status, _ = run(tmp_path, text, *COMMON, "--date", "2023-06-01")
    line = one_line(capsys.readouterr().err)
    assert status == 2
    assert f"未知的列（{wrong!r}），是否应为（'date'）？" in line
    assert f"unknown column {wrong!r} (did you mean 'date'?)" in line
    carry = "--carry 'date '" if wrong == "date " else "--carry Date"
    assert line.endswith(f"fix the name, or carry it through unchanged with {carry}")


def test_a_declared_column_the_file_has_with_a_space_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("settlement_id,", "settlement_id ,", 1)
    status, _ = run(tmp_path, text, *COMMON)
    assert status == 2
    assert one_line(capsys.readouterr().err).endswith(
        "has no column 'settlement_id' (--carry); did you mean its column 'settlement_id '?"
    )


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("records.xlsx", b"PK\x03\x04" + bytes(60), "zip 压缩包，如 Excel .xlsx"),
        ("records.xls", b"\xd0\xcf\x11\xe0" + bytes(60), "旧版 Excel .xls"),
        ("records.tsv", b"settlement_id\tdate\n1\t2023-06-01\n", "文本文件；如为 CSV，文件名须以 .csv 或 .txt 结尾"),
        ("records.parquet", bytes(range(1, 64)), "开头不是 Parquet 的标志 PAR1"),
    ],
)
def test_an_input_neither_parquet_nor_csv_is_told_which_formats_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, said: str
) -> None:
    """Before: "Parquet magic bytes not found in footer", for an Excel workbook as for anything else."""
    from tests.audit.test_command import audit

    (tmp_path / name).write_bytes(content)
    assert audit("medical-assistance", str(tmp_path / name), "--out", str(tmp_path / "out.parquet"), *COMMON) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"bingpin audit: cannot read {tmp_path / name}: 不是 Parquet 文件（{said}")
    assert "本命令读取 Parquet 和 CSV（文件名以 .csv 或 .txt 结尾" in line and "reads Parquet, and CSV" in line
    assert "magic" not in line
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize(
    "text",
    [
        "eligible_self_pay\n100.00\n\n200.00\n",  # one column: the empty line is the record of an empty cell
        "eligible_self_pay,categories\n100.00,subsistence_allowance\n\n200.00,subsistence_allowance\n",
        "eligible_self_pay,categories\r\n100.00,subsistence_allowance\r\n\r\n200.00,subsistence_allowance\r\n",
    ],
)
def test_an_empty_line_is_a_record_refused_not_skipped(tmp_path: Path, text: str) -> None:
    source, out = tmp_path / "records.csv", tmp_path / "out.csv"
    source.write_text(text, encoding="utf-8")
    status = main(["audit", "medical-assistance", str(source), "--out", str(out), "--jurisdiction", "330400",
                   "--date", "2023-06-01", "--quiet"])  # fmt: skip
    assert status == 1  # not every record was answered
    with out.open(encoding="utf-8-sig") as written:
        rows = list(csv.DictReader(written))
    assert [row["status"] for row in rows] == ["200", "422", "200"]
    assert "eligible_self_pay" in rows[1]["error_fields"]
