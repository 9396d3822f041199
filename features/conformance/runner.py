"""One run of the suite: the selected scenarios through pytest-bdd, the three reports written, and
the console summary (console.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import pytest

from bingpin.api.catalog.features import features_dir
from bingpin.features.conformance import console, exits, suite
from bingpin.features.conformance import report as reports
from bingpin.features.conformance.plugin import Recorder, Selection, run
from bingpin.features.conformance.report_dir import ReportDir
from bingpin.features.conformance.text import printable


def run_suite(args: argparse.Namespace, waivers: dict[str, str], output: ReportDir) -> int:
    """Run the selection against ``args.base_url`` (else in-process) and put the reports at ``output``,
    which holds no earlier verdict from the moment the run starts."""
    entries = suite.manifest()
    known = {e.id for e in entries}
    unknown = sorted(set(waivers) - known)
    if unknown:
        print(f"waivers name scenarios the suite does not have: {', '.join(unknown)}", file=sys.stderr)
        return exits.EXIT_USAGE
    selection = Selection(policies=args.policy or [], tags=args.tags or [])
    if not any(selection.matches(set(e.tags)) for e in entries):
        print(NOTHING_SELECTED, file=sys.stderr)
        return exits.EXIT_USAGE
    try:
        output.start()
    except OSError as error:
        print(f"cannot write the reports to {args.report!r}: {error}", file=sys.stderr)
        return exits.EXIT_USAGE
    try:
        return _run(args, waivers, output, entries, selection)
    finally:
        output.abandon()  # what an unfinished run wrote; nothing once the reports are in place


NOTHING_SELECTED = "no scenario matches the selection (see --policy and --tags)"


def _run(
    args: argparse.Namespace,
    waivers: dict[str, str],
    output: ReportDir,
    entries: list[suite.Entry],
    selection: Selection,
) -> int:
    recorder = Recorder(selection)
    pytest_args = [
        str(Path(__file__).with_name("scenarios.py")),  # the module the shipped scenarios are collected from
        "--rootdir",
        str(features_dir()),
        "-c",
        os.devnull,  # the vendor's own pytest configuration and conftests play no part
        "--noconftest",
        "-p",
        "bingpin.features.conformance.steps",
        f"--max-answer-bytes={args.max_answer_bytes}",
        f"--answer-timeout={args.answer_timeout}",
        f"--give-up-after={args.give_up_after}",
    ]
    if args.base_url:
        pytest_args += ["--base-url", args.base_url]
    against = args.base_url or "the reference service (in-process)"
    print(f"bingpin suite {suite.version()} ({len(entries)} scenarios): judging {against}", file=sys.stderr)
    started = dt.datetime.now(dt.UTC)
    code = run(pytest_args, recorder)
    finished = dt.datetime.now(dt.UTC)
    if code == exits.EXIT_UNAVAILABLE:
        print(
            f"{printable(recorder.stopped)}\nstopped after {recorder.done} of {recorder.total} scenarios; "
            "no report written",
            file=sys.stderr,
        )
        return exits.EXIT_UNAVAILABLE
    if code == pytest.ExitCode.INTERRUPTED:
        # A truncated run writes no report: a partial one would read as a complete verdict.
        exit_code, words = exits.interrupted(recorder.interruption)
        print(f"{words} after {recorder.done} of {recorder.total} scenarios; no report written", file=sys.stderr)
        return exit_code
    if recorder.collection_errors:
        print(
            "the suite could not be collected (reinstall bingpin):\n" + "\n".join(recorder.collection_errors),
            file=sys.stderr,
        )
        return exits.EXIT_SOFTWARE
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        print(
            f"internal error of the runner (pytest exit code {int(code)}; a bug in bingpin: please report it); "
            "no report written",
            file=sys.stderr,
        )
        return exits.EXIT_SOFTWARE
    if not recorder.records:
        print(NOTHING_SELECTED, file=sys.stderr)
        return exits.EXIT_USAGE
    target = (
        {"kind": "http", "base_url": args.base_url, "description": args.base_url}
        if args.base_url
        else {"kind": "in-process", "base_url": None, "description": "Bingpin 参考实现（进程内）/ reference service"}
    )
    result = reports.build(
        entries=entries,
        records=recorder.records,
        waivers=waivers,
        clause_check=suite.clause_check(),
        suite={
            "name": "bingpin",
            "version": suite.version(),
            "manifest_sha256": suite.manifest_hash(entries),
            "scenarios": len(entries),
        },
        target=target,
        selection={"policies": selection.policies, "tags": selection.tags, "waived": sorted(waivers)},
        started=started,
        finished=finished,
    )
    reports.write_json(result, output.path("report.json"))
    reports.write_junit(result, output.path("junit.xml"))
    reports.write_html(result, output.path("report.html"))
    try:
        output.commit()
    except OSError as error:
        print(f"cannot put the reports at {args.report!r}: {error}", file=sys.stderr)
        return exits.EXIT_USAGE
    console.print_summary(result, output.target, args.waive, verbose=args.verbose)
    return exits.EXIT_CONFORMANT if result["summary"]["conformant"] else exits.EXIT_NOT_CONFORMANT
