"""POST /v1/calculations/<calculation>/batch: each case answered as the single endpoint answers it."""

from __future__ import annotations

import datetime as dt
import gc
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bingpin.api.resources.batch as batch_resource
from bingpin.api.resources.calculations import ENDPOINTS
from bingpin.api.schemas.batch import MAX_BATCH_BYTES, MAX_CASES
from bingpin.api.serving import Server
from bingpin.rules.registry import policies
from tests.api.strategies import mutated

MEDICAL = "/v1/calculations/medical-assistance"
CASE = {"categories": ["subsistence_allowance"], "eligible_self_pay": "10000.00"}


def batch(http: FlaskClient, body: Any, path: str = MEDICAL, query: str = "") -> tuple[int, dict[str, Any]]:
    response = http.post(f"{path}/batch{query}", json=body)
    return response.status_code, response.get_json()


def test_each_case_is_answered_in_order_with_its_result_or_its_own_error(http: FlaskClient) -> None:
    cases = [CASE, {**CASE, "categories": ["no_such"]}, {**CASE, "date": "2020-01-01"}, 7, {**CASE, "age": 10}]
    status, body = batch(http, {"jurisdiction": "330400", "date": "2023-06-01", "cases": cases})
    assert status == 200
    assert (body["count"], body["succeeded"], body["failed"]) == (5, 2, 3)
    assert [item["index"] for item in body["results"]] == [0, 1, 2, 3, 4]
    assert [item["status"] for item in body["results"]] == [200, 422, 422, 422, 200]
    ok, category, date, not_object, child = body["results"]
    assert ok["result"]["amount"] == "9000.00" and ok["error"] is None
    assert category["result"] is None and category["error"]["code"] == "validation_error"
    assert set(category["error"]) == {"code", "message", "errors"} and "categories" in category["error"]["errors"]
    assert date["error"]["code"] == "not_in_force" and "date" in date["error"]["errors"]
    assert not_object["error"]["errors"] == {"_schema": ["输入类型无效（应为 JSON 对象） / Invalid input type."]}
    assert child["result"]["amount"] == "9000.00"


def test_a_case_overrides_defaults_which_override_nothing_else(http: FlaskClient) -> None:
    body = {
        "jurisdiction": "330400",
        "date": "2023-06-01",
        "defaults": {"assistance_received_this_year": "115000.00"},
        "cases": [CASE, {**CASE, "assistance_received_this_year": "0"}, {**CASE, "date": "2024-02-29"}],
    }
    status, answer = batch(http, body)
    assert status == 200
    amounts = [item["result"]["amount"] for item in answer["results"]]
    assert amounts == ["5000.00", "9000.00", "5000.00"]  # 120,000 cap less 115,000 already received
    assert [item["result"]["date"] for item in answer["results"]] == ["2023-06-01", "2023-06-01", "2024-02-29"]


def test_explain_false_leaves_out_the_explanation_but_keeps_the_assumptions(http: FlaskClient) -> None:
    status, full = batch(http, {"jurisdiction": "330400", "date": "2023-06-01", "cases": [CASE]})
    status_quiet, quiet = batch(
        http, {"jurisdiction": "330400", "date": "2023-06-01", "cases": [CASE]}, query="?explain=false"
    )
    assert status == status_quiet == 200
    result, brief = full["results"][0]["result"], quiet["results"][0]["result"]
    assert "explanation" in result and "explanation" not in brief
    assert brief == {key: v for key, v in result.items() if key != "explanation"}
    assert brief["assumptions"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"jurisdiction": "110000", "cases": []}, "jurisdiction"),
        ({"date": "2023-02-30", "cases": []}, "date"),
        ({"defaults": {"unexpected": 1}, "cases": []}, "defaults.unexpected"),
        ({"defaults": {"jurisdiction": "330400"}, "cases": []}, "defaults.jurisdiction"),
        ({"cases": {"0": CASE}}, "cases"),
        ({}, "cases"),
        ({"cases": [], "extra": True}, "extra"),
    ],
)
def test_a_bad_envelope_fails_the_whole_batch(http: FlaskClient, body: dict[str, Any], field: str) -> None:
    status, answer = batch(http, body)
    assert status == 422
    assert answer["code"] == "validation_error"
    assert field in answer["errors"]


def test_more_than_ten_thousand_cases_is_a_422(http: FlaskClient) -> None:
    status, answer = batch(http, {"jurisdiction": "330400", "date": "2023-06-01", "cases": [{}] * (MAX_CASES + 1)})
    assert status == 422
    (message,) = answer["errors"]["cases"]
    assert message == "超出允许范围 / Longer than maximum length 10000."


def test_ten_thousand_cases_are_answered(http: FlaskClient) -> None:
    body = {"jurisdiction": "330400", "date": "2023-06-01", "cases": [CASE] * MAX_CASES}
    status, answer = batch(http, body, query="?explain=false")
    assert status == 200
    assert answer["succeeded"] == MAX_CASES
    assert {item["result"]["amount"] for item in answer["results"]} == {"9000.00"}


