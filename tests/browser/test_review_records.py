"""Legal staff record verdicts on the review page and print the dossier, in headless Chromium."""

from __future__ import annotations

import base64
import io
import json
import re
import statistics
import unicodedata
from typing import Any

from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions

from bingpin.api.catalog.data import by_id, scenarios_of
from bingpin.api.catalog.reviews import MAX_NOTE, fingerprints, parse_file
from tests.browser.test_review_page import SCREENSHOTS, clause

JX = "jiaxing-2022-58"
SCENARIO_ID = re.compile(r"\b[A-Z]{2}-[A-Z]{2,3}-[0-9]{3}\b")


def printed(words: str) -> re.Pattern[str]:
    """``words`` as text extracted from the PDF reads them: the font maps some ideographs to CJK
    radicals (⻚ for 页, ⻰ for 龙); NFKC restores the Kangxi ones, the supplement's stay."""
    return re.compile("".join(f"(?:{re.escape(c)}|[\u2e80-\u2eff])" for c in unicodedata.normalize("NFKC", words)))


def open_clause(browser: Any, policy: str, *paths: str) -> Any:
    for path in paths:
        element = clause(browser, policy, path)
        if not element.get_attribute("open"):
            browser.execute_script("arguments[0].open = true;", element)
    return clause(browser, policy, paths[-1])


def test_a_reviewer_marks_scenarios_and_exports_a_review_file(browser: Any, live_url: str) -> None:
    browser.get(f"{live_url}/review")
    browser.execute_script("window.localStorage.clear();")
    browser.get(f"{live_url}/review")
    # parent clauses show the counts of the scenarios below them
    parent = clause(browser, JX, "二(二)")
    assert re.search(r"下级条款场景 \d+", parent.find_element(By.TAG_NAME, "summary").get_attribute("textContent"))
    six = open_clause(browser, JX, "二", "二(二)", "二(二)6")
    assert "需复核" in six.find_element(By.TAG_NAME, "summary").text

    # mark every scenario of 二(二)6 at once, then dispute one with a note
    six.find_element(By.CSS_SELECTOR, "button.mark-all").click()
    direct = six.find_elements(By.CSS_SELECTOR, ":scope > .clause-body > aside > .scenario")
    ids = [node.get_attribute("data-scenario") for node in direct]
    assert ids and all(node.find_element(By.CSS_SELECTOR, "input[value='已审核']").is_selected() for node in direct)
    disputed = direct[0]
    disputed.find_element(By.CSS_SELECTOR, "input[value='有异议']").click()
    browser.find_element(By.ID, "reviewer").send_keys("法规处 张三")
    browser.find_element(By.ID, "export").click()
    message = browser.find_element(By.ID, "export-message")
    assert "须写明审核意见" in message.text and ids[0] in message.text  # a dispute says why
    note = '原文只说"当月"。\n第二行\u2028'
    disputed.find_element(By.TAG_NAME, "textarea").send_keys(note.replace("\u2028", ""))
    browser.find_element(By.ID, "export").click()
    text = browser.find_element(By.ID, "export-text").get_attribute("value")
    assert f"共 {len(ids)} 条审核记录" in message.text

    # the exported file is what the service reads: the verdicts, bound to the scenarios as shown
    records = {r.scenario: r for r in parse_file(text, "exported.yaml", fingerprints().keys())}
    assert sorted(records) == sorted(ids)
    assert records[ids[0]].verdict == "有异议" and records[ids[0]].note == '原文只说"当月"。\n第二行'
    assert {records[i].verdict for i in ids[1:]} == {"已审核"}
    assert all(r.fingerprint == fingerprints()[r.scenario] and r.reviewer == "法规处 张三" for r in records.values())
    download = browser.find_element(By.ID, "export-download")
    assert download.get_attribute("href").startswith("blob:") and download.get_attribute("download").endswith(".yaml")

    # marks survive a reload (kept in this browser until exported or cleared)
    browser.refresh()
    six = open_clause(browser, JX, "二", "二(二)", "二(二)6")
    first = six.find_element(By.CSS_SELECTOR, f".scenario[data-scenario='{ids[0]}']")
    assert first.find_element(By.CSS_SELECTOR, "input[value='有异议']").is_selected()
    assert f"本次已标记 {len(ids)} 个场景" in browser.find_element(By.ID, "marked-count").text
    browser.execute_script("window.localStorage.clear();")


