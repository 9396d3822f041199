"""Each row's group keys (jurisdiction, category, rule) as indices into their labels, and exact
sums by key: the audit summary's grouping, in NumPy over a whole batch."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bingpin.api.audit.partition import Partition
from bingpin.rules.registry import policies

NONE = "—"

_LOW = 1 << 26


def bincount(codes: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sums of non-negative integer ``values`` by code, exactly, as Python integers (an object
    array): np.bincount sums in float64, so each value is split into parts whose sums stay far below
    2**53 (high and low 26 bits), and the parts are put together beyond int64 (a group's amounts can
    pass it: 92,000 records of the largest amount)."""
    if values.max(initial=0) <= 1:
        return np.bincount(codes[values.astype(bool)], minlength=size).astype(np.int64)
    high = np.bincount(codes, weights=values >> 26, minlength=size).astype(np.int64).astype(object)
    low = np.bincount(codes, weights=values & (_LOW - 1), minlength=size).astype(np.int64).astype(object)
    return high * _LOW + low


def exact_sum(values: np.ndarray) -> int:
    """The sum of int64 ``values`` as a Python integer, exactly (NumPy's sum wraps past int64)."""
    return int((values >> 31).sum()) * (1 << 31) + int((values & ((1 << 31) - 1)).sum())


def labelled(out: pa.Table, name: str) -> tuple[np.ndarray, list[str]]:
    """Each row's label as an index into the labels (the last one: none)."""
    if name not in out.column_names:
        return np.zeros(out.num_rows, np.int64), [NONE]
    column = out.column(name).combine_chunks()
    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    labels = [str(v) for v in column.dictionary.to_pylist()] + [NONE]
    codes = np.asarray(pc.fill_null(column.indices, len(labels) - 1).to_numpy(zero_copy_only=False), np.int64)
    return codes, labels


def jurisdictions(part: Partition, records: pa.Table, out: pa.Table) -> tuple[np.ndarray, list[str]]:
    """The jurisdiction of each row: the answer's, or for a refused row the one its record names
    (its own column, or ``--jurisdiction``) when the service knows that code (anything else: none,
    so that arbitrary text cannot grow the groups)."""
    codes, labels = labelled(out, "jurisdiction_code")
    missing = codes == len(labels) - 1
    if not missing.any():
        return codes, labels
    codes, asked = codes.copy(), _asked(part, records, missing)
    known = sorted({code for code in asked if code is not None} & set(policies()))
    if not known:
        return codes, labels
    labels = labels[:-1] + [code for code in known if code not in labels] + [NONE]
    index = {label: i for i, label in enumerate(labels)}
    for row, code in zip(np.nonzero(missing)[0].tolist(), asked, strict=True):
        codes[row] = index.get(code or NONE, len(labels) - 1)
    return codes, labels


def _asked(part: Partition, records: pa.Table, rows: np.ndarray) -> list[str | None]:
    """The jurisdiction each of ``rows`` names (its cell, else the ``--jurisdiction`` flag)."""
    if "jurisdiction" not in records.column_names:
        return [part.jurisdiction] * int(rows.sum())
    cells = records.column("jurisdiction").filter(pa.array(rows)).to_pylist()
    return [str(cell) if cell is not None else part.jurisdiction for cell in cells]


def rules(out: pa.Table) -> tuple[np.ndarray, list[str]]:
    """The rule applied (``applied_rule`` where the answer has one), or the refusal's code."""
    rules, rule_labels = labelled(out, "applied_rule")
    errors, error_labels = labelled(out, "error_code")
    refused = errors != len(error_labels) - 1
    return np.where(refused, len(rule_labels) + errors, rules), rule_labels + error_labels
