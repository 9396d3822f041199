"""index.html of ``bingpin conformance matrix``: for people, Chinese first, offline (no script, no
link outside the page). Every text that came from a report or the command line is escaped, and
its control characters are shown as escapes."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bingpin.features.conformance.matrix import NOT_RUN, TIERS
from bingpin.features.conformance.report import LABELS, STATUSES
from bingpin.features.conformance.text import printable

STATUS_LABELS = {**LABELS, NOT_RUN: "未运行"}
TIER_LABELS = {"core": "核心 @core", "optional": "可选 @optional"}

STYLE = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:2px solid #ccc}table{border-collapse:collapse;margin:.3em 0}
td,th{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f4f4f4}
tr.group th{background:#e8eef7}.passed,.stale_waiver{color:#1a7f37}.failed{color:#c62828;font-weight:bold}
.waived{color:#9a6700}.skipped,.not_run{color:#666}tr.flagged td{background:#fff4e5}.flag{color:#b35900;
font-weight:bold}td.cell{text-align:center;white-space:nowrap}pre{background:#f7f7f7;padding:.6em;
white-space:pre-wrap;word-break:break-all;font-size:.85em}.note{color:#555;font-size:.9em}
"""


def e(text: object) -> str:
    return html.escape(printable(str(text)))


def _anchor(column: int, row: int) -> str:
    return f"f-{column}-{row}"


def _header(matrix: dict[str, Any]) -> Iterator[str]:
    """The implementations: target, suite version, and per tier how many passed, failed and so on."""
    shown = [
        s for s in (*STATUSES, NOT_RUN) if any(i["counts"][t][s] for i in matrix["implementations"] for t in TIERS)
    ]
    yield "<table><tr><th>实现 / implementation</th><th>被测服务</th><th>测试套件版本</th><th>运行时间</th>"
    for tier in TIERS:
        yield f'<th colspan="{len(shown) + 1}">{TIER_LABELS[tier]}</th>'
    yield "</tr><tr><th></th><th></th><th></th><th></th>"
    for _ in TIERS:
        yield "<th>共</th>" + "".join(f'<th class="{s}">{STATUS_LABELS[s]}</th>' for s in shown)
    yield "</tr>"
    for number, implementation in enumerate(matrix["implementations"]):
        mark = "（参考实现 / reference）" if implementation["reference"] else ""
        yield (
            f'<tr class="implementation" id="impl-{number}"><th>{e(implementation["name"])}{mark}</th>'
            f'<td>{e(implementation["target"])}<div class="note">{e(implementation["report"])}</div></td>'
            f'<td class="version">{e(implementation["suite_version"])}</td><td>{e(implementation["finished_at"])}</td>'
        )
        for tier in TIERS:
            counts = implementation["counts"][tier]
            yield f'<td class="count">{counts["total"]}</td>' + "".join(
                f'<td class="count {s}" data-tier="{tier}" data-status="{s}">{counts[s]}</td>' for s in shown
            )
        yield "</tr>"
    yield "</table>"


def _rows(matrix: dict[str, Any], rows: list[tuple[int, dict[str, Any]]]) -> Iterator[str]:
    names = [i["name"] for i in matrix["implementations"]]
    yield '<table class="matrix"><tr><th>编号</th><th>场景</th><th>层级</th>'
    yield "".join(f"<th>{e(name)}</th>" for name in names) + "</tr>"
    group = None
    for number, row in rows:
        here = (row["policy_name"], " ".join(row["clauses"]))
        if here != group:
            group = here
            yield f'<tr class="group"><th colspan="{3 + len(names)}">{e(here[0])} · 条款 {e(here[1] or "-")}</th></tr>'
        flag = ""
        if row["flagged"]:
            flag = (
                f'<div class="flag" title="only the reference passes: the suite may be wrong here">'
                f"⚑ 仅参考实现通过（其余 {row['others_ran']} 个实现均失败）</div>"
            )
        if row["content_differs"]:
            flag += (
                '<div class="note">各报告中此场景的内容不同（测试套件版本不同）'
                "/ the scenario differs between the suites</div>"
            )
        classes = " ".join(c for c, on in (("disagree", row["disagree"]), ("flagged", row["flagged"])) if on)
        yield (
            f'<tr class="row {classes}" id="row-{number}" data-id="{e(row["id"])}"><td>{e(row["id"])}</td>'
            f"<td>{e(row['name'])}{flag}</td><td>{e(row['tier'])}</td>"
        )
        for column, name in enumerate(names):
            cell = row["cells"][name]
            label = STATUS_LABELS[cell["status"]]
            if "check" in cell:
                label = f'<a href="#{_anchor(column, number)}">{label}</a>'
            yield f'<td class="cell {cell["status"]}">{label}</td>'
        yield "</tr>"
    yield "</table>"


