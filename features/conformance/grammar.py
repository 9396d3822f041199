"""The controlled vocabulary (features/grammar.yaml) and what each kind of step does.

Step definitions are built from the grammar file, never written one by one: a phrase
either sets a request field, calls a calculation, or checks a response field.
"""

from __future__ import annotations

import operator
import re
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from bingpin.features.conformance.http_client import Client, Exchange

GRAMMAR_FILE = Path(__file__).resolve().parents[1] / "grammar.yaml"
MONEY_IN = re.compile(r"^\d+(\.\d{1,2})?$")
MONEY_OUT = re.compile(r"^-?\d+\.\d{2}$")
OPS = {"eq": operator.eq, "ge": operator.ge, "le": operator.le}
OP_WORDS = {"eq": "应为", "ge": "应不低于", "le": "应不高于"}
YES = {"是": True, "否": False}


@dataclass(frozen=True)
class Step:
    phrase: str
    kind: str  # given / when / then
    action: str
    spec: dict[str, Any]


def load() -> tuple[dict[str, dict[str, str]], list[Step]]:
    data = yaml.safe_load(GRAMMAR_FILE.read_text(encoding="utf-8"))
    steps = []
    for raw in data["steps"]:
        if "sets" in raw:
            steps.append(Step(raw["phrase"], "given", "sets", raw["sets"]))
        elif "checks" in raw:
            steps.append(Step(raw["phrase"], "then", "checks", raw["checks"]))
        else:
            action = raw["action"]
            kind = {"jurisdiction": "given", "members": "given", "figures": "given", "calculate": "when"}
            # "parameters" reads open data and checks it: a then-step with a table.
            steps.append(Step(raw["phrase"], kind.get(action, "then"), action, {}))
    return data["vocabulary"], steps


VOCABULARY, STEPS = load()


class StepError(AssertionError):
    """A step that cannot be carried out or whose expectation is not met."""


def lookup(table: str, word: str) -> str:
    try:
        return VOCABULARY[table][word]
    except KeyError:
        known = "、".join(VOCABULARY[table])
        raise StepError(f"“{word}”不在受控词汇 {table} 中（可用：{known}）") from None


def money(text: str) -> str:
    if not MONEY_IN.match(text):
        raise StepError(f"金额写法无效：{text!r}（应为如 9000 或 9000.00）")
    return text


def percent(text: str) -> Decimal:
    if not text.endswith("%"):
        raise StepError(f"比例应写作百分数，如 90%：{text!r}")
    return Decimal(text[:-1])


def json_path(field: str, index: str | None) -> str:
    """The answer's field as a client names it: ``第1位成员`` is ``members[0]`` (JSON counts from 0)."""
    path = field.replace("{index}", index or "")
    return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) - 1}]", path)


