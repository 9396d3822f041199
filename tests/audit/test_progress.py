"""Progress on stderr from the first second: records done of the total (Parquet's row count, or
the share of a CSV file read), and the rate."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from bingpin.api.audit import files as files_module
from bingpin.api.audit import population as population_module
from bingpin.api.audit import progress as shown
from bingpin.api.audit import records as records_module
from bingpin.api.audit.files import Records
from bingpin.api.audit.partition import Partition
from bingpin.api.audit.population import Population, shared
from bingpin.api.audit.progress import Progress
from bingpin.api.stopping import Stopped, Watch, checked, watching
from tests.audit.synthetic import jiaxing, mixed
from tests.audit.test_command import SAMPLE


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def untraced() -> Any:
    """This process's populations, none traced yet (and none left traced with a test's settings)."""
    shared.cache_clear()
    yield
    shared.cache_clear()


def lines_while(progress: Progress, seconds: float) -> None:
    with progress:
        time.sleep(seconds)


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shown, "FIRST", 0.05)
    monkeypatch.setattr(shown, "EVERY", 0.05)
    monkeypatch.setattr(shown, "EVERY_ON_TERMINAL", 0.05)


def test_a_line_with_the_total_and_the_rate_comes_before_any_batch_is_written() -> None:
    watch, stream = Watch(), io.StringIO()
    with watching(watch):
        for _ in checked(range(250_000)):  # answered inside a batch in flight, none written yet
            pass
    lines_while(Progress(watch, 1_000_000, stream=stream), 0.2)
    first = stream.getvalue().splitlines()[0]
    assert first.startswith("bingpin audit: 250,000 of 1,000,000 records (25%), ")
    rate = int(first.split(", ")[1].split(" ")[0].replace(",", ""))
    assert 0 < rate <= 250_000 / 0.05
    assert first.endswith(" s")


def test_a_csv_read_through_gives_its_exact_count(tmp_path: Path) -> None:
    records = Records(SAMPLE)
    batches = list(records.batches())
    assert records.estimated_rows() == (12, True)
    watch, stream = Watch(), io.StringIO()
    watch.count(sum(b.num_rows for b in batches))
    lines_while(Progress(watch, records.rows, records.estimated_rows, stream=stream), 0.2)
    assert stream.getvalue().splitlines()[0].startswith("bingpin audit: 12 of 12 records (100%), ")


def test_a_csvs_count_is_estimated_from_its_first_blocks_not_from_the_bytes_read_ahead(tmp_path: Path) -> None:
    """The CSV reader reads far ahead of the records answered (a 226 MiB file read through in the
    first second, progress at 100% for the rest of the run): the total is estimated from the
    records of the blocks taken, over the file's size."""
    source = tmp_path / "records.csv"
    row = "330400,2023-06-01,subsistence_allowance,1000.00,900.00\n"
    total = (3 * files_module.CSV_BLOCK) // len(row) + 1000
    source.write_text("jurisdiction,date,categories,eligible_self_pay,paid\n" + row * total, encoding="utf-8")
    records = Records(source)
    assert records.estimated_rows() == (None, False)
    batches = records.batches()
    first = next(batches)
    estimate, exact = records.estimated_rows()
    assert not exact and estimate is not None and abs(estimate - total) <= total // 100
    watch, stream = Watch(), io.StringIO()
    watch.count(first.num_rows)
    lines_while(Progress(watch, records.rows, records.estimated_rows, stream=stream), 0.2)
    share = round(100 * first.num_rows / estimate)
    assert (
        stream.getvalue()
        .splitlines()[0]
        .startswith(f"bingpin audit: {first.num_rows:,} of about {estimate:,} records ({share}%), ")
    )
    assert sum(batch.num_rows for batch in batches) + first.num_rows == total
    assert records.estimated_rows() == (total, True)


def test_a_terminal_gets_one_line_rewritten_and_cleared_at_the_end() -> None:
    watch, stream = Watch(), Terminal()
    watch.count(10)
    lines_while(Progress(watch, 100, stream=stream), 0.3)
    text = stream.getvalue()
    assert text.count("\r") >= 2 and "\n" not in text
    assert text.endswith("\r\x1b[K")


