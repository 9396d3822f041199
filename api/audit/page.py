"""The audit report as a page for a 医保 fund supervisor: ``index.html``, offline, in Chinese.

What is at stake comes first (overpaid, underpaid, refused but paid), then how every record was
accounted for, every refused record the audited system paid on (bounded, the rest counted and
summed, and the page says so), the largest discrepancies with the single endpoint's calculation
steps and the clauses they cite, and the groups. Places, categories, rules and statuses are named
in the policies' words with their codes in parentheses; every sum says which records it covers.
Every text that comes from the records is escaped. No script, no font or style from elsewhere.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

from bingpin.api.audit import labels
from bingpin.rules.registry import policies

STYLE = (
    "body{font-family:'Noto Sans CJK SC','Noto Serif CJK SC','Source Han Sans SC','Microsoft YaHei',"
    "'PingFang SC',sans-serif;margin:2em;line-height:1.5;color:#111}"
    "table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #999;padding:.2em .5em}"
    "th{background:#eee;text-align:left}td.n{text-align:right;white-space:nowrap}"
    ".verdict{font-size:1.2em;font-weight:bold}.bad{color:#a00}.good{color:#060}"
    "pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:.5em}"
    "section.row{border-top:2px solid #999;margin-top:1.5em}.note{color:#444}"
)


def e(value: Any) -> str:
    """Any value as escaped text (record text may hold anything)."""
    if value is None:
        return "—"
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return html.escape(value)


#: A figure as the report writes it: a sign, digits, and decimals.
_FIGURE = re.compile(r"(-?)(\d+)(\.\d+)?")


#: Why an answered record may have no figure of the policy's to compare with.
NO_REFERENCE = "（政策未规定标准，或缺少所需输入，如个人缴费）"


class Words:
    """The page's words for the figures of one calculation: money (元) or yes/no flags (条)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.money = data.get("money", True)
        self.headline = labels.HEADLINE.get(data["calculation"], "金额")
        if self.money:
            self.reference, self.audited = f"政策应付{self.headline}", f"被审系统实付{self.headline}"
            self.over, self.under, self.unit = "多付（实付高于政策应付）", "少付（实付低于政策应付）", " 元"
            #: the audited figure; what the audited system did on a refused record; the difference
            self.figure, self.system = "实付数", "被审系统实付"
            self.stake, self.paid_refused = "涉及金额", "政策拒绝但被审系统已支付"
            self.difference, self.gap = "差额（实付减应付）", "差额"
            self.unreadable, self.examples = "无法读取或为负数", "（如“1,234.50”“¥900”“-50.00”）"
            self.counts = "记录数或金额"
        else:
            self.reference, self.audited = "政策结论为“是”的记录数", "被审系统为“是”的记录数"
            self.over, self.under, self.unit = (
                "多报（被审系统为“是”，政策为“否”）",
                "漏报（政策为“是”，被审系统为“否”）",
                "",
            )
            self.figure, self.system = "被审系统结论", "被审系统结论"
            self.stake, self.paid_refused = "涉及记录", "政策拒绝但被审系统结论为“是”"
            self.difference, self.gap = "差异（被审系统减政策：1 为多报，-1 为漏报）", "差异"
            self.unreadable, self.examples = "无法读取", "（应为 true/false，如“maybe”“是”）"
            self.counts = "记录数"

    def figures(self, item: dict[str, Any]) -> str:
        """A record's figure by the policy, the audited system's, and their difference."""
        if not self.money:
            said = {"0": "否", "1": "是"}
            return (
                f"政策结论：{said.get(item['reference'], e(item['reference']))}；"
                f"被审系统结论：{said.get(item['audited'], e(item['audited']))}；"
                f"{self.difference}：{e(item['discrepancy'])}"
            )
        return (
            f"{self.reference}：{self.amount(item['reference'])}；{self.audited}：{self.amount(item['audited'])}；"
            f"{self.difference}：{self.amount(item['discrepancy'])}"
        )

    def amount(self, value: str) -> str:
        return f"{e(grouped(value))}{self.unit}"


