"""A pytest plugin that selects scenarios by tag and records, for each, what happened:
its outcome and, on failure, the step, the expectation, the request sent and the answer got."""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

import pytest

from bingpin.api import stopping


@dataclass
class Selection:
    """Which scenarios run: jurisdictions (any of) and tags (all of; ``~tag`` excludes)."""

    policies: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def matches(self, tags: set[str]) -> bool:
        if self.policies and not tags & set(self.policies):
            return False
        for tag in (t.lstrip("@") for t in self.tags):
            if tag.startswith("~"):
                if tag[1:].lstrip("@") in tags:
                    return False
            elif tag not in tags:
                return False
        return True


def scenario_id(tags: set[str], fallback: str) -> str:
    return next((t[3:] for t in sorted(tags) if t.startswith("id:")), fallback)


class Recorder:
    """Collects one record per scenario and shows a progress line while the suite runs."""

    def __init__(self, selection: Selection, stream: TextIO = sys.stderr) -> None:
        self.selection = selection
        self.stream = stream
        self.records: dict[str, dict[str, Any]] = {}
        self.failures: dict[str, dict[str, Any]] = {}
        self.collection_errors: list[str] = []
        self.total = 0
        self.done = 0
        self.failed = 0
        self.ids: dict[str, str] = {}
        self.stopped = ""
        self.interruption: BaseException | None = None

    # ---- selection ----------------------------------------------------------------------
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        keep: list[pytest.Item] = []
        drop: list[pytest.Item] = []
        for item in items:
            tags = set(getattr(getattr(item, "function", None), "scenario_tags", set()))
            (keep if tags and self.selection.matches(tags) else drop).append(item)
            self.ids[item.nodeid] = scenario_id(tags, item.nodeid)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep
        self.total = len(keep)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext}")

    # ---- what happened ----------------------------------------------------------------------
    def pytest_bdd_step_error(
        self,
        request: pytest.FixtureRequest,
        feature: Any,
        scenario: Any,
        step: Any,
        step_func: Any,
        step_func_args: Any,
        exception: BaseException,
    ) -> None:
        exchange = getattr(exception, "exchange", None)  # a request without a usable answer
        if exchange is None:
            with contextlib.suppress(pytest.FixtureLookupError):
                exchange = getattr(request.getfixturevalue("context"), "exchange", None)
        failure: dict[str, Any] = {
            "step": f"{step.keyword} {step.name}",
            "line": step.line_number,
            "expected": str(exception).split("\n", 1)[0],
            "message": str(exception),
            "request": None,
            "response": None,
            "curl": None,
        }
        if exchange is not None:
            failure.update(
                request={"method": exchange.method, "url": exchange.url, "body": exchange.body},
                response=None if exchange.status is None else {"status": exchange.status, "body": exchange.answer},
                curl=exchange.curl(),
            )
        self.failures[request.node.nodeid] = failure

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """A stop a signal asked for, and that was not raised where the run was (raised in a
        finalizer, where Python drops it), is raised before the next scenario."""
        stopping.raise_asked()

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """Ctrl-C, or ``pytest.exit`` when the service stopped answering: keep why."""
        self.stopped = str(getattr(excinfo.value, "msg", "") or "interrupted")
        self.interruption = excinfo.value

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        final = report.when == "call" or (report.when == "setup" and not report.passed)
        if not final:
            return
        status = "passed" if report.passed else "skipped" if report.skipped else "failed"
        failure = self.failures.get(report.nodeid)
        if status == "failed" and failure is None:
            failure = {
                "step": None,
                "line": None,
                "expected": None,
                "message": report.longreprtext[-4000:],
                "request": None,
                "response": None,
                "curl": None,
            }
        self.records[report.nodeid] = {
            "id": self.ids.get(report.nodeid, report.nodeid),
            "status": status,
            "duration_seconds": round(report.duration, 4),
            "failure": failure if status == "failed" else None,
        }
        self.done += 1
        self.failed += status == "failed"
        self._progress(self.ids.get(report.nodeid, ""))

    def _progress(self, current: str) -> None:
        line = f"[{self.done:>4}/{self.total}] passed {self.done - self.failed}, failed {self.failed}  {current}"
        if self.stream.isatty():
            self.stream.write(f"\r{line:<80}")
            if self.done == self.total:
                self.stream.write("\n")
        elif self.done == self.total or self.done % 25 == 0:
            self.stream.write(line + "\n")
        self.stream.flush()


def run(args: list[str], recorder: Recorder) -> int:
    """Run pytest quietly with ``recorder``; returns pytest's exit code."""
    started = time.monotonic()
    quiet = ["-o", "addopts=--strict-markers", "-p", "no:terminal", "-p", "no:cacheprovider"]
    code = pytest.main([*args, *quiet], plugins=[recorder])
    recorder.elapsed = time.monotonic() - started  # type: ignore[attr-defined]
    return int(code)
