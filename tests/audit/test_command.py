"""``bingpin audit`` end to end: planted discrepancies found exactly, bad input, atomic output, CSV."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from flask.testing import FlaskClient

from bingpin.api.audit import engines, files
from bingpin.api.audit.fen import MONEY, money_array, to_fen
from bingpin.api.cli import main
from tests.audit.synthetic import CODES, masked_money, mixed

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "docs" / "audit" / "settlements.csv"
MEDICAL = "/v1/calculations/medical-assistance"


def audit(*args: str) -> int:
    return main(["audit", *args, "--quiet"])


def _pool(http: FlaskClient, rng: np.random.Generator, size: int) -> list[dict[str, Any]]:
    """Distinct records (most plain, some for the rule one by one, some refused),
    each with the single endpoint's amount (None when it refuses)."""
    pool = []
    for i in range(size):
        day = dt.date(2022, 12, 1) + dt.timedelta(days=int(rng.integers(0, 420)))
        record: dict[str, Any] = {
            "date": day,
            "categories": [CODES[int(rng.integers(0, len(CODES)))]],
            "eligible_self_pay": int(rng.integers(0, 30_000_000)),
            "assistance_received_this_year": int(rng.integers(0, 12_000_000)) if rng.random() < 0.5 else None,
            "recognized_on": None,
        }
        if i % 10 == 0:
            record["categories"] = ["illness_induced_poverty", "subsistence_allowance"]
            record["recognized_on"] = day - dt.timedelta(days=int(rng.integers(0, 400)))
        if i % 17 == 0:
            record["categories"] = ["subsistence_allowance", "marginal_subsistence"]
        body = {
            "jurisdiction": "330400",
            "date": day.isoformat(),
            "categories": record["categories"],
            "eligible_self_pay": f"{record['eligible_self_pay'] / 100:.2f}",
        }
        if record["assistance_received_this_year"] is not None:
            body["assistance_received_this_year"] = f"{record['assistance_received_this_year'] / 100:.2f}"
        if record["recognized_on"] is not None:
            body["recognized_on"] = record["recognized_on"].isoformat()
        answer = http.post(MEDICAL, json=body)
        record["reference"] = round(float(answer.get_json()["amount"]) * 100) if answer.status_code == 200 else None
        pool.append(record)
    return pool