def test_a_long_clause_keeps_its_text_in_view_beside_its_scenarios(browser: Any, live_url: str) -> None:
    browser.get(f"{live_url}/review")
    seven = open_clause(browser, JX, "二", "二(二)", "二(二)7")
    text = seven.find_element(By.CSS_SELECTOR, ":scope > .clause-body > .clause-text")
    scenarios = seven.find_elements(By.CSS_SELECTOR, ":scope > .clause-body > aside > .scenario")
    assert len(scenarios) > 20
    deep = scenarios[len(scenarios) * 3 // 4]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", deep)
    box = browser.execute_script(
        "var r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight];", text
    )
    header = browser.execute_script("return document.querySelector('header').getBoundingClientRect().bottom;")
    assert header - 1 <= box[0] < box[2] and box[1] > box[0], (box, header)  # visible under the header
    assert "一类对象全额救助" in text.text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / "review-long-clause.png"))


def test_the_dossier_prints_on_a4_with_each_page_naming_its_document_and_clause(browser: Any, live_url: str) -> None:
    for policy_id, policy in by_id().items():
        browser.get(f"{live_url}/review/{policy_id}/dossier")
        assert "会签材料" in browser.title
        options = PrintOptions()
        options.page_width, options.page_height = 21.0, 29.7
        pdf = PdfReader(io.BytesIO(base64.b64decode(browser.print_page(options))))
        pages = [unicodedata.normalize("NFKC", page.extract_text() or "") for page in pdf.pages]
        count = len(scenarios_of(policy_id))
        # a reasonable count: about two scenarios a page, no near-blank pages (the running header
        # and page number alone are about 100 characters; a full page reads about 700)
        assert count / 4 <= len(pages) <= count * 2 / 3, (policy_id, len(pages), count)
        middle = statistics.median(len(text) for text in pages)
        for number, text in enumerate(pages, 1):
            assert number == len(pages) or len(text) >= middle / 2, (policy_id, number, len(text), middle)
            # pypdf reads some CJK glyphs as their radical forms (⻚ for 页): compare digits and ids
            assert re.search(rf"第 {number} . / 共 {len(pages)} .", text), (policy_id, number)
            assert printed(policy.document_number).search(text), (policy_id, number)
            if SCENARIO_ID.search(text):
                assert "条款" in text, (policy_id, number)
        last = pages[-1]
        assert "签字" in last


MARK = """
var box = document.querySelector(".scenario[data-scenario='" + arguments[0] + "'] .verdict");
box.querySelector("input[value='" + arguments[1] + "']").click();
var note = box.querySelector("textarea");
note.value = JSON.parse(arguments[2]);
note.dispatchEvent(new Event("input"));
"""


def mark(browser: Any, scenario_id: str, verdict: str, note: str) -> None:
    """A verdict and note as a reviewer types them (the note through JSON: any character, even one
    the driver cannot send as keys)."""
    browser.execute_script(MARK, scenario_id, verdict, json.dumps(note))


def fresh(browser: Any, url: str) -> None:
    browser.get(url)
    browser.execute_script("window.localStorage.clear();")
    browser.get(url)


def test_notes_with_any_character_export_to_a_file_the_service_reads_back(browser: Any, live_url: str) -> None:
    fresh(browser, f"{live_url}/review")
    notes = {
        "JX-MA-001": "引号\"与'单引号'、反斜杠\\、冒号: 与 # 井号\n第二行\t制表",
        "JX-MA-002": "行分隔\u2028段分隔\u2029下一行\u0085",
        "JX-MA-003": "字节序\ufeff非字符\ufffe\uffff结束",
        "JX-MA-004": "控制\u0007\u001b字符 😀 - [列表] {映射} &锚 *别名 !标签",
    }
    for scenario_id, note in notes.items():
        mark(browser, scenario_id, "有异议", note)
    browser.find_element(By.ID, "reviewer").send_keys("法规处")
    browser.find_element(By.ID, "export").click()
    text = browser.find_element(By.ID, "export-text").get_attribute("value")
    records = {r.scenario: r for r in parse_file(text, "exported.yaml", fingerprints().keys())}
    assert {i: records[i].note for i in notes} == {i: n.strip() for i, n in notes.items()}
    browser.execute_script("window.localStorage.clear();")


