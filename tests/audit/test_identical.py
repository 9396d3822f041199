"""Every audit row is the single endpoint's answer for the body its record stands for.

Random records of every calculation under every policy (valid, broken, refused: not_in_force,
not_defined_by_policy, 422s) go through the partition function, population path included, and each row,
read back into the wire form, is compared field by field with the single endpoint's answer. The
body a record stands for is written here from the documented mapping (a null cell is a field left
out; a decimal is its decimal string; a date its ISO string), independently of bingpin.api.audit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import pickle
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import marshmallow as ma
import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bingpin.api.audit import columns as columns_module
from bingpin.api.audit import population as population_module
from bingpin.api.audit import situations as situations_module
from bingpin.api.audit.columns import wire_answer
from bingpin.api.audit.partition import Partition
from bingpin.api.audit.population import Population, shared
from bingpin.api.audit.situations import _combine, traced_fields
from bingpin.api.resources.calculations import ENDPOINTS, Endpoint
from bingpin.rules.core.categories import Category
from bingpin.rules.core.symbolic import MARK_CLOSE, MARK_OPEN
from bingpin.rules.registry import policies
from tests.api.strategies import mutated
from tests.audit.synthetic import CODES, MEDICAL_ASSISTANCE, mixed

JURISDICTIONS = sorted(policies())
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _cell_type(values: list[Any]) -> pa.DataType | None:
    """The Arrow type that holds every value of a column as it is, or None (written as text)."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return pa.string()
    if kinds == {str}:
        return pa.string()
    if kinds == {bool}:
        return pa.bool_()
    if kinds == {int} and all(-(2**63) <= v < 2**63 for v in values if v is not None):
        return pa.int64()
    if kinds == {list} and all(isinstance(x, str) for v in values if v is not None for x in v):
        return pa.list_(pa.string())
    return None


def table_of(bodies: list[dict[str, Any]], names: list[str]) -> pa.Table:
    """The records: one column per field, each value kept in its JSON type where a column can
    hold it, otherwise as JSON text (what a CSV file would carry)."""
    columns = {}
    for name in names:
        values = [b.get(name) for b in bodies]
        kind = _cell_type(values)
        if kind is None:
            kind = pa.string()
            values = [v if v is None or isinstance(v, str) else json.dumps(v, default=str) for v in values]
        columns[name] = pa.array(values, type=kind)
    return pa.table(columns)


def body_of(row: dict[str, Any], endpoint: Endpoint) -> dict[str, Any]:
    """The JSON body a record stands for (request fields only; nulls left out; text in a list of
    codes is ``;``-separated, in a nested field JSON, in a flag ``true``/``false``, in an integer
    field digits)."""
    fields = endpoint.request().fields
    lists, json_fields = _lists(endpoint), _nested(endpoint)
    body = {}
    for name, value in row.items():
        if name not in fields or value is None:
            continue
        field = fields[name]
        if isinstance(field, ma.fields.Boolean) and value in ("true", "false"):
            value = value == "true"
        elif (
            isinstance(field, ma.fields.Integer) and isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]{1,18}", value)
        ):
            value = int(value)
        elif isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif name in lists and isinstance(value, str):
            value = value.strip().split(";")
        elif name in json_fields and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        body[name] = value
    return body


def _lists(endpoint: Endpoint) -> set[str]:
    fields = endpoint.request().fields
    return {n for n, f in fields.items() if isinstance(f, ma.fields.List) and not isinstance(f.inner, ma.fields.Nested)}


def _nested(endpoint: Endpoint) -> set[str]:
    fields = endpoint.request().fields
    return {
        name
        for name, f in fields.items()
        if isinstance(f, ma.fields.Nested) or (isinstance(f, ma.fields.List) and isinstance(f.inner, ma.fields.Nested))
    }


def check(http: FlaskClient, endpoint: Endpoint, table: pa.Table) -> None:
    fields = endpoint.request().fields
    part = Partition(endpoint.path, carry=[name for name in table.column_names if name not in fields])
    out = part(table)
    assert out.num_rows == table.num_rows
    # codes read from Parquet as labels (dictionaries, as bingpin audit reads them) answer the same
    labels = [n for n in part.labels(table.column_names) if pa.types.is_string(table.schema.field(n).type)]
    if labels:
        encoded = table
        for name in labels:
            index = encoded.column_names.index(name)
            encoded = encoded.set_column(index, name, encoded.column(name).dictionary_encode())
        assert part(encoded).equals(out)
    for record, row in zip(table.to_pylist(), out.to_pylist(), strict=True):
        body = body_of(record, endpoint)
        single = http.post(f"/v1/calculations/{endpoint.path}", json=body)
        expected = single.get_json()
        status, result, error = wire_answer(part.columns, row)
        assert status == single.status_code, (body, expected)
        if status == 200:
            expected.pop("explanation")
            assert (result, error) == (expected, None), body
        else:
            assert (result, error) == (None, expected), body
        for name in part.carried(table.column_names):
            assert row[name] == record[name]


