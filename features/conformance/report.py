"""The three reports of a conformance run: report.json (its schema is
report.schema.json beside this module, shipped in the package), junit.xml for CI, and report.html
for people."""

from __future__ import annotations

import datetime as dt
import html
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

from bingpin.features.conformance.suite import Entry
from bingpin.features.conformance.text import printable
from bingpin.rules.registry import policies

#: 2: a waived scenario that passes is ``stale_waiver`` (counted apart, never as a plain pass).
REPORT_VERSION = 2
SCHEMA_FILE = Path(__file__).with_name("report.schema.json")
STALE_WAIVER = "stale_waiver"
STATUSES = ("passed", "failed", "waived", STALE_WAIVER, "skipped")
LABELS = {"passed": "通过", "failed": "失败", "waived": "豁免", STALE_WAIVER: "通过（豁免已过时）", "skipped": "跳过"}


def register_entries(tags: tuple[str, ...] | list[str]) -> list[dict[str, str]]:
    """The register entries (``@ambiguity:`` tags) a scenario rests on, with their kind and decision."""
    register = {a.id: a for p in policies().values() for a in p.ambiguities}
    tagged = [t.removeprefix("ambiguity:") for t in tags if t.startswith("ambiguity:")]
    return [
        {"id": a.id, "kind": a.kind, "decision": a.decision} for a in (register.get(i) for i in tagged) if a is not None
    ]


def build(
    *,
    entries: list[Entry],
    records: dict[str, dict[str, Any]],
    waivers: dict[str, str],
    clause_check: list[dict[str, Any]],
    suite: dict[str, Any],
    target: dict[str, Any],
    selection: dict[str, Any],
    started: dt.datetime,
    finished: dt.datetime,
) -> dict[str, Any]:
    by_id = {record["id"]: record for record in records.values()}
    stale = {(c["feature"], c["clause"]) for c in clause_check if c["status"] != "ok"}
    scenarios = []
    for entry in entries:
        record = by_id.get(entry.id)
        if record is None:
            continue
        status = record["status"]
        if entry.id in waivers and status in ("failed", "passed"):
            status = "waived" if status == "failed" else STALE_WAIVER
        scenarios.append(
            {
                **entry.as_dict(),
                "status": status,
                "duration_seconds": record["duration_seconds"],
                "waiver": waivers.get(entry.id) if status in ("waived", STALE_WAIVER) else None,
                "clause_stale": any((entry.feature, c) in stale for c in entry.clauses),
                "failure": record["failure"],
                "rests_on": register_entries(entry.tags),
            }
        )
    summary: dict[str, Any] = {}
    for tier in ("core", "optional"):
        mine = [s for s in scenarios if s["tier"] == tier]
        summary[tier] = {"total": len(mine), **{k: sum(s["status"] == k for s in mine) for k in STATUSES}}
    summary["conformant"] = summary["core"]["failed"] == 0  # of the selected @core scenarios (maybe none)
    summary["stale_clauses"] = sum(c["status"] != "ok" for c in clause_check)
    return {
        "report_version": REPORT_VERSION,
        "suite": suite,
        "target": target,
        "selection": selection,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "summary": summary,
        "clause_check": clause_check,
        "scenarios": scenarios,
        "manifest": [{"id": e.id, "hash": e.hash} for e in entries],
    }


def write_json(report: dict[str, Any], path: Path) -> None:
    """UTF-8 JSON; a lone surrogate from an answer is written as its JSON escape (``\\ud800``)."""
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    path.write_bytes(text.encode("utf-8", "backslashreplace"))  # surrogates occur only inside strings


def _failure_text(failure: dict[str, Any] | None) -> str:
    if not failure:
        return ""
    parts = [f"步骤 / step: {failure.get('step')}", f"期望 / expected: {failure.get('expected')}"]
    if failure.get("request"):
        parts.append("请求 / request: " + json.dumps(failure["request"], ensure_ascii=False))
        parts.append("答复 / response: " + json.dumps(failure["response"], ensure_ascii=False))
        parts.append(f"重放 / replay: {failure['curl']}")
    else:
        parts.append(str(failure.get("message")))
    return "\n".join(parts)


def _gating(scenario: dict[str, Any]) -> bool:
    """A failure that makes the run not conformant: of a @core scenario."""
    return scenario["status"] == "failed" and scenario["tier"] == "core"


