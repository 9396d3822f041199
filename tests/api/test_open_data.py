"""The open data: policies and their clause trees, parameters (JSON and CSV), calculations,
features, coverage, ambiguities and the bulk download; pagination, ETag/304, CORS, 404s."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from bingpin.api.catalog.features import load_features
from bingpin.rules.registry import CALCULATIONS, policies

POLICY_IDS = sorted(p.id for p in policies().values())


def every_page(http: FlaskClient, url: str, **query: Any) -> list[dict[str, Any]]:
    """Follow the pages of a list; the sum of the pages is the whole list."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        response = http.get(url, query_string={**query, "page": page, "page_size": 20})
        assert response.status_code == 200, response.get_json()
        items += response.get_json()
        meta = json.loads(response.headers["X-Pagination"])
        if "next_page" not in meta:
            assert len(items) == meta["total"]
            return items
        page = meta["next_page"]


def assert_not_found(http: FlaskClient, url: str) -> None:
    response = http.get(url)
    assert response.status_code == 404, url
    body = response.get_json()
    assert body["code"] == "not_found"
    assert set(body) == {"code", "message", "errors"}


# ---- policies and clauses -----------------------------------------------------------------


def test_policies_give_document_number_dates_status_and_in_force_period(http: FlaskClient) -> None:
    items = every_page(http, "/v1/policies")
    assert sorted(p["id"] for p in items) == POLICY_IDS
    by_id = {p["id"]: p for p in items}
    jiaxing = by_id["jiaxing-2022-58"]
    assert jiaxing["document_number"] == "嘉政办发〔2022〕58号"
    assert jiaxing["issuer"] == "嘉兴市人民政府办公室"
    assert jiaxing["issued_on"] == "2022-11-29"
    assert (jiaxing["status"], jiaxing["draft"]) == ("正式", False)
    assert jiaxing["in_force"]["start"] == "2023-01-01" and jiaxing["in_force"]["end"] is None
    assert jiaxing["in_force"]["citation"]["clause"] == "三"
    assert jiaxing["jurisdiction"] == {"code": "330400", "name": "嘉兴市"}
    shengzhou = by_id["shengzhou-2023-draft"]
    assert (shengzhou["status"], shengzhou["draft"], shengzhou["issued_on"]) == ("征求意见稿", True, None)
    assert by_id["longgang-2022-yibao-shukun"]["issued_on"] is None  # the draft's date reads X月X日


def test_one_policy_a_jurisdiction_filter_and_an_unknown_policy(http: FlaskClient) -> None:
    assert http.get("/v1/policies/chengkou-2021-216").get_json()["jurisdiction"]["name"] == "城口县"
    only = http.get("/v1/policies", query_string={"jurisdiction": "330683"}).get_json()
    assert [p["id"] for p in only] == ["shengzhou-2023-draft"]
    assert_not_found(http, "/v1/policies/nope-2020-1")
    assert_not_found(http, "/v1/policies/nope-2020-1/clauses")


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_the_clause_tree_joins_back_into_the_verbatim_text(http: FlaskClient, policy_id: str) -> None:
    body = http.get(f"/v1/policies/{policy_id}/clauses").get_json()

    def join(clauses: list[dict[str, Any]]) -> str:
        return "".join(c["text"] + join(c["children"]) for c in clauses)

    policy = next(p for p in policies().values() if p.id == policy_id)
    assert join(body["clauses"]) == policy.text.text
    assert body["policy"]["id"] == policy_id
    assert body["count"] > 5


def test_a_clause_carries_its_path_title_and_words(http: FlaskClient) -> None:
    body = http.get("/v1/policies/jiaxing-2022-58/clauses").get_json()
    section = next(c for c in body["clauses"] if c["path"] == "二")
    subsection = next(c for c in section["children"] if c["path"] == "二(二)")
    clause = next(c for c in subsection["children"] if c["path"] == "二(二)7")
    assert clause["title"] == "完善医疗救助待遇"
    assert clause["kind"] == "section"
    assert "医疗救助年度最高救助额为12万元" in clause["text"]