@SETTINGS
@given(data=st.data(), endpoint=st.sampled_from(ENDPOINTS), jurisdiction=st.sampled_from(JURISDICTIONS))
def test_every_row_is_the_single_answer_of_every_calculation_and_policy(
    http: FlaskClient, data: st.DataObject, endpoint: Endpoint, jurisdiction: str
) -> None:
    drawn = data.draw(st.lists(mutated(endpoint.request), min_size=1, max_size=5), label="bodies")
    bodies = [b for b in drawn if isinstance(b, dict)] or [{}]
    for body in bodies:
        if data.draw(st.booleans(), label="under this policy"):
            body["jurisdiction"] = jurisdiction
    names = sorted({name for b in bodies for name in b} | {"record_id"})
    for index, body in enumerate(bodies):
        body["record_id"] = f"r{index}"
    check(http, endpoint, table_of(bodies, names))


def _amounts(n: int) -> st.SearchStrategy[pa.Array]:
    """A column of ``n`` amounts in one of the types records carry them in (some not amounts)."""
    fen = st.lists(st.one_of(st.integers(0, 40_000_000), st.integers(0, 10**14), st.just(-1)), min_size=n, max_size=n)
    nulls = st.lists(st.booleans(), min_size=n, max_size=n)

    def build(kind: str, values: list[int], missing: list[bool]) -> pa.Array:
        if kind == "decimal":
            cells = [None if m else Decimal(v).scaleb(-2) for v, m in zip(values, missing, strict=True)]
            return pa.array(cells, pa.decimal128(16, 2))
        if kind == "decimal3":
            cells = [None if m else Decimal(v).scaleb(-3) for v, m in zip(values, missing, strict=True)]
            return pa.array(cells, pa.decimal128(17, 3))
        if kind == "float":
            return pa.array([None if m else v / 100 for v, m in zip(values, missing, strict=True)], pa.float64())
        if kind == "int":
            return pa.array([None if m else v // 100 for v, m in zip(values, missing, strict=True)], pa.int64())
        cells = [
            None if m else f"{v // 100}.{abs(v) % 100:02d}" if v >= 0 else "-1"
            for v, m in zip(values, missing, strict=True)
        ]
        return pa.array(cells, pa.string())

    kinds = st.sampled_from(["decimal", "decimal3", "float", "int", "text"])
    return st.builds(build, kinds, fen, nulls)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if not isinstance(value, float) else repr(value)


@st.composite
def as_text(draw: st.DrawFn, table: pa.Table) -> pa.Table:
    """The records as CSV text (codes ``;``-separated), some dates written in other ways."""
    odd = st.sampled_from(
        ["2023-2-1", "2023-02-30", "20230601", "2023-06-01 ", "\uff12\uff10\uff12\uff13-06-01", "2024-02-29"]
    )
    columns = {}
    for name in table.column_names:
        values = [_text(v) for v in table.column(name).to_pylist()]
        if name in ("date", "recognized_on"):
            values = [draw(st.one_of(st.just(v), odd)) if v is not None else None for v in values]
        columns[name] = pa.array(values, pa.string())
    return pa.table(columns)


@SETTINGS
@given(data=st.data(), n=st.integers(1, 12))
def test_plain_medical_assistance_records_answer_as_the_scalar_rules(
    http: FlaskClient, data: st.DataObject, n: int
) -> None:
    """Plain 嘉兴 records (and near misses, and other places) against the single endpoint."""
    codes = [*CODES, "illness_induced_poverty", "returned_to_poverty", "unknown"]
    categories = st.one_of(
        st.lists(st.sampled_from(CODES), min_size=1, max_size=1),
        st.lists(st.sampled_from(codes), max_size=3),
        st.none(),
    )
    days = st.dates(dt.date(2022, 10, 1), dt.date(2026, 3, 1))
    columns: dict[str, Any] = {
        "record_id": pa.array(range(n)),
        "jurisdiction": pa.array(
            data.draw(st.lists(st.sampled_from(["330400", "330400", *JURISDICTIONS, None]), min_size=n, max_size=n))
        ),
        "date": pa.array(data.draw(st.lists(st.one_of(days, st.none()), min_size=n, max_size=n)), pa.date32()),
        "categories": pa.array(data.draw(st.lists(categories, min_size=n, max_size=n)), pa.list_(pa.string())),
        "eligible_self_pay": data.draw(_amounts(n)),
    }
    if data.draw(st.booleans()):
        columns["assistance_received_this_year"] = data.draw(_amounts(n))
    sometimes = {
        "recognized_on": st.one_of(st.none(), days),
        "age": st.one_of(st.none(), st.integers(0, 20)),
        "diagnoses": st.one_of(st.none(), st.just(["leukemia"])),
        "annual_cap": st.one_of(st.none(), st.just("1000.00")),
    }
    for name, values in sometimes.items():
        if data.draw(st.booleans()):
            cells = data.draw(st.lists(values, min_size=n, max_size=n))
            columns[name] = pa.array(cells, pa.date32() if name == "recognized_on" else None)
    table = pa.table(columns)
    medical = next(e for e in ENDPOINTS if e.path == "medical-assistance")
    # rows without a jurisdiction or date get the flags' values: the body says so explicitly
    filled = table.set_column(1, "jurisdiction", pa.array([j or "330400" for j in columns["jurisdiction"].to_pylist()]))
    filled = filled.set_column(
        2, "date", pa.array([d or dt.date(2023, 6, 1) for d in columns["date"].to_pylist()], pa.date32())
    )
    check(http, medical, filled)
    check(http, medical, data.draw(as_text(filled), label="as a CSV file has them"))
    flagged = Partition("medical-assistance", "330400", "2023-06-01", carry=["record_id"])(table)
    assert flagged.to_pylist() == Partition("medical-assistance", carry=["record_id"])(filled).to_pylist()


#: Money fields of medical assistance a record may give besides the self-pay.
OPTIONAL_AMOUNTS = ("assistance_received_this_year", "deductible", "annual_cap", "per_capita_income")
#: Amounts in fen: any, those a ratio of 50% or 90% leaves at half a fen (rounding), the caps, huge ones.
FEN = st.one_of(
    st.integers(0, 40_000_000),
    st.integers(0, 4_000_000).map(lambda v: v * 10 + 5),
    st.integers(0, 20_000_000).map(lambda v: v * 2 + 1),
    st.sampled_from([0, 1, 8_000_000, 10_000_000, 12_000_000]),
    st.integers(0, 10**14),
)


@st.composite
def situation(draw: st.DrawFn) -> dict[str, Any]:
    """The facts records of one situation share (what the rule branches on by value), and which
    amounts they give."""
    jurisdiction = draw(st.sampled_from([*MEDICAL_ASSISTANCE, "330683"]))
    own = sorted(c.value for c in policies()[jurisdiction].categories)
    codes = st.one_of(st.sampled_from(own), st.sampled_from(own), st.sampled_from(sorted(c.value for c in Category)))
    facts: dict[str, Any] = {"jurisdiction": jurisdiction, "categories": draw(st.lists(codes, max_size=2))}
    optional = {
        "care_type": st.sampled_from(["inpatient", "outpatient"]),
        "diagnoses": st.sampled_from([["leukemia"], ["congenital_heart_disease"], ["als"]]),
        "recognized_on": st.dates(dt.date(2022, 6, 1), dt.date(2024, 6, 1)).map(dt.date.isoformat),
        "local_household_registration": st.booleans(),
    }
    for name, values in optional.items():
        if draw(st.booleans()):
            facts[name] = draw(values)
    given = [name for name in (*OPTIONAL_AMOUNTS, "age") if draw(st.booleans())]
    return {"facts": facts, "given": given}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), situations=st.lists(situation(), min_size=1, max_size=3), n=st.integers(1, 40))
