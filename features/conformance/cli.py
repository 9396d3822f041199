"""``bingpin conformance``: run the Chinese suite against a service and write the reports;
``bingpin conformance diff OLD.json NEW.json``: what newly fails or passes between two runs."""

from __future__ import annotations

import argparse
import re
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from bingpin.api.catalog.features import JURISDICTION_TAGS as JURISDICTIONS
from bingpin.features.conformance.diff import diff
from bingpin.features.conformance.exits import (
    EXIT_CONFORMANT,
    EXIT_HANGUP,
    EXIT_INCOMPLETE,
    EXIT_INTERRUPTED,
    EXIT_NOT_CONFORMANT,
    EXIT_SOFTWARE,
    EXIT_TERMINATED,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    interrupted,
    stopped_by_signals,
)
from bingpin.features.conformance.fetch import DEFAULT_GIVE_UP_AFTER, DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, Limits
from bingpin.features.conformance.http_client import unreachable
from bingpin.features.conformance.report_dir import ReportDir, ReportDirError
from bingpin.features.conformance.text import printable

DEFAULT_REPORT = Path("reports") / "conformance"

EPILOG = f"""limits:
  every answer of the service must be complete within --answer-timeout seconds (default
  {DEFAULT_TIMEOUT:g}; connecting, headers and body together) and at most --max-answer-bytes long (default
  {DEFAULT_MAX_BYTES}); a larger or later answer fails its scenario. After --give-up-after requests
  in a row get no complete answer (default {DEFAULT_GIVE_UP_AFTER}): none at all (refused, reset, silent), or none
  complete within --answer-timeout (a trickle), the run stops with exit {EXIT_UNAVAILABLE}.
  Redirects are followed only to the same scheme, host and port. NaN and Infinity are not JSON,
  and a Content-Length must be one non-negative integer: an answer with either fails its scenario.

console:
  the summary first (core and optional counts, the verdict), then every @core failure grouped by
  clause and by the answer field that differed, each with its step, check, answer and replay line,
  then the @optional failures one line each (--verbose: in full). The reports keep every detail.

reports:
  DIR is the runner's own: once the options are accepted, the reports of the previous run there
  are removed (also when the service then does not answer, or the selection matches nothing);
  the new ones are written beside it and put in place only once complete. A run that ends
  early leaves none. A symbolic link, a file, or a directory holding other files is refused.

exit codes:
  {EXIT_CONFORMANT}   conformant: every selected @core scenario passed or is waived
  {EXIT_NOT_CONFORMANT}   not conformant: a selected @core scenario failed (@optional results never change it)
  {EXIT_USAGE}   usage: a bad option, a waiver naming an unknown id, a selection that matches nothing,
      a report directory that cannot be written
  {EXIT_UNAVAILABLE}  the service at --base-url did not answer GET /v1/jurisdictions (nothing was run), or
      stopped answering during the run (no report is written)
  {EXIT_SOFTWARE}  the installed suite could not be collected (reinstall bingpin), or the runner failed
      (a bug in bingpin: please report it); no report is written
  {EXIT_INTERRUPTED} interrupted (Ctrl-C) before the last scenario; no report is written
  {EXIT_TERMINATED} stopped by SIGTERM (kill, a cancelled CI job); no report is written
  {EXIT_HANGUP} stopped by SIGHUP (the terminal closed); no report is written"""


COMMENT = re.compile(r"(?:^|\s)#")


class WaiverError(ValueError):
    """A line of the waiver file that is not ``<id> <reason>``."""


def read_waivers(path: Path | None) -> dict[str, str]:
    """``JX-MA-002  reason`` per line (the reason may hold an issue URL); ``#`` after a space starts a comment."""
    if path is None:
        return {}
    waivers = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        words = COMMENT.split(line, maxsplit=1)[0].split(None, 1)
        if not words:
            continue
        if len(words) == 1:
            raise WaiverError(f"{path}:{number}: a waiver needs a reason: '{words[0]} <reason>'")
        waivers[words[0]] = words[1].strip()
    return waivers


