"""Vectorised kernels: the hot calculations on integer fen, a column at a time.

A kernel takes the rows it models exactly and leaves every other row to the scalar path (the
single endpoint's own code). Everything but the headline amount comes from a *prototype*: the
scalar answer for the same policy, date and category with a zero amount, run once per distinct
combination, so the frame, the ratio, the cap and the assumptions are the rule's own by
construction; only the arithmetic on fen is the kernel's (``min(ratio x self_pay, cap - received)``,
rounded half up once), checked against the scalar rule by tests/audit/test_identical.py.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bingpin.api.audit.columns import Column, answers_table
from bingpin.api.audit.fen import money_array, to_fen
from bingpin.api.runner import Answer
from bingpin.rules.jiaxing.medical_assistance import RATIO_KEYS
from bingpin.rules.registry import policies

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
        parsed = pc.cast(parsed, pa.date32())
        # a day that does not exist (2023-02-30) must not roll over into the next month
        same = pc.fill_null(pc.equal(pc.strftime(parsed, "%Y-%m-%d"), column), False)
        iso &= np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)
        column = pc.if_else(pa.array(iso), parsed, pa.scalar(None, pa.date32()))
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
    if not pa.types.is_list(column.type):
        return np.full(n, -1)
    lengths = np.asarray(pc.fill_null(pc.list_value_length(column), 0).to_numpy(zero_copy_only=False))
    values = pc.list_flatten(column)
    if pa.types.is_dictionary(values.type) and pa.types.is_string(values.type.value_type):
        known = np.asarray(pc.fill_null(pc.index_in(values.dictionary, value_set=pa.array(codes)), -1))
        index = np.append(known, -1)[np.asarray(pc.fill_null(values.indices, len(known)))]
    elif pa.types.is_string(values.type):
        index = np.asarray(pc.fill_null(pc.index_in(values, value_set=pa.array(codes)), -1).to_numpy(False))
    else:
        return np.full(n, -1)
    starts = np.cumsum(lengths) - lengths
    first = index[np.minimum(starts, max(len(index) - 1, 0))] if len(index) else np.full(n, -1)
    return np.where(lengths == 1, first, -1)


def _ratio_units(text: str | None) -> int | None:
    if text is None or not re.fullmatch(r"[0-9]\.[0-9]{1,4}", text):
        return None
    units = int(Decimal(text) * _RATIO_SCALE)
    return units if units <= _RATIO_SCALE else None


class Amounts(NamedTuple):
    """The rows a kernel answers: which, their prototype (a row of ``table``, an item of
    ``answers``), their amount in fen and their date in days since 1970."""

    covered: np.ndarray
    rows: np.ndarray
    amount: np.ndarray
    days: np.ndarray
    table: pa.Table
    answers: list[Answer]


def jiaxing_medical_assistance(part: Partition, table: pa.Table) -> Covered | None:
    """嘉兴 医疗救助 (二(二)7) for one-category records without the fields the kernel does not model."""
    found = jiaxing_medical_assistance_amounts(part, table)
    if found is None:
        return None
    indices, prototypes = pa.array(found.rows), found.table
    frame = pa.Table.from_arrays([pc.take(column, indices) for column in prototypes.columns], schema=prototypes.schema)
    frame = frame.set_column(frame.column_names.index("amount"), "amount", money_array(found.amount))
    dates = pa.array(found.days, pa.int32()).view(pa.date32())
    frame = frame.set_column(frame.column_names.index("date"), "date", dates)
    return found.covered, frame


def jiaxing_medical_assistance_amounts(part: Partition, table: pa.Table) -> Amounts | None:
    """The kernel's rows of ``table``, each with its prototype and its amount (``min(ratio x
    self_pay, cap - received)`` on fen, rounded half up once)."""
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

    # One prototype per parameter period (not per date): every figure the rule reads is constant
    # within one, and so is its answer but for the date, which is the row's own.
    starts = _periods(jurisdiction)
    period = np.searchsorted(starts, days, side="right")
    first_day = np.append(starts[:1] - 1, starts)[period]
    keys = (first_day.astype(np.int64) * len(codes) + category) * 2 + missing
    unique, inverse = np.unique(keys[mask], return_inverse=True)
    frames = part.frames("jiaxing_medical_assistance")
    frames.add([int(key) for key in unique], lambda key: part.prototype(_prototype_body(jurisdiction, key, codes)))
    with frames.lock:  # a consistent view while another thread may add prototypes
        prototypes, answers = frames.table, frames.answers
        usable_, units, caps = frames.usable, frames.units, frames.caps
        rows = np.array([frames.rows[int(key)] for key in unique], np.int64)[inverse]
    usable = usable_[rows]
    covered = np.nonzero(mask)[0][usable]
    if not len(covered) or prototypes is None:
        return None
    rows = rows[usable]
    computed = self_pay[covered] * units[rows]
    remaining = np.maximum(caps[rows] - received[covered], 0) * _RATIO_SCALE
    amount = (np.minimum(computed, remaining) + _RATIO_SCALE // 2) // _RATIO_SCALE  # half up, once
    return Amounts(covered, rows, amount, days[covered], prototypes, answers)


class Frames:
    """The prototypes seen so far in this process, as one table, with each one's ratio and cap."""

    def __init__(self, columns: list[Column]) -> None:
        self.columns = columns
        self.lock = threading.Lock()
        self.rows: dict[int, int] = {}
        self.table: pa.Table | None = None
        self.answers: list[Answer] = []  # the wire answers, row by row of ``table``
        self.usable = np.zeros(0, bool)
        self.units = np.zeros(0, np.int64)
        self.caps = np.zeros(0, np.int64)

    def add(self, keys: list[int], answer: Callable[[int], Answer]) -> None:
        with self.lock:
            self._add(keys, answer)

    def _add(self, keys: list[int], answer: Callable[[int], Answer]) -> None:
        new = [key for key in keys if key not in self.rows]
        if not new:
            return
        answers = [answer(key) for key in new]
        found = [_usable(a) for a in answers]
        table = answers_table(self.columns, answers)
        if self.table is not None:
            table = pa.concat_tables([self.table, table]).unify_dictionaries()
        # one chunk per column: taking from a chunked column costs several times more
        table = pa.Table.from_arrays([column.combine_chunks() for column in table.columns], schema=table.schema)
        for key in new:
            self.rows[key] = len(self.rows)
        self.table = table
        self.answers = [*self.answers, *answers]  # a new list: a reader's view stays as it was
        self.usable = np.concatenate([self.usable, [f is not None for f in found]])
        self.units = np.concatenate([self.units, [f[0] if f else 0 for f in found]])
        self.caps = np.concatenate([self.caps, [f[1] if f else 0 for f in found]])


@cache
def _periods(jurisdiction: str) -> np.ndarray:
    """Days (since 1970) on which any figure of the policy, or whether it is in force, changes."""
    policy = policies()[jurisdiction]
    days = {policy.in_force.start}
    if policy.in_force.end is not None:
        days.add(policy.in_force.end + dt.timedelta(days=1))
    for parameter in policy.parameters.values():
        days.update(start for start, _ in parameter.values)
    return np.array(sorted((day - dt.date(1970, 1, 1)).days for day in days), np.int32)


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
