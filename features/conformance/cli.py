"""``bingpin conformance``: run the Chinese suite against a service and write the reports;
``bingpin conformance diff OLD.json NEW.json``: what newly fails or passes between two runs."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from bingpin.features.conformance import report as reports
from bingpin.features.conformance import suite
from bingpin.features.conformance.index import FEATURES
from bingpin.features.conformance.plugin import Recorder, Selection, run


def read_waivers(path: Path | None) -> dict[str, str]:
    """``JX-MA-002  reason`` per line; ``#`` starts a comment."""
    if path is None:
        return {}
    waivers = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        scenario, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{path}:{number}: a waiver needs a reason: '{scenario} <reason>'")
        waivers[scenario] = reason.strip()
    return waivers


def conformance(args: argparse.Namespace) -> int:
    waivers = read_waivers(args.waive)
    entries = suite.manifest()
    known = {e.id for e in entries}
    unknown = sorted(set(waivers) - known)
    if unknown:
        print(f"waivers name scenarios the suite does not have: {', '.join(unknown)}", file=sys.stderr)
        return 2
    selection = Selection(policies=args.policy or [], tags=args.tags or [])
    recorder = Recorder(selection)
    pytest_args = [
        str(Path(__file__).with_name("scenarios.py")),
        "--rootdir",
        str(FEATURES),
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
        return 3
    if not recorder.records:
        print("no scenario matches the selection", file=sys.stderr)
        return 4
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
    _print_summary(result, directory)
    return 0 if result["summary"]["conformant"] else 1


def _print_summary(result: dict[str, Any], directory: Path) -> None:
    summary = result["summary"]
    for scenario in result["scenarios"]:
        if scenario["status"] == "failed":
            failure = scenario["failure"] or {}
            print(f"FAILED {scenario['id']} [{scenario['tier']}] {scenario['name']}")
            print(f"       {failure.get('expected')}")
            if failure.get("curl"):
                print(f"       replay: {failure['curl']}")
    for check in result["clause_check"]:
        if check["status"] != "ok":
            print(f"CLAUSE {check['status']}: {check['feature']} {check['clause']}")
    core, optional = summary["core"], summary["optional"]
    print(
        f"core: {core['passed']} passed, {core['failed']} failed, {core['waived']} waived; "
        f"optional: {optional['passed']} passed, {optional['failed']} failed, {optional['waived']} waived"
    )
    print(f"{'CONFORMANT' if summary['conformant'] else 'NOT CONFORMANT'}; reports in {directory}/")


def diff(old_path: Path, new_path: Path) -> int:
    """Exit 1 when a scenario that passed (or was waived) before fails now."""
    old = {s["id"]: s for s in json.loads(old_path.read_text(encoding="utf-8"))["scenarios"]}
    new = {s["id"]: s for s in json.loads(new_path.read_text(encoding="utf-8"))["scenarios"]}
    newly_failing = sorted(i for i in new if new[i]["status"] == "failed" and old.get(i, {}).get("status") != "failed")
    newly_passing = sorted(i for i in new if new[i]["status"] == "passed" and i in old and old[i]["status"] != "passed")
    changed = sorted(i for i in new if i in old and new[i]["hash"] != old[i]["hash"])
    added, removed = sorted(set(new) - set(old)), sorted(set(old) - set(new))
    for title, ids in (
        ("newly failing", newly_failing),
        ("newly passing", newly_passing),
        ("changed scenarios (content hash)", changed),
        ("added scenarios", added),
        ("removed scenarios", removed),
    ):
        print(f"{title}: {len(ids)}")
        for i in ids:
            print(f"  {i} {new.get(i, old.get(i, {})).get('name', '')}")
    regressions = [i for i in newly_failing if i in old]
    print("REGRESSION" if regressions else "no regression")
    return 1 if regressions else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["diff"]:
        parser = argparse.ArgumentParser(prog="bingpin conformance diff", description=diff.__doc__)
        parser.add_argument("old", type=Path)
        parser.add_argument("new", type=Path)
        parsed = parser.parse_args(argv[1:])
        return diff(parsed.old, parsed.new)
    parser = argparse.ArgumentParser(
        prog="bingpin conformance", description="run the Chinese acceptance suite against a service"
    )
    parser.add_argument("--base-url", help="the service to judge; default: the built-in reference service")
    parser.add_argument(
        "--policy", action="append", help="jurisdiction: jiaxing, wenzhou, longgang, shengzhou, chengkou"
    )
    parser.add_argument(
        "--tags",
        action="append",
        help="only scenarios with this tag (core, clause:二(二)7, id:JX-MA-001; ~tag excludes)",
    )
    parser.add_argument("--report", default="conformance-report", help="directory for the reports")
    parser.add_argument("--waive", type=Path, help="file of known failures: '<id> <reason>' per line")
    return conformance(parser.parse_args(argv))