def test_an_audit_of_200000_records_flags_exactly_the_planted_discrepancies(http: FlaskClient, tmp_path: Path) -> None:
    rng = np.random.default_rng(13)
    pool = _pool(http, rng, 400)
    n = 200_000
    pick = rng.integers(0, len(pool), n)
    reference = np.array([p["reference"] if p["reference"] is not None else -1 for p in pool])[pick]
    answered = reference >= 0
    planted = np.zeros(n, bool)
    planted[rng.choice(np.nonzero(answered)[0], 500, replace=False)] = True
    delta = np.where(rng.random(n) < 0.5, 1, -1) * rng.integers(1, 500_000, n)
    delta = np.where(planted & (reference + delta < 0), -delta, delta)
    # what the audited system paid: the reference, a planted error, or anything on a refused record
    paid = np.where(planted, reference + delta, np.where(answered, reference, rng.integers(0, 100_000, n)))

    def column(name: str) -> list[Any]:
        return [pool[i][name] for i in pick]

    received = np.array([v if v is not None else 0 for v in column("assistance_received_this_year")])
    table = pa.table(
        {
            "settlement_id": pa.array([f"S{i:07d}" for i in range(n)]),
            "date": pa.array(column("date"), pa.date32()),
            "categories": pa.array(column("categories"), pa.list_(pa.string())),
            "eligible_self_pay": money_array(np.array(column("eligible_self_pay"))),
            "assistance_received_this_year": masked_money(
                received, np.array([v is None for v in column("assistance_received_this_year")])
            ),
            "recognized_on": pa.array(column("recognized_on"), pa.date32()),
            "paid": money_array(paid),
        }
    )
    source, out, report = tmp_path / "records.parquet", tmp_path / "audited.parquet", tmp_path / "report"
    pq.write_table(table, source, row_group_size=50_000)
    status = audit(
        "medical-assistance",
        str(source),
        "--out",
        str(out),
        "--jurisdiction",
        "330400",
        "--compare",
        "paid",
        "--report",
        str(report),
        "--carry",
        "settlement_id",
    )
    assert status == 1
    audited = pq.read_table(out)
    assert audited.num_rows == n
    assert audited.column("settlement_id").to_pylist() == table.column("settlement_id").to_pylist()
    flagged = np.asarray(audited.column("discrepancy").is_valid())
    assert np.array_equal(flagged, planted)
    found, _ = to_fen(audited.column("discrepancy").filter(pa.array(flagged & (delta > 0))))
    assert found.tolist() == delta[planted & (delta > 0)].tolist()
    amounts, _ = to_fen(audited.column("amount"))
    assert np.array_equal(np.where(answered, amounts, -1), reference)
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    assert (data["records"], data["discrepancies"]) == (n, 500)
    # the refused records are counted apart, with what was paid on them
    assert (data["refused"], data["not_compared"], data["agrees"]) == (int((~answered).sum()),) * 2 + (False,)
    assert data["not_compared_audited"] == f"{int(paid[~answered].sum()) / 100:.2f}"
    assert sum(group["not_compared"] for group in data["by_rule"]) == int((~answered).sum())
    cents = int(delta[planted].sum())
    assert data["totals"]["discrepancy"] == f"{cents / 100:.2f}"
    assert data["totals"]["absolute_discrepancy"] == f"{int(np.abs(delta[planted]).sum()) / 100:.2f}"
    for dimension in ("by_jurisdiction", "by_category", "by_rule"):
        assert sum(group["discrepancies"] for group in data[dimension]) == 500
        assert sum(round(float(group["discrepancy"]) * 100) for group in data[dimension]) == cents
    expected = int(paid[answered].sum()) / 100
    assert data["totals"]["audited"] == f"{expected:.2f}"
    assert len(data["worst"]) == 20 and all(item["clauses"] and item["replay"] for item in data["worst"])
    worst = sorted(np.abs(delta[planted]).tolist(), reverse=True)[:20]
    assert [abs(round(float(item["discrepancy"]) * 100)) for item in data["worst"]] == worst
    for item in data["worst"]:
        assert item["carried"]["settlement_id"] == f"S{item['row']:07d}"
        assert item["record"] == item["row"] + 1
        assert f"{audited.column('discrepancy')[item['row']].as_py():.2f}" == item["discrepancy"]
    # overpaid and underpaid apart: money at stake
    over, under = delta[planted & (delta > 0)], -delta[planted & (delta < 0)]
    assert (data["totals"]["overpaid_records"], data["totals"]["underpaid_records"]) == (len(over), len(under))
    assert (data["totals"]["overpaid"], data["totals"]["underpaid"]) == (yuan(over.sum()), yuan(under.sum()))
    # every refused record paid on: counted and summed by reason, the first 200 listed in input order
    paid_on = np.nonzero(~answered & (paid != 0))[0]
    found = data["refused_paid"]
    assert (found["records"], found["audited"]) == (len(paid_on), yuan(paid[paid_on].sum()))
    assert sum(reason["records"] for reason in found["by_reason"]) == len(paid_on)
    assert [item["row"] for item in found["listed"]] == paid_on[:200].tolist()
    assert [item["audited"] for item in found["listed"]] == [yuan(v) for v in paid[paid_on[:200]]]
    assert all(item["carried"]["settlement_id"] == f"S{item['row']:07d}" for item in found["listed"])
    assert (found["unlisted"], found["unlisted_audited"]) == (len(paid_on) - 200, yuan(paid[paid_on[200:]].sum()))
    page = (report / "index.html").read_text(encoding="utf-8")
    unlisted = Decimal(int(paid[paid_on[200:]].sum())) / 100
    assert f"另有 {len(paid_on) - 200:,} 条未列出，其被审系统实付合计 {unlisted:,.2f} 元" in page  # thousands marked


def yuan(fen: Any) -> str:
    return f"{Decimal(int(fen)) / 100:.2f}"


