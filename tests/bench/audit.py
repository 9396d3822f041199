"""Benchmark of ``bingpin audit`` against its floor, in one run (``tox -e bench-audit``).

Writes N synthetic 嘉兴 medical-assistance records (default 1,000,000) to Parquet, then times:

- the floor: read the same Parquet, compute ``min(ratio x self_pay, cap)`` with pyarrow.compute on
  integer fen, write it (record id and amount) to Parquet;
- the audit, end to end: ``bingpin audit medical-assistance ... --compare paid`` in this process,
  files included (every answer field, status, the discrepancy).

Prints both times, the ratio (target: at most 2.5) and the peak RSS of the process running the
audit (a fresh subprocess, so the figure is the audit's own). ``--rows 10000000`` checks memory at
ten million rows (target: at most 1.5 GiB). Figures depend on the machine and what else runs on
it: run it more than once.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bingpin.api.audit.fen import money_array, to_fen
from bingpin.api.audit.files import parquet_options
from bingpin.rules.jiaxing.medical_assistance import RATIO_KEYS
from bingpin.rules.registry import policies
from tests.audit.synthetic import CODES, jiaxing

TARGET = 2.5
MEMORY_TARGET_GIB = 1.5


def write_records(path: Path, rows: int) -> None:
    with pq.ParquetWriter(path, jiaxing(1).schema) as writer:
        for start in range(0, rows, 1_000_000):
            writer.write_table(jiaxing(min(1_000_000, rows - start), seed=start))


def floor(source: Path, target: Path) -> tuple[float, float]:
    """Read, min(ratio x self_pay, cap) on integer fen with pyarrow.compute, write: (wall, CPU) seconds."""
    policy = policies()["330400"]
    day = jiaxing(1).column("date")[0].as_py()
    ratios = pa.array([int(policy.param(RATIO_KEYS[c], day).value * 100) for c in RATIO_KEYS], pa.int64())
    cap = int(policy.param("medical_assistance.annual_cap", day).value * 100)
    start = time.perf_counter()
    cpu = time.process_time()
    # read and written as the audit reads and writes (category codes as dictionaries, same options)
    table = pq.read_table(source, read_dictionary=["categories.list.element"])
    self_pay = pa.array(to_fen(table.column("eligible_self_pay"))[0])
    codes = pc.list_element(table.column("categories"), 0).combine_chunks()
    category = pc.take(pc.index_in(codes.dictionary, value_set=pa.array(CODES)), codes.indices)
    computed = pc.multiply(self_pay, pc.take(ratios, category))
    amount = pc.divide(pc.add(pc.min_element_wise(computed, pa.scalar(cap * 100)), 50), 100)
    out = pa.table({"record_id": table.column("record_id"), "amount": money_array(np.asarray(amount))})
    pq.write_table(out, target, **parquet_options(out.schema))
    return time.perf_counter() - start, time.process_time() - cpu


AUDIT = """
import resource, sys, time
from bingpin.api.cli import main
import bingpin.api.audit.cli, bingpin.api.audit.engines, bingpin.api.audit.report  # imports, as the floor has its own
start, cpu = time.perf_counter(), time.process_time()
status = main(["audit", "medical-assistance", sys.argv[1], "--out", sys.argv[2], "--jurisdiction", "330400",
               "--compare", "paid", "--carry", "record_id", "--quiet"])
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
# VmHWM is this process's own peak; ru_maxrss would also count the parent's size at fork time
try:
    with open("/proc/self/status") as status_file:
        peak = next(int(line.split()[1]) for line in status_file if line.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("RESULT", status, seconds, cpu, peak, file=sys.stderr)
"""


def audit(source: Path, target: Path) -> tuple[float, float, float, str]:
    """The audit in a fresh process: (seconds, CPU seconds, peak RSS in MiB, its summary)."""
    done = subprocess.run([sys.executable, "-c", AUDIT, str(source), str(target)], capture_output=True, text=True)
    result = [line for line in done.stderr.splitlines() if line.startswith("RESULT")]
    if not result or done.returncode:
        sys.exit(f"the audit failed:\n{done.stderr}")
    _, status, seconds, cpu, rss = result[0].split()
    if int(status) not in (0, 1):
        sys.exit(f"the audit ended with {status}:\n{done.stdout}{done.stderr}")
    return float(seconds), float(cpu), int(rss) / 1024, done.stdout


def output_write(audited: Path, target: Path) -> tuple[float, float]:
    """Writing the audit's whole output (already in memory) with the same options: (wall, CPU)
    seconds, the part of the gap to the floor that is the output's width (the floor writes 2 columns)."""
    table = pq.read_table(audited)
    start, cpu = time.perf_counter(), time.process_time()
    pq.write_table(table, target, **parquet_options(table.schema))
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=2, help="floor and audit, alternately, this many times")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bingpin-bench-audit-") as directory:
        work = Path(directory)
        source = work / "records.parquet"
        write_records(source, args.rows)
        print(
            f"{args.rows:,} synthetic 嘉兴 medical-assistance records, {source.stat().st_size / 2**20:.0f} MiB Parquet"
        )
        runs = []
        for run in range(args.runs):
            base, base_cpu = floor(source, work / "floor.parquet")
            seconds, cpu, rss, summary = audit(source, work / "audit.parquet")
            runs.append((base, base_cpu, seconds, cpu, rss))
            print(
                f"run {run + 1}: floor {base:.2f} s (CPU {base_cpu:.2f} s), audit {seconds:.2f} s (CPU {cpu:.2f} s),"
                f" ratio {seconds / base:.2f}, audit peak RSS {rss:.0f} MiB"
            )
        print(summary.rstrip())
        # The machine is shared: the least disturbed run of each is the best estimate of its cost.
        base, seconds = min(r[0] for r in runs), min(r[2] for r in runs)
        base_cpu, cpu = min(r[1] for r in runs), min(r[3] for r in runs)
        rss = max(r[4] for r in runs)
        columns = len(pq.ParquetFile(work / "audit.parquet").schema_arrow)
        writes = [output_write(work / "audit.parquet", work / "rewritten.parquet") for _ in range(args.runs)]
        write, write_cpu = min(w[0] for w in writes), min(w[1] for w in writes)
        figures = {
            "rows": args.rows,
            "floor_s": round(base, 3),
            "audit_s": round(seconds, 3),
            "ratio": round(seconds / base, 2),
            "floor_cpu_s": round(base_cpu, 3),
            "audit_cpu_s": round(cpu, 3),
            "cpu_ratio": round(cpu / base_cpu, 2),
            "target": TARGET,
            "output_write_s": round(write, 3),
            "output_write_cpu_s": round(write_cpu, 3),
            "peak_rss_mib": round(rss),
            "audit_columns": columns,
        }
        print(json.dumps(figures))
        print(
            f"best of {args.runs}: floor {base:.2f} s, audit {seconds:.2f} s, ratio {seconds / base:.2f}"
            f" (target <= {TARGET}); CPU ratio {cpu / base_cpu:.2f}; peak RSS {rss:.0f} MiB"
            f" (target at 10,000,000 rows <= {MEMORY_TARGET_GIB} GiB)"
        )
        print(
            f"of which writing the {columns}-column output alone (in memory already): {write:.2f} s"
            f" (CPU {write_cpu:.2f} s); the floor writes 2 columns"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
