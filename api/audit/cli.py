"""``bingpin audit CALCULATION INPUT --out OUTPUT``: run the policy over a file of records.

Exit 0: every record was compared and agrees (without ``--compare``: every record was answered);
1: discrepancies found, or records that could not be compared (refused, or the audited figure
missing, unreadable or below zero), counted apart with what was paid on them; 2: the run failed
before or during the run, or the input holds no records (one line on stderr says why; OUTPUT is
not written); 130, 143 and 129: interrupted by SIGINT (Ctrl-C), SIGTERM or SIGHUP (the terminal or ssh
session closed), OUTPUT not written either.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import os
import signal
import sys
import traceback
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pyarrow as pa

from bingpin.api.audit.checks import check_arguments, check_columns, check_paths
from bingpin.api.audit.files import AuditError, Output, Records, first_line
from bingpin.api.stopping import STOPPING, Watch, raising_on, settle

EXIT_FAILED = 2
#: Seconds to reach a Dask scheduler, and that a cluster may be without a worker (--connect-timeout).
CONNECT_TIMEOUT = 10.0
#: An input without records: exit 0 would say "every record agrees" of nothing at all.
NO_RECORDS = "输入文件没有记录，未作任何核对 / the input holds no records: nothing was checked"


def add_parser(commands: Any) -> None:
    audit = commands.add_parser(
        "audit",
        help="audit a file of records (Parquet or CSV) against the policy, row by row",
        description="Answer every record as the single endpoint does; with --compare, flag where the audited "
        "system's figure differs. Every input column is a field of the calculation or declared with --carry "
        "(the --compare column is carried too); any other column ends the run before it starts, naming the "
        "field it most likely means. Exit 0: every record was compared and agrees (without --compare: every "
        "record was answered); 1: discrepancies, or records not compared (counted apart, with what was paid on "
        "them); 2: the run failed, or the input holds no records, nothing written; 130/143/129: interrupted "
        "(SIGINT/SIGTERM/SIGHUP), nothing written.",
    )
    audit.add_argument("calculation", help="e.g. medical-assistance (a calculation with a single-case endpoint)")
    audit.add_argument("input", help="records: .csv (or .txt) with a header row, read as CSV; other names as Parquet")
    audit.add_argument("--out", required=True, help="output file: .parquet (or .pq) for Parquet, .csv for CSV")
    audit.add_argument("--jurisdiction", help="jurisdiction code for rows without one, e.g. 330400")
    audit.add_argument("--date", help="calculation date (YYYY-MM-DD) for rows without one")
    audit.add_argument(
        "--compare", metavar="COLUMN", help="the column holding the audited system's figure (carried through)"
    )
    audit.add_argument(
        "--carry",
        metavar="COLUMN",
        action="append",
        default=None,
        help="an input column to carry through to OUTPUT unchanged (record id ...); repeat for each; "
        "a column neither carried nor a field of the calculation is refused",
    )
    audit.add_argument(
        "--encoding",
        default="utf-8",
        help="CSV input: its text encoding, e.g. gbk or gb18030 for a CSV that Excel saved on a Chinese Windows "
        "(default utf-8; a byte order mark is skipped); Parquet text is always UTF-8",
    )
    audit.add_argument("--report", metavar="DIR", help="write report.json and index.html here")
    audit.add_argument(
        "--engine",
        choices=["local", "dask"],
        default="local",
        help="local: this machine's cores (default); dask: a Dask distributed cluster (--scheduler)",
    )
    audit.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, tcp://HOST:PORT (--engine dask)")
    audit.add_argument(
        "--connect-timeout",
        metavar="SECONDS",
        type=float,
        default=None,
        help="--engine dask: seconds to reach the scheduler, and that the cluster may be without a worker (none "
        "joined, or all died), before the run ends (default 10)",
    )
    audit.add_argument(
        "--csv-raw",
        action="store_true",
        help="CSV output: write carried cells as they are (by default a cell starting with = + - @, tab or CR "
        "gets a leading ' so that Excel and WPS do not run it as a formula, and NUL characters are removed)",
    )
    audit.add_argument(
        "--scalar",
        "--no-kernels",
        dest="no_kernels",
        action="store_true",
        help="answer every row by the rule, one by one",
    )
    audit.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    audit.set_defaults(run=main)


class Interrupted(BaseException):
    """SIGINT, SIGTERM or SIGHUP: the run stops, and what it was writing is removed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _signals() -> AbstractContextManager[None]:
    """SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` (once: a second signal during the
    clean-up is ignored, so the clean-up finishes). A signal this process was started ignoring
    (``nohup``, a background job) stays ignored."""
    return raising_on(STOPPING, Interrupted)


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """What is loaded before the records are read (the rules, the schemas, the application: a
    hundred thousand objects that live as long as the process) kept out of the collections
    meanwhile, which would otherwise traverse it all again and again; back in them afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


#: glibc's ``mallopt`` parameters (malloc.h); the mapping threshold is the largest that glibc's own
#: adjustment reaches on a 64-bit system (``DEFAULT_MMAP_THRESHOLD_MAX``).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD = 32 << 20
_TRIM_THRESHOLD = 1 << 30
#: What a user sets glibc's allocator with: when any is set, it is left as the user set it.
_MALLOC_SETTINGS = ("GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")


def kept_heap() -> bool:
    """NumPy's arrays (a batch's working columns, a few MiB each) come from the C library's heap.
    glibc's defaults hand them fresh pages again and again: an array above 128 KiB is mapped anew
    (and unmapped when freed) until one such is freed, and the heap's top goes back to the system
    whenever more than twice that is free; the next batch faults every page in again (on a
    virtual machine a fault costs microseconds). Set here for the run: arrays up to 32 MiB from
    the heap, and its top kept. A million mixed records: about 78,000 page faults instead of
    100,000. Whether it was set: on a 64-bit glibc, unless the environment tunes the allocator
    itself (``GLIBC_TUNABLES``, ``MALLOC_TRIM_THRESHOLD_`` ...)."""
    if not sys.platform.startswith("linux") or sys.maxsize < 2**32 or any(map(os.environ.get, _MALLOC_SETTINGS)):
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
        glibc = hasattr(libc, "gnu_get_libc_version")  # glibc's own: musl's mallopt does nothing
    except (OSError, AttributeError):
        return False
    if not glibc:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))


def arrow_memory_pool() -> str:
    """Arrow's buffers from jemalloc unless ``ARROW_DEFAULT_MEMORY_POOL`` names a pool: the name
    of the pool the run allocates from. Arrow's default on Linux, mimalloc, cost a fresh process
    about twice the system time of jemalloc, most of it decoding the first batches (a million
    mixed records: 0.83-1.16 s against 0.48-0.59 s, the run about a tenth longer); a build of
    pyarrow without jemalloc keeps its default."""
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        with contextlib.suppress(NotImplementedError):
            pa.set_memory_pool(pa.jemalloc_memory_pool())
    return str(pa.default_memory_pool().backend_name)


def main(args: argparse.Namespace) -> int:
    args.carry = args.carry or []
    try:
        with _signals():
            return run(args)
    except AuditError as error:
        print(f"bingpin audit: {error}", file=sys.stderr)
    except OSError as error:
        print(f"bingpin audit: {error}; nothing written", file=sys.stderr)
    except Interrupted as stopped:
        with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
            print(f"bingpin audit: interrupted ({stopped}); nothing written", file=sys.stderr)
        return 128 + stopped.signum
    except Exception as error:  # a fault of bingpin's, not of the input: the run failed all the same
        print(f"bingpin audit: {internal_error(error)}; nothing written", file=sys.stderr)
    return EXIT_FAILED


def internal_error(error: BaseException) -> str:
    """One line for an error of the program itself: what it was and where, to report."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    what = f"{type(error).__name__}: {first_line(error)}" if str(error).strip() else type(error).__name__
    return f"内部错误 / internal error ({what}{where}), please report it"