def summary_shown_in_readme(printed: str) -> None:
    """The summary's lines (but the paths) are those the README's worked example shows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = [line for line in printed.splitlines() if not line.lstrip().startswith(("wrote", "audited", "report"))]
    assert len(shown) == 5
    for line in shown:
        assert f"\n{line}\n" in readme, line


def test_the_shipped_sample_is_audited_as_the_readme_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "audited.csv"
    status = audit(
        "medical-assistance", str(SAMPLE), "--out", str(out), "--jurisdiction", "330400", "--compare", "paid",
        "--carry", "settlement_id",
    )  # fmt: skip
    summary_shown_in_readme(capsys.readouterr().out)
    assert status == 1
    audited = pacsv.read_csv(out, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    records = pacsv.read_csv(SAMPLE)
    assert audited.column("settlement_id").to_pylist() == records.column("settlement_id").to_pylist()
    assert audited.num_rows == records.num_rows


def _records(tmp_path: Path) -> Path:
    path = tmp_path / "records.parquet"
    pq.write_table(
        pa.table(
            {"categories": [["subsistence_allowance"]], "eligible_self_pay": pa.array(["100.00"]), "paid": ["90"]}
        ),
        path,
    )
    return path


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["no-such-calculation", "{records}"], "unknown calculation 'no-such-calculation'"),
        (["medical-assistance", "{missing}"], "no such file"),
        (["medical-assistance", "{garbage}"], "cannot read"),
        (["medical-assistance", "{records}"], "no column 'jurisdiction'"),
        (
            ["critical-illness-insurance", "{records}", "--jurisdiction", "330400"],
            "no column 'per_capita_disposable_income'",
        ),
        (["medical-assistance", "{records}", "--jurisdiction", "330400", "--compare", "nope"], "no column 'nope'"),
        (["medical-assistance", "{records}", "--jurisdiction", "999999"], "unknown jurisdiction"),
        (["indicators", "{records}", "--jurisdiction", "330400", "--compare", "paid"], "no single figure"),
        (["medical-assistance", "{records}", "--jurisdiction", "330400", "--out", "{records}"], "is the input itself"),
        (["medical-assistance", "{records}", "--jurisdiction", "330400", "--report", "{records}"], "is a file"),
        (
            ["medical-assistance", "{coded}", "--compare", "paid"],
            "列（'jurisdiction'）的类型为 int64，无法读取，请将该列存为文本 / column 'jurisdiction' is int64: "
            "jurisdiction takes text: write the column as text; nothing was audited",
        ),
        # each of these was said as "no such file", as a decoding error, or not at all
        (["medical-assistance", "{directory}"], "cannot read {directory}: is a directory: give a file"),
        (["medical-assistance", "{renamed}"], "是 Parquet 文件，文件名请以 .parquet 结尾 / a Parquet file"),
        (["medical-assistance", "{trailing}"], "第 5 列没有列名（表头末尾多余的逗号？）/ column 5 has no name"),
        (["medical-assistance", "{records}", "--jurisdiction", "330400", "--csv-raw"], "--csv-raw 仅用于 CSV 输出"),
        (["medical-assistance", "{records}", "--connect-timeout", "5"], "--connect-timeout goes with --engine dask"),
        (
            ["medical-assistance", "{clash}", "--jurisdiction", "330400", "--carry", "paid", "--carry", "status"],
            "与输出列同名，请改名",
        ),
    ],
)
def test_a_run_that_cannot_go_on_ends_at_once_with_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"not parquet at all")
    coded = tmp_path / "coded.parquet"  # a jurisdiction code stored as a number
    pq.write_table(pq.read_table(_records(tmp_path)).append_column("jurisdiction", pa.array([330400])), coded)
    paths = {"records": _records(tmp_path), "missing": tmp_path / "missing.parquet", "garbage": garbage, "coded": coded}
    paths["renamed"] = tmp_path / "records.csv"
    paths["renamed"].write_bytes(paths["records"].read_bytes())
    paths["trailing"] = tmp_path / "excel.csv"
    paths["trailing"].write_text("jurisdiction,date,categories,eligible_self_pay,\n330400,2023-06-01,x,1,\n")
    paths["clash"] = tmp_path / "clash.parquet"
    pq.write_table(pq.read_table(paths["records"]).append_column("status", pa.array(["x"])), paths["clash"])
    paths["directory"] = tmp_path
    out = tmp_path / "out.parquet"
    status = audit("--out", str(out), "--date", "2023-06-01", *[a.format(**paths) for a in arguments])
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and message.format(**paths) in err, err
    assert not out.exists()


def test_a_bad_row_is_that_rows_422_and_the_run_goes_on(tmp_path: Path) -> None:
    source = tmp_path / "records.csv"
    source.write_text(
        "id,jurisdiction,date,categories,eligible_self_pay\n"
        "1,330400,2023-06-01,subsistence_allowance,100.00\n"
        "2,330400,2023-06-01,subsistence_allowance,-5\n"
        "3,330400,2023-02-30,subsistence_allowance,100.00\n"
        "4,330400,2023-06-01,no_such_category,100.00\n"
        "5,330400,2019-06-01,subsistence_allowance,100.00\n"
        "6,330481,2023-06-01,subsistence_allowance,100.00\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.parquet"
    assert audit("medical-assistance", str(source), "--out", str(out), "--carry", "id") == 1  # not all answered
    audited = pq.read_table(out)
    assert audited.column("status").to_pylist() == [200, 422, 422, 422, 422, 422]
    assert audited.column("error_code").to_pylist()[1:4] == ["validation_error"] * 3
    assert audited.column("amount").to_pylist()[0] == pa.scalar(90, MONEY).as_py()
    assert audited.column("id").to_pylist() == ["1", "2", "3", "4", "5", "6"]


def test_a_run_that_fails_midway_leaves_no_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.parquet"
    out.write_bytes(b"the previous audit")

    def failing(part: Any, batches: Any, after: Any, **engine: Any) -> Any:
        for batch in batches:
            yield batch, part(batch), after(batch, part(batch))
            raise OSError("disk full")

    monkeypatch.setattr(engines, "local", failing)
    status = audit(
        "medical-assistance",
        str(_records(tmp_path)),
        "--out",
        str(out),
        "--jurisdiction",
        "330400",
        "--date",
        "2023-06-01",
        "--carry",
        "paid",
    )
    assert status == 2
    assert out.read_bytes() == b"the previous audit"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet", "records.parquet"]


def test_the_local_engine_gives_the_same_rows_on_one_thread_or_several(tmp_path: Path) -> None:
    from tests.audit.synthetic import jiaxing

    table = jiaxing(5000, seed=3)
    from bingpin.api.audit.partition import Partition

    part = Partition("medical-assistance", "330400", None, "paid", carry=["record_id"])
    batches = [table.slice(i, 700) for i in range(0, 5000, 700)]
    one = pa.concat_tables([out for _, out, _ in engines.local(part, batches, threads=1)])
    several = pa.concat_tables([out for _, out, _ in engines.local(part, batches, threads=3)])
    assert one.to_pylist() == several.to_pylist()
    scalar = Partition("medical-assistance", "330400", None, "paid", population=False, carry=["record_id"])(table)
    assert pc.all(pc.equal(one.column("amount"), scalar.column("amount"))).as_py()


class _Held:
    """What a batch's audit holds while it runs (the bodies it read, say)."""


