"""``bingpin audit`` as users run it: the built wheel in a fresh venv, outside the checkout."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.audit.synthetic import jiaxing
from tests.audit.test_accounted import sample
from tests.audit.test_command import SAMPLE, summary_shown_in_readme
from tests.wheel import Installed


@pytest.fixture(scope="module")
def installed(installed_bingpin: Callable[..., Installed]) -> Installed:
    return installed_bingpin()


def test_the_installed_command_audits_the_shipped_sample(installed: Installed, tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "settlements.csv")
    done = installed.run(
        "audit", "medical-assistance", "settlements.csv", "--out", "audit/results.parquet",
        "--jurisdiction", "330400", "--compare", "paid", "--carry", "settlement_id", "--report", "audit/report",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    summary_shown_in_readme(done.stdout)
    assert (tmp_path / "audit" / "results.parquet").is_file()
    assert (tmp_path / "audit" / "report" / "index.html").is_file()


def test_the_dask_engine_without_the_extra_says_how_to_get_it(installed: Installed, tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "settlements.csv")
    done = installed.run(
        "audit", "medical-assistance", "settlements.csv", "--out", "results.parquet", "--jurisdiction", "330400",
        "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip() == "bingpin audit: --engine dask needs Dask distributed: pip install 'bingpin[dask]'"
    assert not (tmp_path / "results.parquet").exists()


def test_the_installed_command_refuses_a_misspelt_column_and_reads_a_timestamp_date(
    installed: Installed, tmp_path: Path
) -> None:
    """Before: the misspelt cap column was carried in silence (exit 1, the 8000.00 overpayment
    missed), and a pandas timestamp date made every row a 422 with exit 0."""
    text = SAMPLE.read_text(encoding="utf-8").replace("assistance_received_this_year", "assistance_recieved_this_year")
    (tmp_path / "misspelt.csv").write_text(text, encoding="utf-8")
    common = ["--jurisdiction", "330400", "--compare", "paid", "--carry", "settlement_id"]
    done = installed.run("audit", "medical-assistance", "misspelt.csv", "--out", "a.csv", *common, cwd=tmp_path)
    assert done.returncode == 2
    assert "did you mean 'assistance_received_this_year'" in done.stderr and len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "a.csv").exists()
    pq.write_table(sample(date=pa.timestamp("ns")), tmp_path / "timestamps.parquet")
    done = installed.run("audit", "medical-assistance", "timestamps.parquet", "--out", "b.parquet", *common,
                         cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "discrepancies: 2; audited minus reference 8560.00" in done.stdout
    assert "not compared: 2 records (refused 2" in done.stdout


def started(installed: Installed, cwd: Path, out: str, *flags: str) -> subprocess.Popen[str]:
    """``bingpin audit`` of ``records.parquet`` (嘉兴's records, compared with what was paid) from
    the installed wheel, started in ``cwd``, its output and messages read as text through pipes."""
    return subprocess.Popen(
        [str(installed.bingpin), "audit", "medical-assistance", "records.parquet", "--out", out,
         "--jurisdiction", "330400", "--compare", "paid", "--carry", "record_id", *flags],
        cwd=cwd, env=installed.environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_stopped_audit_leaves_no_partial_file(installed: Installed, tmp_path: Path, stop: signal.Signals) -> None:
    """Before: SIGTERM left a 114 MB ``.partial`` beside OUTPUT, and so did SIGHUP (the terminal or
    ssh session closed), with exit 129."""
    pq.write_table(jiaxing(300_000, seed=11), tmp_path / "records.parquet", row_group_size=20_000)
    process = started(installed, tmp_path, "out/results.csv", "--no-kernels")
    assert process.stderr is not None
    seen = []
    sent = None
    for line in process.stderr:
        seen.append(line)
        if "records/s" in line:  # a progress line: the output is being written; again at the next if lost
            assert list((tmp_path / "out").glob(".results.csv.*.partial"))
            assert "of 300,000 records" in line  # the total, from the Parquet metadata
            process.send_signal(stop)
            sent = time.monotonic()
        if "interrupted" in line:
            break
    _, rest = process.communicate(timeout=120)
    assert sent is not None
    # the batches in flight are called off, not finished (about 2 s of work each on this file);
    # the latency itself is measured by tests/bench/stop.py, this bound only catches a hang
    assert time.monotonic() - sent < 10
    said = "".join(seen) + rest
    assert process.returncode == 128 + stop, said
    assert f"bingpin audit: interrupted ({stop.name}); nothing written" in said
    assert "Traceback" not in said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.parquet"]


@pytest.mark.parametrize("after", [0.2, 0.4, 0.6, 0.8])
def test_a_ctrl_c_while_the_command_loads_ends_it_without_a_traceback(
    installed: Installed, tmp_path: Path, after: float
) -> None:
    """Before: a Ctrl-C in the first second (the imports, before the command handles signals)
    printed a KeyboardInterrupt traceback. Whenever it comes: exit 130 (or killed by SIGINT, before
    Python handles it: the shell's 130 too), one line at most, nothing written."""
    pq.write_table(jiaxing(50_000, seed=3), tmp_path / "records.parquet")
    process = started(installed, tmp_path, "out.parquet", "--scalar")
    time.sleep(after)  # --scalar: seconds of work, still going when the signal comes on a fast machine
    process.send_signal(signal.SIGINT)
    _, said = process.communicate(timeout=60)
    assert process.returncode in (130, -signal.SIGINT), said
    assert "Traceback" not in said and len(said.strip().splitlines()) <= 1, said
    assert said.strip() in ("", "bingpin audit: interrupted (SIGINT); nothing written"), said  # one wording throughout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.parquet"]


def test_a_ctrl_c_once_the_summary_is_printed_leaves_the_run_as_it_said(installed: Installed, tmp_path: Path) -> None:
    """Before: a Ctrl-C as the summary came (the output in place, "wrote ..." on the screen) ended
    the process with "interrupted (SIGINT); nothing written" and exit 130, or a traceback at exit,
    and the output stayed. The run has finished: its exit status is the summary's."""
    pq.write_table(jiaxing(100_000, seed=5), tmp_path / "records.parquet")
    process = started(installed, tmp_path, "out.parquet", "--quiet")
    assert process.stdout is not None
    printed = []
    for line in process.stdout:
        printed.append(line)
        if "wrote" in line:
            process.send_signal(signal.SIGINT)
            break
    rest, said = process.communicate(timeout=60)
    assert process.returncode == 1, said  # discrepancies: as the summary says
    assert "interrupted" not in said and "Traceback" not in said, said
    assert "NOT every record was compared and agrees" in "".join(printed) + rest
    assert pq.read_metadata(tmp_path / "out.parquet").num_rows == 100_000
