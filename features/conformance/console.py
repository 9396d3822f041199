"""What ``bingpin conformance`` prints when a run is done: the summary first (core and optional
counts, the verdict), then the core failures grouped by clause and by the answer field that
differed, each with its step, check, answer and replay line, then the optional failures one line
each (``--verbose``: in full). The reports keep every detail whatever is printed."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bingpin.features.conformance import report as reports
from bingpin.features.conformance.text import printable
from bingpin.rules.registry import policies

#: A check's message starts with the JSON path of the answer field it read, then what it should
#: be (grammar.Context.check: 应为, 应不低于, 应不高于).
_PATH = re.compile(r"^([A-Za-z_]\w*(?:\[[^\]\s]*\])?(?:\.[A-Za-z_]\w*(?:\[[^\]\s]*\])?)*) 应")
#: Messages about a field that is missing or an item that is not there name its path in brackets.
_MISSING = re.compile(r"^答复中(?:缺少字段 \S+|没有第 \d+ 项)（([^）]+)）")
#: The other checks, by how their message starts, with the part of the answer they concern.
_KINDS = (
    ("应答复 HTTP", "HTTP status and code (status, code)"),
    ("计算未成功", "HTTP status (status)"),
    ("答复中没有 id 为", "list item by id"),
    ("不应答复不符合条件", "eligible"),
    ("计算说明未引用条款", "explanation (citations)"),
    ("答复的假定", "assumptions"),
    ("不应计算指标", "indicators"),
    ("参数 ", "parameters (GET /v1/parameters)"),
    ("answer ", "the answer itself (size, JSON)"),
    ("no complete answer", "the answer itself (time)"),
)
OTHER = "other"


def answer_field(failure: dict[str, Any] | None) -> str:
    """The answer field a failed check read (``amount``, ``members[1].relief``), or what else it
    concerned (``HTTP status and code``, ``assumptions``); ``other`` when the message says neither."""
    message = str((failure or {}).get("expected") or "")
    if found := _MISSING.match(message) or _PATH.match(message):
        return found[1]
    return next((kind for start, kind in _KINDS if message.startswith(start)), OTHER)


def print_summary(result: dict[str, Any], directory: Path, waiver_file: Path | None, *, verbose: bool) -> None:
    summary = result["summary"]
    verdict = "CONFORMANT" if summary["conformant"] else "NOT CONFORMANT"
    _print("; ".join(f"{tier}: {_counts(summary[tier])}" for tier in ("core", "optional")))
    _print(f"{verdict} (only @core failures decide; @optional ones never change the exit code)")
    failed = [s for s in result["scenarios"] if s["status"] == "failed"]
    core = [s for s in failed if s["tier"] == "core"]
    optional = [s for s in failed if s["tier"] != "core"]
    if core:
        _print("")
        _print(f"CORE FAILURES: {len(core)}, by clause and answer field ({_by_field(core)})")
        _grouped(core)
    if optional:
        _print("")
        if verbose:
            _print(
                f"OPTIONAL FAILURES: {len(optional)} (not gating), by clause and answer field ({_by_field(optional)})"
            )
            _grouped(optional)
        else:
            _print(f"OPTIONAL FAILURES: {len(optional)} (not gating; one line each, --verbose for the detail)")
            for s in optional:
                _print(_one_line(s))
    notes = [
        f"STALE WAIVER {s['id']}: passes now; remove it from {waiver_file}"
        for s in result["scenarios"]
        if s["status"] == reports.STALE_WAIVER
    ]
    notes += [
        f"CLAUSE {c['status']}: {c['feature']} {c['clause']}" for c in result["clause_check"] if c["status"] != "ok"
    ]
    if notes:
        _print("")
        for note in notes:
            _print(note)
    _print("")
    _print(f"{verdict}; core: {summary['core']['failed']} failed; reports in {directory}/")


def _by_field(scenarios: list[dict[str, Any]]) -> str:
    """``amount 70, eligible 2``: how many failed on each answer field, the most first."""
    counts = Counter(answer_field(s["failure"]) for s in scenarios)
    return ", ".join(f"{field} {n}" for field, n in counts.most_common())


def _grouped(scenarios: list[dict[str, Any]]) -> None:
    """Policy and clause, then the answer field, each heading with its count; then each failure."""
    names = {p.id: f"{p.jurisdiction_name} {p.document_number}" for p in policies().values()}
    groups: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for s in scenarios:
        groups[(s["policy"], " ".join(s["clauses"]))][answer_field(s["failure"])].append(s)
    for (policy, clause), fields in groups.items():
        count = sum(len(group) for group in fields.values())
        _print(f"== {names.get(policy, policy)} · clause {clause or '-'}: {count} failed")
        for field, group in fields.items():
            _print(f"-- {field}: {len(group)}")
            for s in group:
                _detail(s)


def _detail(scenario: dict[str, Any]) -> None:
    failure = scenario["failure"] or {}
    _print(f"FAILED {scenario['id']} [{scenario['tier']}] {scenario['name']}")
    _print(f"  scenario: features/{scenario['feature']}:{scenario['line']}")
    if failure.get("step"):
        _print(f"  step:     {failure['step']} (line {failure.get('line')})")
    _print(f"  check:    {failure.get('expected') or failure.get('message', '').strip()[-500:]}")
    if failure.get("response"):
        _print(f"  answer:   HTTP {failure['response']['status']} {_brief(failure['response']['body'])}")
    elif failure.get("request"):
        _print("  answer:   none")
    if scenario["tier"] != "core":
        for entry in scenario["rests_on"]:
            _print(f"  rests on: {entry['id']} ({entry['kind']}): {entry['decision']}")
    if failure.get("curl"):
        _print(f"  replay:   {failure['curl']}")


def _one_line(scenario: dict[str, Any]) -> str:
    failure = scenario["failure"] or {}
    check = failure.get("expected") or failure.get("message", "").strip()[-200:]
    rests = ", ".join(f"{a['id']} ({a['kind']})" for a in scenario["rests_on"])
    clause = " ".join(scenario["clauses"]) or "-"
    text = f"OPTIONAL {scenario['id']} [{clause}] {answer_field(failure)}: {_cut(check, 300)}"
    return text + (f"; rests on {rests}" if rests else "")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _print(*parts: object) -> None:
    sys.stdout.write(printable(" ".join(map(str, parts)), lines=False) + "\n")


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
