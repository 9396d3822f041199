"""Records in, request bodies out: what a row of the input says, as the single endpoint's JSON.

A row's cell for a request field becomes that field's JSON value; a null (or empty CSV) cell is a
field left out, and the ``--jurisdiction``/``--date`` flags fill in what a row leaves out. Parquet
cells keep their type (decimal amounts become their decimal string; a date its ISO string). CSV
cells are text: integers and ``true``/``false`` flags are read as such, lists are ``;``-separated
codes and nested fields are JSON text; a cell that does not read goes to the request schema as it
is, which answers it with the single endpoint's own 422.

What tools write is read as what it means: an Arrow timestamp or ``date64`` in a date field is its
calendar date (in the timestamp's own time zone). A column of a type that no row of it could be
read from (booleans as money, a list of integers as category codes, binary) is refused before
the run (:func:`type_problem`), and so is a decimal column of more than two places: an amount has
at most two decimals, and the single endpoint refuses ``100.125`` and ``100.120`` alike (text and
float cells of three decimals are their row's 422, as there). So is a column that is neither a
request field nor carried (:func:`unknown_message`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import shlex
from collections.abc import Callable, Collection, Iterable, Iterator
from decimal import Decimal
from typing import Any

import marshmallow as ma
import pyarrow as pa
import pyarrow.compute as pc

from bingpin.api.fields import Flag, Money
from bingpin.api.parsing import lone_surrogate, too_deep
from bingpin.api.stopping import check

#: A whole number in a text cell, as JSON writes one (``14``, ``-3``; not ``014``, ``+14`` or ``-0``,
#: which the single endpoint cannot be sent as numbers): another text stays text, which the field refuses.
_INTEGER = re.compile(r"0|-?[1-9][0-9]{0,17}")


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
    """JSON text (CSV) as the JSON it says (as text when a string in it is not Unicode text, a lone
    surrogate: the field then refuses it); a Parquet struct or list without its null members."""
    if isinstance(value, str):
        if too_deep(value.encode()):  # Python's parser recurses: as text, which the field refuses
            return value
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return value if "\\u" in value and lone_surrogate(parsed) else parsed
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


def _folded(name: str) -> str:
    """A name as compared for "did you mean": case and runs of spaces set aside."""
    return " ".join(name.split()).casefold()


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``name`` most likely means: one that differs only in spaces or case
    (``'date '``, ``'Date'`` for ``date``) first, else the closest spelling, else None."""
    candidates = [c for c in candidates if c != name]
    same = [c for c in candidates if _folded(c) == _folded(name)]
    if same:
        return same[0]
    folded = {_folded(c): c for c in reversed(candidates)}
    near = difflib.get_close_matches(_folded(name), list(folded), n=1, cutoff=0.6)
    return folded[near[0]] if near else None


def unknown_message(names: list[str], fields: list[str], calculation: str) -> str:
    """One line naming each unknown column, the field it most likely means, and how to carry it.

    Names are shown quoted (``'date '``), so that spaces show; the ``--carry`` flags are quoted
    for a shell when they need it."""
    chinese, english = [], []
    for name in names:
        near = nearest(name, fields)
        chinese.append(f"未知的列（{name!r}）" + (f"，是否应为（{near!r}）？" if near else ""))
        english.append(f"unknown column {name!r}" + (f" (did you mean {near!r}?)" if near else ""))
    carry = " ".join(f"--carry {shlex.quote(name)}" for name in names)
    return (
        f"{'；'.join(chinese)} / {'; '.join(english)}: not a field of {calculation}; "
        f"fix the name, or carry it through unchanged with {carry}"
    )


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        return _is_text(kind.value_type)
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _kinds(field: ma.fields.Field) -> tuple[str, Callable[[pa.DataType], bool]]:
    """What a column for ``field`` may be (besides text and all-null): its description and test."""
    if isinstance(field, Money):
        return (
            "decimal, integer or float amounts",
            lambda k: pa.types.is_decimal(k) or pa.types.is_integer(k) or (pa.types.is_floating(k)),
        )
    if isinstance(field, ma.fields.Date):
        return "dates or timestamps", lambda k: pa.types.is_date(k) or pa.types.is_timestamp(k)
    if isinstance(field, ma.fields.Integer):
        return "integers", lambda k: pa.types.is_integer(k) or pa.types.is_floating(k)
    if isinstance(field, Flag):
        return "booleans", pa.types.is_boolean
    if isinstance(field, ma.fields.List):
        inner, test = _kinds(field.inner)
        return (
            f"a list of {inner}",
            lambda k: (
                (pa.types.is_list(k) or pa.types.is_large_list(k))
                and (_is_text(k.value_type) or test(k.value_type) or pa.types.is_null(k.value_type))
            ),
        )
    if isinstance(field, ma.fields.Nested):
        return "structs (or JSON text)", pa.types.is_struct
    return "text", _is_text