class Context:
    """One scenario: the request being built and the answer received."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.body: dict[str, Any] = {}
        self.exchange: Exchange | None = None

    # ---- facts ------------------------------------------------------------------------
    def jurisdiction(self, name: str) -> None:
        for item in self.client.cached_get("/v1/jurisdictions"):
            if item["name"] == name:
                self.body["jurisdiction"] = item["code"]
                return
        raise StepError(f"服务未列出地区“{name}”（GET /v1/jurisdictions）")

    def category_code(self, name: str) -> str:
        if "jurisdiction" not in self.body:
            raise StepError("须先给出地区，才能把类别名称对应到代码")
        entries = self.client.cached_get("/v1/categories", {"jurisdiction": self.body["jurisdiction"]})
        for entry in entries:
            if entry["name"] == name:
                return str(entry["code"])
        known = "、".join(e["name"] for e in entries)
        raise StepError(f"该地区未列出类别“{name}”（GET /v1/categories；已列出：{known}）")

    def names(self, text: str) -> list[str]:
        """Category names separated by 、; a name that itself contains 、 (嘉兴's
        因病纳入低保、低边的支出型困难人员) is matched whole, the longest listed name first."""
        parts = [n for n in text.split("、") if n]
        listed: set[str] = set()
        if "jurisdiction" in self.body:
            entries = self.client.cached_get("/v1/categories", {"jurisdiction": self.body["jurisdiction"]})
            listed = {str(e["name"]) for e in entries}
        codes: list[str] = []
        start = 0
        while start < len(parts):
            end = next((j for j in range(len(parts), start + 1, -1) if "、".join(parts[start:j]) in listed), start + 1)
            codes.append(self.category_code("、".join(parts[start:end])))
            start = end
        return codes

    def convert(self, kind: str, text: str) -> Any:
        if kind == "money":
            return money(text)
        if kind in ("date", "text"):
            return text
        if kind == "integer":
            return int(text)
        if kind == "names":
            return self.names(text)
        if kind == "diagnoses":
            return [lookup("diagnoses", n) for n in text.split("、") if n]
        if kind == "attributes":
            return [lookup("attributes", n) for n in text.split("、") if n]
        raise StepError(f"grammar: unknown type {kind}")

    def set(self, spec: dict[str, Any], value: str | None) -> None:
        if "value" in spec:
            self.body[spec["field"]] = (
                spec["value"] if spec["type"] == "boolean" else self.convert(spec["type"], spec["value"])
            )
        else:
            assert value is not None
            target, field = self.body, spec["field"]
            while "." in field:  # a field of a nested object, e.g. deductibles.marginal_subsistence
                head, field = field.split(".", 1)
                target = target.setdefault(head, {})
            target[field] = self.convert(spec["type"], value)

    def members(self, table: list[list[str]]) -> None:
        header, *rows = table
        fields = [lookup("members", h) for h in header]
        members = []
        for row in rows:
            member: dict[str, Any] = {}
            for field, cell in zip(fields, row, strict=True):
                if field == "categories":
                    member[field] = self.names(cell)
                elif field == "self_pay":
                    member[field] = money(cell)
                else:
                    member[field] = YES[cell]
            members.append(member)
        self.body["members"] = members

    def figures(self, table: list[list[str]]) -> None:
        self.body["figures"] = {lookup("figures", name): money(value) for name, value in table[1:]}

    def calculate(self, name: str) -> None:
        self.exchange = self.client.post(f"/v1/calculations/{lookup('calculations', name)}", self.body)

    # ---- expectations -------------------------------------------------------------------
    def answer(self) -> Any:
        if self.exchange is None:
            raise StepError("尚未计算")
        if self.exchange.status != 200:
            raise StepError(f"计算未成功（HTTP {self.exchange.status}）：\n{self.exchange.describe()}")
        return self.exchange.payload

    def fail(self, message: str) -> StepError:
        detail = self.exchange.describe() if self.exchange else ""
        return StepError(f"{message}\n{detail}")

    def resolve(self, path: str, index: str | None) -> Any:
        node = self.answer()
        path = path.replace("{index}", index or "")
        for part in re.findall(r"[^.\[\]]+|\[[^\]]*\]", path):
            if part.startswith("[id="):
                wanted = part[4:-1]
                wanted = VOCABULARY["indicators"].get(wanted, wanted)
                matches = [item for item in node if isinstance(item, dict) and item.get("id") == wanted]
                if not matches:
                    raise self.fail(f"答复中没有 id 为 {wanted} 的项")
                node = matches[0]
            elif part.startswith("["):
                position = int(part[1:-1])
                if not isinstance(node, list) or not 1 <= position <= len(node):
                    where = json_path(path.split("[", 1)[0] + part, None)
                    raise self.fail(f"答复中没有第 {position} 项（{where}）")
                node = node[position - 1]
            else:
                if not isinstance(node, dict) or part not in node:
                    raise self.fail(f"答复中缺少字段 {part}（{json_path(path, None)}）")
                node = node[part]
        return node

    def check(self, spec: dict[str, Any], value: str | None, index: str | None) -> None:
        actual = self.resolve(spec["field"], index)
        kind, op = spec["type"], spec.get("op", "eq")
        where = json_path(spec["field"], index)
        if kind == "null":
            if actual is not None:
                raise self.fail(f"{where} 应为 null，实际为 {actual!r}")
            return
        if kind == "boolean":
            if actual is not spec["value"]:
                raise self.fail(f"{where} 应为 {spec['value']}，实际为 {actual!r}")
            return
        assert value is not None
        if kind in ("money", "percent", "percent_figure"):
            if kind == "money":
                expected = Decimal(money(value))
                if not isinstance(actual, str) or not MONEY_OUT.match(actual):
                    raise self.fail(f"{where} 应为两位小数的金额字符串，实际为 {actual!r}")
            else:
                expected = percent(value) / (100 if kind == "percent" else 1)
            try:
                got = Decimal(str(actual))
            except (InvalidOperation, TypeError):
                raise self.fail(f"{where} 应为数值字符串，实际为 {actual!r}") from None
            if isinstance(actual, float) or not OPS[op](got, expected):
                raise self.fail(f"{where} {OP_WORDS[op]} {value}，实际为 {actual!r}")
            return
        expected_text = {
            "date": lambda: value,
            "name": lambda: self.category_code(value),
            "level": lambda: lookup("levels", value),
            "text": lambda: value,
        }[kind]()
        if actual != expected_text:
            raise self.fail(f"{where} 应为 {expected_text!r}（{value}），实际为 {actual!r}")

    def error(self, name: str) -> None:
        code = lookup("errors", name)
        if self.exchange is None:
            raise StepError("尚未计算")
        payload = self.exchange.payload
        got = payload.get("code") if isinstance(payload, dict) else None
        if self.exchange.status != 422 or got != code:
            raise self.fail(f"应答复 HTTP 422 code={code}（{name}），实际为 HTTP {self.exchange.status} code={got}")

    def not_ineligible(self) -> None:
        """The person is not refused: eligible, or a 422 asking for an input (validation_error). Where
        the text settles that a person is an object but not the figure, both answers conform."""
        if self.exchange is None:
            raise StepError("尚未计算")
        payload = self.exchange.payload
        if self.exchange.status == 422 and isinstance(payload, dict) and payload.get("code") == "validation_error":
            return
        if self.answer().get("eligible") is not True:
            raise self.fail("不应答复不符合条件：应符合条件，或答复输入无效（HTTP 422 validation_error）要求补充输入")

    def cites(self, clause: str) -> None:
        steps = self.answer().get("explanation") or []
        clauses = [s["citation"]["clause"] for s in steps if isinstance(s, dict) and s.get("citation")]
        if clause not in clauses:
            raise self.fail(f"计算说明未引用条款 {clause}（引用了：{'、'.join(clauses)}）")

    def parameters(self, table: list[list[str]]) -> None:
        """Each row: parameter key, a date, the value in force that day ("无" when none)."""
        code = self.body.get("jurisdiction")
        policy = next(
            (j["policy"]["id"] for j in self.client.cached_get("/v1/jurisdictions") if j["code"] == code), None
        )
        if policy is None:
            raise StepError("须先给出地区")
        for key, day, expected in table[1:]:
            # The policy id is the service's own text: quoted, as every word of the replay line is.
            path = f"/v1/parameters/{urllib.parse.quote(str(policy), safe='')}:{urllib.parse.quote(key, safe='')}"
            self.exchange = self.client.get(path, {"date": day})
            if self.exchange.status != 200:
                raise self.fail(f"参数 {key} 未能读取（HTTP {self.exchange.status}）")
            values = self.exchange.payload.get("values") or []
            got = values[0]["value"] if values else None
            if expected == "无":
                if got is not None:
                    raise self.fail(f"参数 {key} 在 {day} 不应有值，实际为 {got!r}")
            elif got is None or Decimal(got) != Decimal(expected):
                raise self.fail(f"参数 {key} 在 {day} 应为 {expected}，实际为 {got!r}")

    def listed(self, field: str) -> list[Any]:
        """The answer's list ``field`` (every answer of the calculation has it, ``[]`` when empty): a
        check that something is absent from it cannot pass on an answer without the list."""
        answer = self.answer()
        found = answer.get(field) if isinstance(answer, dict) else None
        if not isinstance(found, list):
            raise self.fail(f"答复中没有列表 {field}（答复的格式不符合接口文档）")
        return found

    def assumes(self, text: str) -> None:
        """Some entry of ``assumptions`` mentions ``text``."""
        assumptions = [str(a) for a in self.listed("assumptions")]
        if not any(text in a for a in assumptions):
            raise self.fail(f"答复的假定未提及“{text}”（假定：{'；'.join(assumptions) or '无'}）")

    def assumes_not(self, text: str) -> None:
        """No entry of ``assumptions`` mentions ``text``."""
        assumptions = [str(a) for a in self.listed("assumptions")]
        if any(text in a for a in assumptions):
            raise self.fail(f"答复的假定不应提及“{text}”（假定：{'；'.join(assumptions)}）")

    def indicator_absent(self, name: str) -> None:
        wanted = lookup("indicators", name)
        if any(isinstance(item, dict) and item.get("id") == wanted for item in self.listed("indicators")):
            raise self.fail(f"不应计算指标 {wanted}")