def test_a_note_longer_than_the_service_reads_is_refused_on_the_page(browser: Any, live_url: str) -> None:
    fresh(browser, f"{live_url}/review")
    box = browser.find_element(By.CSS_SELECTOR, ".scenario[data-scenario='JX-MA-001'] .verdict textarea")
    assert box.get_attribute("maxlength") == str(MAX_NOTE)
    mark(browser, "JX-MA-001", "有异议", "长" * (MAX_NOTE + 1))  # pasted past the box's limit by a script
    browser.find_element(By.ID, "reviewer").send_keys("法规处")
    browser.find_element(By.ID, "export").click()
    assert f"不得超过 {MAX_NOTE} 字" in browser.find_element(By.ID, "export-message").text
    assert browser.find_element(By.ID, "export-text").get_attribute("value") == ""
    browser.execute_script("window.localStorage.clear();")


def test_a_review_dated_later_than_today_is_refused_on_the_page(browser: Any, live_url: str) -> None:
    """The service refuses such a file (it would outrank every verdict recorded until that day)."""
    fresh(browser, f"{live_url}/review")
    day = browser.find_element(By.ID, "reviewed-on")
    today = day.get_attribute("value")
    assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", today) and day.get_attribute("max") == today
    mark(browser, "JX-MA-001", "已审核", "")
    browser.find_element(By.ID, "reviewer").send_keys("法规处")
    browser.execute_script("arguments[0].value = '2062-12-06';", day)  # typed past the field's limit
    browser.find_element(By.ID, "export").click()
    assert f"审核日期不得晚于今天（{today}）" in browser.find_element(By.ID, "export-message").text
    assert browser.find_element(By.ID, "export-text").get_attribute("value") == ""
    browser.execute_script("arguments[0].value = arguments[1];", day, today)
    browser.find_element(By.ID, "export").click()
    text = browser.find_element(By.ID, "export-text").get_attribute("value")
    assert [r.reviewed_on.isoformat() for r in parse_file(text, "x.yaml", fingerprints().keys())] == [today]
    browser.execute_script("window.localStorage.clear();")


def test_marking_a_whole_clause_keeps_a_dispute_already_marked(browser: Any, live_url: str) -> None:
    fresh(browser, f"{live_url}/review")
    six = open_clause(browser, JX, "二", "二(二)", "二(二)6")
    direct = six.find_elements(By.CSS_SELECTOR, ":scope > .clause-body > aside > .scenario")
    ids = [node.get_attribute("data-scenario") for node in direct]
    mark(browser, ids[1], "有异议", "原文未载明")
    six.find_element(By.CSS_SELECTOR, "button.mark-all").click()
    marks = browser.execute_script("return JSON.parse(localStorage.getItem('bingpin-review-marks'));")
    assert marks[ids[1]]["verdict"] == "有异议" and marks[ids[1]]["note"] == "原文未载明"
    assert {marks[i]["verdict"] for i in ids if i != ids[1]} == {"已审核"} and len(marks) == len(ids)
    browser.execute_script("window.localStorage.clear();")


def test_marks_made_before_a_scenario_changed_are_taken_off_and_the_reviewer_is_told(
    browser: Any, live_url: str
) -> None:
    """A mark kept in the browser on a scenario as it read before (another fingerprint), or on one the
    suite no longer has, cannot be exported; the reviewer sees which, with the note they wrote."""
    fresh(browser, f"{live_url}/review")
    old = "sha256:" + "0" * 64
    kept = {
        "JX-IS-011": {"verdict": "有异议", "note": "改动前写下的意见", "fingerprint": old},
        "JX-XX-999": {"verdict": "已审核", "note": "", "fingerprint": old},
        "JX-IS-012": {"verdict": "已审核", "note": "", "fingerprint": fingerprints()["JX-IS-012"]},
    }
    browser.execute_script(
        "localStorage.setItem('bingpin-review-marks', arguments[0]);", json.dumps(kept, ensure_ascii=False)
    )
    for _ in range(2):  # told again after a reload, until dismissed
        browser.get(f"{live_url}/review")
        notice = browser.find_element(By.ID, "dropped-marks")
        assert notice.is_displayed()
        assert "改动前写下的意见" in notice.text and "JX-IS-011" in notice.text and "JX-XX-999" in notice.text
        assert "JX-IS-012" not in notice.text
        assert "本次已标记 1 个场景" in browser.find_element(By.ID, "marked-count").text
    browser.find_element(By.ID, "dropped-close").click()
    assert not browser.find_element(By.ID, "dropped-marks").is_displayed()
    browser.get(f"{live_url}/review")
    assert not browser.find_element(By.ID, "dropped-marks").is_displayed()
    browser.execute_script("window.localStorage.clear();")
