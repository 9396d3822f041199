"""Records the policy refused although the audited system paid on them: each listed with its
reason and the figure paid, in input order, up to a bound; past it, counted and summed.

A refusal the audited system paid on is where money left the fund without the policy's cover
(a date outside the policy's in-force period, a benefit the jurisdiction's policy does not grant,
a category it does not know, a record that does not read). The report lists them, so a fund
supervisor sees each one, not only a count; memory stays bounded whatever their number.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from bingpin.api.audit.files import python_rows
from bingpin.api.audit.keys import exact_sum

#: How many such records the report lists one by one (the rest are counted and summed).
LISTED = 200


@dataclass
class RefusedPaid:
    """Refused records with a non-zero audited figure: counts and sums by reason, the first listed."""

    limit: int = LISTED
    records: int = 0
    audited: int = 0  # fen (or a count of flags)
    by_reason: Counter[str] = field(default_factory=Counter)
    audited_by_reason: Counter[str] = field(default_factory=Counter)
    listed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unlisted(self) -> int:
        return self.records - len(self.listed)

    @property
    def unlisted_audited(self) -> int:
        return self.audited - sum(item["audited"] for item in self.listed)

    def add(
        self,
        rows: np.ndarray,
        paid: np.ndarray,
        out: pa.Table,
        carried: list[str],
        bodies: Any,
        offset: int,
    ) -> None:
        """Count the refused-but-paid ``rows`` (indices into ``out``, whose first row is input row
        ``offset``) with what was ``paid`` on each; list them while there is room. ``bodies(indices)``
        gives the request bodies of those rows (what the record said)."""
        if not len(rows):
            return
        codes = out.column("error_code").take(pa.array(rows)).to_pylist()
        amounts = paid[rows]
        self.records += len(rows)
        self.audited += exact_sum(amounts)
        for code, amount in zip(codes, amounts.tolist(), strict=True):
            self.by_reason[code] += 1
            self.audited_by_reason[code] += amount
        room = self.limit - len(self.listed)
        if room <= 0:
            return
        chosen = rows[:room]
        table = out.take(pa.array(chosen))
        details = python_rows(table.select([*carried, "error_code", "error_message", "error_fields"]))
        for index, body, detail, amount in zip(
            chosen.tolist(), bodies(chosen.tolist()), details, amounts[:room].tolist(), strict=True
        ):
            self.listed.append(
                {
                    "row": offset + index,
                    "record": offset + index + 1,
                    "carried": {name: detail[name] for name in carried},
                    "request": body,
                    "error_code": detail["error_code"],
                    "error_message": detail["error_message"],
                    "error_fields": detail["error_fields"],
                    "audited": amount,
                }
            )

    def merge(self, other: RefusedPaid, offset: int) -> None:
        """Add a later batch's collection, whose first row is input row ``offset``."""
        self.records += other.records
        self.audited += other.audited
        self.by_reason.update(other.by_reason)
        self.audited_by_reason.update(other.audited_by_reason)
        for item in other.listed[: max(self.limit - len(self.listed), 0)]:
            self.listed.append({**item, "row": item["row"] + offset, "record": item["record"] + offset})