# ---- parameters ---------------------------------------------------------------------------


def test_parameters_carry_unit_dated_values_and_citation(http: FlaskClient) -> None:
    items = every_page(http, "/v1/parameters")
    assert len({p["id"] for p in items}) == len(items) == sum(len(p.parameters) for p in policies().values())
    cap = next(p for p in items if p["id"] == "jiaxing-2022-58:medical_assistance.annual_cap")
    assert cap["unit"] == "yuan"
    assert cap["values"] == [{"start": "2023-01-01", "end": None, "value": "120000.00"}]
    assert cap["citation"] == {
        "policy": "jiaxing-2022-58",
        "clause": "二(二)7",
        "quote": "医疗救助年度最高救助额为12万元",
    }
    assert cap["calculation"] == "medical-assistance"
    floor = next(p for p in items if p["id"] == "jiaxing-2022-58:medical_assistance.ratio.other_special_hardship")
    assert floor["floor"] is True


def test_parameters_on_a_date_give_the_value_in_force_that_day(http: FlaskClient) -> None:
    standard = "shengzhou-2023-draft:subsistence_allowance.annual_standard"
    whole = http.get(f"/v1/parameters/{standard}").get_json()
    assert len(whole["values"]) == 3
    on_day = http.get(f"/v1/parameters/{standard}", query_string={"date": "2024-06-01"}).get_json()
    assert [v["start"] for v in on_day["values"]] == ["2024-01-01"]
    listed = every_page(http, "/v1/parameters", date="2024-06-01", policy="shengzhou-2023-draft")
    assert listed and all(len(p["values"]) == 1 and p["policy"] == "shengzhou-2023-draft" for p in listed)
    # no policy is in force in 2018: nothing to list
    assert http.get("/v1/parameters", query_string={"date": "2018-01-01"}).get_json() == []


def test_parameter_filters_are_validated_and_unknown_ids_are_404(http: FlaskClient) -> None:
    response = http.get("/v1/parameters", query_string={"policy": "nope"})
    assert response.status_code == 422
    assert "policy" in response.get_json()["errors"]
    assert http.get("/v1/parameters", query_string={"date": "2024-13-01"}).status_code == 422
    assert_not_found(http, "/v1/parameters/jiaxing-2022-58:no.such.key")
    assert_not_found(http, "/v1/parameters/nope")


def test_parameters_as_csv_one_line_per_dated_value(http: FlaskClient) -> None:
    response = http.get("/v1/parameters.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")  # a byte-order mark for spreadsheet programs
    rows = list(csv.DictReader(io.StringIO(text)))
    values = sum(len(p.values) for policy in policies().values() for p in policy.parameters.values())
    assert len(rows) == values
    cap = next(r for r in rows if r["id"] == "jiaxing-2022-58:medical_assistance.annual_cap")
    assert (cap["value"], cap["unit"], cap["clause"], cap["jurisdiction_name"]) == (
        "120000.00",
        "yuan",
        "二(二)7",
        "嘉兴市",
    )
    filtered = http.get("/v1/parameters.csv", query_string={"policy": "wenzhou-2019-13"}).get_data().decode("utf-8-sig")
    assert {r["policy"] for r in csv.DictReader(io.StringIO(filtered))} == {"wenzhou-2019-13"}


# ---- rules, features, coverage, ambiguities ---------------------------------------------------


