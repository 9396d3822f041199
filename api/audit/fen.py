"""Amounts as integer fen, a column at a time: exact, or marked as not read.

``to_fen`` reads a column of amounts (decimal, integer yuan, float or text) into int64 fen with
a mask of the cells it read exactly as the single endpoint reads them (non-negative, at most two
decimals, at most :data:`~bingpin.rules.core.money.MAX_AMOUNT`); the rest are left to the scalar
path, which answers them as the single endpoint does. ``money_array`` writes fen back as
``decimal128(18, 2)`` without a per-row conversion.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bingpin.api.fields import MONEY_INPUT_PATTERN
from bingpin.rules.core.money import MAX_AMOUNT

MONEY = pa.decimal128(18, 2)
MAX_FEN = int(MAX_AMOUNT * 100)
#: Text amounts are read at two decimals, within the pattern's twelve digits of yuan.
_TEXT_DECIMAL = pa.decimal128(16, 2)


def _valid(array: pa.Array) -> np.ndarray:
    return np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _decimal_fen(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Unscaled decimal128 values at scale 2, as int64 (the low word, when the high word is its sign).

    A decimal of more than two places is not read, whatever its digits: the single endpoint refuses
    ``0.000`` as it refuses ``0.001`` (at most two decimals, as written)."""
    if array.type.scale > 2:
        n = len(array)
        return np.zeros(n, np.int64), np.zeros(n, bool)
    if array.type.scale != 2 or not pa.types.is_decimal128(array.type):  # the words below are decimal128's
        try:
            array = pc.cast(array, pa.decimal128(min(38, array.type.precision + 2), 2))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            n = len(array)
            return np.zeros(n, np.int64), np.zeros(n, bool)
    n = len(array)
    words = np.frombuffer(array.buffers()[1], dtype=np.int64)[2 * array.offset : 2 * (array.offset + n)]
    low, high = words[0::2], words[1::2]
    fits = high == (low >> 63)
    return low.copy(), fits


def as_written(text: pa.Array, kind: pa.DataType) -> pa.Array | None:
    """A text column read as ``kind`` by one cast, when every cell is written as Arrow writes that
    value back (the wire's own form: ``1234.50``, ``2023-06-01``); None when one is written
    otherwise, or cannot be read so (the caller then reads each cell against its pattern)."""
    try:
        values = pc.cast(text, kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return None if pc.equal(pc.cast(values, text.type), text).false_count else values


def _canonical(array: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """Text amounts all written as the wire writes them (two decimals, no sign, no leading zero),
    in fen; None when one is written otherwise."""
    decimals = as_written(array, _TEXT_DECIMAL)
    return None if decimals is None else _decimal_fen(decimals)


def to_fen(array: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(fen, read): the amounts in fen and which cells were read exactly (nulls are not)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    n = len(array)
    kind = array.type
    if pa.types.is_decimal(kind):
        fen, ok = _decimal_fen(array)
    elif pa.types.is_integer(kind):
        yuan = array.to_numpy(zero_copy_only=False)
        yuan = np.nan_to_num(yuan.astype(np.float64)) if yuan.dtype.kind == "f" else yuan.astype(np.int64)
        ok = (yuan >= 0) & (yuan <= MAX_FEN // 100)
        fen = np.where(ok, yuan, 0).astype(np.int64) * 100
    elif pa.types.is_floating(kind):
        x = np.nan_to_num(array.to_numpy(zero_copy_only=False).astype(np.float64), nan=-1.0)
        ok = (x >= 0) & ~np.signbit(x) & (x <= MAX_FEN / 100)  # -0.0 is signed, as the endpoint's -0
        fen = np.rint(np.where(ok, x, 0) * 100).astype(np.int64)
        ok &= (fen / 100) == x  # the float is the double nearest a two-decimal amount: repr() gives it
    elif (pa.types.is_string(kind) or pa.types.is_large_string(kind)) and (canonical := _canonical(array)):
        fen, ok = canonical
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        ok = np.asarray(pc.match_substring_regex(array, MONEY_INPUT_PATTERN).to_numpy(zero_copy_only=False))
        ok = np.where(_valid(array), ok, False).astype(bool)
        text = pc.if_else(pa.array(ok), array, pa.scalar("0", array.type))
        fen, fits = _decimal_fen(pc.cast(text, _TEXT_DECIMAL))
        ok &= fits
    else:
        return np.zeros(n, np.int64), np.zeros(n, bool)
    ok = ok & _valid(array) & (fen >= 0) & (fen <= MAX_FEN)
    return np.where(ok, fen, 0), ok


def written_fen(array: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(fen, given): a money column the audit wrote itself (:func:`money_array`: two decimals,
    within int64), read back signed, 0 where null; without :func:`to_fen`'s checks of what a
    record may hold (a discrepancy is below zero where the audited figure is below the reference)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    fen, fits = _decimal_fen(array)
    given = _valid(array) & fits
    return np.where(given, fen, 0), given


def below_zero(array: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Which cells are amounts below zero, and how far below in fen: a minus sign before what
    :func:`to_fen` reads as an amount above zero (``-500.00``, a negative decimal, integer or
    float; ``-0.00`` is not). ``to_fen`` does not read them (no amount the single endpoint takes is
    negative); an audited figure below zero (a reversal, a recovery) is told apart from one that
    cannot be read."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    kind = array.type
    n = len(array)
    try:
        if pa.types.is_integer(kind) and kind != pa.uint64():
            array = array.cast(pa.int64())  # -32768 in an int16 column has no int16 opposite
        elif pa.types.is_floating(kind):
            array = array.cast(pa.float64())  # half floats have no comparison of their own
        if pa.types.is_decimal(kind) or pa.types.is_integer(kind) or pa.types.is_floating(kind):
            sign, magnitude = pc.less(array, 0), pc.abs(array)  # the most negative int64 stays unread
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            sign, magnitude = pc.starts_with(array, "-"), pc.utf8_slice_codeunits(array, 1)
        else:
            return np.zeros(n, np.int64), np.zeros(n, bool)
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):  # a kind of number Arrow cannot compare: unreadable
        return np.zeros(n, np.int64), np.zeros(n, bool)
    fen, read = to_fen(magnitude)
    found = np.asarray(pc.fill_null(sign, False).to_numpy(zero_copy_only=False), dtype=bool) & read & (fen > 0)
    return np.where(found, fen, 0), found


def money_array(fen: np.ndarray, given: np.ndarray | None = None) -> pa.Array:
    """int64 fen as ``decimal128(18, 2)`` (the same 16-byte values, written directly), null where
    not ``given``."""
    fen = np.ascontiguousarray(fen, dtype=np.int64)
    words = np.empty((len(fen), 2), dtype=np.int64)
    words[:, 0] = fen
    words[:, 1] = fen >> 63
    validity = None if given is None else pa.py_buffer(np.packbits(given, bitorder="little"))
    return pa.Array.from_buffers(MONEY, len(fen), [validity, pa.py_buffer(words)])
