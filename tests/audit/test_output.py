"""Where an audit writes: paths checked before the run, nothing left behind by a run that fails,
and CSV cells that a spreadsheet would run as formulas neutralised."""

from __future__ import annotations

import codecs
import csv
import json
import signal
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from flask.testing import FlaskClient

from bingpin.api.audit import engines, files
from bingpin.api.audit.partition import Partition
from tests.audit.synthetic import mixed
from tests.audit.test_accounted import COMMON, one_line
from tests.audit.test_command import SAMPLE, audit


@pytest.fixture
def never_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run itself must not start."""

    def started(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the run started")

    monkeypatch.setattr(engines, "local", started)


@pytest.mark.parametrize(
    ("out", "report", "message"),
    [
        ("{dir}", None, "is a directory: give a file name"),
        ("{file}/out.parquet", None, "is not a directory"),
        ("{file}/deeper/out.parquet", None, "is not a directory"),
        ("{sample}", None, "is the input itself"),
        ("", None, "--out needs a file name"),
        ("out.parquet", "{file}", "is a file: give a directory"),
        ("out.parquet", "{file}/report", "is not a directory"),
        ("out.parquet", "", "--report needs a directory name"),
        ("{dir}/same.parquet", "{dir}/same.parquet", "is also --out"),
        # the name says the format: before, o.txt was written as CSV and a name without a suffix as Parquet
        ("sig/o.txt", None, "--out sig/o.txt: the name says which format to write: end it in .parquet or .pq"),
        ("{dir}/results", None, "(Parquet) or .csv (CSV), e.g. results.parquet or results.csv"),
    ],
)
def test_output_and_report_paths_are_checked_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], never_run: None, out: str, report: str | None, message: str
) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("not a directory", encoding="utf-8")
    source = tmp_path / "settlements.csv"
    source.write_bytes(SAMPLE.read_bytes())
    paths = {"dir": tmp_path / "dir", "file": tmp_path / "file", "sample": source}
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    extra = ["--report", report.format(**paths)] if report is not None else []
    status = audit("medical-assistance", str(source), "--out", out.format(**paths), *COMMON, *extra)
    assert status == 2
    assert message in one_line(capsys.readouterr().err)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_a_failed_run_removes_the_directories_it_made_for_its_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: Any, **kwargs: Any) -> Any:
        raise OSError("disk full")
        yield

    monkeypatch.setattr(engines, "local", failing)
    status = audit("medical-assistance", str(SAMPLE), "--out", str(tmp_path / "a" / "b" / "out.csv"), *COMMON)
    assert status == 2 and "disk full" in one_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "-5.00",
    "+5",
    "a\x00b",
]


def _records(tmp_path: Path) -> Path:
    rows = [["JX-1", "2023-06-01", "subsistence_allowance", "100.00", "90.00", note] for note in HOSTILE]
    source = tmp_path / "records.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["settlement_id", "date", "categories", "eligible_self_pay", "paid", "note"])
        writer.writerows(rows)
    return source


def _column(path: Path, name: str) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row[name] for row in csv.DictReader(handle)]


def test_csv_output_neutralises_formula_cells_in_carried_columns(tmp_path: Path) -> None:
    source, out = _records(tmp_path), tmp_path / "out.csv"
    assert audit("medical-assistance", str(source), "--out", str(out), *COMMON, "--carry", "note") == 0
    assert _column(out, "note") == [
        "'=HYPERLINK(\"http://x\",\"y\")", "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "-5.00", "+5",
        "ab",
    ]  # fmt: skip
    assert _column(out, "paid") == ["90.00"] * len(HOSTILE)  # a number stays a number
    raw = tmp_path / "raw.csv"
    assert audit("medical-assistance", str(source), "--out", str(raw), *COMMON, "--carry", "note", "--csv-raw") == 0
    assert _column(raw, "note") == HOSTILE
    parquet = tmp_path / "out.parquet"
    assert audit("medical-assistance", str(source), "--out", str(parquet), *COMMON, "--carry", "note") == 0
    assert pq.read_table(parquet).column("note").to_pylist() == HOSTILE


def test_the_formula_guard_covers_dictionary_columns_from_parquet(tmp_path: Path) -> None:
    table = pa.table(
        {
            "settlement_id": pa.array(["=1+1", "ok"]).dictionary_encode(),
            "jurisdiction": ["330400", "330400"],
            "date": ["2023-06-01", "2023-06-01"],
            "categories": [["subsistence_allowance"]] * 2,
            "eligible_self_pay": ["100.00", "100.00"],
            "paid": ["90.00", "90.00"],
        }
    )
    source, out = tmp_path / "records.parquet", tmp_path / "out.csv"
    pq.write_table(table, source)
    assert audit("medical-assistance", str(source), "--out", str(out), *COMMON) == 0
    assert _column(out, "settlement_id") == ["'=1+1", "ok"]


def test_the_formula_guard_covers_large_text_columns_from_parquet(tmp_path: Path) -> None:
    """Text Parquet stores as large_string (64-bit offsets) is guarded as text is: it used to end
    the run with an internal error (no kernel joined a large_string with the quote)."""
    table = pa.table(
        {
            "settlement_id": pa.array(["=1+1", "ok"], pa.large_string()),
            "jurisdiction": ["330400", "330400"],
            "date": ["2023-06-01", "2023-06-01"],
            "categories": [["subsistence_allowance"]] * 2,
            "eligible_self_pay": ["100.00", "100.00"],
            "paid": pa.array(["90.00", "90.00"], pa.large_string()),
        }
    )
    source, out = tmp_path / "records.parquet", tmp_path / "out.csv"
    pq.write_table(table, source)
    assert audit("medical-assistance", str(source), "--out", str(out), *COMMON) == 0
    assert _column(out, "settlement_id") == ["'=1+1", "ok"]
    assert _column(out, "paid") == ["90.00", "90.00"]


def test_text_and_lists_stored_as_views_are_audited_as_their_plain_layout(tmp_path: Path) -> None:
    """A Parquet file whose text is string_view and whose lists are list_view (newer Arrow
    writers) is audited exactly as the same records in plain layout: it used to be refused
    (input fields, the compared column) with a message asking for text."""
    plain = mixed(3000, seed=11)
    views = {}
    for field in plain.schema:
        column = plain.column(field.name)
        if pa.types.is_string(field.type):
            column = column.cast(pa.string_view())
        elif pa.types.is_list(field.type):
            column = pa.array(column.to_pylist(), pa.list_view(pa.string_view()))
        views[field.name] = column
    views["paid"] = plain.column("paid").cast(pa.string()).cast(pa.string_view())
    written = {}
    for name, table in {"plain": plain, "views": pa.table(views)}.items():
        source, out = tmp_path / f"{name}.parquet", tmp_path / f"{name}.csv"
        pq.write_table(table, source)
        flags = ["--compare", "paid", "--carry", "record_id"]
        assert audit("medical-assistance", str(source), "--out", str(out), *flags) in (0, 1)
        written[name] = out.read_bytes()
    assert written["views"] == written["plain"]
    assert written["plain"].count(b"\n") == 3001


CODES = ["subsistence_allowance", "subsistence_allowance;marginal_subsistence", " subsistence_allowance"]


@pytest.mark.parametrize(
    "layout",
    [
        pa.array(CODES, pa.large_string()),
        pa.array(CODES).dictionary_encode(),  # a pandas category
        pa.array([cell.split(";") for cell in CODES]),
    ],
    ids=["large_string", "dictionary", "list"],
)
def test_codes_are_read_alike_in_every_layout_each_as_written(
    tmp_path: Path, http: FlaskClient, layout: pa.Array
) -> None:
    """``;``-separated codes as text, large text or labels, and lists of codes, give the same
    answers, and a code is taken as written, as the single endpoint takes it: a code with a space
    is refused (the cell was trimmed, so " subsistence_allowance" was answered, while
    "subsistence_allowance ;marginal_subsistence" and " 330400" were refused); labels were not
    split at all (every record refused: not a list)."""
    written = {}
    for name, column in {"text": pa.array(CODES), "layout": layout}.items():
        source, out = tmp_path / f"{name}.parquet", tmp_path / f"{name}.csv"
        day, amount = ["2023-06-01"] * 3, ["100.00"] * 3
        pq.write_table(pa.table({"date": day, "categories": column, "eligible_self_pay": amount}), source)
        assert audit("medical-assistance", str(source), "--out", str(out), "--jurisdiction", "330400") == 1
        written[name] = out.read_bytes()
    assert written["layout"] == written["text"]
    assert _column(tmp_path / "text.csv", "status") == ["200", "200", "422"]
    endpoint = http.post(
        "/v1/calculations/medical-assistance",
        json={
            "jurisdiction": "330400",
            "date": "2023-06-01",
            "categories": [" subsistence_allowance"],
            "eligible_self_pay": "100.00",
        },
    )
    assert endpoint.status_code == 422
    assert json.loads(_column(tmp_path / "text.csv", "error_fields")[2]) == endpoint.get_json()["errors"]


@pytest.mark.parametrize(
    "days",
    [
        pa.array([3_000_000, 19_418, -800_000, None], pa.int32()).cast(pa.date32()),
        pa.array([10**15, 1_686_000_000_000, -(10**14), None], pa.timestamp("ms")),
        pa.array([10**15, 86_400_000 * 19_418 + 5, -(10**14), None], pa.date64()),
    ],
    ids=["date32", "timestamp", "date64"],
)
def test_a_day_past_the_calendar_is_that_records_422_not_the_end_of_the_run(tmp_path: Path, days: pa.Array) -> None:
    """A Parquet date outside years 1 to 9999 (no ISO text a request can send) is refused as not
    a date, record by record; the others are answered (the run ended with an internal error,
    also when such a column was only carried into the report)."""
    n = len(days)
    table = pa.table(
        {
            "id": list(range(n)),
            "date": days,
            "carried_day": days,
            "categories": [["subsistence_allowance"]] * n,
            "eligible_self_pay": ["100.00"] * n,
            "paid": ["90.00"] * n,
        }
    )
    source, out, report = tmp_path / "records.parquet", tmp_path / "out.csv", tmp_path / "report"
    pq.write_table(table, source)
    flags = ["--jurisdiction", "330400", "--date", "2023-06-01", "--compare", "paid", "--report", str(report)]
    assert (
        audit("medical-assistance", str(source), "--out", str(out), *flags, "--carry", "id", "--carry", "carried_day")
        == 1
    )
    assert _column(out, "status") == ["422", "200", "422", "200"]
    assert json.loads(_column(out, "error_fields")[0]) == {"date": ["不是有效日期（YYYY-MM-DD） / Not a valid date."]}
    listed = json.loads((report / "report.json").read_text(encoding="utf-8"))["refused_paid"]["listed"]
    assert [item["carried"]["id"] for item in listed] == [0, 2]


@pytest.mark.parametrize(
    "cell",
    ["[" * 1000 + "]" * 1000, '[{"self_pay": "1.00", "\\ud800": 1}]'],
    ids=["nested-1000-deep", "lone-surrogate"],
)
def test_a_json_cell_that_cannot_be_a_request_is_that_records_422(tmp_path: Path, cell: str) -> None:
    """A CSV cell of JSON nested deeper than a request may be, or holding a string that is not
    Unicode text, is that record's refusal (each ended the run with an internal error)."""
    source, out = tmp_path / "records.csv", tmp_path / "out.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["jurisdiction", "date", "members"])
        writer.writerows([["330400", "2023-06-01", cell], ["330400", "2023-06-01", '[{"self_pay": "100.00"}]']])
    assert audit("high-cost-relief", str(source), "--out", str(out)) == 1
    assert _column(out, "status") == ["422", "200"]
    assert list(json.loads(_column(out, "error_fields")[0])) == ["members"]