def test_medical_assistance_records_of_one_situation_answer_as_the_rule(
    http: FlaskClient, data: st.DataObject, situations: list[dict[str, Any]], n: int
) -> None:
    """Many records of a few situations (every medical-assistance policy, every category, ages,
    local 起付线, recognition dates, refusals) with amounts, dates and ages all over: the records a
    path was not traced for answer as the single endpoint does."""
    bodies = []
    for index in range(n):
        chosen = data.draw(st.sampled_from(situations))
        body = {"record_id": f"r{index}", **chosen["facts"]}
        body["date"] = data.draw(st.dates(dt.date(2022, 10, 1), dt.date(2026, 3, 1))).isoformat()
        body["eligible_self_pay"] = _yuan(data.draw(FEN))
        for name in chosen["given"]:
            body[name] = data.draw(st.integers(0, 20)) if name == "age" else _yuan(data.draw(FEN))
        bodies.append(body)
    names = sorted({name for body in bodies for name in body})
    medical = next(e for e in ENDPOINTS if e.path == "medical-assistance")
    check(http, medical, table_of(bodies, names))


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def test_the_population_path_takes_every_readable_record_and_leaves_the_rest_to_the_rule() -> None:
    """Rows with a recognition date, diagnoses and an age, several categories or an amount received
    are traced like plain ones; an unreadable amount is answered by the rule itself."""
    plain = {"categories": ["subsistence_allowance"], "eligible_self_pay": "100.00"}
    rows = [
        plain,
        {**plain, "recognized_on": "2023-01-05"},
        {**plain, "diagnoses": ["leukemia"], "age": 5},
        {**plain, "categories": ["subsistence_allowance", "marginal_subsistence"]},
        {**plain, "eligible_self_pay": "1e3"},
        {**plain, "assistance_received_this_year": "10.00"},
    ]
    names = ["categories", "eligible_self_pay", "recognized_on", "diagnoses", "age", "assistance_received_this_year"]
    table = pa.table({name: [row.get(name) for row in rows] for name in names})
    part = Partition("medical-assistance", "330400", "2023-06-01")
    covered = part.derived(part.normalise(table))
    assert covered is not None
    assert sorted(covered[0].tolist()) == [0, 1, 2, 3, 5]