def optional_failure(scenario: dict[str, Any]) -> str:
    """One line for an @optional failure: not gating, the check, and the register entries it rests on."""
    check = (scenario["failure"] or {}).get("expected") or "failed"
    rests = "; ".join(f"rests on {a['id']} ({a['kind']}): {a['decision']}" for a in scenario["rests_on"])
    return f"optional, not gating: {check}" + (f"; {rests}" if rests else "")


def write_junit(report: dict[str, Any], path: Path) -> None:
    """One testsuite per jurisdiction. Only a @core failure is a ``<failure>`` (what CI viewers turn
    red); an @optional failure is a ``<skipped>`` whose message gives the check and the register
    entries it rests on, with the full detail as its text (GitLab and Jenkins show both, and count
    it as skipped); a waived failure is a skip that says it was waived."""
    root = ET.Element("testsuites", name=f"bingpin conformance {report['suite']['version']}")
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for scenario in report["scenarios"]:
        groups[scenario["jurisdiction"] or scenario["policy"]].append(scenario)
    for name, scenarios in groups.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=name,
            tests=str(len(scenarios)),
            failures=str(sum(_gating(s) for s in scenarios)),
            skipped=str(sum(s["status"] in ("waived", "skipped", "failed") and not _gating(s) for s in scenarios)),
            time=f"{sum(s['duration_seconds'] for s in scenarios):.3f}",
        )
        for s in scenarios:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{s['policy']}.{'/'.join(s['clauses'])}",
                name=f"{s['id']} {s['name']}",
                file=f"features/{s['feature']}",
                line=str(s["line"]),
                time=f"{s['duration_seconds']:.3f}",
            )
            ET.SubElement(case, "properties").extend(
                [
                    ET.Element("property", name="tier", value=s["tier"]),
                    ET.Element("property", name="hash", value=s["hash"]),
                    *(ET.Element("property", name="rests_on", value=a["id"]) for a in s["rests_on"]),
                ]
            )
            if _gating(s):
                failure = ET.SubElement(case, "failure", message=(s["failure"] or {}).get("expected") or "failed")
                failure.text = _failure_text(s["failure"])
            elif s["status"] == "failed":
                skipped = ET.SubElement(case, "skipped", message=optional_failure(s))
                skipped.text = _failure_text(s["failure"])
            elif s["status"] == "waived":
                ET.SubElement(case, "skipped", message=f"waived: {s['waiver']}")
            elif s["status"] == "skipped":
                ET.SubElement(case, "skipped")
            elif s["status"] == STALE_WAIVER:
                out = ET.SubElement(case, "system-out")
                out.text = f"stale waiver: passes now; remove the waiver ({s['waiver']})"
    for element in root.iter():  # vendor text: no control character reaches the XML
        element.text = printable(element.text) if element.text else element.text
        for key, value in element.attrib.items():
            element.set(key, printable(value))
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