def type_problem(name: str, field: ma.fields.Field, kind: pa.DataType) -> str | None:
    """Why no cell of a column of type ``kind`` could be read as ``field`` (None: it can be)."""
    what, test = _kinds(field)
    if isinstance(field, Money) and pa.types.is_decimal(kind) and kind.scale > 2:
        return (
            f"列（{name!r}）的类型为 {kind}，金额最多两位小数 / column {name!r} is {kind}: amounts have at most two "
            "decimals, as the single endpoint takes them (write decimal(18, 2))"
        )
    if _is_text(kind) or pa.types.is_null(kind) or test(kind):
        return None
    text = what == "text"
    takes, hint = ("text: write the column as text", "，请将该列存为文本") if text else (f"{what} or text", "")
    return f"列（{name!r}）的类型为 {kind}，无法读取{hint} / column {name!r} is {kind}: {name} takes {takes}"


#: The days a date can be (0001-01-01 to 9999-12-31, as days since 1970): the request's ISO text.
_FIRST_DAY, _LAST_DAY = -719_162, 2_932_896


def _dates(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Timestamps and ``date64`` as calendar dates (a zoned timestamp's date in its own zone; a
    ``date64`` of part of a day, its day). A column with a day outside years 1 to 9999 is read as
    the text of its days (``10183-09-21``), which the request refuses as not a date: that record
    is a 422, the others are answered."""
    if pa.types.is_timestamp(column.type) or pa.types.is_date64(column.type):
        column = pc.cast(column, pa.date32(), safe=not pa.types.is_date64(column.type))
    if pa.types.is_date32(column.type) and column.null_count < len(column):
        days = pc.min_max(pc.cast(column, pa.int32()))
        if days["min"].as_py() < _FIRST_DAY or days["max"].as_py() > _LAST_DAY:
            return pc.cast(column, pa.string())
    return column


def normalise(table: pa.Table, schema: ma.Schema) -> pa.Table:
    """Typed columns of request fields as the request reads them (dates, code lists)."""
    for name, field in schema.fields.items():
        if name in table.column_names and isinstance(field, ma.fields.Date):
            table = table.set_column(table.column_names.index(name), name, _dates(table.column(name)))
    return csv_lists(table, schema)


def csv_lists(table: pa.Table, schema: ma.Schema) -> pa.Table:
    """CSV text cells of list-of-code fields (``categories``) split on ``;`` into lists, each code
    as written (the single endpoint refuses ``" subsistence_allowance"``, and so does the audit)."""
    for name, field in schema.fields.items():
        if name not in table.column_names or not isinstance(field, ma.fields.List):
            continue
        kind = table.schema.field(name).type
        if isinstance(field.inner, ma.fields.Nested) or not _is_text(kind):
            continue
        column = table.column(name)
        if pa.types.is_dictionary(kind):  # text as labels (a pandas category): the text they stand for
            column = column.cast(kind.value_type)
        split = pc.split_pattern(column, ";")
        table = table.set_column(table.column_names.index(name), name, split)
    return table


#: Rows read into bodies at a time (:meth:`Bodies.each`).
CHUNK = 4096


class Bodies:
    """The request body of each row of a batch, for one calculation's request schema."""

    def __init__(self, schema: ma.Schema, jurisdiction: str | None, date: str | None) -> None:
        self.fields = {name: converter(field) for name, field in schema.fields.items()}
        self.defaults = {k: v for k, v in (("jurisdiction", jurisdiction), ("date", date)) if v is not None}

    def rows(self, table: pa.Table, indices: list[int] | None = None) -> list[dict[str, Any]]:
        """The bodies of the rows at ``indices`` (all rows when ``None``), in that order."""
        return list(self.each(table, indices))

    def shapes(self, table: pa.Table, indices: list[int], unread: Collection[str]) -> list[dict[str, Any]]:
        """:meth:`rows` without the values of the fields ``unread``: a row that gives one has it,
        as ``...`` (what a situation is made of: which of them a row gives, not their values)."""
        return list(self.each(table, indices, unread))

    def each(
        self, table: pa.Table, indices: list[int] | None = None, unread: Collection[str] = ()
    ) -> Iterator[dict[str, Any]]:
        """:meth:`rows`, one at a time: read :data:`CHUNK` rows at a time, so that a caller
        answering them one by one counts its first answers (progress) and stops within
        milliseconds, not after a whole batch was read."""
        names = [n for n in table.column_names if n in self.fields]
        table = table.select(names)
        if indices is not None:
            table = table.take(pa.array(indices, type=pa.int64()))
        for start in range(0, table.num_rows, CHUNK):
            check()  # a stopped run does not finish a batch
            size = min(CHUNK, table.num_rows - start)  # a table of no column does not shorten a slice
            chunk = table.slice(start, size)
            columns = [
                (_unread, name, [True if given else None for given in chunk.column(name).is_valid().to_pylist()])
                if name in unread
                else (self.fields[name], name, chunk.column(name).to_pylist())
                for name in names
            ]
            for i in range(size):
                body = dict(self.defaults)
                for read, name, values in columns:
                    value = values[i]
                    if value is not None:
                        body[name] = read(value)
                yield body


def _unread(given: bool) -> Any:
    return ...