def test_rules_list_inputs_outputs_who_defines_them_and_their_clauses(http: FlaskClient) -> None:
    rules = {r["id"]: r for r in http.get("/v1/rules").get_json()}
    assert list(rules) == list(CALCULATIONS)
    assistance = rules["medical-assistance"]
    inputs = {f["name"]: f for f in assistance["inputs"]}
    assert inputs["jurisdiction"]["required"] and inputs["eligible_self_pay"]["type"] == "decimal string"
    assert "amount" in {f["name"] for f in assistance["outputs"]}
    assert {j["code"] for j in assistance["silent"]} == {"330683"}  # 嵊州 sets no ratios
    assert {(c["policy"], c["clause"]) for c in assistance["clauses"]} >= {("jiaxing-2022-58", "二(二)7")}
    assert http.get("/v1/rules/high-cost-relief").get_json()["name"] == "高额医疗费用化解"
    assert_not_found(http, "/v1/rules/nope")


def test_features_are_the_acceptance_criteria_as_data(http: FlaskClient) -> None:
    items = every_page(http, "/v1/features")
    expected = load_features()
    assert [f["id"] for f in items] == [f.id for f in expected]
    ids = [s["id"] for f in items for s in f["scenarios"]]
    assert len(ids) == len(set(ids)) == sum(len(f.scenarios) for f in expected)
    feature = http.get("/v1/features/jiaxing/medical_assistance").get_json()
    scenario = next(s for s in feature["scenarios"] if s["id"] == "JX-MA-001")
    assert scenario["clauses"] == ["二(二)7", "二(二)5"] and scenario["tier"] == "core"
    assert set(scenario["review"]) == {"status", "verdict", "reviewer", "reviewed_on", "note", "stale"}
    assert scenario["review"]["status"] in ("拟定", "已审核", "有异议", "需复核")
    assert scenario["calculations"] == ["medical-assistance"]
    assert [s["keyword"] for s in scenario["steps"]][:1] == ["假如"]
    assert feature["background"][0]["text"] == '地区为"嘉兴市"'
    assert feature["quotes"][0]["clause"] == "二(二)7"
    tables = [s["table"] for f in items for sc in f["scenarios"] for s in sc["steps"] if s["table"]]
    assert tables and all(len(t) >= 2 for t in tables)  # header and at least one row
    assert_not_found(http, "/v1/features/jiaxing/no_such_feature")


def test_features_filter_by_policy_and_review_state(http: FlaskClient) -> None:
    mine = every_page(http, "/v1/features", policy="longgang-2022-yibao-shukun")
    assert mine and {f["policy"] for f in mine} == {"longgang-2022-yibao-shukun"}
    for status in ("拟定", "已审核", "有异议", "需复核"):
        chosen = every_page(http, "/v1/features", review=status)
        scenarios = [s for f in chosen for s in f["scenarios"]]
        assert scenarios and {s["review"]["status"] for s in scenarios} == {status}, status
    assert http.get("/v1/features", query_string={"review": "通过"}).status_code == 422


def test_coverage_maps_clauses_to_scenarios_and_lists_the_gaps(http: FlaskClient) -> None:
    entries = every_page(http, "/v1/coverage")
    assert {e["status"] for e in entries} <= {"covered", "covered_by_subclauses", "gap"}
    clause = next(e for e in entries if (e["policy"], e["clause"]) == ("jiaxing-2022-58", "二(二)7"))
    assert clause["computable"] and clause["status"] == "covered"
    assert "JX-MA-001" in {s["id"] for s in clause["scenarios"]}
    assert "medical-assistance" in clause["calculations"]
    gaps = every_page(http, "/v1/coverage", status="gap")
    assert gaps == [e for e in entries if e["status"] == "gap"]
    assert all(e["computable"] and not e["scenarios"] for e in gaps)
    for entry in entries:
        if entry["status"] != "gap":
            assert entry["scenarios"] or entry["subclause_scenarios"]


