"""The review page for legal staff: each clause's verbatim text with, beside it, the scenarios that
test it (as Chinese tables), their review state and last conformance result, and the ambiguity
notes. Served at /review and written as static HTML by ``bingpin review --output DIR``."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from bingpin.api.catalog.coverage import coverage_data, summary
from bingpin.api.catalog.data import ambiguities_data, by_id, features, policy_data, tree
from bingpin.api.catalog.features import Feature, Scenario, Step
from bingpin.api.catalog.results import STATUS_NAMES, Results
from bingpin.rules.core.clauses import Clause, split_paths

TIERS = {"core": "必选", "optional": "可选"}
AMBIGUITY_KIND_NAMES = {"choice": "选择（结果因此不同的场景为可选）", "reading": "理解（原文已定）"}
STATUS_LABELS = {"covered": "有场景", "covered_by_subclauses": "下级条款有场景", "gap": "缺口：可计算而无场景"}


def _table(rows: tuple[tuple[str, ...], ...] | list[list[str]], css: str = "datatable") -> str:
    head, *body = rows
    cells = "".join(f"<th>{escape(c)}</th>" for c in head)
    lines = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in body)
    return f'<table class="{css}"><thead><tr>{cells}</tr></thead><tbody>{lines}</tbody></table>'


def _step(step: Step, css: str = "") -> str:
    extra = _table(step.table) if step.table else ""
    if step.docstring:
        extra += f"<pre>{escape(step.docstring)}</pre>"
    return f'<tr class="step {step.kind} {css}"><th>{escape(step.keyword)}</th><td>{escape(step.text)}{extra}</td></tr>'


def _result(results: Results, scenario: Scenario) -> tuple[str, str]:
    if not results.found:
        return "none", "无结果"
    status = results.status(scenario.id)
    return (status, STATUS_NAMES.get(status, status)) if status else ("none", "未运行")


def scenario_table(feature: Feature, scenario: Scenario, results: Results, anchor: str) -> str:
    """One scenario as a table: background steps, then its own steps; examples as tables."""
    state, state_name = _result(results, scenario)
    rows = "".join(_step(s, "background") for s in feature.background) + "".join(_step(s) for s in scenario.steps)
    examples = "".join(
        f'<p class="examples-name">例子{("：" + escape(e.name)) if e.name else ""}</p>{_table(e.table)}'
        for e in scenario.examples
    )
    ambiguities = "、".join(scenario.ambiguities)
    return (
        f'<div class="scenario" id="{escape(anchor)}" data-scenario="{escape(scenario.id)}">'
        f'<table class="steps"><caption><span class="sid">{escape(scenario.id)}</span> '
        f"{escape(scenario.keyword)}：{escape(scenario.name)}"
        f'<span class="badges"><span class="tier tier-{scenario.tier}">{TIERS[scenario.tier]}</span>'
        f'<span class="review review-{escape(scenario.review)}">审核：{escape(scenario.review)}</span>'
        f'<span class="result result-{escape(state)}">结果：{escape(state_name)}</span></span>'
        f'<span class="source">{escape(feature.file)}:{scenario.line}'
        f"{('；歧义 ' + escape(ambiguities)) if ambiguities else ''}</span></caption>"
        f"<tbody>{rows}</tbody></table>{examples}</div>"
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
        self.scenarios: dict[str, list[tuple[Feature, Scenario]]] = defaultdict(list)
        for feature in features():
            if feature.policy == policy_id:
                for scenario in feature.scenarios:
                    for path in scenario.clauses:
                        self.scenarios[path].append((feature, scenario))
        self.ambiguities: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in ambiguities_data(policy_id):
            for path in split_paths(item["clause"]):
                self.ambiguities[path].append(item)
        self.coverage = {e["clause"]: e for e in coverage_data(policy_id)}


def _clause(clause: Clause, context: _Context) -> str:
    anchor = f"c-{context.policy_id}-{clause.path}"
    tested = context.scenarios.get(clause.path, [])
    notes = context.ambiguities.get(clause.path, [])
    entry = context.coverage.get(clause.path)
    badges = []
    if tested:
        badges.append(f'<span class="count">场景 {len(tested)}</span>')
    if notes:
        badges.append(f'<span class="count amb">歧义 {len(notes)}</span>')
    if entry and entry["status"] == "gap":
        badges.append(f'<span class="gap">{STATUS_LABELS["gap"]}</span>')
    aside = "".join(_ambiguity(item) for item in notes) + "".join(
        scenario_table(feature, scenario, context.results, f"{anchor}--{scenario.id}") for feature, scenario in tested
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


def policy_section(policy_id: str, results: Results) -> str:
    policy = by_id()[policy_id]
    data = policy_data(policy)
    counts = summary(policy_id)
    gaps = "、".join(counts["gaps"]) or "无"
    issued = data["issued_on"].isoformat() if data["issued_on"] else "原文未载明"
    context = _Context(policy_id, results)
    clauses = "".join(_clause(clause, context) for clause in tree(policy).clauses)
    return (
        f'<section class="policy" id="policy-{escape(policy_id)}" data-policy="{escape(policy_id)}">'
        f"<h2>{escape(policy.jurisdiction_name)} · {escape(policy.document_number)}</h2>"
        f'<p class="policy-meta">《{escape(policy.title)}》；发文机关：{escape(policy.issuer)}；'
        f"成文日期：{escape(issued)}；"
        f"状态：{escape(policy.status)}；施行期间：{escape(policy.in_force.describe())}</p>"
        f'<p class="coverage-summary">可计算条款 {counts["computable"]} 项：有场景 {counts["covered"]}，'
        f"仅下级条款有场景 {counts['covered_by_subclauses']}，缺口 {counts['gap']}（{escape(gaps)}）</p>"
        f"{clauses}</section>"
    )


def render_page(results: Results, assets: str = "/review/assets/") -> str:
    """The whole page; ``assets`` is where review.css and review.js are served from."""
    ids = list(by_id())
    nav = "".join(f'<a href="#policy-{escape(i)}">{escape(by_id()[i].jurisdiction_name)}</a>' for i in ids)
    sections = "".join(policy_section(i, results) for i in ids)
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
<p class="intro">左栏为政策原文（逐字），右栏为检验该条款的场景（假如 / 当 / 那么）、审核状态、
最近一次一致性测试结果和歧义说明。
审核状态写在特性文件的标签中：@review:拟定、@review:已审核、@review:有异议（未标注的为拟定）。</p>
<p class="results-source" id="results-source">{escape(results.describe())}</p>
<div class="tools" role="search">
<label for="search">按条款或用语查找</label>
<input id="search" type="search" placeholder="如 二(二)7、低保、封顶线" autocomplete="off">
<button type="button" id="expand-all">全部展开</button>
<button type="button" id="collapse-all">全部收起</button>
<span id="search-count" aria-live="polite"></span>
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


ASSETS = ("review.css", "review.js")


def write_site(output: Path, results: Results) -> Path:
    """The page as static files: ``output/index.html`` and ``output/assets/`` (works offline)."""
    (output / "assets").mkdir(parents=True, exist_ok=True)
    static = resources.files("bingpin.api").joinpath("static")
    for name in ASSETS:
        (output / "assets" / name).write_text(static.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    index = output / "index.html"
    index.write_text(render_page(results, assets="assets/"), encoding="utf-8")
    return index