def test_a_situation_is_told_by_its_rows_without_reading_their_traced_values() -> None:
    """The key a row's situation is looked up by is the same whether its traced cells are read
    (amounts, dates, ages) or only seen to be given: flags that say no, empty lists, nulls, lists of
    several codes and text cells included."""
    rows = [
        {"categories": ["subsistence_allowance"], "eligible_self_pay": "100.00", "local_household_registration": False},
        {"categories": [], "eligible_self_pay": None, "local_household_registration": True, "age": 0},
        {"categories": None, "date": "2023-02-30", "care_type": "outpatient", "annual_cap": "0.00"},
        {"categories": ["extreme_poverty", "subsistence_allowance"], "per_capita_income": "1e3", "age": 7},
        {"diagnoses": ["leukemia"], "recognized_on": "2023-01-05", "deductible": "12.5"},
    ]
    names = sorted({name for row in rows for name in row})
    table = pa.table({name: [row.get(name) for row in rows] for name in names})
    part = Partition("medical-assistance", "330400", "2023-06-01")
    table = part.normalise(table)
    traced = traced_fields(part.runner.request)
    every = list(range(len(rows)))
    read = [population_module.situation_key(body, traced) for body in part.bodies.rows(table, every)]
    seen = [population_module.situation_key(body, traced) for body in part.bodies.shapes(table, every, traced)]
    assert seen == read
    assert len(set(read)) == len(rows)


def test_a_list_with_a_missing_item_is_answered_as_the_single_endpoint_answers_it(http: FlaskClient) -> None:
    """Before: a category list with a null item (``["subsistence_allowance", null]``) was coded as
    the list without it, so its records took that list's path and were answered 200; the single
    endpoint refuses such a list (422)."""
    lists = [["subsistence_allowance"], ["subsistence_allowance", None], [None], [], None, ["extreme_poverty"]]
    bodies = [
        {"record_id": f"r{i}", "categories": lists[i % len(lists)], "eligible_self_pay": f"{100 + i}.00"}
        for i in range(600)
    ]
    medical = next(e for e in ENDPOINTS if e.path == "medical-assistance")
    table = pa.table(
        {
            "record_id": [b["record_id"] for b in bodies],
            "jurisdiction": ["330400"] * len(bodies),
            "date": ["2023-06-01"] * len(bodies),
            "categories": pa.array([b["categories"] for b in bodies], pa.list_(pa.string())),
            "eligible_self_pay": [b["eligible_self_pay"] for b in bodies],
        }
    )
    check(http, medical, table)


