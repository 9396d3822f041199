"""The last conformance result (report.json of ``bingpin conformance``), when there is one."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from bingpin.api.parsing import MAX_DEPTH, too_deep

REPORT_ENV = "BINGPIN_CONFORMANCE_REPORT"
DEFAULT_REPORT = Path("reports/conformance/report.json")
STATUS_NAMES = {
    "passed": "通过",
    "failed": "失败",
    "waived": "豁免",
    "stale_waiver": "通过（豁免已过时）",
    "skipped": "跳过",
}


@dataclass(frozen=True)
class Results:
    """Scenario id -> status of one conformance run; ``found`` is false when there was no report."""

    path: Path
    found: bool
    statuses: dict[str, str] = field(default_factory=dict)
    finished_at: str | None = None
    target: str | None = None
    suite_version: str | None = None
    problem: str | None = None

    def status(self, scenario_id: str) -> str | None:
        return self.statuses.get(scenario_id)

    def describe(self) -> str:
        """One line for people: which run the statuses come from, or why there are none."""
        if not self.found:
            reason = f"（{self.problem}）" if self.problem else ""
            run = "运行 bingpin conformance（报告默认写入 reports/conformance/）生成。"
            return f"尚无一致性测试结果：未找到 {self.path}{reason}。{run}"
        run = f"{self.finished_at} 对 {self.target} 运行（测试套件 {self.suite_version}）"
        return f"一致性测试结果：{run}，读自 {self.path}"


def report_path(configured: str | os.PathLike[str] | None = None) -> Path:
    """The report to read: the configured path, else ``$BINGPIN_CONFORMANCE_REPORT``, else the default."""
    return Path(configured or os.environ.get(REPORT_ENV) or DEFAULT_REPORT)


#: The largest report read (a full run's report.json is a few MiB); a larger one is not parsed.
MAX_REPORT_BYTES = 32 * 1024 * 1024
#: Characters kept of each text the page shows from a report (ids, statuses, target, dates).
MAX_TEXT = 200


class ReportShapeError(ValueError):
    """report.json is JSON, but not in the shape ``bingpin conformance`` writes."""


def _needed(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ReportShapeError(f"{where} 应为字符串 / {where} must be a string")
    return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"


def _text(value: Any, where: str) -> str | None:
    return None if value is None else _needed(value, where)


def _object(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ReportShapeError(f"{where} 应为对象 / {where} must be an object")
    return value


def _not_json(name: str) -> NoReturn:
    raise ReportShapeError(f"{name} 不是 JSON 数值 / {name} is not valid JSON")


def report_object(data: bytes) -> dict[str, Any]:
    """The top object of a report.json's bytes, read within bounds (at most :data:`MAX_REPORT_BYTES`,
    :data:`MAX_DEPTH` levels, UTF-8 JSON without NaN or Infinity) and with its ``scenarios`` list;
    anything else raises :class:`ReportShapeError` with the reason. The review page and
    ``bingpin conformance diff`` both read reports through it."""
    if len(data) > MAX_REPORT_BYTES:
        limit = MAX_REPORT_BYTES // (1024 * 1024)
        raise ReportShapeError(f"报告超过 {limit} MiB / larger than {limit} MiB")
    if too_deep(data):
        raise ReportShapeError(f"嵌套超过 {MAX_DEPTH} 层 / nested deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=_not_json)
    except UnicodeDecodeError:
        raise ReportShapeError("不是 UTF-8 / not UTF-8") from None
    except ReportShapeError:
        raise
    except ValueError as error:
        raise ReportShapeError(f"不是 JSON / not JSON ({error})") from None
    if not isinstance(value, dict):
        raise ReportShapeError("报告应为对象 / the report must be an object")
    if not isinstance(value.get("scenarios"), list):
        raise ReportShapeError("scenarios 应为列表 / scenarios must be a list")
    return value


def parse_report(path: Path, data: bytes) -> Results:
    """A report's statuses and run, read from its bytes; a report not in the shape the runner
    writes raises :class:`ReportShapeError`."""
    report = report_object(data)
    scenarios = report["scenarios"]
    statuses: dict[str, str] = {}
    for index, scenario in enumerate(scenarios):
        where = f"scenarios[{index}]"
        entry = _object(scenario, where)
        statuses[_needed(entry.get("id"), f"{where}.id")] = _needed(entry.get("status"), f"{where}.status")
    target = _object(report.get("target"), "target")
    return Results(
        path,
        True,
        statuses,
        finished_at=_text(report.get("finished_at"), "finished_at"),
        target=_text(target.get("description"), "target.description")
        or _text(target.get("base_url"), "target.base_url"),
        suite_version=_text(_object(report.get("suite"), "suite").get("version"), "suite.version"),
    )


def load_results(path: Path) -> Results:
    """Read ``path``; a missing, unreadable, oversized or odd-shaped report gives ``found=False``
    with the reason (the page says it), never an exception."""
    try:
        if not path.is_file():
            return Results(path, False)
        if path.stat().st_size > MAX_REPORT_BYTES:
            limit = MAX_REPORT_BYTES // (1024 * 1024)
            return Results(path, False, problem=f"无法读取：报告超过 {limit} MiB / report over {limit} MiB")
        with path.open("rb") as file:  # bounded even if the file grows meanwhile
            return parse_report(path, file.read(MAX_REPORT_BYTES + 1))
    except (OSError, ValueError) as exc:
        return Results(path, False, problem=f"无法读取：{str(exc)[:MAX_TEXT]}")
