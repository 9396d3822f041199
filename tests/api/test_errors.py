"""Bad input gets a clear answer: 4xx with a stable code and field messages, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.samples import MEDICAL
from tests.samples import MEDICAL_CASE as VALID

CALCULATIONS = [
    "medical-assistance",
    "critical-illness-insurance",
    "insurance-subsidy",
    "risk-monitoring",
    "high-cost-relief",
    "indicators",
]


def post(http: FlaskClient, body: Any, path: str = MEDICAL) -> tuple[int, dict[str, Any]]:
    response = http.post(path, json=body)
    return response.status_code, response.get_json()


def raw(http: FlaskClient, data: str | bytes, path: str = MEDICAL) -> tuple[int, dict[str, Any]]:
    response = http.post(path, data=data, content_type="application/json")
    return response.status_code, response.get_json()


def test_malformed_json_is_a_400_with_its_own_code(http: FlaskClient) -> None:
    status, body = raw(http, '{"jurisdiction": ')
    assert status == 400
    assert body["code"] == "malformed_json"


@pytest.mark.parametrize("data", ["[]", "null", '"text"', "42", "true"])
def test_a_body_that_is_not_an_object_is_refused(http: FlaskClient, data: str) -> None:
    status, body = raw(http, data)
    assert status == 422
    assert body["code"] == "validation_error"
    assert "_schema" in body["errors"]


def test_an_empty_body_names_every_missing_field(http: FlaskClient) -> None:
    status, body = raw(http, b"")
    assert status == 422
    assert set(body["errors"]) >= {"jurisdiction", "date", "eligible_self_pay"}
    assert "缺少必填字段" in body["errors"]["date"][0]


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("eligible_self_pay", -1, "负数"),
        ("eligible_self_pay", "-0.01", "负数"),
        ("eligible_self_pay", "1.005", "两位小数"),
        ("eligible_self_pay", 1.005, "两位小数"),
        ("eligible_self_pay", "1e400", "格式无效"),
        ("eligible_self_pay", "1000000000000", "上限"),
        ("eligible_self_pay", "NaN", "有限"),
        ("eligible_self_pay", "Infinity", "有限"),
        ("eligible_self_pay", True, "数字"),
        ("eligible_self_pay", "一万", "无效"),
        ("eligible_self_pay", None, "null"),
        ("date", "2023-02-30", "有效日期"),
        ("date", "2023/06/01", "有效日期"),
        ("date", 20230601, "有效日期"),
        ("jurisdiction", "110000", "取值无效"),
        ("jurisdiction", 330400, "字符串"),
        ("categories", "subsistence_allowance", "列表"),
        ("categories", ["no_such_category"], "取值无效"),
        ("age", "ten", "整数"),
        ("age", -1, "范围"),
        ("age", 10.5, "整数"),
        ("diagnoses", ["flu"], "取值无效"),
        ("care_type", "home", "取值无效"),
        ("recognized_on", "yesterday", "有效日期"),
        ("local_household_registration", "perhaps", "布尔"),
        ("unexpected", 1, "未知字段"),
    ],
)
def test_each_bad_field_is_named_with_a_chinese_and_english_message(
    http: FlaskClient, field: str, value: Any, fragment: str
) -> None:
    status, body = post(http, {**VALID, field: value})
    assert status == 422, body
    assert body["code"] == "validation_error"
    (key,) = [k for k in body["errors"] if k.split(".")[0] == field]
    assert fragment in " ".join(body["errors"][key])


# an amount written with an exponent is refused whatever its value: Decimal writes 1E-2 back as
# 0.01 (which was taken) and 1E2 as 1E+2 (which was not)
@pytest.mark.parametrize("literal", ["1e400", "1e-400", "10000.001", "-0.5", "1E-2", "10E-1", "1E0", "1.5E-1", "1E2"])
def test_json_numbers_are_read_exactly_and_refused_when_not_money(http: FlaskClient, literal: str) -> None:
    data = json.dumps(VALID).replace('"10000.00"', literal)
    status, body = raw(http, data)
    assert status == 422
    assert "eligible_self_pay" in body["errors"]


def test_a_json_number_is_read_without_float_rounding(http: FlaskClient) -> None:
    # 0.1 + 0.2 style errors cannot happen: 10.05 x 90% = 9.045 -> 9.05 (half-up on the exact value)
    status, body = raw(http, json.dumps(VALID).replace('"10000.00"', "10.05"))
    assert status == 200
    assert body["amount"] == "9.05"


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(http: FlaskClient, literal: str) -> None:
    status, body = raw(http, json.dumps(VALID).replace('"10000.00"', literal))
    assert status == 400
    assert body["code"] == "malformed_json"


def test_a_body_that_is_not_json_is_415(http: FlaskClient) -> None:
    response = http.post(MEDICAL, data="jurisdiction=330400", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.get_json()["code"] == "unsupported_media_type"


def test_a_category_the_policy_does_not_know_is_unknown_category(http: FlaskClient) -> None:
    status, body = post(http, {**VALID, "categories": ["returned_to_poverty"]})
    assert status == 422
    assert body["code"] == "unknown_category"
    assert "categories" in body["errors"]


def test_a_date_before_the_policy_is_not_in_force(http: FlaskClient) -> None:
    status, body = post(http, {**VALID, "date": "2022-12-31"})
    assert status == 422
    assert body["code"] == "not_in_force"
    assert "date" in body["errors"]


def test_a_calculation_the_policy_lacks_is_not_defined(http: FlaskClient) -> None:
    body = {**VALID, "per_capita_disposable_income": "60000"}
    body.pop("categories")
    status, payload = post(http, body, "/v1/calculations/critical-illness-insurance")
    assert status == 422
    assert payload["code"] == "not_defined_by_policy"


def test_nested_member_errors_are_named_by_path(http: FlaskClient) -> None:
    body = {"jurisdiction": "330400", "date": "2023-06-01", "members": [{"self_pay": "1"}, {"self_pay": "x"}]}
    status, payload = post(http, body, "/v1/calculations/high-cost-relief")
    assert status == 422
    assert list(payload["errors"]) == ["members.1.self_pay"]


@pytest.mark.parametrize("names", [["json"], ["query", "querystring"], ["json", "members"]])
def test_an_unknown_field_named_as_a_location_keeps_its_name(http: FlaskClient, names: list[str]) -> None:
    """``json``, ``query`` and ``querystring`` are where webargs files messages, but only as the
    outermost key: a body field so named is named, as any other (it was listed as ``_schema``)."""
    status, payload = post(http, {**VALID, **dict.fromkeys(names, 1)})
    assert status == 422
    assert payload["errors"] == {name: ["未知字段 / Unknown field."] for name in names}


@pytest.mark.parametrize("path", [MEDICAL, f"{MEDICAL}/batch"])
@pytest.mark.parametrize("encoding", ["gzip", "br", "GZIP ", "deflate"])
def test_a_body_with_a_content_encoding_is_refused_as_unsupported(http: FlaskClient, path: str, encoding: str) -> None:
    """The body is not decoded: a gzip body was a 400 ``malformed_json``, and a plain body labelled
    ``br`` was answered as if the label were not there."""
    import gzip

    data = json.dumps(VALID if path == MEDICAL else {"cases": [VALID]}).encode()
    for sent in (data, gzip.compress(data)):
        headers = {"Content-Type": "application/json", "Content-Encoding": encoding}
        response = http.post(path, data=sent, headers=headers)
        assert response.status_code == 415
        assert response.get_json()["code"] == "unsupported_media_type"
        assert "Content-Encoding" in response.get_json()["message"]
    identity = http.post(path, data=data, headers={"Content-Type": "application/json", "Content-Encoding": "identity"})
    assert identity.status_code == 200


def test_an_unknown_key_that_reads_as_a_path_is_named_apart_from_that_path(http: FlaskClient) -> None:
    """A top-level key "members.0.self_pay" shared its name with the first member's ``self_pay``: a
    client could not tell the unknown key from the member's own error. Keys that could be read as
    several parts of a name (or as none) are quoted in brackets."""
    body = {"jurisdiction": "330400", "date": "2023-06-01", "members": [{"self_pay": "-1", "a.b": 1}]}
    status, payload = post(http, {**body, "members.0.self_pay": "x", "": 1}, "/v1/calculations/high-cost-relief")
    assert status == 422
    assert sorted(payload["errors"]) == ['[""]', '["members.0.self_pay"]', 'members.0.["a.b"]', "members.0.self_pay"]
    assert payload["errors"]['["members.0.self_pay"]'] == ["未知字段 / Unknown field."]


def test_an_oversized_body_is_a_json_413(http: FlaskClient) -> None:
    status, body = raw(http, json.dumps({**VALID, "pad": "x" * (2 * 1024 * 1024)}))
    assert status == 413
    assert body["code"] == "payload_too_large"


def test_unknown_paths_and_writes_answer_json(http: FlaskClient) -> None:
    response = http.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"
    response = http.delete(MEDICAL)
    assert response.status_code == 405
    assert response.get_json()["code"] == "method_not_allowed"
    response = http.post("/v1/jurisdictions", json={})
    assert response.status_code == 405


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    ["jurisdiction", "date", "categories", "eligible_self_pay", "age", "members", "figures", "annual_self_pay"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(CALCULATIONS),
    body=st.one_of(JSON, st.dictionaries(FIELDS, JSON, max_size=6)),
)
def test_no_body_produces_a_server_error(http: FlaskClient, path: str, body: Any) -> None:
    response = http.post(f"/v1/calculations/{path}", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 400, 422), response.get_data(as_text=True)
    payload = response.get_json()
    if response.status_code != 200:
        assert set(payload) == {"code", "message", "errors"}


def test_a_valid_request_is_answered_with_the_frame_of_every_calculation(http: FlaskClient) -> None:
    status, body = post(http, VALID)
    assert status == 200
    assert body["amount"] == "9000.00"
    assert body["jurisdiction"] == {"code": "330400", "name": "嘉兴市"}
    assert body["policy"]["document_number"] == "嘉政办发〔2022〕58号"
    assert {"eligible", "assumptions", "explanation"} <= set(body)
    assert all(step["citation"]["quote"] for step in body["explanation"] if step["citation"])


def _names_every_jurisdiction(message: str) -> None:
    from bingpin.rules.registry import policies

    for code, policy in policies().items():
        assert f"{code}（{policy.jurisdiction_name}）" in message, (code, message)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (MEDICAL, {**VALID, "jurisdiction": "110000"}, "jurisdiction"),
        ("/v1/comparisons/medical-assistance", {"date": "2023-06-01", "jurisdictions": ["110000"]}, "jurisdictions"),
        (f"{MEDICAL}/batch", {"jurisdiction": "110000", "cases": []}, "jurisdiction"),
    ],
)
def test_an_unknown_jurisdiction_is_told_the_chinese_names_of_the_valid_ones(
    http: FlaskClient, path: str, body: dict[str, Any], field: str
) -> None:
    status, answer = post(http, body, path)
    assert (status, answer["code"]) == (422, "validation_error")
    (message,) = answer["errors"][field]
    _names_every_jurisdiction(message)
    assert message.count("330400") == 1


@pytest.mark.parametrize(
    ("path", "field"), [("/v1/jurisdictions/110000", "code"), ("/v1/categories?jurisdiction=110000", "jurisdiction")]
)
def test_an_unknown_jurisdiction_in_a_path_or_query_is_told_the_valid_ones(
    http: FlaskClient, path: str, field: str
) -> None:
    response = http.get(path)
    assert response.status_code == 404
    (message,) = response.get_json()["errors"][field]
    _names_every_jurisdiction(message)


def test_an_unknown_category_is_told_the_chinese_names_of_the_valid_ones(http: FlaskClient) -> None:
    from bingpin.rules.core.categories import CATEGORY_NAMES

    status, answer = post(http, {**VALID, "categories": ["no_such_category"]})
    assert (status, answer["code"]) == (422, "validation_error")
    (message,) = answer["errors"]["categories"]
    assert "所给的值：“no_such_category”" in message
    for category, name in CATEGORY_NAMES.items():
        assert f"{category.value}（{name}）" in message, (category, message)
