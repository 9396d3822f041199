"""POST /v1/comparisons/<calculation>: one person's facts, every jurisdiction side by side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView

from bingpin.api.parsing import Blueprint
from bingpin.api.resources.calculations import ENDPOINTS, Endpoint, answer
from bingpin.api.schemas import comparisons as s
from bingpin.rules.core.errors import CalculationRefused, NotDefinedByPolicy
from bingpin.rules.core.money import format_money, format_percent
from bingpin.rules.core.policy import Policy
from bingpin.rules.registry import CALCULATIONS, policies

blp = Blueprint(
    "comparisons",
    __name__,
    url_prefix="/v1/comparisons",
    description="比较：同一个人（家庭）的情况，按各地区政策分别计算，并列答复；政策未规定的地区单独列出。",
)


def _money(result: dict[str, Any], field: str) -> str | None:
    value = result.get(field)
    return None if value is None else format_money(value)


def _ratio(result: dict[str, Any]) -> str:
    if result.get("ratio") is None:
        return ""
    floor = "不低于" if result.get("ratio_is_floor") else ""
    return f"（比例{floor} {format_percent(result['ratio'])}）"


def _amount_line(label: str, field: str) -> Callable[[dict[str, Any]], tuple[str | None, str]]:
    def line(result: dict[str, Any]) -> tuple[str | None, str]:
        amount = _money(result, field)
        if not result["eligible"]:
            return amount, f"不符合{label}条件"
        return amount, f"{label} {amount} 元{_ratio(result)}"

    return line


def _subsidy(result: dict[str, Any]) -> tuple[str | None, str]:
    if not result["eligible"]:
        return None, "不符合资助参保条件"
    share = "未规定比例" if result.get("share") is None else f"资助比例 {format_percent(result['share'])}"
    amount = _money(result, "subsidy")
    return amount, f"{share}" + (f"，资助 {amount} 元" if amount else "")


def _monitoring(result: dict[str, Any]) -> tuple[str | None, str]:
    levels = {"key": "重点对象", "watch": "关注对象", "potential": "潜在对象"}
    if not result["flagged"]:
        return "false", "不列为监测对象"
    return "true", f"列为监测对象（{levels.get(result.get('level') or '', '监测对象')}）"


def _indicators(result: dict[str, Any]) -> tuple[str | None, str]:
    items = result["indicators"]
    met = sum(1 for item in items if item["met"])
    return f"{met}/{len(items)}", f"计算 {len(items)} 项指标，达到目标 {met} 项"


HEADLINES: dict[str, tuple[str, Callable[[dict[str, Any]], tuple[str | None, str]]]] = {
    "medical-assistance": ("医疗救助金额（元）", _amount_line("医疗救助", "amount")),
    "critical-illness-insurance": ("大病保险支付金额（元）", _amount_line("大病保险支付", "amount")),
    "insurance-subsidy": ("资助参保金额（元）", _subsidy),
    "risk-monitoring": ("是否列为监测对象", _monitoring),
    "high-cost-relief": ("化解金额（元）", _amount_line("化解", "relief")),
    "indicators": ("达到目标的指标数/计算的指标数", _indicators),
}


def _recognised(policy: Policy, categories: list[str], ignored: list[str]) -> list[str]:
    known = {c.value for c in policy.categories}
    ignored.extend(c for c in categories if c not in known and c not in ignored)
    return [c for c in categories if c in known]


def _facts_for(policy: Policy, args: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The facts as this policy can read them: categories it does not know are left out."""
    ignored: list[str] = []
    facts = {key: value for key, value in args.items() if key != "jurisdictions"}
    facts["jurisdiction"] = policy.jurisdiction_code
    if "categories" in facts:
        facts["categories"] = _recognised(policy, facts["categories"], ignored)
    if "members" in facts:
        facts["members"] = [
            {**member, "categories": _recognised(policy, member.get("categories", []), ignored)}
            for member in facts["members"]
        ]
    return facts, ignored


def compare(endpoint: Endpoint, args: dict[str, Any]) -> dict[str, Any]:
    label, headline = HEADLINES[endpoint.path]
    wanted = args.get("jurisdictions") or sorted(policies())
    results, table, silent = [], [], []
    for code in wanted:
        policy = policies()[code]
        ref = {"code": code, "name": policy.jurisdiction_name}
        facts, ignored = _facts_for(policy, args)
        entry: dict[str, Any] = {
            "jurisdiction": ref,
            "policy": {"id": policy.id, "document_number": policy.document_number, "title": policy.title},
            "ignored_categories": ignored,
            "result": None,
            "error": None,
        }
        try:
            result = answer(endpoint.path, code, endpoint.build(facts))
        except CalculationRefused as refusal:
            entry.update(
                status=refusal.code, error={"code": refusal.code, "message": refusal.message, "errors": refusal.errors}
            )
            if isinstance(refusal, NotDefinedByPolicy):
                silent.append(ref)
                summary = f"{policy.document_number} 未规定{CALCULATIONS[endpoint.path]}"
            else:
                summary = refusal.message
            table.append(
                {"jurisdiction": ref, "status": refusal.code, "eligible": None, "headline": None, "summary": summary}
            )
        else:
            if ignored:
                result["assumptions"] = [*result["assumptions"], f"该政策不含类别 {', '.join(ignored)}，比较时未计入"]
            value, summary = headline(result)
            entry.update(status="computed", result=result)
            table.append(
                {
                    "jurisdiction": ref,
                    "status": "computed",
                    "eligible": result["eligible"],
                    "headline": value,
                    "summary": summary,
                }
            )
        results.append(entry)
    return {
        "calculation": endpoint.path,
        "date": args["date"],
        "headline": label,
        "table": table,
        "silent": silent,
        "results": results,
    }


def _register(endpoint: Endpoint) -> None:
    request = s.request_schema(endpoint.view, endpoint.request)
    response = s.response_schema(endpoint.view, endpoint.response)

    @blp.arguments(request)
    @blp.response(200, response)
    def post(self: MethodView, args: dict[str, Any]) -> dict[str, Any]:
        return compare(endpoint, args)

    name = CALCULATIONS[endpoint.path]
    post.__doc__ = (
        f"比较各地区的{name}：同一情况按各地政策并列答复\n\n"
        "table 每个地区一行（状态、是否符合、主要结果、一句话说明）；silent 列出政策未规定此项的地区；"
        "results 给出每个地区的完整答复（含计算步骤与条款依据）或拒绝的原因。"
        "某地政策不认可的类别在该地区不计入，并在 ignored_categories 和 assumptions 中列明。"
    )
    blp.route(f"/{endpoint.path}")(type(f"{endpoint.view}Comparison", (MethodView,), {"post": post}))


for _endpoint in ENDPOINTS:
    _register(_endpoint)
