"""The legal review commands as a maintainer runs them: the wheel in a fresh venv outside the
checkout, reading the review records it ships, gating on sign-off and checking an exported file."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bingpin.api.catalog.data import by_id
from bingpin.api.catalog.reviews import STATUSES, counts, fingerprints
from tests.wheel import Installed


@pytest.fixture(scope="module")
def installed(installed_bingpin: Callable[..., Installed]) -> Installed:
    return installed_bingpin()


def test_the_installed_status_counts_every_scenario_and_gates_on_sign_off(installed: Installed, tmp_path: Path) -> None:
    run = installed.run("review", "status", "--strict", cwd=tmp_path)
    found = counts(fingerprints())
    assert run.returncode == (1 if found["有异议"] or found["需复核"] else 0), run.stderr
    totals = re.findall(r"合计  场景 (\d+)：" + "  ".join(f"{s} (\\d+)" for s in STATUSES), run.stdout)
    assert len(totals) == len(by_id())
    assert sum(int(t[0]) for t in totals) == len(fingerprints())
    assert [sum(int(t[i + 1]) for t in totals) for i in range(len(STATUSES))] == [found[s] for s in STATUSES]
    if run.returncode:
        assert f"有异议 {found['有异议']}，需复核 {found['需复核']}" in run.stdout


def test_the_installed_check_reads_an_exported_file_and_refuses_a_broken_one(
    installed: Installed, tmp_path: Path
) -> None:
    current = fingerprints()["JX-MA-001"]
    good = tmp_path / "2026-12-06-review-101500.yaml"
    good.write_text(
        'reviewer: "法规处 张三"\nreviewed_on: 2026-12-06\nrecords:\n'
        f'  - scenario: "JX-MA-001"\n    verdict: 有异议\n    note: "第一行\\n第二行\\u2028\\ufffe"\n'
        f"    fingerprint: {current}\n",
        encoding="utf-8",
    )
    run = installed.run("review", "check", str(good), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "法规处 张三，2026-12-06，记录 1 条" in run.stdout and "有异议 1" in run.stdout
    raw = tmp_path / "raw.yaml"  # the same character written raw, as no exporter writes it
    raw.write_text(good.read_text(encoding="utf-8").replace("\\ufffe", "\ufffe"), encoding="utf-8")
    run = installed.run("review", "check", str(raw), cwd=tmp_path)
    assert run.returncode == 2 and "invalid YAML" in run.stderr and "Traceback" not in run.stderr