def _not_utf8(cells: list[bytes]) -> pa.Array:
    """A text array holding the bytes as they are (a writer that does not check what it stores)."""
    offsets = pa.array([sum(len(c) for c in cells[:n]) for n in range(len(cells) + 1)], pa.int32())
    return pa.Array.from_buffers(pa.string(), len(cells), [None, offsets.buffers()[1], pa.py_buffer(b"".join(cells))])


@pytest.mark.parametrize("column", ["categories", "note"])
def test_parquet_text_that_is_not_utf8_is_refused_naming_its_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str
) -> None:
    """Bytes that are not UTF-8 in a field's column ended the run as an internal error; in a carried
    column they were copied into the output as they are."""
    codes = ["subsistence_allowance"] * 3
    table = pa.table(
        {
            "date": ["2023-06-01"] * 3,
            "categories": _not_utf8([b"subsistence_allowance", b"x\xff", b"x"]) if column == "categories" else codes,
            "eligible_self_pay": ["100.00"] * 3,
            "note": _not_utf8([b"ok", b"\xed\xa0\x80", b"ok"]) if column == "note" else ["ok"] * 3,
        }
    )
    source, out = tmp_path / "records.parquet", tmp_path / "out.csv"
    pq.write_table(table, source)
    assert (
        audit("medical-assistance", str(source), "--out", str(out), "--jurisdiction", "330400", "--carry", "note") == 2
    )
    err = capsys.readouterr().err
    assert f"列（{column!r}）含有不是 UTF-8 的文本 / column {column!r} holds text that is not UTF-8" in err
    assert len(err.strip().splitlines()) == 1 and not out.exists()


