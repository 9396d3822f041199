"""``bingpin audit CALCULATION INPUT --out OUTPUT``: run the policy over a file of records.

Exit 0: no discrepancy; 1: discrepancies found (or audited figures that could not be read);
2: the run failed (one line on stderr says why; OUTPUT is not written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from bingpin.api.audit.files import AuditError, Output, Records

EXIT_FAILED = 2


def add_parser(commands: Any) -> None:
    audit = commands.add_parser(
        "audit",
        help="audit a file of records (Parquet or CSV) against the policy, row by row",
        description="Answer every record as the single endpoint does; with --compare, flag where the audited "
        "system's figure differs. Exit 0: no discrepancy; 1: discrepancies; 2: the run failed.",
    )
    audit.add_argument("calculation", help="e.g. medical-assistance (a calculation with a single-case endpoint)")
    audit.add_argument("input", help="records: .parquet, or .csv with a header row")
    audit.add_argument("--out", required=True, help="output file: .parquet (default) or .csv")
    audit.add_argument("--jurisdiction", help="jurisdiction code for rows without one, e.g. 330400")
    audit.add_argument("--date", help="calculation date (YYYY-MM-DD) for rows without one")
    audit.add_argument("--compare", metavar="COLUMN", help="the column holding the audited system's figure")
    audit.add_argument("--report", metavar="DIR", help="write report.json and index.html here")
    audit.add_argument("--engine", choices=["local", "dask"], default="local")
    audit.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, tcp://HOST:PORT (--engine dask)")
    audit.add_argument("--no-kernels", action="store_true", help="answer every row through the scalar rules")
    audit.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    audit.set_defaults(run=main)


def main(args: argparse.Namespace) -> int:
    try:
        return run(args)
    except AuditError as error:
        print(f"bingpin audit: {error}", file=sys.stderr)
    except OSError as error:
        print(f"bingpin audit: {error}; nothing written", file=sys.stderr)
    return EXIT_FAILED


def _check(args: argparse.Namespace) -> None:
    from bingpin.api.audit.partition import HEADLINES
    from bingpin.api.resources.calculations import ENDPOINTS
    from bingpin.rules.registry import policies

    known = [endpoint.path for endpoint in ENDPOINTS]
    if args.calculation not in known:
        raise AuditError(f"unknown calculation {args.calculation!r}; known: {', '.join(known)}")
    if args.jurisdiction is not None and args.jurisdiction not in policies():
        raise AuditError(f"unknown jurisdiction {args.jurisdiction!r}; known: {', '.join(sorted(policies()))}")
    if args.date is not None:
        try:
            valid = dt.date.fromisoformat(args.date).isoformat() == args.date
        except ValueError:
            valid = False
        if not valid:
            raise AuditError(f"--date {args.date!r} is not a date (YYYY-MM-DD)")
    if args.compare is not None and args.calculation not in HEADLINES:
        raise AuditError(f"{args.calculation} has no single figure to compare (--compare)")
    if args.engine == "local" and args.scheduler:
        raise AuditError("--scheduler goes with --engine dask")


def _check_columns(args: argparse.Namespace, records: Records, part: Any) -> None:
    from bingpin.api.audit.columns import status_fields

    names = set(records.names)
    request = part.runner.request.fields
    flags = {"jurisdiction": args.jurisdiction, "date": args.date}
    for name, field in request.items():
        if field.required and name not in names and flags.get(name) is None:
            hint = f" (or give --{name})" if name in flags else ""
            raise AuditError(f"{records.path} has no column {name!r}, which {args.calculation} requires{hint}")
    if args.compare is not None and args.compare not in names:
        raise AuditError(f"{records.path} has no column {args.compare!r} (--compare)")
    produced = [c.name for c in part.columns] + [f.name for f in status_fields()]
    produced += ["discrepancy", "compared"] if args.compare is not None else []
    clash = sorted(set(part.carried(records.names)) & set(produced))
    if clash:
        raise AuditError(
            f"{records.path}: column {', '.join(map(repr, clash))} clashes with an output column; rename it"
        )


class Progress:
    """A line on stderr every few seconds on a long run."""

    def __init__(self, total: int | None, quiet: bool) -> None:
        self.total, self.quiet = total, quiet
        self.start = self.last = time.monotonic()

    def update(self, done: int) -> None:
        now = time.monotonic()
        if self.quiet or now - self.last < 2:
            return
        self.last = now
        of = f" of {self.total:,}" if self.total else ""
        print(f"bingpin audit: {done:,}{of} records, {now - self.start:.0f} s", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from bingpin.api.audit import engines
    from bingpin.api.audit.partition import Partition
    from bingpin.api.audit.report import report_data, summary_lines, write_report
    from bingpin.api.audit.summary import Summary

    _check(args)
    source = Path(args.input)
    if not source.is_file():
        raise AuditError(f"cannot read {source}: no such file")
    records = Records(source)
    part = Partition(args.calculation, args.jurisdiction, args.date, args.compare, kernels=not args.no_kernels)
    _check_columns(args, records, part)
    summary = Summary(args.calculation, args.compare, detailed=args.report is not None)

    def tally(batch: Any, audited: Any) -> Summary:
        return summary.tally(part, batch, audited)

    if args.engine == "dask":
        pairs = engines.dask(part, records.batches(), args.scheduler, after=tally)
    else:
        pairs = engines.local(part, records.batches(), after=tally)
    if Path(args.out).resolve() == source.resolve():
        raise AuditError(f"--out {args.out} is the input itself: write the audit elsewhere")
    meta = {
        "calculation": args.calculation,
        "input": str(source),
        "output": str(args.out),
        "jurisdiction": args.jurisdiction,
        "date": args.date,
        "compare": args.compare,
        "engine": args.engine,
    }
    output = Output(Path(args.out))
    progress = Progress(records.rows, args.quiet)
    lines = []
    try:
        for _, audited, counted in pairs:
            output.write(audited)
            summary.merge(counted, summary.records)
            progress.update(summary.records)
        if output.writer is None:
            output.write(part(records.empty()))
        lines = summary_lines(summary, meta)
        if args.report:  # before the output appears: a run whose report fails writes nothing
            index = write_report(Path(args.report), report_data(summary, part, meta))
            lines.append(f"  report {index}")
        output.commit()
    except BaseException:
        output.discard()
        raise
    print("\n".join(lines))
    return 1 if summary.discrepancies or summary.audited_unreadable else 0
