"""Batches go through the population path: every answer as the scalar path gives it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from bingpin.api.audit import batch as fast
from bingpin.api.audit.population import Path, encoder, fill, interleave, shared
from bingpin.api.resources import batch as batch_resource
from bingpin.api.runner import runner_for
from bingpin.api.schemas.calculations import MedicalAssistanceRequestSchema
from bingpin.rules.core.symbolic import MARK_CLOSE, MARK_OPEN
from bingpin.rules.registry import policies
from tests.api.strategies import EDGES, FIRST_DAY, LAST_DAY, mutated

MEDICAL = "medical-assistance"
CODES = sorted(category.value for category in policies()["330400"].categories)


def _amount(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


#: Plain 嘉兴 records, and other places, with now and then a value the population path leaves to the rule.
AMOUNTS = st.one_of(st.integers(0, 40_000_000).map(_amount), st.integers(0, 10**14).map(_amount), EDGES)
IN_FORCE = policies()["330400"].in_force
DAYS = st.one_of(st.dates(IN_FORCE.start, IN_FORCE.end or LAST_DAY), st.dates(FIRST_DAY, LAST_DAY)).map(
    dt.date.isoformat
)
RECORDS = st.fixed_dictionaries(
    {
        "jurisdiction": st.sampled_from(["330400", "330400", "330400", *sorted(policies())]),
        "date": st.one_of(DAYS, DAYS, DAYS, EDGES),
        "categories": st.one_of(
            st.lists(st.sampled_from(CODES), min_size=1, max_size=1),
            st.lists(st.sampled_from(CODES), min_size=1, max_size=1),
            st.lists(st.sampled_from(CODES), max_size=3),
        ),
        "eligible_self_pay": AMOUNTS,
    },
    optional={"assistance_received_this_year": st.one_of(AMOUNTS, st.none()), "annual_cap": st.just("1000.00")},
)
CASES = mutated(MedicalAssistanceRequestSchema)


@settings(max_examples=30, deadline=None)
@given(
    cases=st.lists(st.one_of(RECORDS, RECORDS, RECORDS, CASES), min_size=fast.MIN_CASES, max_size=40),
    shared=st.fixed_dictionaries({}, optional={"jurisdiction": st.just("330400"), "date": DAYS}),
    explain=st.booleans(),
)
def test_a_batch_through_the_population_path_is_byte_for_byte_the_scalar_batch(
    cases: list[Any], shared: dict[str, Any], explain: bool
) -> None:
    envelope = {**shared, "cases": cases}
    runner = runner_for(MEDICAL)
    expected = orjson.dumps(runner.run(envelope, explain), option=orjson.OPT_APPEND_NEWLINE)
    assert orjson.dumps(fast.run(runner, envelope, explain), option=orjson.OPT_APPEND_NEWLINE) == expected


def test_the_batch_endpoint_answers_plain_records_through_the_population_path(http: FlaskClient) -> None:
    cases = [
        {"date": f"2023-{month:02d}-15", "categories": [code], "eligible_self_pay": f"{month * 1234}.5{month % 10}"}
        for month in range(1, 13)
        for code in CODES
    ]
    envelope = {"jurisdiction": "330400", "defaults": {"assistance_received_this_year": "100000.00"}, "cases": cases}
    runner = runner_for(MEDICAL)
    response = http.post(f"/v1/calculations/{MEDICAL}/batch?explain=false", json=envelope)
    assert response.status_code == 200
    assert response.data == orjson.dumps(runner.run(envelope, False), option=orjson.OPT_APPEND_NEWLINE)
    traced = [path for path in shared(MEDICAL, False).paths if not path.scalar]
    assert traced, "the population path answered some of the cases"


@pytest.mark.parametrize(
    "template",
    [
        {"amount": f"{MARK_OPEN}0{MARK_CLOSE}", "date": f"{MARK_OPEN}1{MARK_CLOSE}", "ratio": "90%", "note": "{x}"},
        # a figure quoted twice and out of order, inside text with quotes and Chinese
        {"steps": [f'按 "{MARK_OPEN}1{MARK_CLOSE}" 元的 90% 计 {MARK_OPEN}0{MARK_CLOSE}', f"{MARK_OPEN}1{MARK_CLOSE}"]},
        {"constant": "no figure", "nested": {"list": [1, True, None]}},
    ],
)
def test_a_result_template_is_written_as_its_filled_json(template: dict[str, Any]) -> None:
    texts = ["12355.66", "2023-08-25"]
    encoded = encoder(template, texts)
    assert encoded is not None
    pieces, places = encoded
    assert len(pieces) == len(places) + 1
    for own in (texts, ["0.00", "1970-01-01"]):
        assert interleave(pieces, [own[number] for number in places]).encode() == orjson.dumps(fill(template, own))


@pytest.mark.parametrize(
    "template",
    [
        {"amount": f"{MARK_OPEN}0{MARK_CLOSE}", "date": f"{MARK_OPEN}1{MARK_CLOSE}", "note": "按 90% 计"},
        {"constant": "no figure", "nested": {"list": [1, True, None]}},
    ],
)
def test_items_are_written_in_the_cases_order_as_orjson_writes_each_item(template: dict[str, Any]) -> None:
    encoded = encoder(template, ["1.00", "2023-01-01"])
    assert encoded is not None
    places = encoded[1]
    figures = [["12.34", "0.05"], ["2023-08-25", "2024-01-31"]]  # each marker's column, two rows
    texts = pa.array(figures[0] + figures[1])
    starts = [0, 2][: len(places)]
    path = Path(guards=(), template=(200, template, None), texts=["1.00", "2023-01-01"])
    assert path.item is not None and path.item[1] == places
    other = Path(guards=(), template=(422, {"x": "y"}, None)).item  # a path without figures
    assert other is not None
    items = fast._items([(np.array([2, 1]), path.item[0], starts), (np.array([0, 3]), other[0], [])], texts)
    assert items.rows.tolist() == [0, 1, 2, 3]
    written = pc.binary_join_element_wise(*items.parts, "").to_pylist()
    for row, at in ((2, 0), (1, 1)):
        own = [figures[0][at], figures[1][at]]
        item = {"index": 0, "status": 200, "result": fill(template, own), "error": None}
        assert '{"index":0' + written[row] == orjson.dumps(item).decode() + ","
    assert written[0] == written[3] == ',"status":422,"result":{"x":"y"},"error":null},'


@pytest.mark.parametrize(
    "template",
    [
        {1: f"{MARK_OPEN}0{MARK_CLOSE}"},  # what orjson cannot write
        {"amount": f"{MARK_OPEN}2{MARK_CLOSE}"},  # a marker without a text
    ],
)
def test_a_template_that_cannot_be_written_so_is_filled_as_before(template: dict[Any, Any]) -> None:
    assert encoder(template, ["1.00", "2023-01-01"]) is None


def test_an_answer_orjson_cannot_write_is_answered_case_by_case(
    http: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [{"date": "2023-06-01", "categories": [code], "eligible_self_pay": "1234.56"} for code in CODES] * 4
    envelope = {"jurisdiction": "330400", "cases": cases}
    expected = orjson.dumps(runner_for(MEDICAL).run(envelope, True), option=orjson.OPT_APPEND_NEWLINE)
    dumps = orjson.dumps
    refused: list[bool] = []

    def refusing(value: Any, *args: Any, **kwargs: Any) -> bytes:
        if not refused:  # the first answer, the one with results as JSON text
            refused.append(True)
            raise orjson.JSONEncodeError("refused here")
        return dumps(value, *args, **kwargs)

    monkeypatch.setattr(batch_resource.orjson, "dumps", refusing)
    response = http.post(f"/v1/calculations/{MEDICAL}/batch", json=envelope)
    assert refused and response.status_code == 200
    assert response.data == expected
