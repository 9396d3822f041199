"""``bingpin conformance matrix`` as users get it: the wheel in a fresh venv judges three
implementations (the reference service, a proxy that passes every answer on, a proxy that alters
one), puts their reports side by side, and the page shows in Chromium the disagreement first, the
counts, the suite version and, where only the reference passes, the flag."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from selenium.webdriver.common.by import By

from tests.conformance.altered import altered, proxy
from tests.live import ROOT, served
from tests.test_conformance import on_new_year
from tests.wheel import Installed

SCREENSHOTS = Path(os.environ.get("BINGPIN_SCREENSHOTS", ROOT / "reports" / "screenshots"))
SUITE = (ROOT / "features" / "SUITE_VERSION").read_text(encoding="utf-8").strip()
NAMES = ("参考", "faithful", "altered")


def passes_everything_on(*_: Any) -> bool:
    return False


@pytest.fixture(scope="module")
def runs(installed_bingpin: Callable[..., Installed], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The three runs' reports (嘉兴's scenarios) and the matrices made of them, from the wheel."""
    installed = installed_bingpin()
    work = tmp_path_factory.mktemp("matrix-work")
    environment = installed.environment()

    def judge(url: str, name: str) -> None:
        result = installed.run("conformance", "--base-url", url, "--policy", "jiaxing", "--report", name, cwd=work)
        assert result.returncode == (1 if name == "altered" else 0), result.stdout[-3000:] + result.stderr[-3000:]

    with served(bingpin=[str(installed.bingpin)], cwd=work, env=environment) as service:
        judge(service, NAMES[0])
        with proxy(service, passes_everything_on) as faithful:
            judge(faithful, NAMES[1])
        with altered(service, on_new_year, "amount", "8999.99") as wrong:
            judge(wrong, NAMES[2])
    pairs = [f"{name}={name}/report.json" for name in NAMES]
    for out, chosen in (("matrix", pairs), ("flag", [pairs[0], pairs[2]])):
        result = installed.run("conformance", "matrix", *chosen, "--out", out, cwd=work)
        assert result.returncode == 0, result.stdout + result.stderr
    yield work


def test_the_installed_matrix_puts_the_disagreement_first_with_each_reports_counts(
    installed_bingpin: Callable[..., Installed], runs: Path
) -> None:
    matrix = json.loads((runs / "matrix" / "matrix.json").read_text(encoding="utf-8"))
    (schema,) = installed_bingpin().venv.glob(
        "lib/python*/site-packages/bingpin/features/conformance/matrix.schema.json"
    )
    jsonschema.validate(matrix, json.loads(schema.read_text(encoding="utf-8")))  # the schema ships too
    assert matrix["reference"] == "参考" and matrix["suite_versions"] == [SUITE]
    first, *rest = matrix["rows"]
    assert first["id"] == "JX-IF-002" and first["disagree"] and not first["flagged"]
    assert [first["cells"][n]["status"] for n in NAMES] == ["passed", "passed", "failed"]
    assert first["cells"]["altered"]["check"] == "amount 应为 9000.00，实际为 '8999.99'"
    assert first["cells"]["altered"]["replay"].startswith("curl -sS -X POST http://127.0.0.1:")
    assert not any(row["disagree"] for row in rest)
    for implementation in matrix["implementations"]:
        report = json.loads((runs / implementation["name"] / "report.json").read_text(encoding="utf-8"))
        assert implementation["suite_version"] == report["suite"]["version"] == SUITE
        for tier in ("core", "optional"):
            counts = implementation["counts"][tier]
            assert {k: counts[k] for k in report["summary"][tier]} == report["summary"][tier]
            assert counts["not_run"] == 0
    flag = json.loads((runs / "flag" / "matrix.json").read_text(encoding="utf-8"))
    assert [row["id"] for row in flag["rows"] if row["flagged"]] == ["JX-IF-002"]


def test_the_matrix_page_shows_the_disagreement_first_the_counts_and_the_replay_in_chromium(
    browser: Any, runs: Path
) -> None:
    browser.get((runs / "matrix" / "index.html").as_uri())
    assert "互操作矩阵" in browser.title
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.row")
    assert rows[0].get_attribute("data-id") == "JX-IF-002" and "disagree" in (rows[0].get_attribute("class") or "")
    assert rows[0].location["y"] < browser.find_element(By.ID, "agree").location["y"] < rows[1].location["y"]
    assert [c.text for c in rows[0].find_elements(By.CSS_SELECTOR, "td.cell")] == ["通过", "通过", "失败"]
    assert browser.find_element(By.ID, "disagreements").text == "1"
    assert browser.find_element(By.ID, "flagged").text == "0"
    implementations = browser.find_elements(By.CSS_SELECTOR, "tr.implementation")
    assert [r.find_element(By.TAG_NAME, "th").text for r in implementations] == [
        "参考（参考实现 / reference）",
        "faithful",
        "altered",
    ]
    failed = [r.find_element(By.CSS_SELECTOR, '[data-tier="core"][data-status="failed"]').text for r in implementations]
    assert failed == ["0", "0", "1"]
    assert {r.find_element(By.CSS_SELECTOR, "td.version").text for r in implementations} == {SUITE}
    rows[0].find_element(By.CSS_SELECTOR, "td.cell.failed a").click()
    detail = browser.find_element(By.CSS_SELECTOR, ".detail:target")
    assert "8999.99" in detail.text and "重放 / replay: curl -sS -X POST http://127.0.0.1:" in detail.text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.get((runs / "matrix" / "index.html").as_uri())
    assert browser.save_screenshot(str(SCREENSHOTS / "conformance-matrix.png"))


def test_a_scenario_only_the_reference_passes_is_flagged_in_chromium(browser: Any, runs: Path) -> None:
    browser.get((runs / "flag" / "index.html").as_uri())
    (row,) = browser.find_elements(By.CSS_SELECTOR, "tr.row.flagged")
    assert row.get_attribute("data-id") == "JX-IF-002"
    assert "⚑ 仅参考实现通过（其余 1 个实现均失败）" in row.text
    shade = row.find_element(By.TAG_NAME, "td").value_of_css_property("background-color")
    assert shade not in ("rgba(0, 0, 0, 0)", "rgba(255, 255, 255, 1)")  # marked, not only worded
    assert browser.find_element(By.ID, "flagged").text == "1"
