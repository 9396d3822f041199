"""The review page for legal staff: each clause's verbatim text with, beside it, the scenarios that
test it (as Chinese tables), their legal review state and last conformance result, and the register
entries. A reviewer marks scenarios 已审核 or 有异议 on the page and exports the verdicts as a review
file to commit under features/reviews/ (review.js; the page sends nothing anywhere). Served at
/review and written as static HTML by ``bingpin review --output DIR``."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from bingpin.api.catalog.coverage import coverage_data, summary
from bingpin.api.catalog.data import by_id, policy_data, register_by_clause, scenarios_of, tested_by_clause, tree
from bingpin.api.catalog.features import Feature, Scenario, Step
from bingpin.api.catalog.results import STATUS_NAMES, Results
from bingpin.api.catalog.reviews import MAX_NOTE, PROPOSED, STATUSES, counts, fingerprints, state_of
from bingpin.rules.core.clauses import Clause

TIERS = {"core": "必选", "optional": "可选"}
AMBIGUITY_KIND_NAMES = {"choice": "选择（结果因此不同的场景为可选）", "reading": "理解（原文已定）"}
STATUS_LABELS = {"covered": "有场景", "covered_by_subclauses": "下级条款有场景", "gap": "缺口：可计算而无场景"}


def data_table(rows: tuple[tuple[str, ...], ...] | list[list[str]], css: str = "datatable") -> str:
    head, *body = rows
    cells = "".join(f"<th>{escape(c)}</th>" for c in head)
    lines = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in body)
    return f'<table class="{css}"><thead><tr>{cells}</tr></thead><tbody>{lines}</tbody></table>'


def step_row(step: Step, css: str = "") -> str:
    """A step as a table row: its keyword, its text, and its data table or docstring."""
    extra = data_table(step.table) if step.table else ""
    if step.docstring:
        extra += f"<pre>{escape(step.docstring)}</pre>"
    return f'<tr class="step {step.kind} {css}"><th>{escape(step.keyword)}</th><td>{escape(step.text)}{extra}</td></tr>'


def _result(results: Results, scenario: Scenario) -> tuple[str, str]:
    if not results.found:
        return "none", "无结果"
    status = results.status(scenario.id)
    return (status, STATUS_NAMES.get(status, status)) if status else ("none", "未运行")


def review_record(scenario: Scenario) -> str:
    """The scenario's latest verdict in words: who, when, what, and whether it is stale."""
    state = state_of(scenario.id)
    if state.status == PROPOSED:
        return '<p class="review-record">尚未审核</p>'
    when = f"{escape(state.reviewer or '')}，{state.reviewed_on.isoformat() if state.reviewed_on else ''}"
    if state.stale:
        said = f"原结论 {escape(state.verdict or '')}（{when}）；审核后场景、所检验条款原文或所引歧义登记已改变，需复核"
    else:
        said = f"{escape(state.status)}（{when}）"
    note = f"：{escape(state.note)}" if state.note else ""
    return f'<p class="review-record review-{escape(state.status)}">{said}{note}</p>'


def _verdict_controls(scenario: Scenario, anchor: str) -> str:
    """Radio buttons and a note for the reviewer's verdict (kept in the browser until exported)."""
    name = escape(f"v-{anchor}")
    choices = "".join(
        f'<label><input type="radio" name="{name}" value="{value}">{label}</label>'
        for value, label in (("已审核", "已审核"), ("有异议", "有异议"), ("", "不记录"))
    )
    return (
        f'<div class="verdict" data-scenario="{escape(scenario.id)}"><span class="verdict-label">本次审核：</span>'
        f'{choices}<textarea rows="2" maxlength="{MAX_NOTE}" placeholder="审核意见（有异议时必填）"'
        ' aria-label="审核意见"></textarea></div>'
    )


def review_counts(ids: list[str]) -> str:
    """Non-zero review counts as small badges (拟定 left out: it is what is not counted elsewhere)."""
    found = counts(ids)
    return "".join(
        f'<span class="rc review-{status}">{status} {found[status]}</span>'
        for status in STATUSES
        if status != PROPOSED and found[status]
    )


