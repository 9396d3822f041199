"""Records grouped by situation: the facts a rule branches on by value, and the columns it traces.

Of a calculation's request fields, the amounts (integer fen), the date (days since 1970) and
whole numbers such as the age are *traced*: read here a column at a time, exactly as the request
schema reads each cell, and handed to the rule as stand-ins (rules.core.symbolic). Every other
field (jurisdiction, categories, diagnoses, care type, a recognition date, yes/no flags), and
whether each traced field was given at all, makes the *situation*: records of one situation
have the same value in each, so the rule, run once for one of them, decides the same way for all
but where a traced value decides (a guard). A row whose traced cell is not read exactly (an
amount of three decimals, text that is not a date, an age out of range), or that gives a nested
field (a household's members, a table of figures: their amounts are not traced), is marked for
the rule itself.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import marshmallow as ma
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bingpin.api.audit.fen import as_written, to_fen
from bingpin.api.fields import Money

_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_EPOCH = np.datetime64("1970-01-01", "D")
#: Arrow scalars made once (a Python value in a compute call is converted on every call).
_NO, _ZERO32 = pa.scalar(False), pa.scalar(0, pa.int32())
#: The traced date field: the one every calculation compares with its periods.
TRACED_DATE = "date"


@dataclass
class Situations:
    """One batch of records: each row's situation (0..count-1), the traced columns, the rows left
    to the rule (``scalar``), and which traced fields each row gave."""

    situation: np.ndarray
    count: int
    traced: dict[str, np.ndarray]
    scales: dict[str, int]
    scalar: np.ndarray
    #: The largest magnitude in each traced column (whether a form could leave int64).
    largest: dict[str, int]


def traced_fields(schema: ma.Schema) -> dict[str, int]:
    """The traced request fields and the scale of each one's integer column (read, not to be changed:
    a schema's are worked out once)."""
    found = _TRACED.get(schema)
    if found is None:
        found = _TRACED[schema] = _traced_fields(schema)
    return found


_TRACED: weakref.WeakKeyDictionary[ma.Schema, dict[str, int]] = weakref.WeakKeyDictionary()


def _traced_fields(schema: ma.Schema) -> dict[str, int]:
    found: dict[str, int] = {}
    for name, field in schema.fields.items():
        if isinstance(field, Money):
            found[name] = 2
        elif (name == TRACED_DATE and isinstance(field, ma.fields.Date)) or (
            isinstance(field, ma.fields.Integer) and _range(field) is not None
        ):
            found[name] = 0
    return found


def _range(field: ma.fields.Field) -> tuple[int, int] | None:
    for validator in field.validators:
        if not isinstance(validator, ma.validate.Range) or validator.min is None or validator.max is None:
            continue
        if validator.min_inclusive and validator.max_inclusive:
            return int(validator.min), int(validator.max)
    return None


def _nested(field: ma.fields.Field) -> bool:
    return isinstance(field, ma.fields.Nested) or (
        isinstance(field, ma.fields.List) and isinstance(field.inner, ma.fields.Nested)
    )


