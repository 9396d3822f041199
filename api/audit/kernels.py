"""Vectorised kernels: the hot calculations on integer fen, a column at a time.

A kernel takes the rows it models exactly and leaves every other row to the scalar path (the
single endpoint's own code). Everything but the headline amount comes from a *prototype*: the
scalar answer for the same policy, date and category with a zero amount, run once per distinct
combination, so the frame, the ratio, the cap and the assumptions are the rule's own by
construction; only the arithmetic on fen is the kernel's (``min(ratio x self_pay, cap - received)``,
rounded half up once), checked against the scalar rule by tests/audit/test_identical.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bingpin.api.audit.columns import answers_table
from bingpin.api.audit.fen import money_array, to_fen
from bingpin.api.runner import Answer
from bingpin.rules.jiaxing.medical_assistance import RATIO_KEYS

if TYPE_CHECKING:
    from bingpin.api.audit.partition import Partition

Covered = tuple[np.ndarray, pa.Table]
Kernel = Callable[["Partition", pa.Table], "Covered | None"]

_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_RATIO_SCALE = 10_000  # ratios of at most four decimals
_EPOCH = np.datetime64("1970-01-01", "D")


def _valid(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(column.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _days(part: Partition, table: pa.Table, n: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Each row's date as days since 1970 (a row's own date, else the flag), and which were read."""
    flag = np.int32((np.datetime64(part.date, "D") - _EPOCH).astype(np.int32)) if part.date else None
    if "date" not in table.column_names:
        return (np.full(n, flag, np.int32), np.ones(n, bool)) if flag is not None else None
    column = table.column("date").combine_chunks()
    if pa.types.is_string(column.type):
        iso = np.asarray(
            pc.fill_null(pc.match_substring_regex(column, _ISO_DATE), False).to_numpy(zero_copy_only=False)
        )
        parsed = pc.strptime(pc.if_else(pa.array(iso), column, "1970-01-01"), "%Y-%m-%d", "s", error_is_null=True)
        column = pc.if_else(pa.array(iso), pc.cast(parsed, pa.date32()), pa.scalar(None, pa.date32()))
        given = iso | ~_valid(table.column("date"))
    elif pa.types.is_date32(column.type):
        given = np.ones(n, bool)
    else:
        return None
    days = np.asarray(pc.fill_null(pc.cast(column, pa.int32()), 0).to_numpy(zero_copy_only=False))
    valid = _valid(column)
    if flag is None:
        return days, valid & given
    return np.where(valid, days, flag), given


def _one_category(table: pa.Table, codes: list[str], n: int) -> np.ndarray:
    """The index in ``codes`` of each row's only category; -1 when not exactly one known code."""
    if "categories" not in table.column_names:
        return np.full(n, -1)
    column = table.column("categories").combine_chunks()
    if not pa.types.is_list(column.type) or not pa.types.is_string(column.type.value_type):
        return np.full(n, -1)
    lengths = np.asarray(pc.fill_null(pc.list_value_length(column), 0).to_numpy(zero_copy_only=False))
    flat = pc.index_in(pc.list_flatten(column), value_set=pa.array(codes))
    index = np.asarray(pc.fill_null(flat, -1).to_numpy(zero_copy_only=False))
    starts = np.cumsum(lengths) - lengths
    first = index[np.minimum(starts, max(len(index) - 1, 0))] if len(index) else np.full(n, -1)
    return np.where(lengths == 1, first, -1)


def _ratio_units(text: str | None) -> int | None:
    if text is None or not re.fullmatch(r"[0-9]\.[0-9]{1,4}", text):
        return None
    units = int(Decimal(text) * _RATIO_SCALE)
    return units if units <= _RATIO_SCALE else None


def jiaxing_medical_assistance(part: Partition, table: pa.Table) -> Covered | None:
    """嘉兴 医疗救助 (二(二)7) for one-category records without the fields the kernel does not model."""
    n = table.num_rows
    jurisdiction = "330400"
    modeled = {"jurisdiction", "date", "categories", "eligible_self_pay", "assistance_received_this_year"}
    mask = np.ones(n, bool)
    for name in part.request_names - modeled:
        if name in table.column_names:
            mask &= ~_valid(table.column(name))  # recognized_on, diagnoses, age ...: the scalar rule
    if "jurisdiction" in table.column_names:
        column = table.column("jurisdiction")
        if not pa.types.is_string(column.type):
            return None
        own = np.asarray(pc.fill_null(pc.equal(column, jurisdiction), False).to_numpy(zero_copy_only=False))
        mask &= own | (~_valid(column) & (part.jurisdiction == jurisdiction))
    elif part.jurisdiction != jurisdiction:
        return None
    dates = _days(part, table, n)
    if dates is None or "eligible_self_pay" not in table.column_names:
        return None
    days, dated = dates
    mask &= dated
    self_pay, read = to_fen(table.column("eligible_self_pay"))
    mask &= read
    if "assistance_received_this_year" in table.column_names:
        received_column = table.column("assistance_received_this_year")
        received, read = to_fen(received_column)
        missing = ~_valid(received_column)
        mask &= read | missing
    else:
        received, missing = np.zeros(n, np.int64), np.ones(n, bool)
    codes = [category.value for category in RATIO_KEYS]
    category = _one_category(table, codes, n)
    mask &= category >= 0
    if not mask.any():
        return None

    keys = (days.astype(np.int64) * len(codes) + category) * 2 + missing
    unique, inverse = np.unique(keys[mask], return_inverse=True)
    answers = [part.prototype(_prototype_body(jurisdiction, int(key), codes)) for key in unique]
    ratios = [_usable(answer) for answer in answers]
    usable = np.array([r is not None for r in ratios])
    covered = np.nonzero(mask)[0][usable[inverse]]
    if not len(covered):
        return None
    inverse = inverse[usable[inverse]]
    units = np.array([r[0] if r else 0 for r in ratios], np.int64)[inverse]
    caps = np.array([r[1] if r else 0 for r in ratios], np.int64)[inverse]
    computed = self_pay[covered] * units
    remaining = np.maximum(caps - received[covered], 0) * _RATIO_SCALE
    amount = (np.minimum(computed, remaining) + _RATIO_SCALE // 2) // _RATIO_SCALE  # half up, once
    frame = answers_table(part.columns, answers).take(pa.array(inverse))
    frame = frame.set_column(frame.column_names.index("amount"), "amount", money_array(amount))
    return covered, frame


def _prototype_body(jurisdiction: str, key: int, codes: list[str]) -> dict[str, object]:
    missing, key = key % 2, key // 2
    days, category = divmod(key, len(codes))
    body: dict[str, object] = {
        "jurisdiction": jurisdiction,
        "date": str(_EPOCH + np.timedelta64(days, "D")),
        "categories": [codes[category]],
        "eligible_self_pay": "0.00",
    }
    if not missing:
        body["assistance_received_this_year"] = "0.00"
    return body


def _usable(answer: Answer) -> tuple[int, int] | None:
    """(ratio in 1/10,000, cap in fen) when the prototype is the plain ratio-and-cap answer."""
    status, result, _ = answer
    if status != 200 or result is None or not result["eligible"]:
        return None
    if result["deductible"] != "0.00" or result["costs_eligible_from"] is not None or result["amount"] != "0.00":
        return None
    units = _ratio_units(result["ratio"])
    cap = result["annual_cap"]
    if units is None or cap is None:
        return None
    return units, int(Decimal(cap) * 100)


KERNELS: dict[str, Kernel] = {"medical-assistance": jiaxing_medical_assistance}