def scenario_table(feature: Feature, scenario: Scenario, results: Results, anchor: str) -> str:
    """One scenario as a table: background steps, then its own steps; examples as tables."""
    state, state_name = _result(results, scenario)
    review = state_of(scenario.id).status
    rows = "".join(step_row(s, "background") for s in feature.background) + "".join(step_row(s) for s in scenario.steps)
    examples = "".join(
        f'<p class="examples-name">例子{("：" + escape(e.name)) if e.name else ""}</p>{data_table(e.table)}'
        for e in scenario.examples
    )
    ambiguities = "、".join(scenario.ambiguities)
    return (
        f'<div class="scenario" id="{escape(anchor)}" data-scenario="{escape(scenario.id)}"'
        f' data-fingerprint="{escape(fingerprints()[scenario.id])}">'
        f'<table class="steps"><caption><span class="sid">{escape(scenario.id)}</span> '
        f"{escape(scenario.keyword)}：{escape(scenario.name)}"
        f'<span class="badges"><span class="tier tier-{scenario.tier}">{TIERS[scenario.tier]}</span>'
        f'<span class="review review-{escape(review)}">审核：{escape(review)}</span>'
        f'<span class="result result-{escape(state)}">结果：{escape(state_name)}</span></span>'
        f'<span class="source">{escape(feature.file)}:{scenario.line}'
        f"{('；歧义 ' + escape(ambiguities)) if ambiguities else ''}</span></caption>"
        f"<tbody>{rows}</tbody></table>{examples}{review_record(scenario)}"
        f"{_verdict_controls(scenario, anchor)}</div>"
    )


def _ambiguity(item: dict[str, Any]) -> str:
    scenarios = "、".join(item["scenarios"]) or "无"
    return (
        f'<div class="ambiguity ambiguity-{escape(item["kind"])}" id="amb-{escape(item["id"])}">'
        f"<h4>歧义 {escape(item['id'])} <small>{escape(AMBIGUITY_KIND_NAMES[item['kind']])}</small></h4><dl>"
        f"<dt>原文</dt><dd>{escape(item['quote'])}</dd><dt>问题</dt><dd>{escape(item['issue'])}</dd>"
        f"<dt>决定</dt><dd>{escape(item['decision'])}</dd><dt>相关场景</dt><dd>{escape(scenarios)}</dd></dl></div>"
    )


class _Context:
    def __init__(self, policy_id: str, results: Results) -> None:
        self.policy_id = policy_id
        self.results = results
        self.scenarios = tested_by_clause(policy_id)
        self.ambiguities = register_by_clause(policy_id)
        self.coverage = {e["clause"]: e for e in coverage_data(policy_id)}


def _clause(clause: Clause, context: _Context) -> str:
    anchor = f"c-{context.policy_id}-{clause.path}"
    tested = context.scenarios.get(clause.path, [])
    notes = context.ambiguities.get(clause.path, [])
    entry = context.coverage.get(clause.path)
    # each scenario once, though it tests several of the sub-clauses (or this clause and one below)
    below = list(
        dict.fromkeys(
            s.id for child in clause.children for c in child.walk() for _, s in context.scenarios.get(c.path, [])
        )
    )
    badges = []
    if tested:
        badges.append(f'<span class="count">场景 {len(tested)}</span>')
    if below:
        badges.append(f'<span class="count below">下级条款场景 {len(below)}</span>')
    badges.append(review_counts(list(dict.fromkeys([s.id for _, s in tested] + below))))
    if notes:
        badges.append(f'<span class="count amb">歧义 {len(notes)}</span>')
    if entry and entry["status"] == "gap":
        badges.append(f'<span class="gap">{STATUS_LABELS["gap"]}</span>')
    mark = (
        f'<p class="mark-clause"><button type="button" class="mark-all" data-clause="{escape(clause.path)}">'
        f"将本条 {len(tested)} 个场景标为已审核</button></p>"
        if tested
        else ""
    )
    aside = (
        mark
        + "".join(_ambiguity(item) for item in notes)
        + "".join(
            scenario_table(feature, scenario, context.results, f"{anchor}--{scenario.id}")
            for feature, scenario in tested
        )
    )
    text = clause.text.strip("\n")
    body = f'<div class="clause-text">{escape(text)}</div>' if text.strip() else '<div class="clause-text"></div>'
    if aside:
        body += f'<aside class="clause-notes">{aside}</aside>'
    children = "".join(_clause(child, context) for child in clause.children)
    classes = "clause" + (" tested" if tested else "") + (" gap" if entry and entry["status"] == "gap" else "")
    return (
        f'<details class="{classes}" id="{escape(anchor)}" data-path="{escape(clause.path)}">'
        f'<summary><span class="path">{escape(clause.path)}</span> <span class="title">{escape(clause.title)}</span>'
        f'{"".join(badges)}</summary><div class="clause-body">{body}</div>{children}</details>'
    )


def _policy_review(policy_id: str) -> str:
    ids = [s.id for s in scenarios_of(policy_id)]
    found = counts(ids)
    return f"场景 {len(ids)}：" + "，".join(f"{status} {found[status]}" for status in STATUSES)