def _valid(column: pa.Array) -> np.ndarray:
    return np.asarray(column.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _array(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return column


def days(column: pa.Array, default: str | None, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(days since 1970, read, given): a date column as the request reads it, the default
    (``--date``) where a cell is null."""
    flag = int((np.datetime64(default, "D") - _EPOCH).astype(np.int64)) if default else None
    given = _valid(column)
    if (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)) and (
        (iso_dates := as_written(column, pa.date32())) is not None
    ):
        values = np.asarray(pc.fill_null(pc.cast(iso_dates, pa.int32()), _ZERO32).to_numpy(False))
        read = given.copy()
    elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        iso = np.asarray(pc.fill_null(pc.match_substring_regex(column, _ISO_DATE), _NO).to_numpy(False), dtype=bool)
        text = pc.if_else(pa.array(iso), column, pa.scalar("1970-01-01", column.type))
        try:
            parsed = pc.cast(text, pa.date32())
        except pa.ArrowInvalid:  # a day that does not exist (2023-02-30): not read
            parsed = pc.cast(pc.strptime(text, "%Y-%m-%d", "s", error_is_null=True), pa.date32())
        # read only as written: the day written back is the text (2023-02-30 does not roll over)
        same = pc.fill_null(pc.equal(pc.cast(parsed, column.type), column), _NO)
        iso &= np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)
        values = np.asarray(pc.fill_null(pc.cast(parsed, pa.int32()), _ZERO32).to_numpy(False))
        read = iso
    elif pa.types.is_date32(column.type):
        values = np.asarray(pc.fill_null(pc.cast(column, pa.int32()), _ZERO32).to_numpy(zero_copy_only=False))
        read = given.copy()
    elif pa.types.is_null(column.type):
        values, read = np.zeros(n, np.int32), np.zeros(n, bool)
    else:
        return np.zeros(n, np.int64), np.zeros(n, bool), given
    values = values.astype(np.int64)
    if flag is not None:
        values = np.where(given, values, flag)
        read = read | ~given
        given = np.ones(n, bool)
    return values, read & given, given


def _integers(column: pa.Array, low: int, high: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(values, read): whole numbers within the field's range, as the request reads them."""
    if pa.types.is_integer(column.type):
        values = np.asarray(pc.fill_null(column, pa.scalar(0, column.type)).to_numpy(False)).astype(np.int64)
        read = _valid(column)
    elif pa.types.is_string(column.type):
        # as JSON writes a whole number (no sign, no leading zero), as records._INTEGER reads one
        read = np.asarray(pc.fill_null(pc.match_substring_regex(column, "^(0|[1-9][0-9]{0,5})$"), _NO).to_numpy(False))
        read = read.astype(bool)
        text = pc.if_else(pa.array(read), column, pa.scalar("0", column.type))
        values = np.asarray(pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False))
    else:
        return np.zeros(n, np.int64), np.zeros(n, bool)
    read = read & (values >= low) & (values <= high)
    return np.where(read, values, 0), read


def _dense(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes renumbered 0..k-1 (by value), and k."""
    if len(codes) == 0:
        return codes.astype(np.int64), 0
    low, high = int(codes.min()), int(codes.max())
    if high - low < 1 << 22:
        shifted = codes - low
        present = np.bincount(shifted, minlength=high - low + 1) > 0
        numbers = np.cumsum(present) - 1
        return numbers[shifted].astype(np.int64), int(present.sum())
    unique, inverse = np.unique(codes, return_inverse=True)
    return inverse.astype(np.int64), len(unique)


def _flat_codes(column: pa.Array) -> np.ndarray | None:
    """A code per cell (0 for null) of a column of plain values, or None when not groupable."""
    if pa.types.is_dictionary(column.type):
        indices = column.indices
    elif pa.types.is_nested(column.type):
        return None
    else:
        try:
            indices = pc.dictionary_encode(column).indices
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
            return None
    if not len(indices):
        return np.zeros(0, np.int64)
    # the indices' own buffer, one up (a null's index is whatever its slot holds: set to 0 after)
    codes = np.frombuffer(indices.buffers()[1], indices.type.to_pandas_dtype())
    codes = codes[indices.offset : indices.offset + len(indices)].astype(np.int64) + 1
    if indices.null_count:
        codes[~_valid(indices)] = 0
    return codes


#: Lists up to this long are coded item position by item position (a pass over the rows each);
#: a longer one codes them all by a running sum over every item.
_LEVELS = 8


def _list_codes(column: pa.Array, n: int) -> tuple[np.ndarray, np.ndarray] | None:
    """A code per list (0 null, 1 empty, then by its items in order), and the rows left to the
    rule: too long to code, or with a missing item (which the code cannot tell from no item);
    None when the items are not plain values."""
    items = _flat_codes(column.values)  # every item the lists point into (a slice's too)
    if items is None:
        return None
    valid = _valid(column)
    offsets = np.asarray(column.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)  # this slice's
    counts = np.where(valid, np.diff(offsets), 0)
    starts = offsets[:-1]
    base = int(items.max()) + 1 if len(items) else 2
    longest = max(1, int(61 / math.log2(base + 1)))
    deepest = int(counts.max()) if n else 0
    missing = np.zeros(n, bool)
    if deepest <= _LEVELS:  # the items at each position, a pass each: most lists have one or two
        given = counts > 0
        # each list's first item (a list without one reads some item, not kept: no list points past the items)
        found = np.where(given, items[np.minimum(starts, len(items) - 1)], 0) if len(items) else np.zeros(n, np.int64)
        codes = found + 1
        missing |= given & (found == 0)
        for position in range(1, deepest):
            rows = np.flatnonzero(counts > position)
            found = items[starts[rows] + position]
            codes[rows] += found * np.int64(base ** min(position, longest))
            missing[rows[found == 0]] = True
    else:  # modular sums: the differences stay exact
        parents = np.repeat(np.arange(n), counts)
        first = np.cumsum(counts) - counts
        position = np.arange(len(parents)) - first[parents]
        taken = items[ranges(starts, counts)]
        weights = taken * (np.int64(base) ** np.minimum(position, longest))
        total = np.concatenate([[0], np.cumsum(weights)])
        codes = total[first + counts] - total[first] + 1
        missing[parents[taken == 0]] = True
    return np.where(valid, codes, 0), (counts > longest) | missing


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(start, start + length) ...])``."""
    offsets = np.cumsum(lengths) - lengths  # where each range begins in the result
    return np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)


def group(table: pa.Table, schema: ma.Schema, defaults: dict[str, str]) -> Situations:
    """The situations of ``table``'s rows for a calculation with request ``schema``."""
    n = table.num_rows
    traced_scales = traced_fields(schema)
    scalar = np.zeros(n, bool)
    keys: list[np.ndarray] = []
    traced: dict[str, np.ndarray] = {}
    present = set(table.column_names)
    for name, field in schema.fields.items():
        if name not in present:
            if name == TRACED_DATE and name in traced_scales:
                if "date" not in defaults:
                    scalar[:] = True
                    traced[name] = np.zeros(n, np.int64)
                else:
                    traced[name] = days(pa.nulls(n, pa.date32()), defaults["date"], n)[0]
            continue
        column = _array(table.column(name))
        if name in traced_scales:
            if isinstance(field, Money):
                values, read = to_fen(column)
                given = _valid(column)
            elif isinstance(field, ma.fields.Date):
                values, read, given = days(column, defaults.get(name), n)
            else:
                low, high = _range(field) or (0, 0)
                values, read = _integers(column, low, high, n)
                given = _valid(column)
            scalar |= given & ~read
            traced[name] = values
            keys.append(given.astype(np.int64))
            continue
        if _nested(field):  # a household's members, a table of figures: amounts inside, not traced
            scalar |= _valid(column)
            continue
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            found = _list_codes(column, n)
            if found is None:
                scalar |= _valid(column)
                continue
            codes, left = found
            scalar |= left
        else:
            flat = None if pa.types.is_struct(column.type) else _flat_codes(column)
            if flat is None:
                scalar |= _valid(column)
                continue
            codes = flat
        keys.append(codes)
    situation, count = _combine(keys, n)
    largest = {name: max(int(values.max()), -int(values.min())) if n else 0 for name, values in traced.items()}
    return Situations(situation, count, traced, traced_scales, scalar, largest)


def _combine(keys: list[np.ndarray], n: int) -> tuple[np.ndarray, int]:
    """One code per row for the rows' codes in every key (in the keys' order), renumbered 0..k-1:
    the keys' codes are combined as they are while their product of ranges fits int64; a key whose
    range is wider than it has rows is renumbered first, and the codes so far when the product
    would not fit (then both are at most ``n``, and ``n * n`` fits)."""
    if n == 0:
        return np.zeros(0, np.int64), 0
    combined, count = np.zeros(n, np.int64), 1
    for codes in keys:
        low = int(codes.min())
        size = int(codes.max()) - low + 1
        if size > n:
            codes, size = _dense(codes)
            low = 0
        if count * size >= 1 << 62:
            combined, count = _dense(combined)
        combined = combined * size + (codes - low)
        count *= size
    return _dense(combined)
