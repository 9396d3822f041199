"""``--engine dask``: the same partition function on a Dask distributed cluster, same output."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import os
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bingpin.api.audit import files
from bingpin.api.audit.partition import Partition
from bingpin.api.cli import main
from tests.audit.synthetic import jiaxing

distributed = pytest.importorskip("distributed", reason="the dask extra (bingpin[dask]) is part of the test extra")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A bounded cluster on loopback, reached over TCP as a real one is: one worker, two threads."""
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=":0",  # a free port: another cluster on the machine may hold 8787
    ) as cluster:
        yield cluster.scheduler_address


def test_the_dask_engine_writes_what_the_local_engine_writes(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "BATCH_ROWS", 7_000)  # several batches, a row group each
    source = tmp_path / "records.parquet"
    table = jiaxing(30_000, seed=7)
    # some rows for the scalar rules too (a recognition date)
    recognized = [dt.date(2023, 1, 5) if i % 50 == 0 else None for i in range(table.num_rows)]
    table = table.append_column("recognized_on", pa.array(recognized, pa.date32()))
    pq.write_table(table, source, row_group_size=7_000)
    local, remote = tmp_path / "local.parquet", tmp_path / "dask.parquet"
    common = ["--jurisdiction", "330400", "--compare", "paid", "--carry", "record_id", "--quiet"]
    assert main(["audit", "medical-assistance", str(source), "--out", str(local), *common]) == 1
    engine = ["--engine", "dask", "--scheduler", scheduler]
    assert main(["audit", "medical-assistance", str(source), "--out", str(remote), *common, *engine]) == 1
    assert pq.read_table(remote).equals(pq.read_table(local))
    assert pq.read_table(remote).num_rows == 30_000


def test_the_dask_engine_without_a_scheduler_ends_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "records.parquet"
    pq.write_table(jiaxing(10), source)
    out = tmp_path / "out.parquet"
    assert (
        main(
            [
                "audit",
                "medical-assistance",
                str(source),
                "--out",
                str(out),
                "--jurisdiction",
                "330400",
                "--engine",
                "dask",
            ]
        )
        == 2
    )
    assert "--scheduler" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("garbage", "is not a Dask scheduler address"),
        ("tcp://127.0.0.1:notaport", "is not a Dask scheduler address"),
        ("http://127.0.0.1:8786", "is not a Dask scheduler address"),
        ("tcp://127.0.0.1:0", "is not a TCP port"),
        ("tcp://127.0.0.1:9", "Connection refused"),
    ],
)
def test_a_garbage_scheduler_address_ends_the_run_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], address: str, message: str
) -> None:
    """Before: a traceback after 60 s (Dask's client closing after its own failure)."""
    source, out = tmp_path / "records.parquet", tmp_path / "out.parquet"
    pq.write_table(jiaxing(10), source)
    start = time.monotonic()
    status = main(["audit", "medical-assistance", str(source), "--out", str(out), "--jurisdiction", "330400",
                   "--carry", "record_id", "--carry", "paid", "--engine", "dask", "--scheduler", address])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert time.monotonic() - start < 15
    assert list(tmp_path.iterdir()) == [source]


class _Silent(socketserver.BaseRequestHandler):
    """Reads whatever comes and never answers."""

    def handle(self) -> None:
        with contextlib.suppress(OSError):
            while self.request.recv(1 << 16):
                pass


@contextmanager
def _service(kind: str) -> Iterator[str]:
    """A TCP service on loopback that is not a Dask scheduler: an HTTP server, or one that accepts
    and says nothing."""
    handler = http.server.SimpleHTTPRequestHandler if kind == "http" else _Silent
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as service:
        service.daemon_threads = True
        threading.Thread(target=service.serve_forever, daemon=True).start()
        try:
            yield f"tcp://127.0.0.1:{service.server_address[1]}"
        finally:
            service.shutdown()


@pytest.mark.parametrize("kind", ["silent", "http"])
def test_a_service_that_is_not_a_dask_scheduler_ends_the_run_in_seconds(tmp_path: Path, kind: str) -> None:
    """Before: a silent port held the run for over 120 s. The command runs in its own process, so
    that anything Dask prints while the process ends is seen too."""
    source, out = tmp_path / "records.parquet", tmp_path / "out.parquet"
    pq.write_table(jiaxing(10), source)
    with _service(kind) as address:
        start = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "bingpin.api.cli", "audit", "medical-assistance", str(source), "--out", str(out),
             "--jurisdiction", "330400", "--carry", "record_id", "--carry", "paid", "--engine", "dask",
             "--scheduler", address, "--connect-timeout", "3"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        elapsed = time.monotonic() - start
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"bingpin audit: no Dask scheduler answered at {address} within 3 s (no answer)"
    assert elapsed < 20
    assert list(tmp_path.iterdir()) == [source]


