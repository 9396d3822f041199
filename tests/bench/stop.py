"""How long ``bingpin audit`` takes to stop after Ctrl-C, on a large file (``tox -e bench-stop``).

Writes N synthetic 嘉兴 medical-assistance records (default 10,000,000) to Parquet, then, for each
way of answering them (the default path, and every row through the scalar rules:
``--scalar``), several times: starts ``bingpin audit`` in a subprocess, waits until it has run
for a few seconds (progress lines on stderr), sends SIGINT and times how long the process takes to
exit. Prints each latency, the exit code (130 expected) and whether anything was left beside the
output (nothing expected), against the target of 2 s. Latencies depend on the machine and what
else runs on it: run it more than once.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq

from tests.audit.synthetic import jiaxing

TARGET = 2.0
MODES = {"default": [], "scalar": ["--scalar"]}


def write_records(path: Path, rows: int) -> None:
    with pq.ParquetWriter(path, jiaxing(1).schema) as writer:
        for start in range(0, rows, 1_000_000):
            writer.write_table(jiaxing(min(1_000_000, rows - start), seed=start), row_group_size=200_000)


def progress(line: str) -> bool:
    return line.startswith("bingpin audit: ") and " records" in line


def stopped(source: Path, out: Path, extra: list[str], after: float) -> tuple[float, int, list[str], str]:
    """Run the audit, SIGINT it ``after`` seconds into its progress: (seconds to exit, exit code,
    files left in ``out``'s directory, the last progress line before the signal)."""
    command = [sys.executable, "-m", "bingpin.api.cli", "audit", "medical-assistance", str(source), "--out", str(out),
               "--jurisdiction", "330400", "--compare", "paid", "--carry", "record_id", *extra]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr or []), daemon=True)
    reader.start()
    started = time.monotonic()
    while not any(progress(line) for line in lines) and process.poll() is None:
        time.sleep(0.05)
    time.sleep(max(after - (time.monotonic() - started), 0))
    shown = next((line.strip() for line in reversed(lines) if progress(line)), "")
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=600)
    latency = time.monotonic() - sent
    reader.join(timeout=5)
    left = sorted(p.name for p in out.parent.iterdir())
    return latency, code, left, shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3, help="stops per way of answering (default 3)")
    parser.add_argument("--after", type=float, default=4.0, help="seconds of running before the signal")
    parser.add_argument("--mode", choices=sorted(MODES), action="append", help="default: every mode")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bingpin-bench-stop-") as scratch:
        source = Path(scratch) / "records.parquet"
        began = time.perf_counter()
        write_records(source, args.rows)
        print(f"{args.rows:,} records written in {time.perf_counter() - began:.1f} s; SIGINT after {args.after:g} s")
        failed = False
        for mode in args.mode or sorted(MODES):
            latencies = []
            for run in range(args.runs):
                target = Path(scratch) / f"out-{mode}-{run}" / "results.parquet"
                target.parent.mkdir()
                latency, code, left, shown = stopped(source, target, MODES[mode], args.after)
                latencies.append(latency)
                ok = code == 130 and not left
                failed |= not ok
                print(f"  {mode:<10} run {run + 1}: stopped in {latency:.2f} s, exit {code}, left {left or 'nothing'}"
                      f" (at: {shown})")  # fmt: skip
            worst = max(latencies)
            print(
                f"{mode:<10} stop latency: median {statistics.median(latencies):.2f} s, worst {worst:.2f} s"
                f" (target {TARGET:g} s: {'met' if worst <= TARGET else 'MISSED'})"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