@pytest.mark.parametrize("levels", [0, 1, situations_module._LEVELS])
def test_lists_are_grouped_alike_by_position_or_by_running_sums(levels: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists are coded item position by item position when short, by running sums over every item
    otherwise: the records grouped together are the same either way, sliced or not."""
    rng = np.random.default_rng(7)
    codes = ["a", "b", "c", None]
    lists = [
        None if r < 0.1 else [codes[c] for c in rng.integers(0, 4 if r > 0.9 else 3, int(rng.integers(0, 6)))]
        for r in rng.random(2_000)
    ]
    column = pa.array(lists, pa.list_(pa.string())).slice(3, 1_990)
    expected = [json.dumps(each) for each in column.to_pylist()]
    monkeypatch.setattr(situations_module, "_LEVELS", levels)
    found = situations_module._list_codes(column, len(column))
    assert found is not None
    grouped, left = found
    assert left.tolist() == [each is not None and None in each for each in column.to_pylist()]
    kept = [(code, text) for code, text, out in zip(grouped.tolist(), expected, left.tolist(), strict=True) if not out]
    assert len(set(kept)) == len({text for _, text in kept}) == len({code for code, _ in kept}) > 100


@pytest.fixture
def untraced() -> Any:
    """This process's populations, none traced yet (and none left traced with a test's settings)."""
    shared.cache_clear()
    yield
    shared.cache_clear()


def test_batches_resolved_by_two_threads_at_once_trace_each_situation_once(
    monkeypatch: pytest.MonkeyPatch, untraced: None
) -> None:
    """Two batches of the same situations resolved at the same time: one traces while the other
    waits, then takes the paths traced meanwhile (it traces none itself); both answer as one batch
    resolved alone, with the same paths."""
    records = mixed(3_000, seed=3)
    alone = Partition("medical-assistance", carry=["record_id", "paid"])
    expected = alone(records)
    traced_alone = len(alone.paths.paths)
    shared.cache_clear()  # the process's paths: none traced yet for the second
    both = Partition("medical-assistance", carry=["record_id", "paid"])
    trace = Population._trace
    started = threading.Event()

    tracers: set[int] = set()

    def slow(self: Population, *args: Any) -> Any:
        tracers.add(threading.get_ident())
        started.set()
        time.sleep(0.0005)  # the other thread arrives while this one traces
        return trace(self, *args)

    monkeypatch.setattr(Population, "_trace", slow)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(both, records)
        started.wait(5)
        second = pool.submit(both, records)
        outs = [first.result(), second.result()]
    assert all(out.equals(expected) for out in outs)
    assert len(both.paths.paths) == traced_alone
    assert len(tracers) == 1


def test_the_batch_that_began_first_traces_first(monkeypatch: pytest.MonkeyPatch, untraced: None) -> None:
    """The first batch of a file is written first: its situations are traced first, even when
    the next batch reaches the tracing lock before it (before, that one traced nearly every
    situation while the first waited, then the first traced its own few and was written last)."""
    records = mixed(2_000, seed=4)
    part = Partition("medical-assistance", carry=["record_id", "paid"])
    grouped, trace = population_module.group, Population._trace
    began, tracers = threading.Event(), []

    def slow_first(*args: Any) -> Any:
        if not began.is_set():
            began.set()
            time.sleep(0.3)  # the first batch is slow to group: the second reaches the lock first
        return grouped(*args)

    def traced(self: Population, *args: Any) -> Any:
        tracers.append(threading.current_thread().name)
        return trace(self, *args)

    monkeypatch.setattr(population_module, "group", slow_first)
    monkeypatch.setattr(Population, "_trace", traced)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(lambda: (threading.current_thread().name, part(records)))
        began.wait(5)
        second = pool.submit(lambda: (threading.current_thread().name, part(records)))
        (name, out), (_, again) = first.result(), second.result()
    assert out.equals(again)
    assert tracers and set(tracers) == {name}  # the first traced them all; the second found them traced


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 40).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(-(2**62), 2**62), min_size=n, max_size=n)
            | st.lists(st.integers(0, 3), min_size=n, max_size=n),
            max_size=5,
        ).map(lambda keys: (n, keys))
    )
)
def test_situation_codes_number_the_distinct_rows_of_their_keys_in_order(drawn: tuple[int, list[list[int]]]) -> None:
    """Rows with the same value in every key share a situation, rows that differ in one do not, and
    situations are numbered 0..k-1 in the keys' order, whatever the keys' ranges."""
    n, keys = drawn
    codes, count = _combine([np.array(key, np.int64) for key in keys], n)
    rows = list(zip(*keys, strict=True)) if keys else [()] * n
    distinct = sorted(set(rows))
    assert count == len(distinct)
    assert codes.tolist() == [distinct.index(row) for row in rows]


def test_a_template_gives_its_answer_back_compared_as_json_or_as_values() -> None:
    """A traced template with the exemplar's figures is its answer: as JSON in the common case,
    as values when the two are written differently (keys in another order, a value JSON cannot
    hold), and not when a figure differs."""
    mark = f"{MARK_OPEN}0{MARK_CLOSE}"
    template = (200, {"amount": mark, "note": f"按 {mark} 元", "flag": True}, None)
    answer = (200, {"amount": "12.50", "note": "按 12.50 元", "flag": True}, None)
    written = orjson.dumps(template)
    assert population_module._gives(template, written, ["12.50"], answer)
    assert not population_module._gives(template, written, ["12.51"], answer)
    reordered = (200, {"flag": True, "note": "按 12.50 元", "amount": "12.50"}, None)
    assert population_module._gives(template, written, ["12.50"], reordered)
    assert not population_module._gives(template, written, ["12.50"], (200, {**answer[1], "flag": 1.5}, None))
    odd = (200, {"amount": mark, "at": Decimal("1.0")}, None)
    assert population_module._gives(odd, None, ["3.00"], (200, {"amount": "3.00", "at": Decimal("1.0")}, None))


def test_a_batch_answered_while_another_traces_reads_the_paths_it_resolved() -> None:
    """One thread answers a batch of situations already traced while another traces new ones: the
    paths added meanwhile change nothing in the first thread's answers (it once read the list of
    paths as it grew: an IndexError). The interpreter switches threads as often as it can, so
    that the tracing thread adds paths in the middle of the other's work."""
    records = mixed(3_000, seed=4)
    north = pc.is_in(records.column("jurisdiction"), value_set=pa.array(["330400", "330300"]))
    known, new = records.filter(north), records.filter(pc.invert(north))
    part = Partition("medical-assistance", carry=["record_id", "paid"])
    expected = part(known).to_pylist()
    answers = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(1) as pool:
            tracing = pool.submit(part, new)
            while not tracing.done() or not answers:
                answers.append(part(known))
            tracing.result()
    finally:
        sys.setswitchinterval(interval)
    assert all(answer.to_pylist() == expected for answer in answers)


