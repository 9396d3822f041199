"""An answer to a bad request is a small multiple of the request: a list's length limit is checked
before its items, bad items get one message per problem (the valid codes said once), an error
payload names a bounded number of fields, and a batch gives field messages for its first failed
cases only. Ratios are measured on the bytes of the request and of the answer."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from typing import Any

import pytest
from flask.testing import FlaskClient

from bingpin.api.errors import MAX_FIELDS, MAX_NAME, OMITTED
from bingpin.api.fields import MAX_ECHO, MAX_INDEXES, MAX_ITEMS
from bingpin.api.schemas.batch import MAX_CASES, MAX_DETAILED_ERRORS
from tests.samples import MEDICAL, bad_batch, bad_categories
from tests.samples import MEDICAL_CASE as VALID

CJK = re.compile(r"[\u4e00-\u9fff]")


def bounded(request: bytes, answer: bytes) -> bool:
    """The bound an answer to a bad request keeps: four times the request and 4 KiB."""
    return len(answer) <= 4 * len(request) + 4096


def send(http: FlaskClient, data: bytes, path: str = MEDICAL) -> tuple[int, bytes, dict[str, Any]]:
    response = http.post(path, data=data, content_type="application/json")
    return response.status_code, response.get_data(), response.get_json()


def messages(errors: dict[str, list[str]]) -> list[str]:
    return [message for texts in errors.values() for message in texts]


def test_a_megabyte_of_bad_categories_is_refused_by_the_length_limit_in_a_few_bytes(http: FlaskClient) -> None:
    data = bad_categories(1024 * 1024 - 100)
    status, answer, body = send(http, data)
    assert (status, body["code"]) == (422, "validation_error")
    assert bounded(data, answer), len(answer)  # was 83 MB: every item's error listed every valid code
    (message,) = body["errors"]["categories"]
    assert "最多 12 项" in message and "Longer than maximum length 12" in message
    assert len(answer) < 1024


def test_bad_items_share_one_message_with_the_valid_codes_said_once(http: FlaskClient) -> None:
    codes = ["x", "subsistence_allowance", "y" * 10_000, "x", 7, None, "z", "w", "v", "u", "t", "s"]
    data = json.dumps({**VALID, "categories": codes}).encode()
    status, answer, body = send(http, data)
    assert status == 422 and list(body["errors"]) == ["categories"]
    unknown, not_text, null = body["errors"]["categories"]
    assert unknown.startswith("第 0、2、3、6、7、8、9、10、11 项（共 9 项，所给的值：“x”、“yyy")
    assert "）：取值无效，可用类别：extreme_poverty（特困人员）、subsistence_allowance（低保对象）" in unknown
    assert "items 0, 2, 3, 6, 7, 8, 9, 10, 11 (9 in all): not a category code" in unknown
    assert "y" * MAX_ECHO not in unknown  # a long value is clipped
    assert not_text.startswith("第 4 项（共 1 项，所给的值：7）：不是有效字符串")
    assert null.startswith("第 5 项（共 1 项，所给的值：null）：不能为 null")
    assert answer.decode().count("extreme_poverty") == 1
    assert answer.decode().count("特困人员") == 1
    assert bounded(data, answer)


def test_a_list_of_many_bad_items_names_a_bounded_few(http: FlaskClient) -> None:
    members = [{"self_pay": "x"}] * 50
    body = {"jurisdiction": "330400", "date": "2023-06-01", "members": members}
    data = json.dumps(body).encode()
    status, answer, payload = send(http, data, "/v1/calculations/high-cost-relief")
    assert status == 422 and bounded(data, answer)
    named = sorted(name for name in payload["errors"] if name.startswith("members."))
    assert len(named) == MAX_ITEMS
    left = 50 - MAX_ITEMS
    assert payload["errors"]["members"] == [f"另有 {left} 项有错误，未列出 / {left} more items with errors, not listed"]


def test_indexes_are_listed_up_to_a_bound(http: FlaskClient) -> None:
    data = json.dumps({**VALID, "jurisdictions": ["999999"] * 5}).encode()
    _, _, body = send(http, data, "/v1/comparisons/medical-assistance")
    (message,) = body["errors"]["jurisdictions"]
    assert "第 0、1、2、3、4 项（共 5 项，所给的值：“999999”）：取值无效，可用地区：330300（温州市）、" in message
    many = json.dumps({**VALID, "categories": ["x"] * 12}).encode()
    (message,) = send(http, many)[2]["errors"]["categories"]
    shown = "、".join(str(i) for i in range(MAX_INDEXES))
    assert f"第 {shown}等 项（共 12 项，" in message and "items 0, 1, 2" in message and ", ... (12 in all)" in message


def test_every_field_message_has_its_chinese(http: FlaskClient) -> None:
    body = {
        "jurisdiction": "x",
        "date": "x",
        "categories": ["x", 1],
        "diagnoses": ["x"],
        "eligible_self_pay": "x",
        "care_type": "x",
        "age": "x",
        "unknown": 1,
    }
    status, _, payload = send(http, json.dumps(body).encode())
    assert status == 422 and len(payload["errors"]) == 8
    assert all(CJK.search(message) for message in messages(payload["errors"]))


def test_an_error_names_a_bounded_number_of_fields_and_counts_the_rest(http: FlaskClient) -> None:
    keys = {f"k{index:06d}": 0 for index in range(70_000)}
    data = json.dumps({**VALID, **keys}).encode()
    status, answer, body = send(http, data)
    assert status == 422 and bounded(data, answer)
    assert len(body["errors"]) == MAX_FIELDS + 1
    assert body["errors"][OMITTED] == [
        f"另有 {70_000 - MAX_FIELDS} 个字段有问题，未列出 / {70_000 - MAX_FIELDS} more fields with problems, not listed"
    ]
    long = json.dumps({**VALID, "k" * 100_000: 1}).encode()
    (name,) = send(http, long)[2]["errors"]
    assert len(name) == MAX_NAME and name.endswith("…")


def test_a_list_far_over_its_limit_is_refused_before_its_items_are_read(http: FlaskClient) -> None:
    # Checked item by item first, 100,000 listed jurisdictions took minutes (the "each once" check
    # counts every code): the limit comes first. A generous bound; it is milliseconds.
    data = json.dumps({**VALID, "jurisdictions": ["330400"] * 100_000}).encode()
    started = time.monotonic()
    status, _, body = send(http, data, "/v1/comparisons/medical-assistance")
    assert time.monotonic() - started < 15
    assert status == 422 and "最多 5 项，收到 100000 项" in body["errors"]["jurisdictions"][0]
    valid_but_too_many = json.dumps({**VALID, "categories": ["subsistence_allowance"] * 13}).encode()
    assert "最多 12 项" in send(http, valid_but_too_many)[2]["errors"]["categories"][0]


def test_a_large_bad_batch_answers_a_small_multiple_of_its_size(http: FlaskClient) -> None:
    data = bad_batch(MAX_CASES, 12)
    status, answer, body = send(http, data, f"{MEDICAL}/batch")
    assert status == 200 and body["failed"] == MAX_CASES
    assert bounded(data, answer), (len(data), len(answer))  # was 42 times the request
    assert body["errors_omitted"] == MAX_CASES - MAX_DETAILED_ERRORS
    detailed, plain = body["results"][MAX_DETAILED_ERRORS - 1], body["results"][MAX_DETAILED_ERRORS]
    assert list(detailed["error"]["errors"]) == ["categories"]
    assert plain["error"] == {"code": "validation_error", "message": "输入无效 / invalid input", "errors": {}}
    assert plain["status"] == 422 and plain["result"] is None


def test_a_batch_of_the_smallest_bad_cases_answers_in_bounded_size(http: FlaskClient) -> None:
    data = json.dumps({"cases": [1] * MAX_CASES}).encode()
    status, answer, body = send(http, data, f"{MEDICAL}/batch")
    assert status == 200 and body["failed"] == MAX_CASES
    # Each case keeps its own item (index, status, code): about 130 bytes, whatever the case was.
    assert len(answer) < 150 * MAX_CASES + 100 * 1024, len(answer)


def test_a_batch_with_few_failures_keeps_every_field_message(http: FlaskClient) -> None:
    cases = [{"categories": ["x"], "eligible_self_pay": "1"}] * MAX_DETAILED_ERRORS
    body = {"jurisdiction": "330400", "date": "2023-06-01", "cases": cases}
    status, _, answer = send(http, json.dumps(body).encode(), f"{MEDICAL}/batch")
    assert status == 200 and answer["errors_omitted"] == 0
    assert all(item["error"]["errors"] for item in answer["results"])


def test_a_long_batch_gives_way_to_other_requests_between_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the gevent worker a batch yields every ``TURN`` cases, so 10,000 cases (a second or
    more of work, bad cases costing most) never hold the worker, and other clients, for their length."""
    from bingpin.api import runner as module
    from bingpin.api.audit import batch

    turns: list[int] = []
    monkeypatch.setattr(module, "give_way", lambda: turns.append(1))
    envelope = {"jurisdiction": "330400", "date": "2023-06-01", "cases": [{"categories": [1]}] * 1000}
    runner = module.runner_for("medical-assistance")
    for explain in (True, False):  # the endpoint's two paths: every case by the runner, or the population path's first
        turns.clear()
        answer = batch.run(runner, envelope, explain)
        assert answer["failed"] == 1000 and answer["errors_omitted"] == 1000 - MAX_DETAILED_ERRORS
        assert len(turns) == 1000 // module.TURN


def test_the_gevent_worker_is_recognised_as_cooperative() -> None:
    code = (
        "from gevent import monkey; monkey.patch_all()\n"
        "from bingpin.api import runner\n"
        "assert runner._cooperative(); runner.give_way(); print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.strip() == "ok", done.stderr
