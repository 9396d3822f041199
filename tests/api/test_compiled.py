"""The compiled load and dump (api.compiled) answer exactly as marshmallow does."""

from __future__ import annotations

import json
from typing import Any

import marshmallow as ma
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bingpin.api.compiled import CompiledSchema, compile_dump, compile_load
from bingpin.api.resources.calculations import ENDPOINTS, shape
from bingpin.api.schemas.common import StepSchema
from bingpin.rules.core.errors import BingpinError
from bingpin.rules.registry import calculate
from tests.api.strategies import bodies, mutated

REQUESTS = {endpoint.path: endpoint.request() for endpoint in ENDPOINTS}
RESPONSES = {endpoint.path: endpoint.response() for endpoint in ENDPOINTS}


def _marshmallow_load(schema: ma.Schema, data: Any) -> tuple[str, Any]:
    try:
        return "ok", repr(ma.Schema.load(schema, data))
    except ma.ValidationError as error:
        return "error", error.messages


def _compiled_load(schema: ma.Schema, data: Any) -> tuple[str, Any]:
    try:
        return "ok", repr(schema.load(data))
    except ma.ValidationError as error:
        return "error", error.messages


def test_every_calculation_schema_is_compiled() -> None:
    for endpoint in ENDPOINTS:
        assert isinstance(REQUESTS[endpoint.path], CompiledSchema)
        assert compile_load(REQUESTS[endpoint.path]) is not None, endpoint.path
        assert compile_dump(RESPONSES[endpoint.path]) is not None, endpoint.path


@settings(max_examples=300, deadline=None)
@given(data=st.data(), endpoint=st.sampled_from(ENDPOINTS))
def test_the_compiled_load_returns_what_marshmallow_returns(data: st.DataObject, endpoint: Any) -> None:
    schema = REQUESTS[endpoint.path]
    body = data.draw(mutated(endpoint.request), label="body")
    assert _compiled_load(schema, body) == _marshmallow_load(schema, body)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), endpoint=st.sampled_from(ENDPOINTS), explain=st.booleans())
def test_the_compiled_dump_writes_what_marshmallow_writes(data: st.DataObject, endpoint: Any, explain: bool) -> None:
    args = ma.Schema.load(REQUESTS[endpoint.path], data.draw(bodies(endpoint.request), label="body"))
    case = endpoint.build(args)
    try:
        policy, outcome = calculate(endpoint.path, args["jurisdiction"], case)
    except BingpinError:
        return
    answer = shape(policy, case, outcome, explain=explain)
    schema = RESPONSES[endpoint.path]
    compiled = json.dumps(schema.dump(answer), ensure_ascii=False)
    assert compiled == json.dumps(ma.Schema.dump(schema, answer), ensure_ascii=False)
    # The explanation is sent as built (api.schemas.common.Steps): it must be StepSchema's form already.
    steps = answer.get("explanation", [])
    assert json.dumps(StepSchema(many=True).dump(steps), ensure_ascii=False) == json.dumps(steps, ensure_ascii=False)


class Hooked(CompiledSchema):
    name = ma.fields.String()

    @ma.post_load
    def _upper(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {"name": data["name"].upper()}


class Keyed(CompiledSchema):
    name = ma.fields.String(data_key="Name")


@pytest.mark.parametrize("schema", [Hooked(), Keyed(), Keyed(partial=True), Hooked(many=True)])
def test_a_schema_the_compiler_does_not_know_is_left_to_marshmallow(schema: ma.Schema) -> None:
    assert compile_load(schema) is None
    data = [{"name": "a"}] if schema.many else {"name": "a"} if isinstance(schema, Hooked) else {"Name": "a"}
    expected = [{"name": "A"}] if schema.many else {"name": "A"} if isinstance(schema, Hooked) else {"name": "a"}
    assert schema.load(data) == expected


def test_a_dump_of_objects_that_are_not_dicts_is_left_to_marshmallow() -> None:
    class Point:
        x = 1

    class PointSchema(CompiledSchema):
        x = ma.fields.Integer()

    assert PointSchema().dump(Point()) == {"x": 1}
    assert PointSchema(many=True).dump([{"x": 2}, {"x": 3}]) == [{"x": 2}, {"x": 3}]