STYLE = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:2px solid #ccc}h3{margin:1.2em 0 .4em;font-size:1.05em}
table{border-collapse:collapse;width:100%;margin:.3em 0}td,th{border:1px solid #ddd;padding:.3em .5em;
text-align:left;vertical-align:top}th{background:#f4f4f4}.passed{color:#1a7f37}.failed{color:#c62828;
font-weight:bold}.waived{color:#9a6700}.skipped{color:#666}
.stale_waiver{color:#9a6700;font-weight:bold}.badge{display:inline-block;padding:.1em .6em;
border-radius:1em;background:#eee;margin-right:.4em}pre{background:#f7f7f7;padding:.6em;white-space:pre-wrap;
word-break:break-all;font-size:.85em}summary{cursor:pointer}.counts span{margin-right:1em}
"""


def _counts(scenarios: list[dict[str, Any]]) -> str:
    parts = [
        f'<span class="{k}">{label} {n}</span>'
        for k, label in LABELS.items()
        if (n := sum(s["status"] == k for s in scenarios))
    ]
    return f'<span class="counts">{"".join(parts)}</span>'


def write_html(report: dict[str, Any], path: Path) -> None:
    """Grouped jurisdiction -> clause -> scenario; failures open with what to replay. No scripts."""

    def e(text: str) -> str:
        return html.escape(printable(text))

    summary = report["summary"]
    verdict = "符合（全部核心场景通过）" if summary["conformant"] else "不符合（有核心场景失败）"
    out = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>Bingpin 一致性测试报告 {e(report['suite']['version'])}</title><style>{STYLE}</style></head><body>",
        "<h1>Bingpin 一致性测试报告 / conformance report</h1>",
        "<table>",
        f"<tr><th>测试套件版本</th><td>{e(report['suite']['name'])} {e(report['suite']['version'])}"
        f"（{report['suite']['scenarios']} 个场景，"
        f"清单 sha256 {e(report['suite']['manifest_sha256'][:16])}…）</td></tr>",
        f"<tr><th>被测服务</th><td>{e(report['target']['description'])}</td></tr>",
        f"<tr><th>时间</th><td>{e(report['started_at'])} — {e(report['finished_at'])}</td></tr>",
        f'<tr><th>结论</th><td class="{"passed" if summary["conformant"] else "failed"}">{verdict}</td></tr>',
    ]
    for tier, label in (("core", "核心场景 @core"), ("optional", "可选场景 @optional")):
        counts = summary[tier]
        out.append(
            f"<tr><th>{label}</th><td>共 {counts['total']}：通过 {counts['passed']}，失败 {counts['failed']}，"
            f"豁免 {counts['waived']}，豁免已过时 {counts[STALE_WAIVER]}，跳过 {counts['skipped']}</td></tr>"
        )
    out.append("</table>")
    stale = [c for c in report["clause_check"] if c["status"] != "ok"]
    if stale:
        out.append("<h2>条款原文核对：有变化</h2><table><tr><th>特性文件</th><th>条款</th><th>状态</th></tr>")
        for c in stale:
            out.append(f"<tr><td>{e(c['feature'])}</td><td>{e(c['clause'])}</td><td>{e(c['status'])}</td></tr>")
        out.append("</table>")
    failed = [s for s in report["scenarios"] if s["status"] == "failed"]
    if failed:
        out.append("<h2>失败的场景 / failures</h2><ul>")
        out.extend(f'<li><a href="#{e(s["id"])}">{e(s["id"])}</a> {e(s["name"])}</li>' for s in failed)
        out.append("</ul>")
    names = {p.id: f"{p.jurisdiction_name} · {p.document_number}" for p in policies().values()}
    tree: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for s in report["scenarios"]:
        tree[names.get(s["policy"], s["policy"])][" ".join(s["clauses"])].append(s)
    for policy, clauses in tree.items():
        every = [s for group in clauses.values() for s in group]
        out.append(f"<h2>{e(policy)} {_counts(every)}</h2>")
        for clause, scenarios in clauses.items():
            out.append(f"<h3>条款 {e(clause)} {_counts(scenarios)}</h3><table>")
            out.append("<tr><th>编号</th><th>场景</th><th>层级</th><th>结果</th></tr>")
            for s in scenarios:
                label = LABELS[s["status"]]
                detail = ""
                if s["failure"]:
                    detail = (
                        f"<details{' open' if s['status'] == 'failed' else ''}><summary>失败详情</summary>"
                        f"<pre>{e(_failure_text(s['failure']))}</pre></details>"
                    )
                waiver = f"<div>豁免理由：{e(s['waiver'] or '')}</div>" if s["status"] == "waived" else ""
                if s["status"] == STALE_WAIVER:
                    waiver = f"<div>豁免已过时：本场景已通过，请删除豁免（{e(s['waiver'] or '')}）</div>"
                if s["status"] == "failed" and s["tier"] == "optional":
                    waiver += "".join(
                        f'<div class="rests-on">所依据的歧义登记 {e(a["id"])}（{e(a["kind"])}）：'
                        f"{e(a['decision'])}</div>"
                        for a in s["rests_on"]
                    )
                out.append(
                    f'<tr id="{e(s["id"])}"><td>{e(s["id"])}</td><td>{e(s["name"])}'
                    f"<div><small>features/{e(s['feature'])}:{s['line']}</small></div>{waiver}{detail}</td>"
                    f'<td>{e(s["tier"])}</td><td class="{s["status"]}">{label}</td></tr>'
                )
            out.append("</table>")
    out.append("</body></html>")
    path.write_bytes("\n".join(out).encode("utf-8", "backslashreplace"))