def test_a_batch_whose_audit_fails_is_let_go_without_waiting_for_a_collection() -> None:
    """When the caller stops taking batches (Ctrl-C, an error) while another batch's audit failed
    or was called off, what that work held is freed as the run lets go of it, not at a later
    collection: a run of scalar rows stopped by Ctrl-C spent half a second at exit freeing the
    bodies such a reference cycle kept."""
    import gc
    import weakref

    held: list[weakref.ref[_Held]] = []
    failed = threading.Event()

    def audit(batch: pa.Table) -> pa.Table:
        if batch.num_rows == 1:  # the second batch fails first
            what = _Held()
            held.append(weakref.ref(what))
            failed.set()
            raise RuntimeError("called off")
        failed.wait(10)
        return batch

    gc.disable()
    try:
        run = engines.local(audit, [pa.table({"x": [1, 2]}), pa.table({"x": [3]})], threads=2)  # type: ignore[arg-type]
        assert next(run)[1].num_rows == 2
        run.close()  # the caller stops: the second batch's work is over by then
        del run
        assert len(held) == 1 and held[0]() is None
        for threads in (1, 2):  # the error reaching the caller, one thread or several
            held.clear()
            with pytest.raises(RuntimeError, match="called off"):
                for _ in engines.local(audit, [pa.table({"x": [3]})], threads=threads):  # type: ignore[arg-type]
                    pass
            assert len(held) == 1 and held[0]() is None, threads
    finally:
        gc.enable()


