"""``bingpin conformance diff OLD.json NEW.json``: what newly fails or passes between two runs.

Both reports are read within bounds (size, then nesting before parsing, then shape), so any file
gives one line and exit 2, never a traceback. A scenario OLD ran and NEW did not is never read
as "no regression": unless the suite retired it, it is counted as not run in NEW, and the diff
exits non-zero unless ``--allow-missing`` says that a narrowed run is intended. Only a ``@core``
regression gates (exit 1), as in the run itself; ``--strict`` makes an ``@optional`` one gate too.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bingpin.api.catalog.features import retired_ids
from bingpin.api.catalog.results import MAX_REPORT_BYTES, ReportShapeError, report_object
from bingpin.features.conformance.exits import EXIT_CONFORMANT, EXIT_INCOMPLETE, EXIT_NOT_CONFORMANT, EXIT_USAGE
from bingpin.features.conformance.report import STALE_WAIVER, STATUSES
from bingpin.features.conformance.text import printable

PASSING = ("passed", STALE_WAIVER)
TIERS = ("core", "optional")


class ReportError(ValueError):
    """A file that is not a report.json of ``bingpin conformance`` (said in one line)."""


@dataclass
class Run:
    """What the diff reads of one report: each scenario's status, hash, name and tier, and the suite."""

    scenarios: dict[str, dict[str, str]] = field(default_factory=dict)
    suite: str = "an unnamed suite"
    manifest_sha256: str | None = None
    manifest: set[str] | None = None  # the ids of the suite the run came from, when the report lists them


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ReportError(f"{where} must be a string")
    return value


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ReportError(f"{where} must be an object")
    return value


def parse(data: bytes) -> Run:
    """The run in ``data``; :class:`ReportError` when it is too large, too deep, not JSON or odd-shaped."""
    try:
        report = report_object(data)
    except ReportShapeError as error:
        raise ReportError(str(error).rpartition(" / ")[2]) from None
    scenarios = report["scenarios"]
    run = Run()
    for index, value in enumerate(scenarios):
        where = f"scenarios[{index}]"
        scenario = _object(value, where)
        key = _text(scenario.get("id"), f"{where}.id")
        status = _text(scenario.get("status"), f"{where}.status")
        if status not in STATUSES:
            raise ReportError(f"{where}.status must be one of {', '.join(STATUSES)}, not {status[:40]!r}")
        if key in run.scenarios:
            raise ReportError(f"{where}.id {key[:40]!r} is listed twice")
        content = _text(scenario.get("hash"), f"{where}.hash")
        name = _text(scenario.get("name", ""), f"{where}.name")
        tier = _text(scenario.get("tier"), f"{where}.tier")
        if tier not in TIERS:
            raise ReportError(f"{where}.tier must be one of {', '.join(TIERS)}, not {tier[:40]!r}")
        run.scenarios[key] = {"status": status, "hash": content, "name": name, "tier": tier}
    suite = _object(report.get("suite", {}), "suite")
    version = suite.get("version")
    run.suite = f"{suite.get('name', 'bingpin')} {version}" if isinstance(version, str) else run.suite
    run.manifest_sha256 = suite.get("manifest_sha256") if isinstance(suite.get("manifest_sha256"), str) else None
    if "manifest" in report:
        run.manifest = _manifest(report["manifest"], run.manifest_sha256)
    return run


def _manifest(value: Any, expected: str | None) -> set[str]:
    """The suite's ids, when the list matches ``suite.manifest_sha256`` (else it was edited)."""
    if not isinstance(value, list):
        raise ReportError("manifest must be a list")
    lines = []
    for index, entry in enumerate(value):
        item = _object(entry, f"manifest[{index}]")
        lines.append(f"{_text(item.get('id'), f'manifest[{index}].id')} {_text(item.get('hash'), 'manifest.hash')}")
    if hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest() != expected:
        raise ReportError("manifest does not match suite.manifest_sha256 (was the report edited?)")
    return {line.split(" ", 1)[0] for line in lines}


