"""The HTML conformance report opens in a real browser and shows the failure to a person."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By

from tests.conformance.altered import altered
from tests.live import ROOT
from tests.test_conformance import bingpin, on_new_year

SCREENSHOTS = Path(os.environ.get("BINGPIN_SCREENSHOTS", ROOT / "reports" / "screenshots"))


def test_the_html_report_opens_in_chromium_with_the_failure_visible(
    browser: Any, live_url: str, tmp_path: Path
) -> None:
    with altered(live_url, on_new_year, "amount", "8999.99") as wrong:
        result = bingpin("conformance", "--base-url", wrong, "--policy", "jiaxing", "--report", str(tmp_path))
    assert result.returncode == 1
    browser.get((tmp_path / "report.html").as_uri())
    assert "一致性测试报告" in browser.title
    row = browser.find_element(By.ID, "JX-IF-002")
    assert "失败" in row.text
    assert "8999.99" in row.text  # the answer received, shown open
    assert "curl" in row.text
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert any("嘉政办发〔2022〕58号" in h for h in headings)
    assert browser.find_element(By.CSS_SELECTOR, 'a[href="#JX-IF-002"]').is_displayed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / "conformance-report.png"))