def test_a_stopped_run_waits_for_its_reader_to_finish_the_batch_it_decodes() -> None:
    """A reader thread still inside Arrow when the interpreter exits is ended there, and the
    process aborts ("terminate called without an active exception", exit -6 instead of 130 after
    Ctrl-C): the consumer that stops waits for the batch being decoded (here a 0.3 s one)."""
    decoding = threading.Event()

    def slow() -> Any:
        yield pa.table({"x": [1]})
        decoding.set()
        time.sleep(0.3)  # decoding the next batch
        yield pa.table({"x": [2]})

    batches = engines.prefetched(slow(), 1)
    next(batches)
    decoding.wait(5)
    batches.close()
    assert not [t for t in threading.enumerate() if t.name == "bingpin-audit-reader" and t.is_alive()]


def test_a_csv_file_saved_with_a_byte_order_mark_is_read_by_its_names(tmp_path: Path) -> None:
    source = tmp_path / "records.csv"
    source.write_bytes(SAMPLE.read_bytes().replace(b"settlement_id", "\ufeffsettlement_id".encode(), 1))
    out = tmp_path / "out.parquet"
    carry = ["--carry", "settlement_id", "--carry", "paid"]
    assert audit("medical-assistance", str(source), "--out", str(out), "--jurisdiction", "330400", *carry) == 1
    assert pq.read_table(out).column_names[0] == "settlement_id"