def test_an_error_on_a_worker_ends_the_run_in_seconds_with_its_cause(
    scheduler: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the worker's error was replaced by a TimeoutError 60 s later (closing the client)."""

    def failing(self: Partition, table: pa.Table) -> pa.Table:
        raise RuntimeError("the worker's own error")

    monkeypatch.setattr(Partition, "answers", failing)  # the workers run in this process
    source, out = tmp_path / "records.parquet", tmp_path / "out.parquet"
    pq.write_table(jiaxing(50_000), source, row_group_size=5_000)
    start = time.monotonic()
    engine = ["--engine", "dask", "--scheduler", scheduler]
    status = main(["audit", "medical-assistance", str(source), "--out", str(out), "--jurisdiction", "330400",
                   "--carry", "record_id", "--carry", "paid", *engine])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2
    assert err == "bingpin audit: a Dask worker failed on a batch: RuntimeError: the worker's own error\n"
    assert time.monotonic() - start < 15
    assert list(tmp_path.iterdir()) == [source]


@contextmanager
def _cluster(tmp_path: Path, bingpin: str, nanny: bool) -> Iterator[str]:
    """A real ``dask scheduler`` and one ``dask worker`` in processes of their own, the worker with
    a planted ``bingpin`` package first on its path, whose ``__init__`` is ``bingpin`` (a worker
    without bingpin installed). Yields the scheduler's address once the worker has joined."""
    plant = tmp_path / "plant"
    (plant / "bingpin").mkdir(parents=True)
    (plant / "bingpin" / "__init__.py").write_text(bingpin, encoding="utf-8")
    address_file = tmp_path / "plant" / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                 "--no-dashboard", "--scheduler-file", str(address_file)]  # fmt: skip
    processes = [subprocess.Popen(scheduler, **quiet)]
    try:
        deadline = time.monotonic() + 60
        while not address_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        worker = [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", str(address_file),
                  "--nthreads", "1", "--no-dashboard", *([] if nanny else ["--no-nanny"])]  # fmt: skip
        processes.append(subprocess.Popen(worker, env={**os.environ, "PYTHONPATH": str(plant)}, **quiet))
        with distributed.Client(scheduler_file=str(address_file), timeout="30s") as client:
            client.wait_for_workers(1, timeout=60)
            address = client.scheduler.address
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            if process.poll() is None:
                process.kill()
                process.wait()


def _audit_in_a_process(
    tmp_path: Path, address: str, bound: str = "3"
) -> tuple[subprocess.CompletedProcess[str], float]:
    """The command in its own process (bounded: before, it never ended)."""
    source, out = tmp_path / "records.parquet", tmp_path / "out" / "out.parquet"
    pq.write_table(jiaxing(2_000), source)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bingpin.api.cli", "audit", "medical-assistance", str(source), "--out", str(out),
         "--jurisdiction", "330400", "--carry", "record_id", "--carry", "paid", "--engine", "dask",
         "--scheduler", address, "--connect-timeout", bound],
        capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    return done, time.monotonic() - start


def test_a_cluster_whose_workers_all_died_loading_the_task_ends_the_run(tmp_path: Path) -> None:
    """Before: the worker died decoding the task (it cannot import bingpin), the scheduler logged
    "Lost all workers", and the run printed nothing and never ended."""
    with _cluster(tmp_path, "raise ImportError('bingpin is not installed on this worker')\n", nanny=False) as address:
        done, elapsed = _audit_in_a_process(tmp_path, address)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        f"bingpin audit: no Dask worker left at {address}: the workers died or left and none came back within 3 s "
        "(--connect-timeout); a worker that cannot import bingpin dies while loading the task: is bingpin "
        "installed on every worker?"
    )
    assert elapsed < 60
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plant", "records.parquet"]


def test_a_batch_whose_workers_keep_dying_ends_the_run(tmp_path: Path) -> None:
    """A worker process that exits while loading the task, restarted by its nanny each time: Dask
    gives the batch up (KilledWorker), and the run ends with that cause."""
    with _cluster(tmp_path, "import os\nos._exit(1)\n", nanny=True) as address:
        done, elapsed = _audit_in_a_process(tmp_path, address)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("bingpin audit: the Dask workers died ")
    assert "running a batch (KilledWorker)" in done.stderr and "is bingpin installed on every worker" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert elapsed < 120
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plant", "records.parquet"]


def test_a_cluster_without_a_worker_ends_the_run(tmp_path: Path) -> None:
    """Before: the batches waited for a worker for ever. (The dashboard on a free port: the module's
    cluster holds the default one.)"""
    with distributed.LocalCluster(
        n_workers=0, processes=False, protocol="tcp://", host="127.0.0.1", dashboard_address=":0"
    ) as cluster:
        done, elapsed = _audit_in_a_process(tmp_path, cluster.scheduler_address, bound="2")
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        f"bingpin audit: the Dask scheduler at {cluster.scheduler_address} has no worker: none joined within 2 s "
        "(--connect-timeout); start workers with bingpin installed and run again\n"
    )
    assert elapsed < 60
    assert list(tmp_path.iterdir()) == [tmp_path / "records.parquet"]
