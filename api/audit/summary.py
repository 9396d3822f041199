"""What an audit found: counts and sums by jurisdiction, category and rule, and the worst rows.

Built batch by batch from the output (bounded memory: the groups and the worst few rows only).
The worst rows get their clauses (the citations of the single endpoint's explanation) and a
replay line for the single endpoint when the report is written.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bingpin.api.audit.fen import to_fen
from bingpin.api.audit.partition import HEADLINES, Partition

WORST = 20
NONE = "—"


@dataclass
class Group:
    records: int = 0
    compared: int = 0
    discrepancies: int = 0
    reference: int = 0  # fen (or a count of flags)
    audited: int = 0
    discrepancy: int = 0
    absolute: int = 0

    def add(self, other: Group) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Summary:
    """Running totals of one audit."""

    calculation: str
    compare: str | None
    records: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    totals: Group = field(default_factory=Group)
    groups: dict[str, dict[str, Group]] = field(
        default_factory=lambda: {"jurisdiction": {}, "category": {}, "rule": {}}
    )
    audited_missing: int = 0
    audited_unreadable: int = 0
    worst: list[tuple[int, int, dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    @property
    def money(self) -> bool:
        return self.calculation in HEADLINES and self.calculation != "risk-monitoring"

    def add(self, part: Partition, records: pa.Table, out: pa.Table, offset: int) -> None:
        """Count the output rows ``out`` of input rows ``records`` (starting at row ``offset``)."""
        n = out.num_rows
        self.records += n
        status = out.column("status").to_numpy()
        failed = status != 200
        self.statuses["ok"] += int(n - failed.sum())
        if failed.any():
            codes = out.column("error_code").filter(pa.array(failed)).to_pylist()
            self.statuses.update(Counter(codes))
        if self.compare is None:
            return
        compared = np.asarray(out.column("compared").to_numpy(zero_copy_only=False), bool)
        present = np.asarray(records.column(self.compare).is_valid().to_numpy(zero_copy_only=False), bool)
        ok = status == 200
        self.audited_missing += int((ok & ~present).sum())
        self.audited_unreadable += int((ok & present & ~compared).sum())
        reference, audited, diff = self._figures(part, records, out)
        keys = {
            "jurisdiction": _labels(out, "jurisdiction_code"),
            "category": _labels(out, "applied_category"),
            "rule": _rules(out),
        }
        columns = {
            "records": np.ones(n, np.int64),
            "compared": compared.astype(np.int64),
            "discrepancies": (compared & (diff != 0)).astype(np.int64),
            "reference": np.where(compared, reference, 0),
            "audited": np.where(compared, audited, 0),
            "discrepancy": np.where(compared, diff, 0),
            "absolute": np.where(compared, np.abs(diff), 0),
        }
        for dimension, labels in keys.items():
            table = pa.table({"key": labels, **columns}).group_by("key").aggregate([(c, "sum") for c in columns])
            for row in table.to_pylist():
                group = Group(**{c: row[f"{c}_sum"] for c in columns})
                self.groups[dimension].setdefault(row["key"], Group()).add(group)
                if dimension == "jurisdiction":
                    self.totals.add(group)
        flagged = np.nonzero(compared & (diff != 0))[0]
        if len(flagged):
            size = np.abs(diff[flagged])
            if len(flagged) > WORST:
                keep = np.argpartition(-size, WORST - 1)[:WORST]
                flagged, size = flagged[keep], size[keep]
            top = flagged[np.lexsort((flagged, -size))]
            bodies = part.bodies.rows(part.normalise(records), top.tolist())
            carried = out.select(part.carried(records.column_names)).take(pa.array(top)).to_pylist()
            for index, body, row in zip(top.tolist(), bodies, carried, strict=True):
                item = (
                    int(abs(diff[index])),
                    -(offset + index),
                    body,
                    {
                        "row": offset + index,
                        "carried": row,
                        "reference": int(reference[index]),
                        "audited": int(audited[index]),
                        "discrepancy": int(diff[index]),
                    },
                )
                if len(self.worst) < WORST:
                    heapq.heappush(self.worst, item)
                else:
                    heapq.heappushpop(self.worst, item)

    def _figures(self, part: Partition, records: pa.Table, out: pa.Table) -> tuple[np.ndarray, ...]:
        headline = out.column(HEADLINES[self.calculation])
        if not self.money:
            reference = np.asarray(pc.fill_null(headline, False).to_numpy(zero_copy_only=False), np.int64)
            diff = np.asarray(pc.fill_null(out.column("discrepancy"), 0).to_numpy(zero_copy_only=False), np.int64)
            return reference, reference + diff, diff
        reference, _ = to_fen(headline)
        diff, _ = to_fen(pc.abs(out.column("discrepancy")))
        sign = np.asarray(pc.fill_null(pc.less(out.column("discrepancy"), 0), False).to_numpy(zero_copy_only=False))
        diff = np.where(sign, -diff, diff)
        return reference, reference + diff, diff

    @property
    def discrepancies(self) -> int:
        return self.totals.discrepancies

    def amount(self, value: int) -> str:
        return f"{Decimal(value) / 100:.2f}" if self.money else str(value)


def _labels(out: pa.Table, name: str) -> pa.Array:
    if name not in out.column_names:
        return pa.array([NONE] * out.num_rows)
    return pc.fill_null(pc.cast(out.column(name), pa.string()), NONE)


def _rules(out: pa.Table) -> pa.Array:
    """The rule applied (``applied_rule`` where the answer has one), or the refusal's code."""
    rule = _labels(out, "applied_rule") if "applied_rule" in out.column_names else pa.array([NONE] * out.num_rows)
    code = pc.cast(out.column("error_code"), pa.string())
    return pc.if_else(pc.is_valid(code), code, rule)