def test_a_batch_has_a_larger_but_bounded_body_limit(http: FlaskClient) -> None:
    padding = {"jurisdiction": "330400", "date": "2023-06-01", "cases": [{**CASE, "pad": "x" * 1000}] * 2000}
    data = json.dumps(padding)
    assert 1024 * 1024 < len(data) < MAX_BATCH_BYTES
    response = http.post(f"{MEDICAL}/batch?explain=false", data=data, content_type="application/json")
    assert response.status_code == 200  # over the 1 MiB of a single request, within a batch's limit
    assert response.get_json()["results"][0]["error"]["errors"] == {"pad": ["未知字段 / Unknown field."]}
    response = http.post(MEDICAL, data=data, content_type="application/json")
    assert response.status_code == 413
    big = b'{"cases": [' + b" " * MAX_BATCH_BYTES + b"]}"
    response = http.post(f"{MEDICAL}/batch", data=big, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["code"] == "payload_too_large"


def test_the_answer_is_written_byte_for_byte_as_the_app_writes_json(http: FlaskClient, app: Flask) -> None:
    body = {"jurisdiction": "330400", "date": "2023-06-01", "cases": [CASE, {**CASE, "categories": ["x"]}, 1]}
    response = http.post(f"{MEDICAL}/batch", json=body)
    assert response.mimetype == "application/json"
    with app.app_context():
        assert response.get_data() == app.json.response(response.get_json()).get_data()


def test_a_batch_is_read_and_answered_without_collections_and_collections_resume(
    http: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    run = batch_resource.fast.run

    def recorded(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return run(*args)

    monkeypatch.setattr(batch_resource.fast, "run", recorded)
    assert gc.isenabled()
    status, _ = batch(http, {"jurisdiction": "330400", "date": "2023-06-01", "cases": [CASE] * 20})
    assert (status, seen, gc.isenabled()) == (200, [False], True)
    gc.disable()  # a collection already off (another request's) is left off
    try:
        batch(http, {"jurisdiction": "330400", "date": "2023-06-01", "cases": [CASE] * 20})
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_served_app_is_kept_out_of_collections() -> None:
    before = gc.get_freeze_count()
    try:
        Server({"bind": "127.0.0.1:0"}).load()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def test_every_calculation_has_a_documented_batch(http: FlaskClient) -> None:
    spec = http.get("/openapi.json").get_json()
    for endpoint in ENDPOINTS:
        operation = spec["paths"][f"/v1/calculations/{endpoint.path}/batch"]["post"]
        assert operation["summary"] and "422" in operation["responses"]
        assert any(p["name"] == "explain" for p in operation["parameters"])


def _json(body: Any) -> str:
    """JSON text; a ``Decimal`` becomes a JSON number (the same literal in both requests)."""
    return json.dumps(body, default=float)


def _shareable(key: str, value: Any) -> bool:
    """Whether the envelope takes ``value`` (a broken one would fail the whole batch, by design)."""
    if key == "jurisdiction":
        return isinstance(value, str) and value in policies()
    try:
        return isinstance(value, str) and dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _envelope(bodies: list[Any], hoist: bool) -> tuple[dict[str, Any], list[Any]]:
    """The batch for ``bodies`` (jurisdiction and date given once, from the first case, when
    ``hoist``), and the body the single endpoint gets for each case: the case merged with them."""
    envelope: dict[str, Any] = {"cases": [dict(b) if isinstance(b, dict) else b for b in bodies]}
    first = next((b for b in bodies if isinstance(b, dict)), None)
    if hoist and first is not None:
        for key in ("jurisdiction", "date"):
            if key in first and _shareable(key, first[key]):
                envelope[key] = first[key]
                for case in envelope["cases"]:
                    if isinstance(case, dict) and case.get(key) == first[key]:
                        del case[key]
    shared = {key: envelope[key] for key in ("jurisdiction", "date") if key in envelope}
    singles = [{**shared, **case} if isinstance(case, dict) else case for case in envelope["cases"]]
    return envelope, singles


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), endpoint=st.sampled_from(ENDPOINTS), hoist=st.booleans(), explain=st.booleans())
def test_a_batch_answers_each_case_exactly_as_the_single_endpoint(
    http: FlaskClient, data: st.DataObject, endpoint: Any, hoist: bool, explain: bool
) -> None:
    bodies = data.draw(st.lists(mutated(endpoint.request), min_size=1, max_size=4), label="cases")
    path = f"/v1/calculations/{endpoint.path}"
    query = "" if explain else "?explain=false"
    envelope, singles = _envelope(bodies, hoist)
    response = http.post(f"{path}/batch{query}", data=_json(envelope), content_type="application/json")
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert len(results) == len(bodies)
    for body, item in zip(singles, results, strict=True):
        single = http.post(path, data=_json(body), content_type="application/json")
        assert item["status"] == single.status_code
        if single.status_code == 200:
            expected = single.get_json()
            if not explain:
                expected.pop("explanation")
            assert (item["result"], item["error"]) == (expected, None)
        else:
            assert (item["result"], item["error"]) == (None, single.get_json())


def test_the_readme_batch_example_is_answered(http: FlaskClient) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"## Batch calculations.*?```json\n(.+?)\n```", readme, re.S)
    assert shown, "README shows a batch request"
    status, answer = batch(http, json.loads(shown.group(1)))
    assert status == 200
    assert [item["status"] for item in answer["results"]] == [200, 200, 422]
    assert [item["result"]["amount"] for item in answer["results"][:2]] == ["9000.00", "2500.50"]
