"""The output columns of an audit, read off the calculation's response schema.

Every answer field becomes a column: nested objects are flattened (``jurisdiction`` gives
``jurisdiction_code`` and ``jurisdiction_name``), lists of objects stay lists of structs, money is
``decimal128(18, 2)`` (the wire's two-decimal string, exactly), ratios and exact percentages stay
the wire's strings, dates are dates. ``status``, ``error_code``, ``error_message`` and
``error_fields`` (the error's field-level messages as JSON) follow. The explanation is left out,
as ``?explain=false`` does.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import marshmallow as ma
import pyarrow as pa

from bingpin.api.fields import ExactPercent, Money, Percent
from bingpin.api.resources.calculations import Endpoint
from bingpin.api.runner import Answer
from bingpin.api.schemas.common import Steps
from bingpin.api.stopping import checked

MONEY = pa.decimal128(18, 2)
LABEL = pa.dictionary(pa.int32(), pa.string())


def _money(value: Any) -> Any:
    return None if value is None else Decimal(value)


def _date(value: Any) -> Any:
    return None if value is None else dt.date.fromisoformat(value)


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Column:
    """One output column: its name, where its value sits in the wire answer, and its type."""

    name: str
    path: tuple[str, ...]
    type: pa.DataType
    read: Callable[[Any], Any]


def _arrow(field: ma.fields.Field, top: bool) -> tuple[pa.DataType, Callable[[Any], Any]]:
    """The Arrow type of a response field and the reader from its wire value."""
    if isinstance(field, ExactPercent):
        # every digit the value has (``"82.999"``): kept as the wire writes it, like the ratios
        return pa.string(), _same
    if isinstance(field, Money | Percent):
        return MONEY, _money
    if isinstance(field, ma.fields.Date):
        return pa.date32(), _date
    if isinstance(field, ma.fields.Boolean):
        return pa.bool_(), _same
    if isinstance(field, ma.fields.Integer):
        return pa.int64(), _same
    if isinstance(field, ma.fields.List):
        inner, read = _arrow(field.inner, top=top)
        return pa.list_(inner), (_same if read is _same else lambda v: None if v is None else [read(x) for x in v])
    if isinstance(field, ma.fields.Nested):
        parts = [(name, *_arrow(f, top=False)) for name, f in field.schema.fields.items()]
        struct = pa.struct([(name, kind) for name, kind, _ in parts])
        readers = [(name, read) for name, _, read in parts]
        return struct, lambda v: None if v is None else {name: read(v.get(name)) for name, read in readers}
    # strings (and ratios, kept as the wire writes them): labels repeat, so dictionary-encoded at the top
    return (LABEL if top else pa.string()), _same


def answer_columns(endpoint: Endpoint) -> list[Column]:
    """The answer's columns, in the response schema's order."""
    columns: list[Column] = []
    for name, field in endpoint.response().fields.items():
        if isinstance(field, Steps):
            continue
        if isinstance(field, ma.fields.Nested) and not field.many:
            for sub, subfield in field.schema.fields.items():
                kind, read = _arrow(subfield, top=True)
                columns.append(Column(f"{name}_{sub}", (name, sub), kind, read))
            continue
        kind, read = _arrow(field, top=True)
        columns.append(Column(name, (name,), kind, read))
    return columns


def status_fields() -> list[pa.Field]:
    return [
        pa.field("status", pa.int16()),
        pa.field("error_code", LABEL),
        pa.field("error_message", LABEL),
        pa.field("error_fields", pa.string()),
    ]


def _lookup(result: dict[str, Any] | None, path: tuple[str, ...]) -> Any:
    value: Any = result
    for key in path:
        if value is None:
            return None
        value = value.get(key)
    return value


#: Answers made into columns at a time (:func:`answers_table`).
CHUNK = 4096


def answers_table(columns: list[Column], answers: Iterable[Answer], records: bool = True) -> pa.Table:
    """The answer columns and status columns of ``answers`` (one row each). Computing them is the
    long part of a batch of scalar rows: it ends within milliseconds of a stop (``api.stopping``),
    and counts the answers as records done unless they are not records' (``records=False``). The
    answers are made into columns :data:`CHUNK` at a time: a batch holds its answers as columns,
    not as a quarter of a million answers' dictionaries at once."""
    schema = pa.schema([pa.field(c.name, c.type) for c in columns] + status_fields())
    each = checked(answers, counting=records)
    tables = []
    while chunk := list(itertools.islice(each, CHUNK)):
        tables.append(_answers_chunk(columns, chunk, schema))
    if len(tables) <= 1:
        return tables[0] if tables else _answers_chunk(columns, [], schema)
    return pa.concat_tables(tables).unify_dictionaries().combine_chunks()


def _answers_chunk(columns: list[Column], answers: list[Answer], schema: pa.Schema) -> pa.Table:
    arrays: list[pa.Array] = []
    for column in columns:
        values = [column.read(_lookup(result, column.path)) for _, result, _ in answers]
        arrays.append(pa.array(values, type=column.type))
    arrays.append(pa.array([status for status, _, _ in answers], type=pa.int16()))
    errors = [error or {} for _, _, error in answers]
    arrays.append(pa.array([e.get("code") for e in errors], type=LABEL))
    arrays.append(pa.array([e.get("message") for e in errors], type=LABEL))
    arrays.append(
        pa.array(
            [json.dumps(e["errors"], ensure_ascii=False) if "errors" in e else None for e in errors], type=pa.string()
        )
    )
    return pa.Table.from_arrays(arrays, schema=schema)


def wire_answer(columns: list[Column], row: dict[str, Any]) -> Answer:
    """An output row back in the single endpoint's wire form: (status, result, error).

    The inverse of :func:`answers_table`, used to compare audit rows with single answers."""
    status = row["status"]
    if row["error_code"] is not None:
        error = {"code": row["error_code"], "message": row["error_message"], "errors": json.loads(row["error_fields"])}
        return status, None, error
    result: dict[str, Any] = {}
    for column in columns:
        target = result
        for key in column.path[:-1]:
            target = target.setdefault(key, {})
        target[column.path[-1]] = _wire(row[column.name], column.type)
    return status, result, None


def _wire(value: Any, kind: pa.DataType) -> Any:
    if value is None:
        return None
    if kind == MONEY:
        return f"{value:.2f}"
    if pa.types.is_date32(kind):
        return value.isoformat()
    if pa.types.is_list(kind):
        return [_wire(v, kind.value_type) for v in value]
    if pa.types.is_struct(kind):
        return {
            kind.field(i).name: _wire(value[kind.field(i).name], kind.field(i).type) for i in range(kind.num_fields)
        }
    return value