def policy_section(policy_id: str, results: Results, dossier_href: Callable[[str], str]) -> str:
    policy = by_id()[policy_id]
    data = policy_data(policy)
    coverage = summary(policy_id)
    gaps = "、".join(coverage["gaps"]) or "无"
    issued = data["issued_on"].isoformat() if data["issued_on"] else "原文未载明"
    context = _Context(policy_id, results)
    clauses = "".join(_clause(clause, context) for clause in tree(policy).clauses)
    return (
        f'<section class="policy" id="policy-{escape(policy_id)}" data-policy="{escape(policy_id)}">'
        f"<h2>{escape(policy.jurisdiction_name)} · {escape(policy.document_number)} "
        f'<a class="dossier-link" href="{escape(dossier_href(policy_id))}">会签材料（可打印）</a></h2>'
        f'<p class="policy-meta">《{escape(policy.title)}》；发文机关：{escape(policy.issuer)}；'
        f"成文日期：{escape(issued)}；"
        f"状态：{escape(policy.status)}；施行期间：{escape(policy.in_force.describe())}</p>"
        f'<p class="coverage-summary">可计算条款 {coverage["computable"]} 项：有场景 {coverage["covered"]}，'
        f"仅下级条款有场景 {coverage['covered_by_subclauses']}，缺口 {coverage['gap']}（{escape(gaps)}）</p>"
        f'<p class="review-summary">法律审核：{escape(_policy_review(policy_id))}</p>'
        f"{clauses}</section>"
    )


def served_dossier(policy_id: str) -> str:
    return f"/review/{policy_id}/dossier"


def static_dossier(policy_id: str) -> str:
    return f"dossier-{policy_id}.html"


def render_page(
    results: Results, assets: str = "/review/assets/", dossier_href: Callable[[str], str] = served_dossier
) -> str:
    """The whole page; ``assets`` is where review.css and review.js are served from."""
    ids = list(by_id())
    nav = "".join(f'<a href="#policy-{escape(i)}">{escape(by_id()[i].jurisdiction_name)}</a>' for i in ids)
    sections = "".join(policy_section(i, results, dossier_href) for i in ids)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>病贫 Bingpin：条款与验收标准审阅</title>
<link rel="stylesheet" href="{escape(assets)}review.css">
</head>
<body>
<header>
<h1>条款与验收标准审阅</h1>
<p class="intro">左栏为政策原文（逐字），右栏为检验该条款的场景（假如 / 当 / 那么）、法律审核状态、
最近一次一致性测试结果和歧义登记。审核状态：拟定（尚未审核）、已审核、有异议、需复核（审核后场景、
所检验条款原文或所引歧义登记已改变）。</p>
<p class="results-source" id="results-source">{escape(results.describe())}</p>
<div class="tools" role="search">
<label for="search">按条款或用语查找</label>
<input id="search" type="search" placeholder="如 二(二)7、低保、封顶线" autocomplete="off">
<button type="button" id="expand-all">全部展开</button>
<button type="button" id="collapse-all">全部收起</button>
<span id="search-count" aria-live="polite"></span>
</div>
<div class="tools recording" role="form" aria-label="记录审核结论">
<label for="reviewer">审核人</label>
<input id="reviewer" type="text" maxlength="100" placeholder="姓名或职责" autocomplete="name">
<label for="reviewed-on">审核日期</label>
<input id="reviewed-on" type="date">
<span id="marked-count" aria-live="polite">本次已标记 0 个场景</span>
<button type="button" id="export">导出审核记录</button>
<button type="button" id="clear-marks">清除本次标记</button>
</div>
<div id="dropped-marks" role="status" hidden>
<p>以下标记作出后，场景、所检验条款原文或所引歧义登记已改变，标记已取消，请重新审核：</p>
<ul id="dropped-list"></ul>
<p><button type="button" id="dropped-close">知道了</button></p>
</div>
<div id="export-panel" hidden>
<p id="export-message" role="status"></p>
<textarea id="export-text" readonly rows="8" aria-label="审核记录（YAML）"></textarea>
<p><a id="export-download" download="review.yaml" href="#">下载审核记录文件</a>
<button type="button" id="export-close">关闭</button></p>
</div>
<nav>{nav}</nav>
</header>
<main>
{sections}
</main>
<script src="{escape(assets)}review.js"></script>
</body>
</html>
"""


ASSETS = ("review.css", "review.js", "dossier.css")


def write_site(output: Path, results: Results) -> Path:
    """The page as static files: ``output/index.html``, a dossier per policy and ``output/assets/``
    (works offline)."""
    (output / "assets").mkdir(parents=True, exist_ok=True)
    static = resources.files("bingpin.api").joinpath("static")
    for name in ASSETS:
        (output / "assets" / name).write_text(static.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    from bingpin.api.dossier import render_dossier

    index = output / "index.html"
    index.write_text(render_page(results, assets="assets/", dossier_href=static_dossier), encoding="utf-8")
    for policy_id in by_id():
        dossier = render_dossier(policy_id, results, assets="assets/")
        (output / static_dossier(policy_id)).write_text(dossier, encoding="utf-8")
    return index
