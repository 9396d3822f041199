"""What is checked before a run, so that a run that cannot be right ends at once (exit 2) and
writes nothing: the arguments, the input's columns and their types, and the paths to write.

Every input column is a field of the calculation or declared as carried (``--carry``, and the
``--compare`` column); a column of a type none of its cells could be read from is refused, naming
the column and the type, rather than answered 422 row after row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from bingpin.api.audit.files import AuditError, Records, csv_column, is_csv, is_utf8, output_format
from bingpin.api.audit.records import nearest, type_problem, unknown_message
from bingpin.api.fields import Money


def check_arguments(args: argparse.Namespace) -> None:
    """The calculation, flags and engine, before any file is opened."""
    from bingpin.api.audit.partition import HEADLINES
    from bingpin.api.resources.calculations import ENDPOINTS
    from bingpin.rules.registry import policies

    known = [endpoint.path for endpoint in ENDPOINTS]
    if args.calculation not in known:
        raise AuditError(f"unknown calculation {args.calculation!r}; known: {', '.join(known)}")
    if args.jurisdiction is not None and args.jurisdiction not in policies():
        names = "、".join(f"{code}（{policies()[code].jurisdiction_name}）" for code in sorted(policies()))
        raise AuditError(f"unknown jurisdiction {args.jurisdiction!r}; known: {names}")
    if args.date is not None:
        try:
            valid = dt.date.fromisoformat(args.date).isoformat() == args.date
        except ValueError:
            valid = False
        if not valid:
            raise AuditError(f"--date {args.date!r} is not a date (YYYY-MM-DD)")
    try:
        utf8 = is_utf8(args.encoding)
    except LookupError:
        raise AuditError(
            f"未知的文本编码 {args.encoding!r} / unknown text encoding {args.encoding!r} (e.g. utf-8, gbk, gb18030)"
        ) from None
    if not is_csv(Path(args.input)) and not utf8:
        raise AuditError(
            f"--encoding 仅用于 CSV 输入（Parquet 的文本均为 UTF-8）/ --encoding is for CSV input: {args.input}"
            " is read as Parquet, whose text is UTF-8"
        )
    if args.compare is not None and args.calculation not in HEADLINES:
        raise AuditError(f"{args.calculation} has no single figure to compare (--compare)")
    if args.engine == "local" and args.scheduler:
        raise AuditError("--scheduler goes with --engine dask")
    if args.engine == "dask":
        from bingpin.api.audit.engines import scheduler_address

        if importlib.util.find_spec("distributed") is None:
            raise AuditError("--engine dask needs Dask distributed: pip install 'bingpin[dask]'")
        if not args.scheduler:
            raise AuditError("--engine dask needs --scheduler tcp://HOST:PORT (the Dask scheduler's address)")
        scheduler_address(args.scheduler)
        if args.connect_timeout is not None and not 0 < args.connect_timeout <= 3600:
            raise AuditError(f"--connect-timeout {args.connect_timeout:g}: give seconds between 0 and 3600")
    elif args.connect_timeout is not None:
        raise AuditError("--connect-timeout goes with --engine dask")
    if args.csv_raw and output_format(Path(args.out)) == "Parquet":
        raise AuditError(
            f"--csv-raw 仅用于 CSV 输出 / --csv-raw is for CSV output: --out {args.out} is written as Parquet, "
            "whose cells are typed values, never run as formulas"
        )


def check_columns(args: argparse.Namespace, records: Records, part: Any) -> None:
    """Required fields present, no unknown column, carried columns present, readable types."""
    from bingpin.api.audit.columns import status_fields

    names = set(records.names)
    request = part.runner.request.fields
    flags = {"jurisdiction": args.jurisdiction, "date": args.date}
    for name, field in request.items():
        if field.required and name not in names and flags.get(name) is None:
            hint, given = (f" (or give --{name})", f"，或用 --{name} 给出") if name in flags else ("", "")
            why = (f"{args.calculation} 必需{given}", f", which {args.calculation} requires{hint}")
            raise _missing(records, name, *why, [n for n in records.names if n not in request])
    if args.compare is not None and args.compare not in names:
        raise _missing(records, args.compare, "--compare", " (--compare)", records.names)
    for name in args.carry:
        if name not in names:
            raise _missing(records, name, "--carry", " (--carry)", records.names)
    unknown = part.unknown(records.names)
    if unknown:
        raise AuditError(f"{records.path}: {unknown_message(unknown, list(request), args.calculation)}")
    produced = [c.name for c in part.columns] + [f.name for f in status_fields()]
    produced += ["discrepancy", "compared"] if args.compare is not None else []
    clash = sorted(set(part.carried(records.names)) & set(produced))
    if clash:
        raise AuditError(
            f"{records.path}: 列（{', '.join(map(repr, clash))}）与输出列同名，请改名 / column "
            f"{', '.join(map(repr, clash))} clashes with an output column; rename it"
        )
    if records.schema is not None:
        _check_types(args, records.schema, part)


def _missing(records: Records, name: str, why: str, because: str, columns: list[str]) -> AuditError:
    """The refusal of a file without the column ``name``, in Chinese and English (``why``,
    ``because``), with the column of ``columns`` it most likely has instead."""
    return AuditError(
        f"{records.path}: 缺少列 {name!r}（{why}） / has no column {name!r}{because}" + _near_column(name, columns)
    )


def _near_column(name: str, columns: list[str]) -> str:
    """``; did you mean its column 'date '?`` for the column of the file that ``name`` most likely
    means (one differing only in spaces or case first), or nothing."""
    near = nearest(name, columns)
    return f"; did you mean its column {near!r}?" if near is not None else ""


def _check_types(args: argparse.Namespace, schema: pa.Schema, part: Any) -> None:
    request = part.runner.request.fields
    for field in schema:
        problem = type_problem(field.name, request[field.name], field.type) if field.name in request else None
        if problem:
            raise AuditError(f"{args.input}: {problem}; nothing was audited")
    if args.compare is not None:
        kind = schema.field(args.compare).type
        flag = args.calculation == "risk-monitoring"
        readable = (
            pa.types.is_boolean(kind) or pa.types.is_integer(kind)
            if flag
            else pa.types.is_decimal(kind) or pa.types.is_integer(kind) or pa.types.is_floating(kind)
        )
        if not flag and pa.types.is_decimal(kind) and kind.scale > 2:
            raise AuditError(f"{args.input}: {type_problem(args.compare, Money(), kind)}; nothing was audited")
        if not (readable or pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)):
            what = (
                "yes/no values (booleans, 0/1 or true/false)" if flag else "amounts (decimal, integer, float or text)"
            )
            raise AuditError(
                f"{args.input}: 列（{args.compare!r}）的类型为 {kind}，无法比对 / column {args.compare!r} is {kind}: "
                f"--compare takes {what}; nothing was audited"
            )
    if output_format(Path(args.out)) == "CSV":
        for name in part.carried(schema.names):
            _check_csv_column(args.input, schema.field(name))


def _check_csv_column(source: str, field: pa.Field) -> None:
    """A carried column CSV can hold (not bytes: a CSV cell is text)."""
    kind = field.type
    binary = pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind)
    if not binary:
        try:
            pacsv.write_csv(pa.table({field.name: csv_column(pa.chunked_array([], kind))}), io.BytesIO())
            return
        except (pa.ArrowException, TypeError, ValueError):
            pass
    raise AuditError(
        f"{source}: 列（{field.name!r}）的类型为 {kind}，CSV 无法容纳 / column {field.name!r} is {kind}, which a CSV "
        "file cannot hold: write Parquet (--out ending in .parquet) or do not carry it"
    )


def check_paths(source: Path, out_name: str, report_name: str | None) -> None:
    """OUTPUT is a file that can be written and is not the input; the report a directory that can."""
    if not out_name:
        raise AuditError("--out needs a file name")
    out = Path(out_name)
    if out.resolve() == source.resolve():
        raise AuditError(f"--out {out} is the input itself: write the audit elsewhere")
    if out.is_dir():
        raise AuditError(f"--out {out} is a directory: give a file name, e.g. {out / 'results.parquet'}")
    if output_format(out) is None:
        raise AuditError(
            f"--out {out}: the name says which format to write: end it in .parquet or .pq (Parquet) or .csv "
            f"(CSV), e.g. {out.with_suffix('.parquet').name} or {out.with_suffix('.csv').name}"
        )
    _writable(out.parent, f"--out {out}")
    if report_name is None:
        return
    if not report_name:
        raise AuditError("--report needs a directory name")
    report = Path(report_name)
    if report.exists() and not report.is_dir():
        raise AuditError(f"--report {report} is a file: give a directory for report.json and index.html")
    if report.resolve() == out.resolve():
        raise AuditError(f"--report {report} is also --out: give them different names")
    _writable(report, f"--report {report}")


def _writable(directory: Path, what: str) -> None:
    """``directory``, or the nearest of its parents that exists (the run creates the rest), is a
    directory this process can write in."""
    probe = directory.absolute()
    while not probe.exists():
        if probe.is_symlink():
            raise AuditError(f"{what}: {probe} is a link to nowhere")
        probe = probe.parent
    if not probe.is_dir():
        raise AuditError(f"{what}: {probe} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise AuditError(f"{what}: cannot write in {probe} (permission denied)")