def test_a_csv_file_saved_as_gbk_is_refused_in_chinese_and_read_with_its_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel on a Chinese Windows saves "CSV (逗号分隔)" as GBK: read as UTF-8 it is refused with what
    to do; with --encoding gbk it is audited as its UTF-8 copy is."""
    text = SAMPLE.read_text(encoding="utf-8").replace("JX-2023-000001", "嘉兴-2023-000001")
    utf8, gbk = tmp_path / "utf8.csv", tmp_path / "gbk.csv"
    utf8.write_text(text, encoding="utf-8")
    gbk.write_bytes(text.encode("gbk"))
    flags = ["--jurisdiction", "330400", "--compare", "paid", "--carry", "settlement_id"]
    capsys.readouterr()
    assert audit("medical-assistance", str(gbk), "--out", str(tmp_path / "refused.csv"), *flags) == 2
    line = capsys.readouterr().err.strip()
    assert "不是 UTF-8 编码的文本" in line and "--encoding gbk" in line and len(line.splitlines()) == 1
    assert not (tmp_path / "refused.csv").exists()
    assert audit("medical-assistance", str(utf8), "--out", str(tmp_path / "a.csv"), *flags) == 1
    expected = capsys.readouterr().out.replace(str(utf8), "INPUT").replace(str(tmp_path / "a.csv"), "OUT")
    assert audit("medical-assistance", str(gbk), "--out", str(tmp_path / "b.csv"), *flags, "--encoding", "gbk") == 1
    printed = capsys.readouterr().out.replace(str(gbk), "INPUT").replace(str(tmp_path / "b.csv"), "OUT")
    assert printed == expected
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()  # written as UTF-8
    assert "嘉兴-2023-000001" in (tmp_path / "b.csv").read_text(encoding="utf-8-sig")
    # bytes that are not GBK either, past the first block: refused, naming the encoding
    rows = b"X-1,2023-03-02,subsistence_allowance,1.00,,1.00\n" * 400
    gbk.write_bytes(text.encode("gbk") + rows + b"\xff\xfe,,,,,\n")
    assert audit("medical-assistance", str(gbk), "--out", str(tmp_path / "c.csv"), *flags, "--encoding", "gbk") == 2
    assert "不是 gbk 编码的文本 / not gbk text" in capsys.readouterr().err
    for codec in ("nope", "rot13", "base64"):  # the last two are codecs, not of text (an internal error)
        assert audit("medical-assistance", str(gbk), "--out", str(tmp_path / "c.csv"), *flags, "--encoding", codec) == 2
        assert f"未知的文本编码 {codec!r}" in capsys.readouterr().err
    # UTF-8 read as UTF-16 has no byte order mark: a UnicodeError, not a decoding one (an internal error)
    assert audit("medical-assistance", str(utf8), "--out", str(tmp_path / "c.csv"), *flags, "--encoding", "utf-16") == 2
    assert "不是 utf-16 编码的文本 / not utf-16 text (UTF-16 stream does not start with BOM)" in capsys.readouterr().err
    parquet = tmp_path / "records.parquet"
    pq.write_table(pacsv.read_csv(utf8), parquet)
    assert audit("medical-assistance", str(parquet), "--out", str(tmp_path / "d.csv"), "--encoding", "gbk") == 2
    assert "--encoding 仅用于 CSV 输入" in capsys.readouterr().err


def test_the_printed_totals_are_the_same_with_or_without_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.audit.synthetic import jiaxing

    source = tmp_path / "records.parquet"
    pq.write_table(jiaxing(20_000, seed=5), source)
    printed = []
    for extra in ([], ["--report", str(tmp_path / "report")]):
        audit("medical-assistance", str(source), "--out", str(tmp_path / "out.parquet"), "--jurisdiction", "330400",
              "--compare", "paid", "--carry", "record_id", *extra)  # fmt: skip
        printed.append([line for line in capsys.readouterr().out.splitlines() if "report" not in line])
    assert printed[0] == printed[1]
    assert "discrepancies: " in "\n".join(printed[0])


def test_a_household_calculation_reads_nested_members_from_csv_and_writes_them_back(
    http: FlaskClient, tmp_path: Path
) -> None:
    members = [{"categories": ["subsistence_allowance"], "self_pay": "80000.00", "followed_treatment_guidance": True,
                "referred": True}, {"self_pay": "1000.00"}]  # fmt: skip
    body = {"jurisdiction": "330400", "date": "2023-06-01", "members": members}
    source = tmp_path / "households.csv"
    quoted = '"' + json.dumps(members).replace('"', '""') + '"'
    source.write_text(
        f"household,jurisdiction,date,members\nH1,330400,2023-06-01,{quoted}\nH2,330400,2023-06-01,not json\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert audit("high-cost-relief", str(source), "--out", str(out), "--carry", "household") == 1  # H2 refused
    audited = pacsv.read_csv(out, convert_options=pacsv.ConvertOptions(column_types={"members": pa.string()}))
    single = http.post("/v1/calculations/high-cost-relief", json=body).get_json()
    assert audited.column("status").to_pylist() == [200, 422]
    assert json.loads(audited.column("members")[0].as_py()) == single["members"]
    assert f"{audited.column('relief')[0].as_py():.2f}" == single["relief"]


@pytest.mark.parametrize("moment", ["finish", "commit"])
def test_a_signal_once_every_record_is_written_lets_the_run_finish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    """Before: a Ctrl-C as the output was put in place (or as its summary was printed) said
    "interrupted; nothing written" with exit 130, and the whole output was there. Once the output
    is written, the run finishes: its report, its output, its summary and its exit status."""
    report = tmp_path / "report"
    real = getattr(files.Output, moment)

    def signalled(self: files.Output) -> None:
        if moment == "commit":
            os.kill(os.getpid(), signal.SIGINT)  # Python runs the handler at the next instruction
        real(self)
        if moment == "finish":
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(files.Output, moment, signalled)
    status = audit("medical-assistance", str(SAMPLE), "--out", str(tmp_path / "out.parquet"), "--jurisdiction",
                   "330400", "--compare", "paid", "--carry", "settlement_id", "--report", str(report))  # fmt: skip
    said = capsys.readouterr()
    assert status == 1, said.err
    assert "interrupted" not in said.err and "wrote" in said.out
    assert pq.read_table(tmp_path / "out.parquet").num_rows == 12
    assert (report / "index.html").is_file() and (report / "report.json").is_file()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers given back


def test_small_row_groups_are_read_in_batches_of_the_usual_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: each row group was a batch of its own, so a file written 10,000 rows a group was
    audited at a tenth of the speed (1,000,000 mixed records: 15 s, against 4.6 s in one group).
    Row groups are now joined into batches, their dictionaries (labels, lists of codes) unified;
    the answers are the same as from the same records in one row group."""
    table = mixed(50_000, seed=21)
    pq.write_table(table, tmp_path / "small.parquet", row_group_size=5_000)
    pq.write_table(table, tmp_path / "one.parquet")
    monkeypatch.setattr(files, "PIECES", 2)  # row groups joined two at a time on the way to a batch
    records = files.Records(tmp_path / "small.parquet", batch_rows=12_000)
    records.labels = {"jurisdiction"}
    batches = list(records.batches())
    assert [b.num_rows for b in batches] == [15_000, 15_000, 15_000, 5_000]
    assert all(c.num_chunks == 1 for b in batches for c in b.columns)
    joined = pa.concat_tables(batches)
    for name in table.column_names:  # labels read as dictionaries: the same values
        assert joined.column(name).to_pylist() == table.column(name).to_pylist(), name
    common = ["--compare", "paid", "--carry", "record_id"]
    for name in ("small", "one"):
        source, out = str(tmp_path / f"{name}.parquet"), str(tmp_path / f"{name}.out.parquet")
        assert audit("medical-assistance", source, "--out", out, *common) == 1
    assert pq.read_table(tmp_path / "small.out.parquet").equals(pq.read_table(tmp_path / "one.out.parquet"))