def test_ambiguities_with_decision_and_tagged_scenarios(http: FlaskClient) -> None:
    items = every_page(http, "/v1/ambiguities")
    assert len(items) == sum(len(p.ambiguities) for p in policies().values())
    tagged = {a["id"]: a for a in items}["JX-AMB-004"]
    assert tagged["policy"] == "jiaxing-2022-58" and tagged["decision"]
    assert {"JX-MA-006", "JX-MA-007"} <= set(tagged["scenarios"])
    assert http.get("/v1/ambiguities/JX-AMB-004").get_json() == tagged
    assert {a["kind"] for a in items} == {"reading", "choice"}
    assert tagged["kind"] == "reading"
    assert {a["id"]: a for a in items}["LG-AMB-005"]["kind"] == "choice"
    assert_not_found(http, "/v1/ambiguities/XX-AMB-999")


def test_the_bulk_download_holds_every_list_whole(http: FlaskClient) -> None:
    bulk = http.get("/v1/bulk.json").get_json()
    assert set(bulk) >= {"policies", "categories", "parameters", "rules", "features", "coverage", "ambiguities"}
    assert len(bulk["policies"]) == len(POLICY_IDS)
    assert all(p["clauses"] for p in bulk["policies"])
    assert len(bulk["parameters"]) == len(every_page(http, "/v1/parameters"))
    assert len(bulk["features"]) == len(load_features())
    assert bulk["categories"] == http.get("/v1/categories").get_json()


# ---- HTTP conventions -------------------------------------------------------------------------

CACHED = [
    "/v1/policies",
    "/v1/policies/jiaxing-2022-58/clauses",
    "/v1/parameters?date=2024-01-01",
    "/v1/parameters.csv",
    "/v1/rules",
    "/v1/features?policy=jiaxing-2022-58",
    "/v1/coverage",
    "/v1/ambiguities",
    "/v1/bulk.json",
]


@pytest.mark.parametrize("url", CACHED)
def test_answers_carry_an_etag_and_a_matching_request_gets_304(http: FlaskClient, url: str) -> None:
    first = http.get(url)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public")
    again = http.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert http.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("url", CACHED)
