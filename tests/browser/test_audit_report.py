"""The audit report opens in a real browser, offline, and its Chinese is drawn as Chinese."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By

from bingpin.api.audit.page import grouped
from tests.audit.test_report import HOSTILE, mixed_report
from tests.live import ROOT

SCREENSHOTS = Path(os.environ.get("BINGPIN_SCREENSHOTS", ROOT / "reports" / "screenshots"))


def test_a_supervisor_reads_the_audit_report_in_chromium(browser: Any, tmp_path: Path) -> None:
    index, data = mixed_report(tmp_path)
    browser.get(index.as_uri())
    assert browser.title == "医疗救助（medical-assistance）稽核报告"
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert headings[:2] == ["涉及金额", "记录核对情况"]
    assert headings[2].startswith("政策拒绝但被审系统已支付的记录（2 条，合计 5,400.00 元）")
    stake = browser.find_element(By.TAG_NAME, "table")
    assert stake.is_displayed()
    assert f"{grouped(data['totals']['overpaid'])} 元" in stake.text
    # the record id of markup is shown as text, never run or drawn as markup
    assert HOSTILE in browser.find_element(By.TAG_NAME, "body").text
    assert not browser.find_elements(By.CSS_SELECTOR, "body script, body b")
    # each worst row's steps are open on the page; the replay line is one click away
    steps = browser.find_elements(By.CSS_SELECTOR, "section.row ol li")
    assert steps and all(step.is_displayed() for step in steps)
    assert any("依据：嘉政办发〔2022〕58号 二(二)7" in step.text for step in steps)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / "audit-report.png"))


def test_the_chinese_of_the_report_is_drawn_with_a_chinese_font(browser: Any, tmp_path: Path) -> None:
    """Without a font for Chinese, every character is the same empty box (tofu): the title would
    look exactly like as many characters no font has (private-use code points)."""
    index, _ = mixed_report(tmp_path)
    browser.get(index.as_uri())
    title = browser.find_element(By.TAG_NAME, "h1")

    def drawn(text: str) -> bytes:
        """``text`` in the title's font, as pixels."""
        line = browser.execute_script(
            "const copy = arguments[0].cloneNode(false); copy.textContent = arguments[1];"
            "arguments[0].after(copy); return copy;",
            title,
            text,
        )
        return line.screenshot_as_png  # type: ignore[no-any-return]

    jia, xing, tofu = drawn("嘉嘉嘉嘉"), drawn("兴兴兴兴"), drawn("\ue000" * 4)
    assert jia != xing  # two characters, two pictures: not the same box
    assert jia != tofu and xing != tofu