def test_parquet_output_encodes_labels_as_dictionaries_and_reads_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Labels repeat: their pages are dictionaries, inside lists too; amounts are written as exact
    integers; ids and dates have statistics. An output of
    several row groups (a batch each) reads back the same whole, by ParquetFile.read and
    iter_batches too (the file declares the labels inside a list as text: read as dictionaries,
    pyarrow could read them row group by row group only)."""
    records = pacsv.read_csv(SAMPLE, convert_options=pacsv.ConvertOptions(column_types={"settlement_id": pa.string()}))
    source, out = tmp_path / "records.parquet", tmp_path / "out.parquet"
    pq.write_table(records, source, row_group_size=4)
    monkeypatch.setattr(files, "BATCH_ROWS", 4)  # a batch of each row group, written as a row group of its own
    assert audit("medical-assistance", str(source), "--out", str(out), *COMMON) in (0, 1)
    file = pq.ParquetFile(out)
    assert file.metadata.num_row_groups == 3
    group = file.metadata.row_group(0)
    chunks = {group.column(i).path_in_schema: group.column(i) for i in range(group.num_columns)}
    for path in ("jurisdiction_code", "policy_title", "applied_rule", "assumptions.list.element"):
        assert "RLE_DICTIONARY" in chunks[path].encodings, path
    for path in ("amount", "date", "discrepancy"):  # plain: no reader has to decode a delta page without a value
        assert "RLE_DICTIONARY" not in chunks[path].encodings, path
        assert "DELTA_BINARY_PACKED" not in chunks[path].encodings, path
    assert chunks["amount"].physical_type == "INT64"
    assert chunks["date"].statistics.has_min_max
    whole = pq.read_table(out)
    assert file.read().equals(whole)
    assert pa.Table.from_batches(list(file.iter_batches(batch_size=5))).to_pylist() == whole.to_pylist()
    assert whole.schema.field("assumptions").type == pa.list_(pa.string())
    assert whole.schema.field("policy_title").type == pa.dictionary(pa.int32(), pa.string())
    assert any(whole.column("assumptions").to_pylist())


def test_a_run_started_ignoring_sighup_keeps_ignoring_it() -> None:
    """``nohup bingpin audit ...`` goes on when the terminal closes; a run started without it
    stops on SIGHUP (exit 129) and removes what it was writing, as on SIGTERM."""
    from bingpin.api.audit.cli import _signals

    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with _signals():
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        with _signals():
            assert signal.getsignal(signal.SIGHUP) not in (signal.SIG_IGN, signal.SIG_DFL)
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_a_fault_of_the_program_ends_the_run_with_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error of bingpin's own during the run (not of the input) is not "discrepancies" (exit 1)
    nor a traceback: exit 2, one line saying what and where, nothing written."""

    def broken(self: Any, table: Any) -> Any:
        raise IndexError("index 287 is out of bounds for axis 0 with size 287")

    monkeypatch.setattr(Partition, "__call__", broken)
    out = tmp_path / "out.parquet"
    assert audit("medical-assistance", str(SAMPLE), "--out", str(out), *COMMON) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("bingpin audit: 内部错误 / internal error (IndexError: index 287 is out of bounds")
    assert "test_output.py:" in line and line.endswith("nothing written")
    assert sorted(tmp_path.iterdir()) == []