def test_a_log_ends_with_a_line_for_the_whole_run_and_none_after_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tick's line can say 90% when the run ends; a log's last line says where it ended."""
    watch, stream = Watch(), io.StringIO()
    progress = Progress(watch, 100, stream=stream)
    with progress:
        watch.count(90)
        time.sleep(0.2)
        watch.count(10)
    lines = stream.getvalue().splitlines()
    assert any("90 of 100 records (90%)" in line for line in lines[:-1])
    assert lines[-1].startswith("bingpin audit: 100 of 100 records (100%), ")
    # a tick that already said where the run ended: no second line saying it again
    again = Progress(watch, 100, stream=io.StringIO())
    line, writers = again.line, []
    monkeypatch.setattr(again, "line", lambda: writers.append(threading.current_thread()) or line())
    with again:
        time.sleep(0.2)
    assert writers and threading.main_thread() not in writers
    # a run that fails: the ticks' lines only, none written as it ends
    failed = Progress(watch, 200, stream=io.StringIO())
    line, writers = failed.line, []
    monkeypatch.setattr(failed, "line", lambda: writers.append(threading.current_thread()) or line())
    with pytest.raises(KeyError), failed:
        time.sleep(0.2)
        raise KeyError("the run failed")
    assert writers and threading.main_thread() not in writers


def test_quiet_is_quiet() -> None:
    stream = io.StringIO()
    lines_while(Progress(Watch(), 100, quiet=True, stream=stream), 0.2)
    assert stream.getvalue() == ""


def test_rows_answered_one_by_one_are_counted_as_they_are_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--scalar``: a batch's bodies are read a chunk at a time, so the first answers count (the
    first progress line has a rate) before the rest of the batch is read, not after."""
    monkeypatch.setattr(records_module, "CHUNK", 64)
    part = Partition("medical-assistance", compare="paid", population=False, carry=["record_id"])
    table = jiaxing(600)
    read_so_far, seen = [0], []
    reader = part.bodies.fields["eligible_self_pay"]

    def read(value: object) -> object:
        read_so_far[0] += 1
        return reader(value)

    monkeypatch.setitem(part.bodies.fields, "eligible_self_pay", read)
    one = part._one
    watch = Watch()

    def answered(body: dict[str, object]) -> object:
        seen.append((watch.done, read_so_far[0]))
        return one(body)

    monkeypatch.setattr(part, "_one", answered)
    with watching(watch):
        out = part(table)
    assert out.num_rows == 600 and watch.done == 600
    counted = [read for done, read in seen if done]
    assert counted and counted[0] <= 256 + 64  # counted after 256 answers, 320 rows read at most


def test_every_record_is_counted_once_whichever_way_it_is_answered(untraced: None) -> None:
    """The paths' own answers (one per traced path) are not records: a batch counts its records,
    whether the population path or the rule answers them (the progress line went past 100%)."""
    part = Partition("medical-assistance", compare="paid", carry=["record_id"])
    table = mixed(1_500, seed=11)
    watch = Watch()
    with watching(watch):
        part(table)
    assert len(part.paths.paths) > 100
    assert watch.done == 1_500


def test_records_are_counted_while_situations_are_traced(monkeypatch: pytest.MonkeyPatch, untraced: None) -> None:
    """The first batch of a file with many situations traces for seconds: its records count as
    their situations are traced (a chunk of TRACE_CHUNK situations at a time), so progress has a
    rate from the first second."""
    monkeypatch.setattr(population_module, "TRACE_CHUNK", 16)
    watch, seen = Watch(), []
    trace = Population._trace

    def spied(self: Population, *args: Any) -> Any:
        seen.append(watch.done)
        return trace(self, *args)

    monkeypatch.setattr(Population, "_trace", spied)
    with watching(watch):
        Partition("medical-assistance", compare="paid", carry=["record_id"])(mixed(3_000, seed=12))
    assert len(seen) > 20 and seen[0] == 0 and 0 < seen[len(seen) // 2] < seen[-1] < 3_000


def test_a_stop_ends_the_tracing_of_a_batch(monkeypatch: pytest.MonkeyPatch, untraced: None) -> None:
    watch, traced = Watch(), []
    trace = Population._trace

    def spied(self: Population, *args: Any) -> Any:
        traced.append(1)
        if len(traced) == 5:
            watch.stop()  # Ctrl-C, as the command's handler calls the work off
        return trace(self, *args)

    monkeypatch.setattr(Population, "_trace", spied)
    with watching(watch), pytest.raises(Stopped):
        Partition("medical-assistance", compare="paid", carry=["record_id"])(mixed(3_000, seed=13))
    assert len(traced) == 5


def test_a_csv_in_another_encoding_is_estimated_in_the_bytes_its_blocks_are_counted_in(tmp_path: Path) -> None:
    """A GBK file is parsed as UTF-8 (Chinese text one and a half times as long): its count was
    estimated 23% low."""
    row = "嘉兴-2023-000001,330400,2023-06-01,subsistence_allowance,100.00,备注：低保对象住院费用\n"
    total = (2 * files_module.CSV_BLOCK) // len(row.encode("gbk")) + 1000
    source = tmp_path / "records.csv"
    source.write_bytes(
        ("settlement_id,jurisdiction,date,categories,eligible_self_pay,note\n" + row * total).encode("gbk")
    )
    records = Records(source, encoding="gbk")
    next(records.batches())
    estimate, exact = records.estimated_rows()
    assert not exact and estimate is not None and abs(estimate - total) <= total // 100
