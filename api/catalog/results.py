"""The last conformance result (report.json of ``bingpin conformance``), when there is one."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def load_results(path: Path) -> Results:
    """Read ``path``; a missing or unreadable report gives ``found=False`` with the reason."""
    if not path.is_file():
        return Results(path, False)
    try:
        report: Any = json.loads(path.read_text(encoding="utf-8"))
        statuses = {s["id"]: s["status"] for s in report["scenarios"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Results(path, False, problem=f"无法读取：{exc}")
    target = report.get("target") or {}
    return Results(
        path,
        True,
        statuses,
        finished_at=report.get("finished_at"),
        target=target.get("description") or target.get("base_url"),
        suite_version=(report.get("suite") or {}).get("version"),
    )