def test_any_origin_may_read(http: FlaskClient, url: str) -> None:
    response = http.get(url, headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_a_preflight_request_is_answered(http: FlaskClient) -> None:
    response = http.options(
        "/v1/parameters",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]


def test_pages_are_linked_and_bounded(http: FlaskClient) -> None:
    response = http.get("/v1/parameters", query_string={"page": 2, "page_size": 5})
    assert len(response.get_json()) == 5
    meta = json.loads(response.headers["X-Pagination"])
    assert (meta["page"], meta["previous_page"], meta["next_page"]) == (2, 1, 3)
    assert 'rel="next"' in response.headers["Link"] and "page=3" in response.headers["Link"]
    assert http.get("/v1/parameters", query_string={"page_size": 1000}).status_code == 422
    assert http.get("/v1/parameters", query_string={"page": 0}).status_code == 422
    beyond = http.get("/v1/parameters", query_string={"page": 999})
    assert beyond.status_code == 200 and beyond.get_json() == []


def test_open_data_is_read_only(http: FlaskClient) -> None:
    for url in ("/v1/policies", "/v1/parameters", "/v1/bulk.json"):
        response = http.post(url, json={})
        assert response.status_code == 405
        assert response.get_json()["code"] == "method_not_allowed"


def test_every_open_data_path_is_documented(http: FlaskClient) -> None:
    paths = http.get("/openapi.json").get_json()["paths"]
    for path in (
        "/v1/policies",
        "/v1/policies/{policy_id}",
        "/v1/policies/{policy_id}/clauses",
        "/v1/parameters",
        "/v1/parameters/{parameter_id}",
        "/v1/parameters.csv",
        "/v1/rules",
        "/v1/features",
        "/v1/coverage",
        "/v1/ambiguities",
        "/v1/bulk.json",
    ):
        operation = paths[path]["get"]
        assert operation["summary"], path
    listed = paths["/v1/parameters"]["get"]
    assert {"page", "page_size", "date", "policy"} <= {p.get("name") for p in listed["parameters"]}
    assert "304" in listed["responses"] and "X-Pagination" in listed["responses"]["200"]["headers"]
    assert "text/csv" in paths["/v1/parameters.csv"]["get"]["responses"]["200"]["content"]


@pytest.mark.parametrize(
    ("method", "url", "unknown"),
    [
        ("GET", "/v1/features?tag=core", ["tag"]),  # answered every feature, as if it had filtered
        ("GET", "/v1/parameters?policy=jiaxing-2022-58&foo=bar&lang=en", ["foo", "lang"]),
        ("GET", "/v1/parameters.csv?page=-1", ["page"]),  # the CSV is not paged
        ("GET", "/v1/policies/jiaxing-2022-58?x=1", ["x"]),
        ("HEAD", "/v1/coverage?tier=core", ["tier"]),
        ("POST", "/v1/calculations/medical-assistance/batch?explain=false&verbose=1", ["verbose"]),
        ("GET", "/v1/policies?=1", ["_request"]),  # no name: was named "_schema", the whole body
        ("GET", "/v1/policies?=1&jurisdiction=330400&y=2", ["_request", "y"]),
        ("GET", "/v1/policies?json=1&query=2&querystring=3", ["json", "query", "querystring"]),  # were "_schema"
        # given twice: the first value was used without a word
        ("GET", "/v1/parameters?page_size=100&page_size=1", ["page_size"]),
        ("GET", "/v1/parameters?date=2023-06-01&page=1&date=2024-01-01", ["date"]),
        ("POST", "/v1/calculations/medical-assistance/batch?explain=false&explain=true", ["explain"]),
        ("GET", "/v1/parameters?page=1&page=1&foo=2", ["foo", "page"]),
    ],
)
def test_a_query_parameter_the_path_does_not_take_is_a_422_naming_it(
    http: FlaskClient, method: str, url: str, unknown: list[str]
) -> None:
    response = http.open(url, method=method, json={"cases": []} if method == "POST" else None)
    assert response.status_code == 422
    if method != "HEAD":
        body = response.get_json()
        assert body["code"] == "validation_error" and sorted(body["errors"]) == unknown


@pytest.mark.parametrize("value", [" 1", "1 ", "+1", "01", "1_0", "\uff11", "1.0", "1e1"])
@pytest.mark.parametrize("name", ["page", "page_size"])
def test_a_whole_number_written_otherwise_is_a_422_naming_it(http: FlaskClient, name: str, value: str) -> None:
    """``int()`` read `` 1``, ``+1``, ``1_0`` and a fullwidth one as 1 (page 1 was answered)."""
    response = http.get("/v1/parameters", query_string={name: value})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {name: ["不是有效整数 / Not a valid integer."]}


@pytest.mark.parametrize(("query", "status"), [("page=2&page_size=5", 200), ("page=-1", 422), ("page=0", 422)])
def test_a_whole_number_as_written_is_read(http: FlaskClient, query: str, status: int) -> None:
    response = http.get(f"/v1/parameters?{query}")
    assert response.status_code == status
    if status == 422:
        assert "Must be greater than or equal to 1." in response.get_json()["errors"]["page"][0]


def test_a_nameless_parameter_beside_one_named_request_keeps_both_messages(http: FlaskClient) -> None:
    body = http.get("/v1/policies?_request=1&=1").get_json()
    assert [message.split("（")[0] for message in body["errors"]["_request"]] == [
        "未知的查询参数 / unknown query parameter",
        "查询参数没有名称",
    ]


def test_every_documented_query_parameter_is_taken(http: FlaskClient) -> None:
    """The check reads the published document: each GET path's own parameters pass it."""
    from bingpin.api.query import known_parameters

    document = http.get("/openapi.json").get_json()
    for (path, method), names in known_parameters(document).items():
        if method != "GET" or "{" in path or not names:
            continue
        response = http.get(path, query_string={name: "" for name in names})
        assert response.status_code != 422 or not set(response.get_json()["errors"]) - names, path
