"""The audit report: ``report.json`` and ``index.html`` (the same content, for people), and the
summary printed at the end of a run."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from bingpin.api.audit.files import missing_directories, remove_directories, write_atomically
from bingpin.api.audit.page import page
from bingpin.api.audit.partition import Partition
from bingpin.api.audit.summary import Group, Summary

#: Where ``bingpin serve`` listens by default: the replay lines post there.
REPLAY_BASE = "http://127.0.0.1:8000"


def replay(calculation: str, body: dict[str, Any]) -> str:
    """A shell line that asks the single endpoint for this record's answer."""
    data = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)
    url = f"{REPLAY_BASE}/v1/calculations/{calculation}"
    return f"curl -s -X POST {url} -H 'Content-Type: application/json' -d {shlex.quote(data)}"


def _group(summary: Summary, key: Any, group: Group) -> dict[str, Any]:
    keys = {"key": key} if isinstance(key, str) else {"key": list(key)}
    return {
        **keys,
        "records": group.records,
        "compared": group.compared,
        "discrepancies": group.discrepancies,
        "reference": summary.amount(group.reference),
        "audited": summary.amount(group.audited),
        "discrepancy": summary.amount(group.discrepancy),
        "absolute_discrepancy": summary.amount(group.absolute),
        "not_compared": group.not_compared,
        "not_compared_audited": summary.amount(group.not_compared_audited),
        "overpaid_records": group.overpaid_records,
        "overpaid": summary.amount(group.overpaid),
        "underpaid_records": group.underpaid_records,
        "underpaid": summary.amount(group.underpaid),
    }


def _refused_paid(summary: Summary) -> dict[str, Any] | None:
    """The records refused by the policy on which the audited system paid (None: nothing compared)."""
    if summary.compare is None:
        return None
    found = summary.refused_paid
    return {
        "records": found.records,
        "audited": summary.amount(found.audited),
        "by_reason": [
            {"error_code": code, "records": count, "audited": summary.amount(found.audited_by_reason[code])}
            for code, count in sorted(
                found.by_reason.items(), key=lambda item: (-found.audited_by_reason[item[0]], item[0])
            )
        ],
        "listed": [{**item, "audited": summary.amount(item["audited"])} for item in found.listed],
        "unlisted": found.unlisted,
        "unlisted_audited": summary.amount(found.unlisted_audited),
    }


def report_data(summary: Summary, part: Partition, meta: dict[str, Any]) -> dict[str, Any]:
    """The report as data: totals, groups, and the worst rows with clauses and replay lines."""
    worst = []
    for _, _, body, item in sorted(summary.worst, key=lambda w: (-w[0], -w[1])):
        # the single endpoint's own explanation, for these few rows only
        _, result, _ = part.runner.one(body, explain=True)
        steps = (result or {}).get("explanation", [])
        clauses: list[dict[str, str]] = []
        for step in steps:
            citation = step["citation"]
            if citation and citation not in clauses:
                clauses.append(citation)
        worst.append(
            {
                "row": item["row"],  # the output row, counting from 0 as Parquet and Arrow do
                "record": item["row"] + 1,  # the same record as people count it: the first is 1
                "carried": item["carried"],
                "reference": summary.amount(item["reference"]),
                "audited": summary.amount(item["audited"]),
                "discrepancy": summary.amount(item["discrepancy"]),
                "request": body,
                "steps": steps,
                "assumptions": (result or {}).get("assumptions", []),
                "clauses": clauses,
                "replay": replay(summary.calculation, body),
            }
        )
    amounts = summary.money and summary.compare is not None  # figures below zero: amounts compared only
    return {
        **meta,
        "records": summary.records,
        "statuses": dict(sorted(summary.statuses.items())),
        "compared": summary.totals.compared,
        "discrepancies": summary.discrepancies,
        "audited_missing": summary.audited_missing,
        "audited_unreadable": summary.audited_unreadable,
        "reference_missing": summary.reference_missing if summary.compare is not None else None,
        "audited_negative": summary.audited_negative if amounts else None,
        "audited_negative_sum": summary.amount(-summary.audited_negative_fen) if amounts else None,
        "refused": summary.refused,
        "not_compared": summary.totals.not_compared if summary.compare is not None else None,
        "not_compared_audited": summary.amount(summary.totals.not_compared_audited) if summary.compare else None,
        "not_compared_unread": summary.not_compared_unread if summary.compare is not None else None,
        "refused_unread": summary.refused_unread if summary.compare is not None else None,
        "agrees": summary.agrees,
        "money": summary.money,
        "verdict": verdict(summary),
        "totals": _group(summary, "total", summary.totals),
        **{
            f"by_{dimension}": [_group(summary, key, groups[key]) for key in sorted(groups)]
            for dimension, groups in summary.groups.items()
        },
        "worst": worst,
        "refused_paid": _refused_paid(summary),
    }


def summary_lines(summary: Summary, meta: dict[str, Any]) -> list[str]:
    """What the command prints at the end of a run."""
    refused = ", ".join(f"{code} {count}" for code, count in sorted(summary.statuses.items()) if code != "ok")
    lines = [
        f"audited {summary.records:,} records of {meta['calculation']} from {meta['input']}",
        f"  answered {summary.statuses.get('ok', 0):,}; refused {summary.records - summary.statuses.get('ok', 0):,}"
        + (f" ({refused})" if refused else ""),
    ]
    if summary.compare is not None:
        totals = summary.totals
        unsummed = "not in it (missing, unreadable or below zero)" if summary.money else "without a readable figure"
        unread = f", {summary.not_compared_unread:,} of them {unsummed}" * bool(summary.not_compared_unread)
        negative = (
            f", below zero {summary.audited_negative:,} for {summary.amount(-summary.audited_negative_fen)}"
            * bool(summary.audited_negative)
        )
        no_reference = f", no policy figure {summary.reference_missing:,}" * bool(summary.reference_missing)
        lines += [
            f"  compared with {summary.compare}: {totals.compared:,} records",
            f"  not compared: {totals.not_compared:,} records (refused {summary.refused:,},"
            f" {summary.compare} missing {summary.audited_missing:,}, unreadable {summary.audited_unreadable:,}"
            f"{negative}{no_reference});"
            f" {summary.compare} on them {summary.amount(totals.not_compared_audited)}{unread}",
            f"  discrepancies: {totals.discrepancies:,}; audited minus reference {summary.amount(totals.discrepancy)}"
            f" (absolute {summary.amount(totals.absolute)})",
        ]
    lines.append(f"  {verdict(summary)}")
    lines.append(f"  wrote {meta['output']}")
    return lines


def verdict(summary: Summary) -> str:
    """The run's result in one line: what exit 0 or 1 means for this run."""
    if summary.compare is None:
        if summary.agrees:
            return "every record was answered (nothing compared: no --compare)"
        return f"NOT every record was answered: {summary.refused:,} refused (exit 1)"
    if summary.agrees:
        return "every record was compared and agrees"
    return (
        f"NOT every record was compared and agrees: {summary.discrepancies:,} discrepancies,"
        f" {summary.totals.not_compared:,} not compared (exit 1)"
    )


def write_report(directory: Path, data: dict[str, Any]) -> Path:
    """``report.json`` and ``index.html`` in ``directory``, both or neither (a run whose report
    cannot be written leaves the directory as it was: no new data beside an old page, no partial
    file, no directory it made); the path of the HTML page."""
    made = missing_directories(directory)
    index = directory / "index.html"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomically(
            {
                directory / "report.json": json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n",
                index: page(data),
            }
        )
    except BaseException:
        remove_directories(made)
        raise
    return index