def read(path: Path) -> Run:
    """The run in the file at ``path`` (read at most one byte past the limit)."""
    with path.open("rb") as file:
        return parse(file.read(MAX_REPORT_BYTES + 1))


def diff(old_path: Path, new_path: Path, *, allow_missing: bool = False, strict: bool = False) -> int:
    """Exit 1 when a @core scenario (``strict``: any) that passed (or was waived) before fails now;
    3 when NEW did not run scenarios OLD ran (unless ``allow_missing``); 2 when a file is not a report."""
    runs = []
    for path in (old_path, new_path):
        try:
            runs.append(read(path))
        except OSError as error:
            _say(f"cannot read {error.filename}: {error.strerror}")
            return EXIT_USAGE
        except ReportError as error:
            _say(f"{path} is not a report.json of `bingpin conformance`: {error}")
            return EXIT_USAGE
    old_run, new_run = runs
    old, new = old_run.scenarios, new_run.scenarios
    gone = {i for i in old if old[i]["status"] != "skipped" and new.get(i, {}).get("status") in (None, "skipped")}
    suite_removed = set() if new_run.manifest is None or new_run.suite == old_run.suite else gone - new_run.manifest
    removed = sorted(gone & (retired_ids() | suite_removed))
    not_run = sorted(gone - set(removed))
    newly_failing = sorted(i for i in new if new[i]["status"] == "failed" and old.get(i, {}).get("status") != "failed")
    newly_passing = sorted(
        i for i in new if new[i]["status"] in PASSING and i in old and old[i]["status"] not in PASSING
    )
    changed = sorted(i for i in new if i in old and new[i]["hash"] != old[i]["hash"])
    added = sorted(set(new) - set(old))
    if (old_run.suite, old_run.manifest_sha256) != (new_run.suite, new_run.manifest_sha256):
        _print(f"suites differ: OLD {old_run.suite}, NEW {new_run.suite}")
    regressions = [i for i in newly_failing if i in old]
    core = [i for i in regressions if new[i]["tier"] == "core"]
    optional = [i for i in regressions if new[i]["tier"] != "core"]
    tiers = sum(new[i]["tier"] == "core" for i in newly_failing)
    _print(f"newly failing: {len(newly_failing)} (core {tiers}, optional {len(newly_failing) - tiers})")
    for i in newly_failing:
        _print(f"  {i} [{new[i]['tier']}] {new[i]['name']}")
    for title, ids in (
        ("newly passing", newly_passing),
        ("changed scenarios (content hash)", changed),
        ("added scenarios", added),
        ("removed from the suite (retired)", removed),
        ("not run in NEW (OLD ran them)", not_run),
    ):
        _print(f"{title}: {len(ids)}")
        for i in ids:
            _print(f"  {i} {new.get(i, old.get(i, {})).get('name', '')}")
    if core or (strict and optional):
        words = f"{len(core)} core" + (f", {len(optional)} optional (--strict)" if strict and optional else "")
        _print(f"REGRESSION: {words}")
        return EXIT_NOT_CONFORMANT
    if optional:
        _print(f"optional regressions: {len(optional)} (not gating; --strict makes them exit {EXIT_NOT_CONFORMANT})")
    if not_run and not allow_missing:
        _print(
            f"INCOMPLETE: NEW did not run {len(not_run)} scenarios that OLD ran, and a regression among them "
            "would not show; run them, or pass --allow-missing if a narrower run is intended"
        )
        return EXIT_INCOMPLETE
    allowed = f" ({len(not_run)} not run in NEW, allowed by --allow-missing)" if not_run else ""
    _print(f"no {'core ' if optional else ''}regression{allowed}")
    return EXIT_CONFORMANT


def _print(text: str) -> None:
    sys.stdout.write(printable(text, lines=False) + "\n")


def _say(text: str) -> None:
    sys.stderr.write("bingpin conformance diff: " + printable(text, lines=False)[:500] + "\n")
