"""Several implementations side by side: the report.json of each one's run, read within bounds,
made into one row per scenario and one column per implementation (matrix.json; the page is
matrix_page.py).

As on Bowtie's report page and wpt.fyi, the rows where the implementations disagree come first,
and a scenario that every implementation but the reference fails is flagged: the suite itself
may be wrong there, rather than all the others.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bingpin.api.catalog.results import MAX_REPORT_BYTES, ReportShapeError, report_object
from bingpin.features.conformance.report import STALE_WAIVER, STATUSES
from bingpin.rules.registry import policies

MATRIX_VERSION = 1
#: The JSON Schema of matrix.json, shipped beside this module.
SCHEMA_FILE = Path(__file__).with_name("matrix.schema.json")
NOT_RUN = "not_run"
TIERS = ("core", "optional")
#: What a status says about the implementation: it passed, it failed (waived or not), or it did not run.
OUTCOME = {"passed": "pass", STALE_WAIVER: "pass", "failed": "fail", "waived": "fail"}
#: As the report's schema has them; anything else is not a scenario id (and never reaches an anchor).
SCENARIO_ID = re.compile(r"^[A-Z]{2}-[A-Z]{2,4}-[0-9]{3}$")
#: Characters kept of each text taken from a report (names, checks, replay lines).
LIMITS = {"name": 300, "check": 2000, "step": 500, "replay": 8000, "short": 200}


class ReportError(ValueError):
    """A file that is not a report.json of ``bingpin conformance`` (said in one line)."""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any, where: str, limit: int = LIMITS["short"], *, optional: bool = False) -> str:
    if value is None and optional:
        return ""
    if not isinstance(value, str):
        raise ReportError(f"{where} must be a string")
    return _cut(value, limit)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ReportError(f"{where} must be an object")
    return value


@dataclass
class Column:
    """One implementation: its name on the command line and what its report says."""

    name: str
    report: str
    suite_version: str
    manifest_sha256: str | None
    target: str
    finished_at: str
    scenarios: dict[str, dict[str, Any]] = field(default_factory=dict)


def _failure(value: Any, where: str) -> dict[str, str] | None:
    if value is None:
        return None
    failure = _object(value, where)
    message = _text(failure.get("message"), f"{where}.message", 100_000, optional=True).strip()
    return {
        "step": _text(failure.get("step"), f"{where}.step", LIMITS["step"], optional=True),
        "check": _text(failure.get("expected"), f"{where}.expected", LIMITS["check"], optional=True)
        or _cut(message[-LIMITS["check"] :], LIMITS["check"]),
        "replay": _text(failure.get("curl"), f"{where}.curl", LIMITS["replay"], optional=True),
    }


def _scenario(value: Any, where: str) -> dict[str, Any]:
    scenario = _object(value, where)
    key = _text(scenario.get("id"), f"{where}.id")
    if not SCENARIO_ID.match(key):
        raise ReportError(f"{where}.id must be a scenario id such as JX-MA-001, not {key[:40]!r}")
    status = _text(scenario.get("status"), f"{where}.status")
    if status not in STATUSES:
        raise ReportError(f"{where}.status must be one of {', '.join(STATUSES)}, not {status[:40]!r}")
    tier = _text(scenario.get("tier"), f"{where}.tier")
    if tier not in TIERS:
        raise ReportError(f"{where}.tier must be one of {', '.join(TIERS)}, not {tier[:40]!r}")
    clauses = scenario.get("clauses")
    if not isinstance(clauses, list):
        raise ReportError(f"{where}.clauses must be a list")
    return {
        "id": key,
        "name": _text(scenario.get("name"), f"{where}.name", LIMITS["name"], optional=True),
        "policy": _text(scenario.get("policy"), f"{where}.policy"),
        "jurisdiction": _text(scenario.get("jurisdiction"), f"{where}.jurisdiction", optional=True),
        "clauses": [_text(c, f"{where}.clauses[{i}]") for i, c in enumerate(clauses[:20])],
        "tier": tier,
        "status": status,
        "hash": _text(scenario.get("hash"), f"{where}.hash", optional=True),
        "failure": _failure(scenario.get("failure"), f"{where}.failure") if status in ("failed", "waived") else None,
    }


def parse(name: str, report_path: str, data: bytes) -> Column:
    """The column in ``data``; :class:`ReportError` when it is too large, too deep, not JSON or odd-shaped."""
    try:
        report = report_object(data)
    except ReportShapeError as error:
        raise ReportError(str(error).rpartition(" / ")[2]) from None
    suite = _object(report.get("suite"), "suite")
    target = _object(report.get("target"), "target")
    column = Column(
        name=name,
        report=report_path,
        suite_version=_text(suite.get("version"), "suite.version", 40),
        manifest_sha256=_text(suite.get("manifest_sha256"), "suite.manifest_sha256", 64, optional=True) or None,
        target=_text(target.get("description"), "target.description", LIMITS["name"], optional=True),
        finished_at=_text(report.get("finished_at"), "finished_at", 40, optional=True),
    )
    for index, value in enumerate(report["scenarios"]):
        scenario = _scenario(value, f"scenarios[{index}]")
        if scenario["id"] in column.scenarios:
            raise ReportError(f"scenarios[{index}].id {scenario['id']} is listed twice")
        column.scenarios[scenario["id"]] = scenario
    return column


def read(name: str, path: Path) -> Column:
    """The column from the file at ``path`` (read at most one byte past the limit)."""
    with path.open("rb") as file:
        return parse(name, str(path), file.read(MAX_REPORT_BYTES + 1))


def _cell(scenario: dict[str, Any] | None) -> dict[str, Any]:
    if scenario is None:
        return {"status": NOT_RUN}
    return {"status": scenario["status"], **(scenario["failure"] or {})}


def _counts(column: Column, tiers: dict[str, str]) -> dict[str, dict[str, int]]:
    """Per tier, how many scenarios of the matrix had each status in this column (``not_run`` too)."""
    counts = {tier: dict.fromkeys(("total", *STATUSES, NOT_RUN), 0) for tier in TIERS}
    for key, tier in tiers.items():
        scenario = column.scenarios.get(key)
        counts[tier]["total"] += 1
        counts[tier][scenario["status"] if scenario else NOT_RUN] += 1
    return counts


def build(columns: list[Column], reference: str) -> dict[str, Any]:
    """matrix.json: the implementations with their counts, then the rows, disagreements first."""
    ordered = sorted(columns, key=lambda c: c.name != reference)  # the reference's view of a row first
    first: dict[str, dict[str, Any]] = {}
    for column in ordered:
        for key, scenario in column.scenarios.items():
            first.setdefault(key, scenario)
    names = {p.id: f"{p.jurisdiction_name} · {p.document_number}" for p in policies().values()}
    groups: dict[tuple[str, str], int] = {}
    rows = []
    for key, scenario in first.items():
        clause = " ".join(scenario["clauses"])
        group = groups.setdefault((scenario["policy"], clause), len(groups))
        cells = {c.name: _cell(c.scenarios.get(key)) for c in columns}
        outcomes = {c.name: OUTCOME.get(cells[c.name]["status"]) for c in columns}
        others = [o for name, o in outcomes.items() if name != reference and o is not None]
        hashes = {c.scenarios[key]["hash"] for c in columns if key in c.scenarios}
        rows.append(
            {
                "id": key,
                "name": scenario["name"],
                "policy": scenario["policy"],
                "policy_name": names.get(scenario["policy"], scenario["policy"]),
                "clauses": scenario["clauses"],
                "tier": scenario["tier"],
                "disagree": len({o for o in outcomes.values() if o is not None}) > 1,
                "flagged": outcomes[reference] == "pass" and bool(others) and set(others) == {"fail"},
                "others_ran": len(others),
                "content_differs": len(hashes) > 1,
                "cells": cells,
                "_group": group,
            }
        )
    rows.sort(key=lambda row: (not row["disagree"], row["_group"]))
    for row in rows:
        del row["_group"]
    tiers = {row["id"]: row["tier"] for row in rows}
    versions = sorted({c.suite_version for c in columns})
    return {
        "matrix_version": MATRIX_VERSION,
        "reference": reference,
        "suite_versions": versions,
        "mixed_versions": len(versions) > 1,
        "implementations": [
            {
                "name": c.name,
                "reference": c.name == reference,
                "report": c.report,
                "target": c.target,
                "suite_version": c.suite_version,
                "manifest_sha256": c.manifest_sha256,
                "finished_at": c.finished_at,
                "counts": _counts(c, tiers),
            }
            for c in columns
        ],
        "summary": {
            "scenarios": len(rows),
            "disagreements": sum(row["disagree"] for row in rows),
            "flagged": sum(row["flagged"] for row in rows),
            "by_tier": dict(Counter(row["tier"] for row in rows)),
        },
        "rows": rows,
    }