def _details(matrix: dict[str, Any]) -> Iterator[str]:
    """Each failed (or waived) cell's check and replay line, from that implementation's report."""
    names = [i["name"] for i in matrix["implementations"]]
    for number, row in enumerate(matrix["rows"]):
        for column, name in enumerate(names):
            cell = row["cells"][name]
            if "check" not in cell:
                continue
            yield (
                f'<div class="detail" id="{_anchor(column, number)}"><h3>{e(row["id"])} · {e(name)} · '
                f'<span class="{cell["status"]}">{STATUS_LABELS[cell["status"]]}</span> '
                f'<a href="#row-{number}">↑</a></h3>'
                f"<pre>步骤 / step: {e(cell['step'])}\n期望 / check: {e(cell['check'])}\n"
                f"重放 / replay: {e(cell['replay'] or '（无 / none）')}</pre></div>"
            )


def write_page(matrix: dict[str, Any], path: Path) -> None:
    summary = matrix["summary"]
    numbered = list(enumerate(matrix["rows"]))
    disagreeing = [(n, r) for n, r in numbered if r["disagree"]]
    agreeing = [(n, r) for n, r in numbered if not r["disagree"]]
    versions = "、".join(matrix["suite_versions"])
    out = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>Bingpin 互操作矩阵 {e(versions)}</title><style>{STYLE}</style></head><body>",
        "<h1>Bingpin 互操作矩阵 / interoperability matrix</h1>",
        f'<p class="summary">共 <b>{summary["scenarios"]}</b> 个场景，{len(matrix["implementations"])} 个实现；'
        f'实现之间有分歧的 <b id="disagreements">{summary["disagreements"]}</b> 个，'
        f'仅参考实现通过的 <b id="flagged">{summary["flagged"]}</b> 个（⚑）。'
        f"参考实现：{e(matrix['reference'])}。测试套件版本：{e(versions)}"
        + ("（<b>混用了不同版本</b>，--allow-mixed）" if matrix["mixed_versions"] else "")
        + "</p>",
        *_header(matrix),
        '<p class="note">分歧：有的实现通过、有的失败（“失败”含豁免的已知失败，“通过”含豁免已过时；跳过、未运行不计）。'
        "⚑ 仅参考实现通过：参考实现通过，而其余运行了该场景的实现都失败。这可能是测试套件（或参考实现）的问题，"
        "而非各实现的问题，如 Bowtie 所标记的测试；只有一个其他实现时，它的每个失败都会如此标记，"
        "其他实现越多，这一标记越值得复查。/ ⚑ only the reference passes: the suite may be wrong here.</p>",
        f'<h2 id="disagree">一、实现之间有分歧的场景（{len(disagreeing)}）</h2>',
        *(_rows(matrix, disagreeing) if disagreeing else ["<p>无。</p>"]),
        f'<h2 id="agree">二、各实现结果一致的场景（{len(agreeing)}）</h2>',
        *(_rows(matrix, agreeing) if agreeing else ["<p>无。</p>"]),
        '<h2 id="details">三、失败详情（取自各实现的报告）</h2>',
        *_details(matrix),
        "</body></html>",
    ]
    path.write_bytes("\n".join(out).encode("utf-8", "backslashreplace"))