def test_every_copy_of_a_partition_function_uses_the_paths_its_process_traced(
    monkeypatch: pytest.MonkeyPatch, untraced: None
) -> None:
    """A Dask worker unpickles the partition function for each batch: the copy traces no situation
    the process traced already (it traced each batch's situations again before)."""
    records = mixed(2_000, seed=5)
    part = Partition("medical-assistance", carry=["record_id", "paid"])
    expected = part(records)
    traced = len(part.paths.paths)
    assert traced > 10
    calls: list[int] = []
    trace = Population._trace

    def counted(self: Population, *args: Any) -> Any:
        calls.append(1)
        return trace(self, *args)

    monkeypatch.setattr(Population, "_trace", counted)
    copy = pickle.loads(pickle.dumps(part))
    assert copy(records).equals(expected)
    assert calls == [] and len(copy.paths.paths) == traced


def test_a_process_traces_a_bounded_number_of_paths_and_answers_the_rest_by_the_rule(
    monkeypatch: pytest.MonkeyPatch, untraced: None
) -> None:
    """Past MAX_TRACED paths, the records of a situation not traced yet are answered one by one
    by the rule: the same answers, and memory that new situations do not grow."""
    records = mixed(2_000, seed=7)
    expected = Partition("medical-assistance", carry=["record_id", "paid"], population=False)(records)
    monkeypatch.setattr(population_module, "MAX_TRACED", 5)
    part = Partition("medical-assistance", carry=["record_id", "paid"])
    assert part(records).to_pylist() == expected.to_pylist()
    assert part(mixed(2_000, seed=8)).num_rows == 2_000
    assert len(part.paths.paths) <= 5 and len(part.paths.by_situation) <= 5


