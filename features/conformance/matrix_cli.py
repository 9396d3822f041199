"""``bingpin conformance matrix NAME=REPORT.json ... --out DIR``: several implementations' runs
side by side, as DIR/index.html and DIR/matrix.json."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bingpin.features.conformance.exits import (
    EXIT_CONFORMANT,
    EXIT_SOFTWARE,
    EXIT_USAGE,
    interrupted,
    stopped_by_signals,
)
from bingpin.features.conformance.matrix import Column, ReportError, build, read
from bingpin.features.conformance.matrix_page import write_page
from bingpin.features.conformance.report_dir import MATRIX_FILES, ReportDir, ReportDirError
from bingpin.features.conformance.text import UNSAFE, json_text, printable

MAX_IMPLEMENTATIONS = 20
MAX_NAME = 40

HELP = """Put the report.json of several implementations' runs side by side: one row per scenario
(grouped by policy and clause), one column per implementation with its status. Rows where the
implementations disagree come first; a scenario that every implementation but the reference fails
is flagged (the suite may be wrong there). Failed cells link to the check and the replay line
from that implementation's report. Writes DIR/index.html (offline, Chinese first) and
DIR/matrix.json."""

EPILOG = f"""suite versions:
  each report names the suite version it was made with (the header shows it per implementation);
  reports of different versions are refused unless --allow-mixed is given.

output:
  DIR is the command's own: the page and the data are written into a new directory beside it and
  renamed into place once both are complete. A symbolic link, a file, or a directory holding
  other files than index.html and matrix.json is refused.

exit codes:
  {EXIT_CONFORMANT}   the matrix was written
  {EXIT_USAGE}   usage: fewer than two reports, a NAME given twice, an unknown --reference, a report
      that is missing, unreadable, larger than 32 MiB, nested too deep or not a report.json, reports
      of different suite versions without --allow-mixed, an --out that cannot be written (one line)"""


class UsageError(ValueError):
    """One line saying what is wrong with the command line or a report."""


def _pair(text: str) -> tuple[str, Path]:
    name, equals, path = text.partition("=")
    if not equals or not path:
        raise UsageError(f"give each report as NAME=REPORT.json, not {text[:80]!r}")
    if not name.strip() or len(name) > MAX_NAME or UNSAFE.search(name):
        raise UsageError(f"NAME must be 1 to {MAX_NAME} printable characters, not {name[:80]!r}")
    return name, Path(path)


def _columns(pairs: list[str]) -> list[Column]:
    named = [_pair(text) for text in pairs]
    if len(named) < 2:
        raise UsageError("a matrix compares at least two reports: NAME=REPORT.json NAME=REPORT.json ...")
    if len(named) > MAX_IMPLEMENTATIONS:
        raise UsageError(f"at most {MAX_IMPLEMENTATIONS} reports, not {len(named)}")
    seen = [name for name, _ in named]
    twice = sorted({name for name in seen if seen.count(name) > 1})
    if twice:
        raise UsageError(f"each NAME once: {', '.join(twice)} is given twice")
    columns = []
    for name, path in named:
        try:
            columns.append(read(name, path))
        except OSError as error:
            raise UsageError(f"cannot read {path} ({name}): {error.strerror}") from None
        except ReportError as error:
            raise UsageError(f"{path} ({name}) is not a report.json of `bingpin conformance`: {error}") from None
    return columns


def matrix(args: argparse.Namespace) -> int:
    try:
        output = ReportDir(args.out, MATRIX_FILES, "--out", "reports/matrix")
        output.check()
    except ReportDirError as error:
        return _refuse(f"cannot write the matrix to {args.out!r}: {error}")
    try:
        columns = _columns(args.reports)
        reference = args.reference if args.reference is not None else columns[0].name
        if reference not in {c.name for c in columns}:
            raise UsageError(f"--reference {reference!r} is none of the NAMEs: {', '.join(c.name for c in columns)}")
        versions = {c.suite_version for c in columns}
        if len(versions) > 1 and not args.allow_mixed:
            each = ", ".join(f"{c.name} {c.suite_version}" for c in columns)
            raise UsageError(
                f"the reports were made with different suite versions ({each}); compare runs of one suite, "
                "or pass --allow-mixed"
            )
    except UsageError as error:
        return _refuse(str(error))
    result = build(columns, reference)
    try:
        output.start()
        json_path = output.path("matrix.json")
        json_path.write_bytes(json_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        write_page(result, output.path("index.html"))
        output.commit()
    except OSError as error:
        return _refuse(f"cannot write the matrix to {args.out!r}: {error}")
    finally:
        output.abandon()  # what an unfinished write left; nothing once the matrix is in place
    summary = result["summary"]
    _print(
        f"{len(columns)} implementations (reference: {reference}), suite {', '.join(result['suite_versions'])}: "
        f"{summary['scenarios']} scenarios, {summary['disagreements']} where they disagree, "
        f"{summary['flagged']} that only the reference passes"
    )
    _print(f"matrix in {output.target}/ (index.html, matrix.json)")
    return EXIT_CONFORMANT


def _refuse(text: str) -> int:
    sys.stderr.write("bingpin conformance matrix: " + printable(text, lines=False)[:500] + "\n")
    return EXIT_USAGE


def _print(text: str) -> None:
    sys.stdout.write(printable(text, lines=False) + "\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="bingpin conformance matrix",
        description=HELP,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "reports",
        nargs="+",
        metavar="NAME=REPORT.json",
        help="an implementation's name (its column heading) and the report.json of its run; two or more",
    )
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="directory for index.html and matrix.json, e.g. reports/matrix"
    )
    parser.add_argument(
        "--reference",
        metavar="NAME",
        help="the column of the reference implementation, for the flag on scenarios that only it passes "
        "(default: the first NAME)",
    )
    parser.add_argument(
        "--allow-mixed",
        action="store_true",
        help="compare reports made with different suite versions (each column shows its version)",
    )
    parsed = parser.parse_args(argv)
    try:
        with stopped_by_signals():
            return matrix(parsed)
    except KeyboardInterrupt as error:
        code, words = interrupted(error)
        print(f"{words}; no matrix written", file=sys.stderr)
        return code
    except Exception as error:  # a bug of bingpin's: one line, never a traceback
        message = printable(f"{type(error).__name__}: {error}", lines=False)[:500]
        print(f"bingpin conformance matrix: internal error ({message}); no matrix written", file=sys.stderr)
        return EXIT_SOFTWARE
