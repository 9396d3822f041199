"""The audit report: ``report.json`` and ``index.html`` (the same content, for people), and the
summary printed at the end of a run."""

from __future__ import annotations

import html
import json
import shlex
from pathlib import Path
from typing import Any

from bingpin.api.audit.files import write_atomically
from bingpin.api.audit.partition import Partition
from bingpin.api.audit.summary import Group, Summary

#: Where ``bingpin serve`` listens by default: the replay lines post there.
REPLAY_BASE = "http://127.0.0.1:8000"


def replay(calculation: str, body: dict[str, Any]) -> str:
    """A shell line that asks the single endpoint for this record's answer."""
    data = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)
    url = f"{REPLAY_BASE}/v1/calculations/{calculation}"
    return f"curl -s -X POST {url} -H 'Content-Type: application/json' -d {shlex.quote(data)}"


def _group(summary: Summary, key: str, group: Group) -> dict[str, Any]:
    return {
        "key": key,
        "records": group.records,
        "compared": group.compared,
        "discrepancies": group.discrepancies,
        "reference": summary.amount(group.reference),
        "audited": summary.amount(group.audited),
        "discrepancy": summary.amount(group.discrepancy),
        "absolute_discrepancy": summary.amount(group.absolute),
        "not_compared": group.not_compared,
        "not_compared_audited": summary.amount(group.not_compared_audited),
    }


def report_data(summary: Summary, part: Partition, meta: dict[str, Any]) -> dict[str, Any]:
    """The report as data: totals, groups, and the worst rows with clauses and replay lines."""
    worst = []
    for _, _, body, item in sorted(summary.worst, key=lambda w: (-w[0], -w[1])):
        _, result, _ = part.runner.one(body, explain=True)
        clauses: list[dict[str, str]] = []
        for step in (result or {}).get("explanation", []):
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
                "clauses": clauses,
                "replay": replay(summary.calculation, body),
            }
        )
    return {
        **meta,
        "records": summary.records,
        "statuses": dict(sorted(summary.statuses.items())),
        "compared": summary.totals.compared,
        "discrepancies": summary.discrepancies,
        "audited_missing": summary.audited_missing,
        "audited_unreadable": summary.audited_unreadable,
        "refused": summary.refused,
        "not_compared": summary.totals.not_compared if summary.compare is not None else None,
        "not_compared_audited": summary.amount(summary.totals.not_compared_audited) if summary.compare else None,
        "not_compared_unread": summary.not_compared_unread if summary.compare is not None else None,
        "agrees": summary.agrees,
        "verdict": verdict(summary),
        "totals": _group(summary, "total", summary.totals),
        **{
            f"by_{dimension}": [_group(summary, key, groups[key]) for key in sorted(groups)]
            for dimension, groups in summary.groups.items()
        },
        "worst": worst,
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
        unread = f", {summary.not_compared_unread:,} of them without a readable figure" * bool(
            summary.not_compared_unread
        )
        lines += [
            f"  compared with {summary.compare}: {totals.compared:,} records",
            f"  not compared: {totals.not_compared:,} records (refused {summary.refused:,},"
            f" {summary.compare} missing {summary.audited_missing:,}, unreadable {summary.audited_unreadable:,});"
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


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(row.get(c, '')))}</td>" for c in columns) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_report(directory: Path, data: dict[str, Any]) -> Path:
    """``report.json`` and ``index.html`` in ``directory``; the path of the HTML page."""
    directory.mkdir(parents=True, exist_ok=True)
    write_atomically(directory / "report.json", json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    groups = ["key", "records", "compared", "discrepancies", "reference", "audited", "discrepancy"]
    groups += ["not_compared", "not_compared_audited"] if data["compare"] is not None else []
    sections = [
        f"<h2>{title}</h2>" + _table(data[f"by_{name}"], groups)
        for name, title in (
            ("jurisdiction", "按地区 / by jurisdiction"),
            ("category", "按类别 / by category"),
            ("rule", "按规则 / by rule"),
        )
    ]
    worst = []
    for item in data["worst"]:
        clauses = "".join(
            f"<li><b>{html.escape(c['clause'])}</b> {html.escape(c['quote'])}</li>" for c in item["clauses"]
        )
        worst.append(
            f"<section><h3>第 {item['record']} 条记录 / record {item['record']}: "
            f"{html.escape(item['discrepancy'])}</h3>"
            f"<p>{html.escape(json.dumps(item['carried'], ensure_ascii=False, default=str))}</p>"
            f"<p>应付 / reference {html.escape(item['reference'])}，实付 / audited {html.escape(item['audited'])}</p>"
            f"<ul>{clauses}</ul><pre>{html.escape(item['replay'])}</pre></section>"
        )
    names = ["records", "compared", "discrepancies", "refused", "audited_missing", "audited_unreadable"]
    names += ["not_compared", "not_compared_audited", "not_compared_unread"] if data["compare"] is not None else []
    totals = {k: data[k] for k in names}
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>稽核报告 / audit report: {html.escape(data['calculation'])}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.2em .5em;text-align:right}pre{white-space:pre-wrap}</style></head><body>"
        f"<h1>稽核报告 / audit report: {html.escape(data['calculation'])}</h1>"
        f"<p>{html.escape(data['input'])} → {html.escape(data['output'])}</p>"
        f"<p><b>{html.escape(data['verdict'])}</b></p>"
        + _table([totals], list(totals))
        + _table([{"code": k, "records": v} for k, v in data["statuses"].items()], ["code", "records"])
        + "".join(sections)
        + "<h2>差异最大的记录 / largest discrepancies</h2>"
        + "".join(worst)
        + "</body></html>\n"
    )
    index = directory / "index.html"
    write_atomically(index, page)
    return index
