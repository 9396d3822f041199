"""Synthetic 嘉兴 medical-assistance records for the audit's tests and benchmark (seeded, vectorised)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bingpin.api.audit.fen import MONEY, money_array
from bingpin.rules.jiaxing.medical_assistance import RATIO_KEYS

CODES = [category.value for category in RATIO_KEYS]
FIRST = dt.date(2023, 1, 1)


def masked_money(fen: np.ndarray, missing: np.ndarray) -> pa.Array:
    """Amounts in fen as money, null where ``missing``."""
    return pc.if_else(pa.array(~missing), money_array(fen), pa.scalar(None, MONEY))


def jiaxing(n: int, seed: int = 0) -> pa.Table:
    """``n`` one-category records dated in 2023 (the plain case): id, date, categories, amounts.

    ``paid`` stands for an audited system's figure: 90% of the self-pay, often not the policy's."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 365, n).astype(np.int32) + np.int32((FIRST - dt.date(1970, 1, 1)).days)
    category = rng.integers(0, len(CODES), n).astype(np.int32)
    self_pay = rng.integers(0, 30_000_000, n)
    received = rng.integers(0, 12_000_000, n)
    categories = pa.ListArray.from_arrays(
        pa.array(np.arange(n + 1, dtype=np.int32)),
        pa.DictionaryArray.from_arrays(pa.array(category), pa.array(CODES)).cast(pa.string()),
    )
    return pa.table(
        {
            "record_id": pa.array(np.arange(n, dtype=np.int64)),
            "date": pa.array(days, pa.date32()),
            "categories": categories,
            "eligible_self_pay": money_array(self_pay),
            "assistance_received_this_year": masked_money(received, rng.random(n) < 0.5),
            "paid": money_array(self_pay * 9 // 10),
        }
    )


#: The jurisdictions whose policies define medical assistance, and the categories each recognises.
MEDICAL_ASSISTANCE = ("330400", "330300", "330383", "500229")


def _codes(jurisdiction: str) -> list[str]:
    from bingpin.rules.registry import policies

    return [category.value for category in policies()[jurisdiction].categories]


def mixed(n: int, seed: int = 0) -> pa.Table:
    """``n`` medical-assistance records of a year (2023) across 嘉兴, 温州, 龙港 and 城口: every
    category each recognises (one in ten records with a second), half with the assistance received
    this year, three in ten with an age (some 嘉兴 children with a diagnosis of the children's rule)."""
    rng = np.random.default_rng(seed)
    everything = sorted({code for place in MEDICAL_ASSISTANCE for code in _codes(place)})
    place = rng.integers(0, len(MEDICAL_ASSISTANCE), n)
    tables = [np.array([everything.index(code) for code in _codes(p)], np.int32) for p in MEDICAL_ASSISTANCE]
    sizes = np.array([len(t) for t in tables])
    pick = lambda: np.choose(place, [t[rng.integers(0, len(t), n) % len(t)] for t in tables])  # noqa: E731
    first, second = pick(), pick()
    two = rng.random(n) < 0.1
    lengths = np.where(two, 2, 1).astype(np.int32)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    values = np.empty(int(offsets[-1]), np.int32)
    values[offsets[:-1]] = first
    values[offsets[:-1][two] + 1] = second[two]
    codes = pa.DictionaryArray.from_arrays(pa.array(values), pa.array(everything)).cast(pa.string())
    days = rng.integers(0, 365, n).astype(np.int32) + np.int32((FIRST - dt.date(1970, 1, 1)).days)
    self_pay = rng.integers(0, 30_000_000, n)
    received = rng.integers(0, 12_000_000, n)
    aged = rng.random(n) < 0.3
    ages = pa.array(rng.integers(0, 90, n), pa.int64(), mask=~aged)
    child = aged & (place == 0) & (rng.random(n) < 0.2)
    diagnoses = pa.array([["leukemia"] if c else None for c in child.tolist()], pa.list_(pa.string()))
    del sizes
    return pa.table(
        {
            "record_id": pa.array(np.arange(n, dtype=np.int64)),
            "jurisdiction": pa.DictionaryArray.from_arrays(
                pa.array(place.astype(np.int32)), pa.array(MEDICAL_ASSISTANCE)
            ).cast(pa.string()),
            "date": pa.array(days, pa.date32()),
            "categories": pa.ListArray.from_arrays(pa.array(offsets), codes),
            "eligible_self_pay": money_array(self_pay),
            "assistance_received_this_year": masked_money(received, rng.random(n) < 0.5),
            "age": ages,
            "diagnoses": diagnoses,
            "paid": money_array(self_pay * 9 // 10),
        }
    )