def conformance(args: argparse.Namespace) -> int:
    """Check the service answers, then run the suite (loaded only then, so a dead URL answers at once)."""
    try:
        waivers = read_waivers(args.waive)
    except OSError as error:
        print(f"cannot read the waiver file: {error}", file=sys.stderr)
        return EXIT_USAGE
    except WaiverError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    unknown = sorted(set(args.policy or []) - set(JURISDICTIONS))
    if unknown:
        print(f"unknown --policy {', '.join(unknown)}: one of {', '.join(JURISDICTIONS)}", file=sys.stderr)
        return EXIT_USAGE
    if args.base_url and urllib.parse.urlsplit(args.base_url).scheme not in ("http", "https"):
        print(f"--base-url must start with http:// or https://, not {args.base_url!r}", file=sys.stderr)
        return EXIT_USAGE
    try:  # before the run, not after it; the previous verdict goes now (a run that then fails leaves none)
        output = ReportDir(args.report)
        output.clear()
    except (ReportDirError, OSError) as error:
        print(f"cannot write the reports to {args.report!r}: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with stopped_by_signals():  # SIGTERM and SIGHUP unwind like Ctrl-C: no report, nothing left behind
            if args.base_url:
                problem = unreachable(args.base_url, Limits(args.max_answer_bytes, args.answer_timeout))
                if problem:
                    print(f"bingpin conformance: {printable(problem)}", file=sys.stderr)
                    return EXIT_UNAVAILABLE
            from bingpin.features.conformance.runner import run_suite

            return run_suite(args, waivers, output)
    except KeyboardInterrupt as error:
        code, words = interrupted(error)
        print(f"{words}; no report written", file=sys.stderr)
        return code
    except Exception as error:  # a bug of the runner's: one line, and never blamed on the installation
        where = error.__traceback__
        while where is not None and where.tb_next is not None:
            where = where.tb_next
        at = f" at {where.tb_frame.f_code.co_filename}:{where.tb_lineno}" if where else ""
        message = printable(f"{type(error).__name__}: {error}")[:500]
        print(f"bingpin conformance: internal error ({message}{at}); no report written", file=sys.stderr)
        return EXIT_SOFTWARE


DIFF_HELP = """Compare two report.json files of `bingpin conformance`: OLD is the earlier run (the
baseline, e.g. last release's report), NEW the run to judge. Lists the scenarios newly failing in
NEW, newly passing, changed (content hash differs: the suite changed), added, retired by the
suite, and not run in NEW."""

DIFF_EPILOG = f"""not run in NEW:
  a scenario OLD ran that NEW did not run (or skipped) is counted apart, unless the suite retired
  it (features/retired-ids.txt) or NEW's suite no longer has it; a NEW that left out scenarios
  cannot show there is no regression, so the diff exits {EXIT_INCOMPLETE} unless --allow-missing is given.

regressions:
  a scenario that passed (or was waived) in OLD and fails in NEW. Only a @core one (its tier in NEW)
  makes the exit code 1; @optional ones are listed as such and change it only with --strict.

exit codes:
  {EXIT_CONFORMANT}   no regression: no @core scenario that passed (or was waived) in OLD fails in NEW, and NEW
      ran every scenario OLD ran (or --allow-missing); @optional regressions too with --strict
  {EXIT_NOT_CONFORMANT}   regression: a @core scenario (with --strict: any scenario) that passed (or was waived)
      in OLD fails in NEW
  {EXIT_USAGE}   usage: OLD or NEW is missing, unreadable, larger than 32 MiB, or not a report.json
  {EXIT_INCOMPLETE}   incomplete: no regression among the scenarios both ran, but NEW did not run scenarios
      that OLD ran (see "not run in NEW")"""


#: The limits on the service's answers: flag, type, default, metavar, meaning.
LIMIT_OPTIONS: tuple[tuple[str, type[float] | type[int], float, str, str], ...] = (
    ("--answer-timeout", float, DEFAULT_TIMEOUT, "SECONDS", "seconds each answer may take, all of it"),
    ("--max-answer-bytes", int, DEFAULT_MAX_BYTES, "BYTES", "largest answer read; a larger one fails its scenario"),
    (
        "--give-up-after",
        int,
        DEFAULT_GIVE_UP_AFTER,
        "N",
        f"stop the run (exit {EXIT_UNAVAILABLE}) after N requests in a row get no complete answer: none at all, "
        "or none complete within --answer-timeout",
    ),
)


def _positive(kind: type[float] | type[int]) -> Callable[[str], float]:
    def convert(text: str) -> float:
        value = kind(text)
        if not 0 < value < float("inf"):
            raise ValueError(text)
        return value

    convert.__name__ = f"positive {kind.__name__}"  # argparse names it in "invalid positive int value"
    return convert


def main(argv: list[str]) -> int:
    if argv[:1] == ["matrix"]:
        from bingpin.features.conformance.matrix_cli import main as matrix

        return matrix(argv[1:])
    if argv[:1] == ["diff"]:
        parser = argparse.ArgumentParser(
            prog="bingpin conformance diff",
            description=DIFF_HELP,
            epilog=DIFF_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        parser.add_argument("old", type=Path, metavar="OLD", help="report.json of the earlier run (the baseline)")
        parser.add_argument("new", type=Path, metavar="NEW", help="report.json of the run to judge")
        parser.add_argument(
            "--allow-missing",
            action="store_true",
            help="a narrower NEW run is intended: scenarios OLD ran and NEW did not are listed, but "
            f"do not make the exit code {EXIT_INCOMPLETE}",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help=f"an @optional regression makes the exit code {EXIT_NOT_CONFORMANT} too "
            "(by default only @core ones do)",
        )
        parsed = parser.parse_args(argv[1:])
        return diff(parsed.old, parsed.new, allow_missing=parsed.allow_missing, strict=parsed.strict)
    parser = argparse.ArgumentParser(
        prog="bingpin conformance",
        description="Run the Chinese acceptance suite against a service and write report.json, junit.xml "
        "and report.html. `bingpin conformance diff OLD NEW` compares two runs; `bingpin conformance matrix "
        "NAME=REPORT.json ... --out DIR` puts several implementations' runs side by side (see their --help).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="the service to judge, e.g. http://127.0.0.1:8080 (checked first: it must answer GET "
        "/v1/jurisdictions); default: the built-in reference service, in-process",
    )
    parser.add_argument(
        "--policy",
        action="append",
        metavar="NAME",
        help="only this jurisdiction (repeatable, any of): jiaxing, wenzhou, longgang, shengzhou, chengkou",
    )
    parser.add_argument(
        "--tags",
        action="append",
        metavar="TAG",
        help="only scenarios with this tag (repeatable, all of): core, optional, clause:二(二)7, id:JX-MA-001; "
        "~TAG excludes (e.g. --tags ~optional)",
    )
    parser.add_argument(
        "--report",
        metavar="DIR",
        default=str(DEFAULT_REPORT),
        help=f"directory for report.json, junit.xml and report.html (default: ./{DEFAULT_REPORT.as_posix()}, "
        "which `bingpin review` reads)",
    )
    for flag, kind, default, metavar, meaning in LIMIT_OPTIONS:
        parser.add_argument(
            flag,
            type=_positive(kind),
            default=default,
            metavar=metavar,
            help=f"{meaning} (default {default:g})" if kind is float else f"{meaning} (default {default})",
        )
    parser.add_argument(
        "--waive",
        type=Path,
        metavar="FILE",
        help="known failures, '<id> <reason>' per line: reported as waived, never as passed; "
        "a waived scenario that passes is reported as a stale waiver",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="print each @optional failure in full (step, check, answer, replay line), as the @core ones are; "
        "by default one line each (the reports keep the full detail either way)",
    )
    return conformance(parser.parse_args(argv))