def run(args: argparse.Namespace) -> int:
    from bingpin.api.audit import engines
    from bingpin.api.audit.partition import Partition
    from bingpin.api.audit.progress import Progress
    from bingpin.api.audit.report import report_data, summary_lines, write_report
    from bingpin.api.audit.summary import Summary

    check_arguments(args)
    arrow_memory_pool()
    kept_heap()
    source = Path(args.input)
    if not source.is_file():
        what = (
            "is a directory: give a file" if source.is_dir() else "is not a file" if source.exists() else "no such file"
        )
        raise AuditError(f"cannot read {source}: {what}")
    check_paths(source, args.out, args.report)
    report = Path(args.report) if args.report is not None else None
    records = Records(source, encoding=args.encoding)
    part = Partition(
        args.calculation, args.jurisdiction, args.date, args.compare, population=not args.no_kernels, carry=args.carry
    )
    check_columns(args, records, part)
    records.labels = part.labels(records.names)
    if records.rows == 0:  # Parquet says so before the run; CSV when it has been read
        raise AuditError(f"{source}: {NO_RECORDS}")
    summary = Summary(args.calculation, args.compare, detailed=args.report is not None)

    def tally(batch: Any, audited: Any) -> Summary:
        return summary.tally(part, batch, audited)

    watch = Watch()
    if args.engine == "dask":
        pairs = engines.dask(
            part,
            records.batches(),
            args.scheduler,
            after=tally,
            timeout=CONNECT_TIMEOUT if args.connect_timeout is None else args.connect_timeout,
        )
    else:
        pairs = engines.local(part, records.batches(), after=tally, watch=watch)
    meta = {
        "calculation": args.calculation,
        "input": str(source),
        "output": str(args.out),
        "jurisdiction": args.jurisdiction,
        "date": args.date,
        "compare": args.compare,
        "engine": args.engine,
    }
    progress = Progress(watch, records.rows, records.estimated_rows, quiet=args.quiet)
    lines = []
    output = None
    try:
        with progress, _frozen():
            output = Output(Path(args.out), part.carried(records.names), guard=not args.csv_raw)
            for _, audited, counted in pairs:
                output.write(audited)
                summary.merge(counted(), summary.records)
                progress.written = summary.records
        if summary.records == 0:
            raise AuditError(f"{source}: {NO_RECORDS}")
        # every record is answered and written: a signal from here on would leave a report without its
        # output, or an output in place with "nothing written" said. The run finishes (an error still undoes it).
        settle()
        lines = summary_lines(summary, meta)
        output.finish()  # a full disk fails here, before the report is written
        if report is not None:  # before the output appears: a run whose report fails writes nothing
            index = write_report(report, report_data(summary, part, meta))
            lines.append(f"  report {index}")
        output.commit()
    except BaseException:
        pairs.close()  # the batches in flight are called off, not finished
        if output is not None:
            output.discard()
        raise
    print("\n".join(lines))
    return 0 if summary.agrees else 1