def test_what_a_batch_writes_does_not_depend_on_what_was_traced_before() -> None:
    """A batch's labels, top-level and inside ``assumptions``, are those its records use, in the
    order they first appear: the same table, dictionaries included, whether the process answered
    other records before (another thread's batches, a Dask worker's earlier partitions) or not."""
    from tests.audit.synthetic import mixed

    before, batch = mixed(3_000, seed=1), mixed(3_000, seed=2)
    fresh = Partition("medical-assistance", compare="paid", carry=["record_id"])(batch)
    used = Partition("medical-assistance", compare="paid", carry=["record_id"])
    used(before)
    again = used(batch)
    assert again.equals(fresh)
    items = again.column("assumptions").combine_chunks().values
    assert len(items.dictionary) == len(set(items.to_pylist()))  # only the labels the batch uses


def test_csv_output_starts_with_a_byte_order_mark_for_excel(tmp_path: Path) -> None:
    """Excel on a Chinese Windows reads a CSV file without one as GBK: every place, title and
    message would be garbled. Readers that know the mark (pyarrow, pandas, utf-8-sig) skip it."""
    source, out = _records(tmp_path), tmp_path / "out.csv"
    assert audit("medical-assistance", str(source), "--out", str(out), *COMMON, "--carry", "note") == 0
    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + b'"settlement_id"') and data.count(codecs.BOM_UTF8) == 1
    assert pacsv.read_csv(out).column_names[0] == "settlement_id"
    assert "嘉兴市" in data.decode("utf-8-sig")


def test_the_heap_numpy_allocates_from_is_kept_for_the_run_under_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    """mallopt takes both settings where the C library is a 64-bit glibc (it returns 0 for a
    setting it refuses); elsewhere, or where the environment tunes the allocator, nothing is set."""
    import platform

    from bingpin.api.audit.cli import kept_heap

    for name in ("GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_"):
        monkeypatch.delenv(name, raising=False)
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc" and sys.maxsize > 2**32
    assert kept_heap() is glibc
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0")
    assert kept_heap() is False


def test_arrow_buffers_come_from_jemalloc_unless_the_environment_names_a_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    from bingpin.api.audit.cli import arrow_memory_pool

    before = pa.default_memory_pool()
    try:
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
        chosen = "jemalloc" if "jemalloc" in pa.supported_memory_backends() else before.backend_name
        assert arrow_memory_pool() == chosen == pa.default_memory_pool().backend_name
        pa.set_memory_pool(pa.system_memory_pool())  # as Arrow starts with ARROW_DEFAULT_MEMORY_POOL=system
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
        assert arrow_memory_pool() == "system"
    finally:
        pa.set_memory_pool(before)
