"""Reference data, health, and the offline docs page."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_jurisdictions_list_each_policy_and_what_it_defines(http: FlaskClient) -> None:
    items = http.get("/v1/jurisdictions").get_json()
    jiaxing = next(item for item in items if item["code"] == "330400")
    assert jiaxing["name"] == "嘉兴市"
    assert jiaxing["policy"]["document_number"] == "嘉政办发〔2022〕58号"
    assert jiaxing["policy"]["in_force"] == {"start": "2023-01-01", "end": None}
    assert "medical-assistance" in jiaxing["calculations"]
    assert "critical-illness-insurance" in jiaxing["not_defined"]


def test_one_jurisdiction_and_an_unknown_one(http: FlaskClient) -> None:
    assert http.get("/v1/jurisdictions/330400").get_json()["name"] == "嘉兴市"
    response = http.get("/v1/jurisdictions/999999")
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


def test_categories_carry_the_policys_own_names_and_clause(http: FlaskClient) -> None:
    items = http.get("/v1/categories", query_string={"jurisdiction": "330400"}).get_json()
    by_code = {item["code"]: item for item in items}
    assert by_code["subsistence_allowance"]["name"] == "最低生活保障家庭成员"
    assert by_code["subsistence_allowance"]["label"] == "二类"
    assert by_code["subsistence_allowance"]["citation"]["clause"] == "二(二)5"
    assert http.get("/v1/categories", query_string={"jurisdiction": "1"}).status_code == 404


def test_health(http: FlaskClient) -> None:
    body = http.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["policies"] >= 1


def test_the_docs_page_loads_nothing_from_elsewhere(http: FlaskClient) -> None:
    response = http.get("/docs")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert asset.startswith("/"), asset
        with http.get(asset) as asset_response:
            assert asset_response.status_code == 200, asset


def test_responses_say_nosniff(http: FlaskClient) -> None:
    assert http.get("/healthz").headers["X-Content-Type-Options"] == "nosniff"


def test_behind_a_path_prefix_the_pages_link_under_it() -> None:
    """With ``BINGPIN_PUBLIC_BASE_URL=https://example.org/bingpin`` (a proxy strips ``/bingpin``),
    the docs page loads its scripts and the spec, and the review page its style sheet and
    dossiers, under ``/bingpin``; "Try it out" calls the service there (the spec's server). They
    were linked from ``/``, where the proxy answers 404: a blank docs page."""
    from bingpin.api import create_app

    client = create_app({"PUBLIC_BASE_URL": "https://example.org/bingpin/"}).test_client()
    for page in ("/docs", "/review", "/review/jiaxing-2022-58/dossier"):
        html = client.get(page).get_data(as_text=True)
        links = re.findall(r'(?:src|href|data-spec)="(/[^"]*)"', html)
        assert links, page
        for link in links:
            assert link.startswith("/bingpin/"), (page, link)
            with client.get(link.removeprefix("/bingpin")) as forwarded:  # as the proxy forwards it
                assert forwarded.status_code == 200, link
    assert 'data-spec="/bingpin/openapi.json"' in client.get("/docs").get_data(as_text=True)
    assert client.get("/openapi.json").get_json()["servers"][0]["url"] == "https://example.org/bingpin"
