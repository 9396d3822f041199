"""POST /v1/comparisons/<calculation>: the same facts under every jurisdiction's policy."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

FACTS = {"date": "2023-06-01", "categories": ["subsistence_allowance"], "eligible_self_pay": "10000.00"}


def compare(http: FlaskClient, body: dict[str, Any], calculation: str = "medical-assistance") -> dict[str, Any]:
    response = http.post(f"/v1/comparisons/{calculation}", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_every_jurisdiction_gets_a_row_and_an_answer(http: FlaskClient) -> None:
    codes = {item["code"] for item in http.get("/v1/jurisdictions").get_json()}
    body = compare(http, FACTS)
    assert {row["jurisdiction"]["code"] for row in body["table"]} == codes
    assert [r["jurisdiction"] for r in body["results"]] == [row["jurisdiction"] for row in body["table"]]
    assert body["headline"] == "医疗救助金额（元）"


def test_each_computed_result_is_the_single_calculations_answer(http: FlaskClient) -> None:
    body = compare(http, FACTS)
    computed = [entry for entry in body["results"] if entry["status"] == "computed"]
    assert computed
    for entry in computed:
        single = http.post(
            "/v1/calculations/medical-assistance", json={**FACTS, "jurisdiction": entry["jurisdiction"]["code"]}
        ).get_json()
        assert entry["result"] == single
        row = next(r for r in body["table"] if r["jurisdiction"] == entry["jurisdiction"])
        assert row["headline"] == single["amount"]


@pytest.mark.parametrize(
    "calculation",
    ["medical-assistance", "critical-illness-insurance", "insurance-subsidy", "risk-monitoring", "high-cost-relief"],
)
def test_policies_without_the_rule_are_listed_as_silent(http: FlaskClient, calculation: str) -> None:
    silent = {j["code"] for j in http.get("/v1/jurisdictions").get_json() if calculation in j["not_defined"]}
    facts = {
        "date": "2023-06-01",
        "categories": ["subsistence_allowance"],
        "eligible_self_pay": "10000.00",
        "per_capita_disposable_income": "60000.00",
        "annual_self_pay": "6000.00",
        "monitoring_standard": "6000.00",
        "members": [
            {
                "categories": ["subsistence_allowance"],
                "self_pay": "60000.00",
                "followed_treatment_guidance": True,
                "referred": True,
            }
        ],
    }
    allowed = {
        "medical-assistance": {"date", "categories", "eligible_self_pay"},
        "critical-illness-insurance": {"date", "categories", "eligible_self_pay", "per_capita_disposable_income"},
        "insurance-subsidy": {"date", "categories"},
        "risk-monitoring": {"date", "categories", "annual_self_pay", "monitoring_standard"},
        "high-cost-relief": {"date", "members"},
    }[calculation]
    body = compare(http, {k: v for k, v in facts.items() if k in allowed}, calculation)
    assert {j["code"] for j in body["silent"]} == silent
    for row in body["table"]:
        if row["jurisdiction"]["code"] in silent:
            assert row["status"] == "not_defined_by_policy"
            assert "未规定" in row["summary"]


def test_categories_a_policy_does_not_know_are_left_out_there_and_said(http: FlaskClient) -> None:
    body = compare(
        http, {**FACTS, "categories": ["subsistence_allowance", "returned_to_poverty"], "jurisdictions": ["330400"]}
    )
    (entry,) = body["results"]
    assert entry["ignored_categories"] == ["returned_to_poverty"]
    assert entry["result"]["amount"] == "9000.00"
    assert any("returned_to_poverty" in a for a in entry["result"]["assumptions"])


def test_a_date_outside_a_policy_is_reported_for_that_jurisdiction(http: FlaskClient) -> None:
    body = compare(http, {**FACTS, "date": "2022-06-01", "jurisdictions": ["330400"]})
    (row,) = body["table"]
    assert row["status"] == "not_in_force"
    assert body["results"][0]["error"]["code"] == "not_in_force"


def test_the_jurisdictions_filter_is_validated(http: FlaskClient) -> None:
    response = http.post("/v1/comparisons/medical-assistance", json={**FACTS, "jurisdictions": ["999999"]})
    assert response.status_code == 422
    (message,) = response.get_json()["errors"]["jurisdictions"]
    assert "第 0 项" in message and "999999" in message
    response = http.post("/v1/comparisons/medical-assistance", json={**FACTS, "jurisdiction": "330400"})
    assert response.status_code == 422
    assert "jurisdiction" in response.get_json()["errors"]


def test_a_jurisdiction_listed_twice_is_a_422_naming_it(http: FlaskClient) -> None:
    body = {"jurisdictions": ["330400", "330300", "330400"], "categories": ["subsistence_allowance"]}
    response = http.post(
        "/v1/comparisons/medical-assistance", json={**body, "eligible_self_pay": "100.00", "date": "2023-06-01"}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"jurisdictions": ["地区代码重复 / jurisdiction listed twice: 330400"]}
