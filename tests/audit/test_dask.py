"""``--engine dask``: the same partition function on a Dask distributed cluster, same output."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

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
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


def test_the_dask_engine_writes_what_the_local_engine_writes(scheduler: str, tmp_path: Path) -> None:
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
