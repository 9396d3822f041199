"""Hostile input answers 4xx in the one error shape, never 5xx: deep nesting, amounts that are not
the documented ASCII form (in requests, batch defaults and batch cases), duplicate keys, bodies
over the limit whether sent with a Content-Length or chunked, and headers that must not reach a
cacheable answer."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from bingpin.api.parsing import MAX_DEPTH, depth, too_deep
from bingpin.rules.core.money import MONEY_PATTERN
from tests.samples import MEDICAL
from tests.samples import MEDICAL_CASE as VALID

SHAPE = {"code", "message", "errors"}


def post_operations(app: Flask) -> list[str]:
    """Every POST route of the app (none takes a path parameter a test must fill in)."""
    paths = sorted(rule.rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or set()))
    assert paths and all("<" not in path for path in paths)
    return paths


def send(http: FlaskClient, data: str | bytes, path: str = MEDICAL) -> tuple[int, dict[str, Any]]:
    response = http.post(path, data=data, content_type="application/json")
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert response.status_code < 500, body
    return response.status_code, body


def with_amount(literal: str, body: dict[str, Any] | None = None) -> str:
    """``body`` (default: a valid request) as JSON text with ``eligible_self_pay`` written as ``literal``."""
    return json.dumps(body or VALID, ensure_ascii=False).replace('"10000.00"', literal)


@pytest.mark.parametrize(
    "text",
    ["[" * 1000 + "]" * 1000, '{"a":' * 50_000 + "1" + "}" * 50_000, "[" * 1_000_000],
    ids=["1000 arrays", "50000 objects", "a megabyte of ["],
)
def test_deep_nesting_is_a_400_on_every_post_operation(app: Flask, http: FlaskClient, text: str) -> None:
    for path in post_operations(app):
        status, body = send(http, text, path)
        assert (status, body["code"]) == (400, "nesting_too_deep"), path
        assert set(body) == SHAPE


def test_nesting_is_counted_outside_strings_and_up_to_the_bound(http: FlaskClient) -> None:
    brackets_in_strings = json.dumps({**VALID, "note": "[{" * 5000})
    assert depth(brackets_in_strings.encode()) == 2  # the object and its ``categories``
    assert send(http, brackets_in_strings)[1]["code"] == "validation_error"  # ``note`` is unknown
    deepest = {**VALID, "extra": json.loads("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))}
    assert send(http, json.dumps(deepest))[1]["code"] == "validation_error"
    deeper = {**VALID, "extra": json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)}
    assert send(http, json.dumps(deeper))[1]["code"] == "nesting_too_deep"


@settings(max_examples=2000, deadline=None)
@given(
    st.binary(max_size=60).map(lambda raw: raw.translate(bytes(b'[]{}",:a\\'[b % 9] for b in range(256)))),
    st.integers(0, 6),
)
def test_too_deep_is_the_count_of_depth_whichever_way_it_is_decided(text: bytes, limit: int) -> None:
    """The quick look for a well-formed text within the bound never answers otherwise than the count."""
    counted = text.count(b"[") + text.count(b"{") > limit and depth(text, limit) > limit
    assert too_deep(text, limit) == counted


def test_a_batch_within_the_bound_is_seen_to_be_so_and_one_past_it_is_not() -> None:
    case = json.dumps(VALID)
    batch = ('{"cases": [' + ", ".join([case] * 200) + "]}").encode()
    assert not too_deep(batch)
    nested = ('{"cases": [' + case + ", " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "]}").encode()
    assert too_deep(nested) and depth(nested) == MAX_DEPTH + 1


NOT_AMOUNTS = [
    '"\uff11\uff10\uff10\uff10"',  # full-width digits, sent as UTF-8
    '"\u0661\u0660\u0660\u0660"',  # Arabic-Indic digits
    '"\u0967\u0966\u0966\u0966"',  # Devanagari digits
    '"1_000"',
    '"\\u30001000"',  # ideographic space
    '" 1000"',
    '"1000 "',
    '"1e3"',
    '"1E3"',
    '"+1000"',
    '"-0"',
    '"-0.00"',
    '"+0"',
    '"0x10"',
    '"1000.001"',
    '"1000."',
    '".5"',
    '"1234567890123"',
    '"1e1000000"',
    '"NaN"',
    '"Infinity"',
    '""',
    '"' + "9" * 1_000_000 + '"',  # a megabyte of digits, just under the body limit
    "1e1000000",
    "1E3",
    "1e-3",
    "-0",
    "-0.0",
    "-0.00",
    "-1",
    "10000.001",
    "1234567890123",
    "9" * 5000,
    "1" + "0" * 20 + ".5",
]


@pytest.mark.parametrize("literal", NOT_AMOUNTS, ids=lambda literal: literal[:24])
def test_an_amount_not_in_the_documented_form_is_that_fields_422(http: FlaskClient, literal: str) -> None:
    status, body = send(http, with_amount(literal))
    assert (status, body["code"]) == (422, "validation_error"), body
    assert list(body["errors"]) == ["eligible_self_pay"]


@pytest.mark.parametrize(
    ("literal", "amount"),
    [('"1000"', "900.00"), ('"1000.5"', "900.45"), ("1000", "900.00"), ("1000.50", "900.45"), ("0", "0.00")],
)
def test_the_documented_forms_are_read(http: FlaskClient, literal: str, amount: str) -> None:
    status, body = send(http, with_amount(literal))
    assert status == 200, body
    assert body["amount"] == amount


def test_the_documented_pattern_is_the_one_in_the_spec(app: Flask) -> None:
    spec = app.test_client().get("/openapi.json").get_json()
    schema = spec["components"]["schemas"]["MedicalAssistanceRequest"]["properties"]["eligible_self_pay"]
    assert schema["pattern"] == MONEY_PATTERN
    assert Decimal(str(schema["x-also-accepts"]["maximum"])) == Decimal("999999999999.99")
    assert MONEY_PATTERN in spec["info"]["description"] and f"{MAX_DEPTH} 层" in spec["info"]["description"]


@pytest.mark.parametrize("literal", ["1e999999999", "1" * 5000, "-0", "10.5"], ids=lambda literal: literal[:12])
def test_an_integer_field_refuses_what_is_not_a_plain_integer(http: FlaskClient, literal: str) -> None:
    body = {**VALID, "age": "AGE"}
    status, answer = send(http, json.dumps(body).replace('"AGE"', literal))
    assert (status, list(answer["errors"])) == (422, ["age"])


def test_no_answer_shows_a_negative_zero(http: FlaskClient) -> None:
    for literal in ('"-0"', "-0", "-0.0"):
        response = http.post(MEDICAL, data=with_amount(literal), content_type="application/json")
        assert "-0.00" not in response.get_data(as_text=True)


def _batch(cases: str, defaults: str = "{}") -> str:
    head = '{"jurisdiction": "330400", "date": "2023-06-01", '
    return head + f'"defaults": {defaults}, "cases": {cases}}}'


@pytest.mark.parametrize(
    "literal", ["1e1000000", '"1e1000000"', '"\uff11\uff10\uff10\uff10"', "-0", '"' + "9" * 100_000 + '"']
)
def test_a_bad_amount_in_one_batch_case_is_that_cases_422(http: FlaskClient, literal: str) -> None:
    cases = f'[{{"eligible_self_pay": "10"}}, {{"eligible_self_pay": {literal}}}, {{"eligible_self_pay": "20"}}]'
    status, body = send(http, _batch(cases, '{"categories": ["subsistence_allowance"]}'), f"{MEDICAL}/batch")
    assert status == 200, body
    assert [result["status"] for result in body["results"]] == [200, 422, 200]
    assert list(body["results"][1]["error"]["errors"]) == ["eligible_self_pay"]
    assert (body["succeeded"], body["failed"]) == (2, 1)


@pytest.mark.parametrize("literal", ["1e1000000", '"1_000"', "-0.0"])
def test_a_bad_amount_in_batch_defaults_is_named(http: FlaskClient, literal: str) -> None:
    defaults = f'{{"categories": ["subsistence_allowance"], "eligible_self_pay": {literal}}}'
    status, body = send(http, _batch("[{}]", defaults), f"{MEDICAL}/batch")
    assert (status, body["code"]) == (422, "validation_error")
    assert list(body["errors"]) == ["defaults.eligible_self_pay"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('{"eligible_self_pay": "abc", "jurisdiction": "330400", "eligible_self_pay": "10.00"}', "eligible_self_pay"),
        ('{"jurisdiction": "330400", "jurisdiction": "330400"}', "jurisdiction"),
        (_batch('[{"eligible_self_pay": "1", "age": 1, "age": 2}]'), "age"),
    ],
)
def test_a_key_given_twice_is_a_400_naming_it(http: FlaskClient, text: str, key: str) -> None:
    status, body = send(http, text, f"{MEDICAL}/batch" if '"cases"' in text else MEDICAL)
    assert (status, body["code"]) == (400, "duplicate_key")
    assert list(body["errors"]) == [key] and key in body["message"]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (MEDICAL, with_amount('"1"')[:-1] + ', "\\ud800": 1}'),  # an unknown key, repeated by its 422
        (MEDICAL, with_amount('"1"').replace('"categories": [', '"categories": ["\\udfff", ')),
        (f"{MEDICAL}/batch", '{"cases": [{"\\ud800x": 1}]}'),
        (f"{MEDICAL}/batch", '{"cases": [], "defaults": {"\\udfff": 1}}'),
        ("/v1/comparisons/medical-assistance", '{"jurisdictions": ["\\ud800"]}'),
        ("/v1/calculations/indicators", '{"jurisdiction": "330400", "figures": {"\\ud800": "1"}}'),
    ],
)
def test_a_lone_surrogate_is_a_400_not_a_500(http: FlaskClient, path: str, text: str) -> None:
    """``"\\ud800"`` is JSON's grammar but not Unicode text: an answer repeating it could not be
    written (it was a 500)."""
    status, body = send(http, text, path)
    assert (status, body["code"]) == (400, "malformed_json")
    assert "lone surrogate" in body["message"]


def test_a_surrogate_pair_is_text() -> None:
    from bingpin.api.parsing import read_json

    assert read_json(b'{"name": "\\ud83d\\ude00 \\\\ud800"}') == {"name": "\U0001f600 \\ud800"}


@pytest.mark.parametrize("calculation", ["medical-assistance", "insurance-subsidy"])
@pytest.mark.parametrize(
    ("day", "status"),
    [("9998-12-31", 200), ("9999-01-01", 422), ("9999-12-31", 422), ("0002-01-01", 200), ("0001-12-31", 422)],
)
def test_a_recognition_date_at_the_calendars_ends_is_a_422_naming_it(
    http: FlaskClient, calculation: str, day: str, status: int
) -> None:
    """The rules count months from a recognition date (次月, 嘉兴's 6 months before it): in the
    calendar's first or last year the day counted does not exist (9999-12-31 was a 500)."""
    body = {"jurisdiction": "330400", "date": "2023-06-01", "categories": ["illness_induced_poverty"]}
    body |= {"recognized_on": day} | ({"eligible_self_pay": "100.00"} if calculation == "medical-assistance" else {})
    got, answer = send(http, json.dumps(body), f"/v1/calculations/{calculation}")
    assert got == status, answer
    if status == 422:
        assert list(answer["errors"]) == ["recognized_on"] and "9998-12-31" in answer["errors"]["recognized_on"][0]


def _chunked(http: FlaskClient, path: str, size: int) -> tuple[int, dict[str, Any]]:
    """A body of ``size`` bytes with no Content-Length, as a server that decodes chunked input sends it."""
    data = with_amount('"10000.00"').encode()
    data = data[:-1] + b', "pad": "' + b"x" * max(0, size - len(data) - 11) + b'"}'
    environ = {"wsgi.input": io.BytesIO(data), "wsgi.input_terminated": True}
    response = http.post(path, environ_overrides=environ, headers={"Content-Type": "application/json"})
    return response.status_code, response.get_json()


def test_a_chunked_body_over_the_limit_is_a_413(http: FlaskClient) -> None:
    status, body = _chunked(http, MEDICAL, 2 * 1024 * 1024)
    assert (status, body["code"]) == (413, "payload_too_large")
    status, body = _chunked(http, MEDICAL, 1024)
    assert (status, body["code"]) == (422, "validation_error")  # read whole: ``pad`` is unknown
    assert list(body["errors"]) == ["pad"]


HEADERS = [
    {"Host": "evil.example"},
    {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
    {"Forwarded": "host=evil.example;proto=https"},
    {"Origin": "https://evil.example", "Accept-Language": "en"},
]


@pytest.mark.parametrize("path", ["/v1/parameters?page_size=1&page=2", "/v1/categories", "/v1/jurisdictions"])
def test_no_request_header_reaches_a_cacheable_answer(http: FlaskClient, path: str) -> None:
    plain = http.get(path)
    assert plain.status_code == 200 and "public" in plain.headers["Cache-Control"]
    kept = {"Link", "ETag", "Vary", "X-Pagination", "Content-Type", "Access-Control-Allow-Origin"}
    for headers in HEADERS:
        other = http.get(path, headers=headers)
        assert other.get_data() == plain.get_data(), headers
        assert {k: other.headers.get(k) for k in kept} == {k: plain.headers.get(k) for k in kept}, headers
        assert "evil.example" not in str(other.headers)


def test_pagination_links_are_relative_or_from_the_configured_base() -> None:
    from bingpin.api import create_app

    for base, prefix in [
        ("", "</v1/parameters?"),
        ("https://data.example.org/bingpin/", "<https://data.example.org/bingpin/v1/parameters?"),
    ]:
        client = create_app({"PUBLIC_BASE_URL": base}).test_client()
        links = client.get("/v1/parameters?page_size=1&page=2", headers={"Host": "evil.example"}).headers["Link"]
        assert all(link.strip().startswith(prefix) for link in links.split(",")), links


@pytest.mark.parametrize("day", ["20230601", "2023-W22-4", "2023-6-1", " 2023-06-01", "2023-06-01T00:00"])
def test_a_date_not_written_yyyy_mm_dd_is_a_422_naming_it(http: FlaskClient, day: str) -> None:
    """The document's ``format: date`` (RFC 3339 full-date): Python alone also read ``20230601`` and
    the week date ``2023-W22-4`` as 2023-06-01, which a client's own library need not."""
    status, body = send(http, json.dumps({**VALID, "date": day}))
    assert (status, list(body["errors"])) == (422, ["date"])
    batch = http.post(f"{MEDICAL}/batch", json={"cases": [{**VALID, "date": day}]}).get_json()
    assert batch["results"][0]["status"] == 422 and list(batch["results"][0]["error"]["errors"]) == ["date"]
    assert http.get("/v1/parameters", query_string={"date": day}).status_code == 422