def test_a_path_whose_figures_do_not_give_its_exemplars_answer_back_is_left_to_the_rule(
    monkeypatch: pytest.MonkeyPatch, untraced: None
) -> None:
    """Each traced path's compiled forms write its exemplar's figures, which must give the
    exemplar's own answer back: here every amount is written a fen off, so no path with an amount
    is used, and the rule answers their records."""
    records = mixed(1_000, seed=9)
    expected = Partition("medical-assistance", carry=["record_id", "paid"], population=False)(records)
    written = population_module.written
    monkeypatch.setattr(
        population_module, "written", lambda how, scale, value: written(how, scale, value + (how == "f"))
    )
    part = Partition("medical-assistance", carry=["record_id", "paid"])
    assert part(records).to_pylist() == expected.to_pylist()
    paths = part.paths.paths
    assert len(paths) > 50
    assert not [p for p in paths if not p.scalar and any(m.how == "f" for m in p.marks)]


def test_a_batch_of_many_small_situations_traces_only_those_worth_a_trace(
    monkeypatch: pytest.MonkeyPatch, untraced: None
) -> None:
    """A batch with more than SMALL_SITUATIONS situations of fewer than MIN_ROWS records: their
    records are answered by the rule (a trace costs what a few records cost by the rule), the
    others' through their paths. The answers are the same either way."""
    records = mixed(3_000, seed=11)
    # half the records without a recognition date (large situations), half each with its own
    days = [None if i % 2 else dt.date(2022, 1, 1) + dt.timedelta(days=i) for i in range(records.num_rows)]
    table = records.append_column("recognized_on", pa.array(days, pa.date32()))
    expected = Partition("medical-assistance", carry=["record_id", "paid"], population=False)(table)
    monkeypatch.setattr(population_module, "SMALL_SITUATIONS", 10)
    part = Partition("medical-assistance", carry=["record_id", "paid"])
    assert part(table).to_pylist() == expected.to_pylist()
    keys = [dict(key) for key in part.paths.by_situation]
    assert len(keys) > 10
    assert all("recognized_on" not in key for key in keys)  # the records with a date of their own: by the rule


def test_answers_made_into_columns_a_chunk_at_a_time_make_the_same_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule's answers are made into columns CHUNK at a time (a batch does not hold a quarter of
    a million answers' dictionaries at once): the same table, labels in the same order."""
    part = Partition("medical-assistance", carry=["record_id", "paid"], population=False)
    table = mixed(200, seed=2)
    whole = part(table)
    monkeypatch.setattr(columns_module, "CHUNK", 7)
    chunked = part(table)
    assert chunked.schema == whole.schema
    assert chunked.equals(whole)


def test_records_that_give_no_field_of_the_request_are_each_answered() -> None:
    """Records with nothing but a carried column, answered by the rule: each answered (a refusal
    naming what is missing), one row each (a table of no request column is not sliced short)."""
    table = pa.table({"record_id": pa.array([1, 2, 3], pa.int64())})
    out = Partition("medical-assistance", "330400", carry=["record_id"], population=False)(table)
    assert out.column("record_id").to_pylist() == [1, 2, 3]
    assert set(out.column("status").to_pylist()) == {422}


@pytest.mark.parametrize("copies", [1, 10])  # one by one by the rule, and through the population path
def test_cells_the_single_endpoint_cannot_be_sent_are_refused(copies: int) -> None:
    """A whole number in a text cell is read as JSON writes one: ``014``, ``+14`` and ``-0`` are no
    JSON number the endpoint takes (were read as 14, 14 and 0); a float amount of -0.0 is signed,
    as the endpoint's ``-0`` (was read as 0.00)."""
    ages = ["14", "014", "+14", "-0", "0", "7"]
    texts = pa.table(
        {
            "jurisdiction": ["330400"] * len(ages) * copies,
            "date": ["2023-06-01"] * len(ages) * copies,
            "eligible_self_pay": ["100.00"] * len(ages) * copies,
            "age": ages * copies,
        }
    )
    statuses = Partition("medical-assistance")(texts).column("status").to_pylist()
    assert statuses == [200, 422, 422, 422, 200, 200] * copies
    amounts = [-0.0, 0.0, 12.5]
    floats = pa.table(
        {
            "jurisdiction": ["330400"] * len(amounts) * copies,
            "date": ["2023-06-01"] * len(amounts) * copies,
            "eligible_self_pay": pa.array(amounts * copies, pa.float64()),
        }
    )
    statuses = Partition("medical-assistance")(floats).column("status").to_pylist()
    assert statuses == [422, 200, 200] * copies
