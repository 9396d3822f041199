"""Records in, request bodies out: what a row of the input says, as the single endpoint's JSON.

A row's cell for a request field becomes that field's JSON value; a null (or empty CSV) cell is a
field left out, and the ``--jurisdiction``/``--date`` flags fill in what a row leaves out. Parquet
cells keep their type (decimal amounts become their decimal string; a date its ISO string). CSV
cells are text: integers and ``true``/``false`` flags are read as such, lists are ``;``-separated
codes and nested fields are JSON text; a cell that does not read goes to the request schema as it
is, which answers it with the single endpoint's own 422.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import marshmallow as ma
import pyarrow as pa
import pyarrow.compute as pc

from bingpin.api.fields import Flag, Money

_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")


def _plain(value: Any) -> Any:
    """Nested values (Parquet structs): a null member field is a field left out."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return _wire_scalar(value)


def _wire_scalar(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _integer(value: Any) -> Any:
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)  # integer columns with nulls arrive as floats from pandas
    return value


def _flag(value: Any) -> Any:
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    return value


def _json_text(value: Any) -> Any:
    """JSON text (CSV) as the JSON it says; a Parquet struct or list without its null members."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return _plain(value)


def converter(field: ma.fields.Field) -> Callable[[Any], Any]:
    """How a cell becomes the JSON value of ``field``."""
    if isinstance(field, Money):
        return _wire_scalar
    if isinstance(field, ma.fields.Integer):
        return _integer
    if isinstance(field, Flag):
        return _flag
    if isinstance(field, ma.fields.Nested) or (
        isinstance(field, ma.fields.List) and isinstance(field.inner, ma.fields.Nested)
    ):
        return _json_text
    return _plain


def csv_lists(table: pa.Table, schema: ma.Schema) -> pa.Table:
    """CSV text cells of list-of-code fields (``categories``) split on ``;`` into lists."""
    for name, field in schema.fields.items():
        if name not in table.column_names or not isinstance(field, ma.fields.List):
            continue
        if isinstance(field.inner, ma.fields.Nested) or not pa.types.is_string(table.schema.field(name).type):
            continue
        column = table.column(name)
        split = pc.split_pattern(pc.utf8_trim_whitespace(column), ";")
        table = table.set_column(table.column_names.index(name), name, split)
    return table


class Bodies:
    """The request body of each row of a batch, for one calculation's request schema."""

    def __init__(self, schema: ma.Schema, jurisdiction: str | None, date: str | None) -> None:
        self.fields = {name: converter(field) for name, field in schema.fields.items()}
        self.defaults = {k: v for k, v in (("jurisdiction", jurisdiction), ("date", date)) if v is not None}

    def rows(self, table: pa.Table, indices: list[int] | None = None) -> list[dict[str, Any]]:
        """The bodies of the rows at ``indices`` (all rows when ``None``), in that order."""
        names = [n for n in table.column_names if n in self.fields]
        if indices is not None:
            table = table.select(names).take(pa.array(indices, type=pa.int64()))
        columns = [(name, self.fields[name], table.column(name).to_pylist()) for name in names]
        bodies = []
        for i in range(table.num_rows):
            body = dict(self.defaults)
            for name, read, values in columns:
                value = values[i]
                if value is not None:
                    body[name] = read(value)
            bodies.append(body)
        return bodies
