"""The review page in a real browser, served by gunicorn: all five policies, a clause that opens
onto its scenarios, and a search that filters the clauses."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from bingpin.rules.registry import policies
from tests.live import ROOT

SCREENSHOTS = Path(os.environ.get("BINGPIN_SCREENSHOTS", ROOT / "reports" / "screenshots"))


def clause(browser: Any, policy: str, path: str) -> Any:
    return browser.find_element(By.ID, f"c-{policy}-{path}")


def test_legal_staff_read_clauses_beside_their_scenarios_and_search(browser: Any, live_url: str) -> None:
    browser.get(f"{live_url}/review")
    assert "条款与验收标准审阅" in browser.title
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "section.policy > h2")]
    assert len(headings) == len(policies()) == 5
    for policy in policies().values():
        assert any(policy.document_number in h for h in headings), policy.document_number

    # Open 二 > 二(二) > 二(二)7 of 嘉兴: its scenarios appear beside the text.
    scenario = browser.find_element(By.ID, "c-jiaxing-2022-58-二(二)7--JX-MA-001")
    assert not scenario.is_displayed()
    for path in ("二", "二(二)", "二(二)7"):
        element = clause(browser, "jiaxing-2022-58", path)
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.find_element(By.TAG_NAME, "summary").click()
    WebDriverWait(browser, 5).until(lambda _: scenario.is_displayed())
    assert "一类对象全额救助" in clause(browser, "jiaxing-2022-58", "二(二)7").text
    assert "假如" in scenario.text and "那么" in scenario.text and "审核：拟定" in scenario.text

    # Search a term: only the clauses containing it stay, opened; other policies disappear.
    box = browser.find_element(By.ID, "search")
    box.send_keys("渐冻症")
    count = browser.find_element(By.ID, "search-count")
    WebDriverWait(browser, 5).until(lambda _: "找到" in count.text)
    found = clause(browser, "wenzhou-2019-13", "三(五)")
    assert found.is_displayed() and "match" in found.get_attribute("class")
    assert not browser.find_element(By.ID, "policy-jiaxing-2022-58").is_displayed()
    visible = [c for c in browser.find_elements(By.CSS_SELECTOR, "details.clause.match") if c.is_displayed()]
    assert visible and all("渐冻症" in c.text for c in visible)

    browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", found)
    browser.execute_script("window.scrollBy(0, -220);")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / "review.png"))
