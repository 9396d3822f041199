"""The dossier for 会签: one policy's acceptance criteria as a print-ready page (A4).

Clause by clause: the clause's verbatim text, kept on the same page as the start of its scenarios;
each scenario in Chinese with its tier and legal review status; the register entries that touch the
clause; the counts; and a sign-off block at the end. Every printed page carries its page number (a
page margin box of dossier.css); a clause's heading, under the document number and title, is the header
row of its table, which the browser repeats on every page the clause runs over, so every page says
which document it belongs to and a page of scenarios which clause. Served at
/review/{policy_id}/dossier with its style sheet from /review/assets (nothing from elsewhere).
"""

from __future__ import annotations

import datetime as dt
from html import escape

from bingpin.api.catalog.data import by_id, features, register_by_clause, tested_by_clause, tree
from bingpin.api.catalog.features import Feature, Scenario
from bingpin.api.catalog.results import Results
from bingpin.api.catalog.reviews import PROPOSED, STATUSES, counts, state_of
from bingpin.api.review import AMBIGUITY_KIND_NAMES, TIERS, data_table, review_record, step_row


def _scenario(feature: Feature, scenario: Scenario) -> str:
    steps = "".join(step_row(s) for s in feature.background) + "".join(step_row(s) for s in scenario.steps)
    examples = "".join(
        f"<p>例子{('：' + escape(e.name)) if e.name else ''}</p>{data_table(e.table)}" for e in scenario.examples
    )
    registered = "、".join(scenario.ambiguities)
    status = state_of(scenario.id).status
    return (
        f'<div class="scenario" data-scenario="{escape(scenario.id)}"><h3>{escape(scenario.id)} '
        f"{escape(scenario.name)}<span class='badge'>{TIERS[scenario.tier]}</span>"
        f"<span class='badge review-{escape(status)}'>审核：{escape(status)}</span></h3>"
        f'<table class="steps"><tbody>{steps}</tbody></table>{examples}'
        f"{('<p class=review-record>依据歧义登记：' + escape(registered) + '</p>') if registered else ''}"
        f"{review_record(scenario) if status != PROPOSED else ''}</div>"
    )


def _counts(scenarios: list[Scenario]) -> str:
    tiers = "，".join(f"{name} {sum(s.tier == tier for s in scenarios)}" for tier, name in TIERS.items())
    found = counts(s.id for s in scenarios)
    review = "，".join(f"{status} {found[status]}" for status in STATUSES)
    return f"场景 {len(scenarios)}：{tiers}；{review}"


def _register(items: list[dict[str, str]]) -> str:
    entries = "".join(
        f"<dt>{escape(item['id'])}（{escape(AMBIGUITY_KIND_NAMES[item['kind']])}）</dt>"
        f"<dd>原文：{escape(item['quote'])}</dd><dd>问题：{escape(item['issue'])}</dd>"
        f"<dd>决定：{escape(item['decision'])}</dd>"
        for item in items
    )
    return f'<div class="register"><p>涉及本条的歧义登记</p><dl>{entries}</dl></div>'


def render_dossier(policy_id: str, results: Results | None = None, assets: str = "/review/assets/") -> str:
    """The dossier of one policy as a complete HTML document; ``assets`` is where dossier.css is."""
    from bingpin.features.conformance.suite import version as suite_version  # the suite imports the api

    policy = by_id()[policy_id]
    clauses = tree(policy)
    tested, registered = tested_by_clause(policy_id), register_by_clause(policy_id)
    document = f"{escape(policy.document_number)}　《{escape(policy.title)}》"
    sections = []
    for clause in clauses.walk():
        pairs, notes = tested.get(clause.path, []), registered.get(clause.path, [])
        if not pairs and not notes:
            continue
        heading = f'<span class="document">{document}</span>条款 {escape(clause.path)}　{escape(clause.title)}'
        first = (
            f'<div class="clause-text">{escape(clause.text.strip())}</div>'
            f'<p class="counts">本条{_counts([s for _, s in pairs])}</p>'
        )
        rows = [_scenario(feature, scenario) for feature, scenario in pairs] or [""]
        rows[0] = first + rows[0]  # the clause text stays on the page where its scenarios start
        if notes:
            rows.append(_register(notes))
        body = "".join(f"<tr><td>{row}</td></tr>" for row in rows)
        sections.append(
            f'<table class="clause" data-path="{escape(clause.path)}"><thead><tr><th>{heading}</th></tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )
    scenarios = [s for f in features() if f.policy == policy_id for s in f.scenarios]
    source = f"<p class='meta'>一致性测试结果：{escape(results.describe())}</p>" if results else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>会签材料：{escape(policy.document_number)}《{escape(policy.title)}》验收标准</title>
<link rel="stylesheet" href="{escape(assets)}dossier.css">
</head>
<body>
<h1>《{escape(policy.title)}》<br>验收标准会签材料</h1>
<p class="meta">文号：{escape(policy.document_number)}；发文机关：{escape(policy.issuer)}；
地区：{escape(policy.jurisdiction_name)}；施行期间：{escape(policy.in_force.describe())}；
验收标准版本 {escape(suite_version())}；生成日期 {dt.date.today().isoformat()}</p>
<p class="meta">全部{_counts(scenarios)}。必选场景只断言所引条款原文已定的内容；可选场景依据歧义登记中参考实现的选择。
审核状态：拟定（尚未审核）、已审核、有异议、需复核（审核后场景、所检验条款原文或所引歧义登记已改变）。</p>
{source}
{"".join(sections)}
<table class="sign">
<thead><tr><th colspan="3"><span class="document">{document}</span>会签</th></tr></thead>
<tbody>
<tr><td colspan="3">以上 {len(scenarios)} 个场景已对照《{escape(policy.title)}》
（{escape(policy.document_number)}）原文逐条审阅，审阅意见见各场景的审核状态与审核意见。</td></tr>
<tr><th>审核人（法律）</th><td>签字：</td><td>日期：</td></tr>
<tr><th>业务负责人</th><td>签字：</td><td>日期：</td></tr>
<tr><th>技术负责人</th><td>签字：</td><td>日期：</td></tr>
</tbody>
</table>
</body>
</html>
"""