def test_a_partial_file_that_cannot_be_removed_is_named_and_the_runs_own_error_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: when the output's directory became read-only during a run, the error removing the
    partial file replaced the run's own, and "nothing written" was said with the file left."""

    def refused(self: files.Output) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(self.path))

    unlink = Path.unlink

    def kept(self: Path, missing_ok: bool = False) -> None:
        if self.name.endswith(".partial"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(files.Output, "commit", refused)
    monkeypatch.setattr(Path, "unlink", kept)
    out = tmp_path / "out.parquet"
    status = audit("medical-assistance", str(SAMPLE), "--out", str(out), "--jurisdiction", "330400", "--compare",
                   "paid", "--carry", "settlement_id")  # fmt: skip
    err = capsys.readouterr().err.splitlines()
    assert status == 2
    left = list(tmp_path.glob(".out.parquet.*.partial"))
    assert (
        len(left) == 1
        and err[0] == f"bingpin audit: could not remove {left[0]}: [Errno 13] Permission denied: '{left[0]}'"
    )
    assert err[1] == f"bingpin audit: [Errno 13] Permission denied: '{out}'; nothing written" and len(err) == 2


IMPORTS_IN_THREADS = """
import importlib.abc, sys, threading

looked_for = set()

class Imports(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if threading.current_thread() is not threading.main_thread():
            looked_for.add(name)
        return None

sys.meta_path.insert(0, Imports())
from bingpin.api.cli import main
status = main(["audit", "medical-assistance", *sys.argv[1:]])
print("imported by a thread:", sorted(name for name in looked_for if name in sys.modules))
sys.exit(status)
"""


def test_no_thread_imports_a_module_while_a_run_goes_on(tmp_path: Path) -> None:
    """Before: NumPy's ``unique`` imported ``numpy.ma`` in a worker thread during the first batch
    (35 ms of its work). Every module a run uses is imported before its threads start (what they
    look for and is not installed, such as pyarrow's optional ``dateutil``, is not counted)."""
    source = tmp_path / "records.parquet"
    pq.write_table(mixed(20_000, seed=5), source)
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS_IN_THREADS, str(source), "--out", str(tmp_path / "out.parquet"),
         "--compare", "paid", "--carry", "record_id", "--report", str(tmp_path / "report"), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "imported by a thread: []" in done.stdout, done.stdout
    assert "wrote" in done.stdout
