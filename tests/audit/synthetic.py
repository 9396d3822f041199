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
    """``n`` one-category records dated in 2023 (the kernel's rows): id, date, categories, amounts.

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