def grouped(figure: str) -> str:
    """A figure as written (``-13640557952.86``) with its thousands marked (``-13,640,557,952.86``),
    exactly: the text regrouped, never a float; anything else as it is."""
    found = _FIGURE.fullmatch(figure)
    if found is None:
        return figure
    sign, digits, decimals = found.groups()
    return f"{sign}{int(digits):,}{decimals or ''}"


def _table(head: list[str], rows: list[list[str]], numeric: frozenset[int] | set[int] = frozenset()) -> str:
    cells = "".join(f"<th>{h}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def verdict(data: dict[str, Any]) -> str:
    if data["compare"] is None:
        if data["agrees"]:
            return '<p class="verdict good">结论：每条记录均已计算（未指定比对列，未作比对）。</p>'
        return f'<p class="verdict bad">结论：有 {data["refused"]:,} 条记录被拒绝，未能计算（退出码 1）。</p>'
    if data["agrees"]:
        return '<p class="verdict good">结论：每条记录均已比对，且与政策一致（退出码 0）。</p>'
    return (
        f'<p class="verdict bad">结论：并非每条记录都已比对且一致：{data["discrepancies"]:,} 条有差异，'
        f"{data['not_compared']:,} 条未能比对（退出码 1）。</p>"
    )


def at_stake(data: dict[str, Any], words: Words) -> str:
    """The money at stake: overpaid, underpaid, refused but paid, paid on records not compared."""
    if data["compare"] is None:
        return ""
    totals, refused = data["totals"], data["refused_paid"]
    reasons = "；".join(
        f"{e(labels.status(r['error_code']))} {r['records']:,} 条，{words.amount(r['audited'])}"
        for r in refused["by_reason"]
    )
    rows = [
        [words.over, f"{totals['overpaid_records']:,} 条", words.amount(totals["overpaid"])],
        [words.under, f"{totals['underpaid_records']:,} 条", words.amount(totals["underpaid"])],
        [
            words.paid_refused + (f"（{reasons}）" if reasons else ""),
            f"{refused['records']:,} 条",
            words.amount(refused["audited"]),
        ],
        [
            (
                f"未能比对的记录上的{words.system}合计（仅含实付数已填写、格式有效且不为负数的 "
                if words.money
                else "未能比对的记录中被审系统结论为“是”的（仅含能读取其结论的 "
            )
            + f"{data['not_compared'] - data['not_compared_unread']:,} 条记录）",
            f"{data['not_compared']:,} 条未比对",
            words.amount(data["not_compared_audited"]),
        ],
        *(
            [
                [
                    "实付数为负数的记录（冲销、追回等，未比对）",
                    f"{negative:,} 条",
                    words.amount(data["audited_negative_sum"]),
                ]
            ]
            if (negative := data.get("audited_negative"))
            else []
        ),
        [
            f"{words.difference}合计（仅含可比对的 {totals['compared']:,} 条记录）",
            f"{totals['discrepancies']:,} 条有差异",
            words.amount(totals["discrepancy"]),
        ],
    ]
    return f"<h2>{words.stake}</h2>" + _table(
        ["项目", "记录数", "金额" if words.money else "记录数或差异"], rows, {1, 2}
    )


def accounted(data: dict[str, Any], words: Words) -> str:
    """How every record was accounted for, with what each sum covers."""
    codes = sorted(data["statuses"], key=lambda code: (code != "ok", code))
    statuses = [
        [("" if code == "ok" else "被拒绝：") + e(labels.status(code)), f"{data['statuses'][code]:,}"] for code in codes
    ]
    rows = [["记录总数", f"{data['records']:,}"], *statuses]
    if data["compare"] is not None:
        totals, compared = data["totals"], data["totals"]["compared"]
        rows += [
            [f"与被审系统比对（比对列 {e(data['compare'])}）的记录", f"{compared:,}"],
            ["其中一致", f"{compared - totals['discrepancies']:,}"],
            ["其中有差异", f"{totals['discrepancies']:,}"],
            ["未能比对：被拒绝", f"{data['refused']:,}"],
            *(
                [[f"其中{words.figure}已填写但{words.unreadable}（不计入任何合计）", f"{unread:,}"]]
                if (unread := data.get("refused_unread"))
                else []
            ),
            [f"未能比对：{words.figure}缺失", f"{data['audited_missing']:,}"],
            [
                f"未能比对：{words.figure}无法读取"
                + ("（格式无法识别，如全角字符、空格、科学计数法）" if words.money else "（应为 true/false）"),
                f"{data['audited_unreadable']:,}",
            ],
            *(
                [["未比对：实付数为负数（冲销、追回等，不逐条比对）", f"{data['audited_negative']:,}"]]
                if data.get("audited_negative") is not None
                else []
            ),
            *(
                [[f"未能比对：政策未给出应付{words.headline}{NO_REFERENCE}", f"{missing:,}"]]
                if (missing := data.get("reference_missing"))
                else []
            ),
            [f"{words.reference}合计（仅含可比对的 {compared:,} 条记录）", words.amount(totals["reference"])],
            [f"{words.audited}合计（仅含可比对的 {compared:,} 条记录）", words.amount(totals["audited"])],
        ]
    return "<h2>记录核对情况</h2>" + _table(["项目", words.counts], rows, {1})


def _record(item: dict[str, Any], data: dict[str, Any], words: Words) -> str:
    """A record's own columns and request fields, by their Chinese names."""
    calculation, compare = data["calculation"], data["compare"]
    parts = [
        f"{words.system + '（' + e(name) + '）' if name == compare else e(name)}：{e(value)}"
        for name, value in item["carried"].items()
    ]
    request = item.get("request") or {}
    for name, value in request.items():
        if name == "jurisdiction":
            shown = e(labels.place(str(value)))
        elif name == "categories" and isinstance(value, list):
            shown = "、".join(e(labels.category(str(c), [str(request.get("jurisdiction"))])) for c in value)
        else:
            shown = e(value)
        parts.append(f"{e(labels.field(calculation, name))}：{shown}")
    return "；".join(parts)


def refused_paid(data: dict[str, Any], words: Words) -> str:
    found = data["refused_paid"]
    if found is None:
        return ""
    title = f"<h2>{words.paid_refused}的记录（{found['records']:,} 条，合计 {words.amount(found['audited'])}）</h2>"
    unread = ""
    if data.get("refused_unread"):
        unread = (
            f'<p class="note">另有 {data["refused_unread"]:,} 条被拒绝的记录填写了{words.figure}，但{words.unreadable}'
            f"{words.examples}，未列入本表、未计入合计：见输出文件中 status 不为 200 的行。</p>"
        )
    if not found["records"]:
        return title + "<p>没有这样的记录。</p>" + unread
    rows = []
    for item in found["listed"]:
        fields = json.loads(item["error_fields"]) if item.get("error_fields") else {}
        detail = "；".join(
            f"{e(k)}：{e('；'.join(map(str, v)) if isinstance(v, list) else v)}" for k, v in fields.items()
        )
        rows.append(
            [
                f"{item['record']:,}",
                _record(item, data, words),
                f"{e(labels.status(item['error_code']))}<br>{e(item['error_message'])}"
                + (f"<br>{detail}" if detail else ""),
                words.amount(item["audited"]),
            ]
        )
    table = _table(["记录序号", "记录内容", "拒绝原因", words.system], rows, {0, 3})
    rest = ""
    if found["unlisted"]:
        rest = (
            f'<p class="note">以上只列出按输入顺序的前 {len(found["listed"]):,} 条；'
            f"另有 {found['unlisted']:,} 条未列出，"
            f"其{words.system}合计 {words.amount(found['unlisted_audited'])}"
            "（全部记录见输出文件中 status 不为 200 的行）。</p>"
        )
    return title + table + rest + unread


def _citation(citation: dict[str, str] | None) -> str:
    if not citation:
        return ""
    policy = {p.id: p for p in policies().values()}.get(citation["policy"])
    source = policy.document_number if policy else citation["policy"]
    return f"<br><small>依据：{e(source)} {e(citation['clause'])}：“{e(citation['quote'])}”</small>"


def worst(data: dict[str, Any], words: Words) -> str:
    if not data["worst"]:
        return ""
    parts = [f"<h2>差异最大的 {len(data['worst'])} 条记录：计算步骤与条款依据</h2>"]
    for item in data["worst"]:
        steps = "".join(f"<li>{e(step['text'])}{_citation(step.get('citation'))}</li>" for step in item["steps"])
        assumed = "".join(f"<li>{e(a)}</li>" for a in item.get("assumptions", []))
        parts.append(
            f'<section class="row"><h3>第 {item["record"]:,} 条记录：'
            f"{words.gap} {words.amount(item['discrepancy'])}</h3>"
            f"<p>{_record(item, data, words)}</p>"
            f"<p>{words.figures(item)}</p>"
            f"<p>单条计算接口的计算步骤：</p><ol>{steps}</ol>"
            + (f"<p>假定：</p><ul>{assumed}</ul>" if assumed else "")
            + f"<details><summary>用单条计算接口复核（bingpin serve）</summary><pre>{e(item['replay'])}</pre></details>"
            "</section>"
        )
    return "".join(parts)


def groups(data: dict[str, Any], words: Words) -> str:
    """The groups: by jurisdiction, by category and by rule within each jurisdiction."""
    compared = data["compare"] is not None
    head = ["分组", "记录数"]
    if compared:
        head += [
            "可比对",
            "有差异",
            f"{words.reference}（仅含可比对记录）",
            f"{words.audited}（仅含可比对记录）",
            words.over,
            words.under,
            "未比对",
            f"未比对记录的{words.system}",
        ]

    def row(name: str, g: dict[str, Any]) -> list[str]:
        cells = [name, f"{g['records']:,}"]
        if compared:
            none = "—（无可比对记录）"
            cells += [
                f"{g['compared']:,}",
                f"{g['discrepancies']:,}",
                words.amount(g["reference"]) if g["compared"] else none,
                words.amount(g["audited"]) if g["compared"] else none,
                f"{words.amount(g['overpaid'])}（{g['overpaid_records']:,} 条）",
                f"{words.amount(g['underpaid'])}（{g['underpaid_records']:,} 条）",
                f"{g['not_compared']:,}",
                words.amount(g["not_compared_audited"]),
            ]
        return cells

    numeric = set(range(1, len(head)))
    places = _table(head, [row(e(labels.place(g["key"])), g) for g in data["by_jurisdiction"]], numeric)

    def within(groups: str, label: Callable[[str, list[str]], str]) -> str:
        """A table of groups keyed by (jurisdiction, code), named by place and the code's label."""
        rows = [row(f"{e(labels.place(j))}：{e(label(code, [j]))}", g) for g in data[groups] for j, code in [g["key"]]]
        return _table(head, rows, numeric)

    categories = within("by_jurisdiction_category", labels.category)
    rules = within("by_jurisdiction_rule", labels.rule)
    return (
        "<h2>按地区</h2>"
        + places
        + "<h2>按地区和救助对象类别</h2>"
        + categories
        + "<h2>按地区和适用规则（或拒绝原因）</h2>"
        + rules
    )


def page(data: dict[str, Any]) -> str:
    """``index.html`` for the report ``data`` (as in ``report.json``)."""
    words = Words(data)
    title = f"{labels.calculation(data['calculation'])}稽核报告"
    meta = [
        f"输入文件：{e(data['input'])}",
        f"输出文件：{e(data['output'])}",
    ]
    if data.get("jurisdiction"):
        meta.append(f"未写明地区的记录按：{e(labels.place(data['jurisdiction']))}")
    if data.get("date"):
        meta.append(f"未写明日期的记录按：{e(data['date'])}")
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{e(title)}</h1><p>{'；'.join(meta)}</p>"
        + verdict(data)
        + at_stake(data, words)
        + accounted(data, words)
        + refused_paid(data, words)
        + worst(data, words)
        + groups(data, words)
        + "</body></html>\n"
    )
