"""One run of the suite: the selected scenarios through pytest-bdd, the three reports written, and
the console summary (each failure with its step, check, answer and replay line)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from bingpin.api.catalog.features import features_dir
from bingpin.features.conformance import report as reports
from bingpin.features.conformance import suite
from bingpin.features.conformance.cli import (
    EXIT_CONFORMANT,
    EXIT_NOT_CONFORMANT,
    EXIT_SOFTWARE,
    EXIT_USAGE,
)
from bingpin.features.conformance.plugin import Recorder, Selection, run


def run_suite(args: argparse.Namespace, waivers: dict[str, str]) -> int:
    """Run the selection against ``args.base_url`` (else in-process) and write the reports to ``args.report``."""
    entries = suite.manifest()
    known = {e.id for e in entries}
    unknown = sorted(set(waivers) - known)
    if unknown:
        print(f"waivers name scenarios the suite does not have: {', '.join(unknown)}", file=sys.stderr)
        return EXIT_USAGE
    selection = Selection(policies=args.policy or [], tags=args.tags or [])
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
    ]
    if args.base_url:
        pytest_args += ["--base-url", args.base_url]
    started = dt.datetime.now(dt.UTC)
    run(pytest_args, recorder)
    finished = dt.datetime.now(dt.UTC)
    if recorder.collection_errors:
        print("the suite could not be collected:\n" + "\n".join(recorder.collection_errors), file=sys.stderr)
        return EXIT_SOFTWARE
    if not recorder.records:
        print("no scenario matches the selection (see --policy and --tags)", file=sys.stderr)
        return EXIT_USAGE
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
    directory = Path(args.report)
    directory.mkdir(parents=True, exist_ok=True)
    reports.write_json(result, directory / "report.json")
    reports.write_junit(result, directory / "junit.xml")
    reports.write_html(result, directory / "report.html")
    _print_summary(result, directory, args.waive)
    return EXIT_CONFORMANT if result["summary"]["conformant"] else EXIT_NOT_CONFORMANT


def _print_summary(result: dict[str, Any], directory: Path, waiver_file: Path | None) -> None:
    """Each failure with its step, the check (expected and actual), the answer and the replay line."""
    summary = result["summary"]
    for scenario in result["scenarios"]:
        if scenario["status"] == "failed":
            failure = scenario["failure"] or {}
            print(f"FAILED {scenario['id']} [{scenario['tier']}] {scenario['name']}")
            print(f"  scenario: features/{scenario['feature']}:{scenario['line']}")
            if failure.get("step"):
                print(f"  step:     {failure['step']} (line {failure.get('line')})")
            print(f"  check:    {failure.get('expected') or failure.get('message', '').strip()[-500:]}")
            if failure.get("response"):
                print(f"  answer:   HTTP {failure['response']['status']} {_brief(failure['response']['body'])}")
            if failure.get("curl"):
                print(f"  replay:   {failure['curl']}")
    for scenario in result["scenarios"]:
        if scenario["status"] == reports.STALE_WAIVER:
            print(f"STALE WAIVER {scenario['id']}: passes now; remove it from {waiver_file}")
    for check in result["clause_check"]:
        if check["status"] != "ok":
            print(f"CLAUSE {check['status']}: {check['feature']} {check['clause']}")
    print("; ".join(f"{tier}: {_counts(summary[tier])}" for tier in ("core", "optional")))
    print(f"{'CONFORMANT' if summary['conformant'] else 'NOT CONFORMANT'}; reports in {directory}/")


def _brief(body: Any, limit: int = 600) -> str:
    """The answer on one line, its explanation elided (the reports keep all of it)."""
    if isinstance(body, dict) and "explanation" in body:
        body = {**body, "explanation": "…"}
    text = json.dumps(body, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "…"


def _counts(counts: dict[str, int]) -> str:
    words = {reports.STALE_WAIVER: "stale waivers"}
    shown = [k for k in reports.STATUSES if counts[k] or k in ("passed", "failed")]
    return ", ".join(f"{counts[k]} {words.get(k, k)}" for k in shown)
