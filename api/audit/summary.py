"""What an audit found: counts and sums by jurisdiction, category and rule, and the worst rows.

Built batch by batch from the output (bounded memory: the groups and the worst few rows only).
Every record is accounted for: compared (and agreeing or not), or not compared (refused by the
policy, or its audited figure missing, unreadable or below zero), with the sum of what the audited
system paid on the records that were not compared.
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

from bingpin.api.audit import keys
from bingpin.api.audit.fen import below_zero, to_fen, written_fen
from bingpin.api.audit.files import python_rows
from bingpin.api.audit.partition import HEADLINES, Partition, read_flags
from bingpin.api.audit.refused import RefusedPaid

WORST = 20
NONE = keys.NONE
DIMENSIONS = ("jurisdiction", "category", "rule")
#: Pairs of dimensions summed as well: (jurisdiction, category) and (jurisdiction, rule).
PAIRS = {"jurisdiction_category": (0, 1), "jurisdiction_rule": (0, 2)}


@dataclass
class Group:
    records: int = 0
    compared: int = 0
    discrepancies: int = 0
    reference: int = 0  # fen (or a count of flags)
    audited: int = 0
    discrepancy: int = 0
    absolute: int = 0
    not_compared: int = 0
    #: What the audited system paid on the records not compared (where its figure reads).
    not_compared_audited: int = 0
    #: Compared records paid more than the policy gives, and by how much in all (less: underpaid).
    overpaid_records: int = 0
    overpaid: int = 0
    underpaid_records: int = 0
    underpaid: int = 0

    def add(self, other: Group) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Summary:
    """Running totals of one audit."""

    calculation: str
    compare: str | None
    #: Groups and worst rows, for the report (the printed summary needs the totals only).
    detailed: bool = True
    records: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    totals: Group = field(default_factory=Group)
    #: By jurisdiction, category and rule, and by each category and rule within its jurisdiction
    #: (a category's name, and what a rule gives, are the jurisdiction's policy's own).
    groups: dict[str, dict[Any, Group]] = field(default_factory=lambda: {name: {} for name in (*DIMENSIONS, *PAIRS)})
    audited_missing: int = 0
    audited_unreadable: int = 0
    #: Answered records whose audited figure was read, but for which the policy gives no figure to
    #: compare it with (the answer's is null: e.g. a subsidy whose share the policy does not state).
    reference_missing: int = 0
    #: Answered records whose audited figure is an amount below zero (a reversal, a recovery): not
    #: compared record by record, and not counted as unreadable.
    audited_negative: int = 0
    #: How far below zero their figures are, in all (fen, or 0 for yes/no).
    audited_negative_fen: int = 0
    #: Records not compared whose audited figure is missing, unreadable or below zero (not in the
    #: sum paid).
    not_compared_unread: int = 0
    #: Refused records whose audited figure is given but unreadable or below zero: in no sum, and
    #: not among the refused records listed as paid (their figure cannot be read as a payment).
    refused_unread: int = 0
    worst: list[tuple[int, int, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    #: Records refused by the policy on which the audited system paid: listed (bounded) and summed.
    refused_paid: RefusedPaid = field(default_factory=RefusedPaid)

    @property
    def money(self) -> bool:
        return self.calculation in HEADLINES and self.calculation != "risk-monitoring"

    @property
    def refused(self) -> int:
        return self.records - self.statuses.get("ok", 0)

    @property
    def agrees(self) -> bool:
        """Every record was compared and agrees (without a compared column: every record was answered)."""
        if self.compare is None:
            return self.refused == 0
        return self.totals.compared == self.records and self.discrepancies == 0

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
        reference, audited, diff, given = self._figures(part, records, out)
        paid, read = self._paid(records)
        # read, answered, and nothing to compare it with: not the audited figure's fault
        no_reference = ok & present & read & ~given
        self.reference_missing += int(no_reference.sum())
        unread = np.flatnonzero(ok & present & ~compared & ~no_reference)  # given, answered, not read
        negative = 0
        if self.money and len(unread):
            below, found = below_zero(records.column(self.compare).take(pa.array(unread)))
            negative = int(found.sum())
            self.audited_negative_fen += keys.exact_sum(below)
        self.audited_negative += negative
        self.audited_unreadable += len(unread) - negative
        self.not_compared_unread += int((~compared & ~read).sum())
        self.refused_unread += int((~ok & present & ~read).sum())
        unpaid = np.where(~compared & read, paid, 0)
        if not self.detailed:
            over, under = np.maximum(diff, 0)[compared], np.maximum(-diff, 0)[compared]
            overpaid, underpaid = keys.exact_sum(over), keys.exact_sum(under)
            self.totals.add(
                Group(
                    records=n,
                    compared=int(compared.sum()),
                    discrepancies=int((diff[compared] != 0).sum()),
                    reference=keys.exact_sum(reference[compared]),
                    audited=keys.exact_sum(audited[compared]),
                    discrepancy=overpaid - underpaid,
                    absolute=overpaid + underpaid,
                    not_compared=int((~compared).sum()),
                    not_compared_audited=keys.exact_sum(unpaid),
                    overpaid_records=int((over > 0).sum()),
                    overpaid=overpaid,
                    underpaid_records=int((under > 0).sum()),
                    underpaid=underpaid,
                )
            )
            return
        refused = np.nonzero(~ok & read & (paid != 0))[0]
        self.refused_paid.add(
            refused,
            paid,
            out,
            part.carried(records.column_names),
            lambda rows: part.bodies.rows(part.normalise(records), rows),
            offset,
        )
        grouped = {
            "jurisdiction": keys.jurisdictions(part, records, out),
            "category": keys.labelled(out, "applied_category"),
            "rule": keys.rules(out),
        }
        columns = {
            "records": np.ones(n, np.int64),
            "compared": compared.astype(np.int64),
            "discrepancies": (compared & (diff != 0)).astype(np.int64),
            "reference": np.where(compared, reference, 0),
            "over": np.where(compared, np.maximum(diff, 0), 0),
            "under": np.where(compared, np.maximum(-diff, 0), 0),
            "not_compared": (~compared).astype(np.int64),
            "not_compared_audited": unpaid,
            "overpaid_records": (compared & (diff > 0)).astype(np.int64),
            "underpaid_records": (compared & (diff < 0)).astype(np.int64),
        }
        # one pass over the rows: sums by (jurisdiction, category, rule), then by each of them
        sizes = [len(labels) for _, labels in grouped.values()]
        combined = np.zeros(n, np.int64)
        for codes, labels in grouped.values():
            combined = combined * len(labels) + codes
        size = int(np.prod(sizes))
        sums = {name: keys.bincount(combined, values, size).reshape(sizes) for name, values in columns.items()}
        # audited = reference + discrepancy; discrepancy = over - under; absolute = over + under
        over, under = sums.pop("over"), sums.pop("under")
        sums.update(discrepancy=over - under, absolute=over + under, audited=sums["reference"] + over - under)
        sums.update(overpaid=over, underpaid=under)
        named = [names for _, names in grouped.values()]
        for axis, dimension in enumerate(DIMENSIONS):
            others = tuple(i for i in range(len(sizes)) if i != axis)
            totals = {name: total.sum(axis=others) for name, total in sums.items()}
            for index in np.nonzero(totals["records"])[0]:
                group = Group(**{name: int(total[index]) for name, total in totals.items()})
                self.groups[dimension].setdefault(named[axis][index], Group()).add(group)
                if dimension == "jurisdiction":
                    self.totals.add(group)
        for pair, (first, second) in PAIRS.items():
            other = tuple(i for i in range(len(sizes)) if i not in (first, second))
            totals = {name: total.sum(axis=other) for name, total in sums.items()}
            for i, j in zip(*np.nonzero(totals["records"]), strict=True):
                group = Group(**{name: int(total[i, j]) for name, total in totals.items()})
                self.groups[pair].setdefault((named[first][i], named[second][j]), Group()).add(group)
        flagged = np.nonzero(compared & (diff != 0))[0]
        if len(flagged):
            size = np.abs(diff[flagged])
            if len(flagged) > WORST:
                keep = np.argpartition(-size, WORST - 1)[:WORST]
                flagged, size = flagged[keep], size[keep]
            top = flagged[np.lexsort((flagged, -size))]
            bodies = part.bodies.rows(part.normalise(records), top.tolist())
            carried = python_rows(out.select(part.carried(records.column_names)).take(pa.array(top)))
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

    def tally(self, part: Partition, records: pa.Table, out: pa.Table) -> Summary:
        """One batch's counts, on their own (rows numbered from 0): worth computing on a worker."""
        partial = Summary(self.calculation, self.compare, self.detailed)
        partial.refused_paid.limit = self.refused_paid.limit
        partial.add(part, records, out, 0)
        return partial

    def merge(self, partial: Summary, offset: int) -> None:
        """Add a batch's :meth:`tally`, whose first row is row ``offset`` of the input."""
        self.records += partial.records
        self.statuses.update(partial.statuses)
        self.totals.add(partial.totals)
        for dimension, groups in partial.groups.items():
            for key, group in groups.items():
                self.groups[dimension].setdefault(key, Group()).add(group)
        self.audited_missing += partial.audited_missing
        self.audited_unreadable += partial.audited_unreadable
        self.reference_missing += partial.reference_missing
        self.audited_negative += partial.audited_negative
        self.audited_negative_fen += partial.audited_negative_fen
        self.not_compared_unread += partial.not_compared_unread
        self.refused_unread += partial.refused_unread
        self.refused_paid.merge(partial.refused_paid, offset)
        for size, row, body, found in partial.worst:
            item = (size, row - offset, body, {**found, "row": found["row"] + offset})
            if len(self.worst) < WORST:
                heapq.heappush(self.worst, item)
            else:
                heapq.heappushpop(self.worst, item)

    def _figures(self, part: Partition, records: pa.Table, out: pa.Table) -> tuple[np.ndarray, ...]:
        """(reference, audited, difference) in fen (0/1 for yes/no), and where the answer gives
        its figure."""
        headline = out.column(HEADLINES[self.calculation])
        if not self.money:
            reference = np.asarray(pc.fill_null(headline, False).to_numpy(zero_copy_only=False), np.int64)
            diff = np.asarray(pc.fill_null(out.column("discrepancy"), 0).to_numpy(zero_copy_only=False), np.int64)
            return reference, reference + diff, diff, np.ones(len(reference), bool)
        reference, given = written_fen(headline)
        diff, _ = written_fen(out.column("discrepancy"))
        return reference, reference + diff, diff, given

    def _paid(self, records: pa.Table) -> tuple[np.ndarray, np.ndarray]:
        """The audited figure of every row (fen, or 0/1 for yes/no), and which cells were read."""
        column = records.column(self.compare)
        return to_fen(column) if self.money else read_flags(column)

    @property
    def discrepancies(self) -> int:
        return self.totals.discrepancies

    def amount(self, value: int) -> str:
        return f"{Decimal(value) / 100:.2f}" if self.money else str(value)
