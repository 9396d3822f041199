"""The partition function: a table of records in, the same rows audited out, in order.

Pure and picklable, so the same function runs on this machine's stream of record batches, on
Dask workers, or under Spark's ``mapInArrow``. Rows go through the population path (the rule
traced once per situation and branch, replayed on the columns: api/audit/population.py); every
row it leaves is answered by the calculation's :class:`~bingpin.api.runner.Runner`, the single
endpoint's own read, rule and serialisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

import marshmallow as ma
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bingpin.api.audit import replay
from bingpin.api.audit.columns import MONEY, Column, answer_columns, answers_table
from bingpin.api.audit.fen import money_array, to_fen, written_fen
from bingpin.api.audit.files import AuditError, plain_type
from bingpin.api.audit.population import Path, Population, ranges, shared, stable_order
from bingpin.api.audit.records import Bodies, normalise, unknown_message
from bingpin.api.audit.situations import Situations, traced_fields
from bingpin.api.runner import Answer, Runner, runner_for

#: The answer field the audited system's figure is compared with, by calculation.
HEADLINES = {
    "medical-assistance": "amount",
    "critical-illness-insurance": "amount",
    "insurance-subsidy": "subsidy",
    "risk-monitoring": "flagged",
    "high-cost-relief": "relief",
}


class Partition:
    """Audit one table of records for ``calculation``: ``Partition(...)(table)``."""

    def __init__(
        self,
        calculation: str,
        jurisdiction: str | None = None,
        date: str | None = None,
        compare: str | None = None,
        population: bool = True,
        carry: Iterable[str] = (),
    ) -> None:
        self.calculation = calculation
        self.jurisdiction = jurisdiction
        self.date = date
        self.compare = compare
        self.population = population
        #: The input columns carried through as they are: those declared, and the compared column.
        self.carry = tuple(dict.fromkeys([*carry, *([compare] if compare is not None else [])]))

    def __getstate__(self) -> dict[str, Any]:
        return {k: self.__dict__[k] for k in ("calculation", "jurisdiction", "date", "compare", "population", "carry")}

    @cached_property
    def runner(self) -> Runner:
        return runner_for(self.calculation)

    @cached_property
    def columns(self) -> list[Column]:
        return answer_columns(self.runner.endpoint)

    @cached_property
    def request_names(self) -> set[str]:
        return set(self.runner.request.fields)

    @cached_property
    def bodies(self) -> Bodies:
        return Bodies(self.runner.request, self.jurisdiction, self.date)

    @cached_property
    def paths(self) -> Population:
        """The traced paths: this process's, for the calculation (kept for the life of the process,
        shared by every copy of this partition function in it, and by the batch endpoint)."""
        return shared(self.calculation)

    def carried(self, names: list[str]) -> list[str]:
        """The input columns carried through, in the input's order: those declared (``carry``) and
        the compared column."""
        return [name for name in names if name in self.carry]

    def labels(self, names: list[str]) -> set[str]:
        """The input columns read as labels: request fields that are one code each (a jurisdiction,
        a care type), neither traced (amounts, dates, numbers) nor lists (a list of codes may come as
        text, split on ``;``) nor carried (written as read)."""
        request, traced = self.runner.request.fields, traced_fields(self.runner.request)
        return {
            name
            for name in names
            if name in request
            and name not in traced
            and name not in self.carry
            and not isinstance(request[name], ma.fields.List | ma.fields.Nested)
        }

    def unknown(self, names: list[str]) -> list[str]:
        """The input columns that are neither request fields nor carried: refused, never passed over
        (a misspelt field would leave a rule unapplied without a word)."""
        return [name for name in names if name not in self.request_names and name not in self.carry]

    def answers(self, table: pa.Table) -> pa.Table:
        """The answer and status columns of every row of ``table``, in order."""
        n = table.num_rows
        covered = self.derived(table) if self.population and n else None
        if covered is None:
            return answers_table(self.columns, map(self._one, self.bodies.each(table)))
        indices, fast = covered
        if len(indices) == n:
            return fast
        rest = np.setdiff1d(np.arange(n), indices, assume_unique=True)
        slow = answers_table(self.columns, map(self._one, self.bodies.each(table, rest.tolist())))
        both = pa.concat_tables([fast, slow]).unify_dictionaries().combine_chunks()
        order = np.empty(n, np.int64)
        order[np.concatenate([indices, rest])] = np.arange(n)
        return _in_row_order(both.take(pa.array(order)))

    def derived(self, table: pa.Table) -> tuple[np.ndarray, pa.Table] | None:
        """The rows the population path answers, and their answer columns: each path's prototype
        with the rows' own figures in the columns it traced."""
        population = self.paths
        path_of, found = population.resolve(table, self.bodies)
        with population.lock:  # other threads' batches add paths meanwhile: these are the ones to read
            known = list(population.paths)
        # only the paths this batch's rows take are looked at: a batch costs the same however many
        # paths the process traced before (a server's, up to MAX_TRACED)
        taken = np.flatnonzero(np.bincount(path_of[path_of >= 0], minlength=len(known))).tolist()
        usable = np.zeros(len(known) + 1, bool)  # the last: -1, the rule
        usable[taken] = [not known[number].scalar and known[number].columnar for number in taken]
        covered = np.nonzero(usable[path_of])[0]
        if not len(covered):
            return None
        paths = path_of[covered]
        row_of = np.zeros(len(known), np.int64)
        row_of[taken] = [known[number].row for number in taken]
        rows = row_of[paths]
        prototypes = population.table()
        figures = self._figures(known, found, covered, paths)
        # the paths' prototypes in the order their records first appear: the labels' order too
        first = np.full(prototypes.num_rows, len(rows), np.int64)
        np.minimum.at(first, rows, np.arange(len(rows), dtype=np.int64))
        used = np.flatnonzero(first < len(rows))
        seen = used[np.argsort(first[used], kind="stable")]
        taken = pa.array(rows)
        columns = []
        for field, chunked in zip(prototypes.schema, prototypes.columns, strict=True):
            column = chunked.combine_chunks()
            if field.name in figures:
                columns.append(_filled(column, rows, *figures[field.name]))
            elif pa.types.is_dictionary(field.type):
                columns.append(_first_seen(column, rows, seen))
            elif pa.types.is_list(field.type) and pa.types.is_dictionary(field.type.value_type):
                columns.append(_first_seen_items(column, rows, seen))
            else:
                columns.append(column.take(taken))
        return covered, pa.Table.from_arrays(columns, schema=prototypes.schema)

    @staticmethod
    def _figures(
        known: list[Path], found: Situations, covered: np.ndarray, paths: np.ndarray
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The rows' own figures (fen, or days) by output column, and which rows have one (the
        others keep their prototype's value); ``paths`` are the rows' numbers in ``known``."""
        figures: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        present = np.flatnonzero(np.bincount(paths, minlength=len(known))).tolist()  # the paths the rows take
        names = {name for number in present for name in known[number].outputs}
        for name in names:
            # rows grouped by the form of their figure (paths of many situations share one), and
            # the decimals the column takes it at (fen, or days)
            forms: dict[int, tuple[replay.Compiled, int]] = {}
            ids: dict[int, int] = {}
            of_path = np.zeros(len(known), np.int64)  # 0: the prototype's own value
            for i in present:
                output = known[i].outputs.get(name)
                if output is not None:
                    number = ids.setdefault(id(output[0]), len(ids) + 1)
                    forms[number], of_path[i] = output, number
            which = of_path[paths]
            counts = np.bincount(which, minlength=len(ids) + 1)
            numbers = (np.flatnonzero(counts[1:]) + 1).tolist()  # the forms the rows use
            groups: list[tuple[int, Any]]
            if len(numbers) == 1 and counts[numbers[0]] == len(paths):
                groups = [(numbers[0], slice(None))]  # one form for every row (the date, say)
            else:
                order = stable_order(which, len(ids) + 1)
                ends = np.cumsum(counts)
                groups = [(number, order[ends[number] - counts[number] : ends[number]]) for number in numbers]
            values, given = np.zeros(len(paths), np.int64), np.zeros(len(paths), bool)
            for number, at in groups:  # ``at``: positions in ``covered``
                form, decimals = forms[number]
                own = {column: found.traced[column][covered[at]] for column in form.columns}
                values[at] = form(own, len(covered[at])) * np.int64(10 ** (decimals - form.scale))
                given[at] = True
            figures[name] = values, given
        return figures

    def normalise(self, table: pa.Table) -> pa.Table:
        """Typed cells as the request reads them (timestamps as dates ...), text lists (CSV) as lists."""
        return normalise(table, self.runner.request)

    def _one(self, body: dict[str, Any]) -> Answer:
        return self.runner.one(body, explain=False)

    def __call__(self, table: pa.Table | pa.RecordBatch) -> pa.Table:
        if isinstance(table, pa.RecordBatch):
            table = pa.Table.from_batches([table])
        if self.unknown(table.column_names):
            raise AuditError(
                unknown_message(self.unknown(table.column_names), list(self.runner.request.fields), self.calculation)
            )
        table = self.normalise(table)
        answers = self.answers(table)
        out = table.select(self.carried(table.column_names))
        for field, column in zip(answers.schema, answers.columns, strict=True):
            out = out.append_column(field, column)
        if self.compare is not None:
            discrepancy, compared = self.discrepancy(table.column(self.compare), answers)
            out = out.append_column("discrepancy", discrepancy).append_column("compared", compared)
        return out

    def discrepancy(self, audited: pa.ChunkedArray, answers: pa.Table) -> tuple[pa.Array, pa.Array]:
        """Audited minus reference where both were read and they differ (null elsewhere), and
        where they were compared at all."""
        headline = answers.column(HEADLINES[self.calculation])
        ok = np.asarray(pc.equal(answers.column("status"), 200).to_numpy(zero_copy_only=False), dtype=bool)
        if pa.types.is_boolean(headline.type):
            reference = np.asarray(pc.fill_null(headline, False).to_numpy(zero_copy_only=False), dtype=np.int64)
            values, read = read_flags(audited)
            compared = ok & read
            diff = values - reference
            return pa.array(diff.astype(np.int8), mask=~(compared & (diff != 0))), pa.array(compared)
        reference, known = written_fen(headline)
        values, read = to_fen(audited)
        compared = ok & known & read
        diff = values - reference
        different = compared & (diff != 0)
        return money_array(np.where(different, diff, 0), given=different), pa.array(compared)


def _in_order(column: pa.DictionaryArray, seen: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Each entry of a label column renumbered to the labels the entries ``seen`` use, in that
    order (-1: missing, or a label none of them uses), and those labels."""
    valid = np.asarray(column.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    indices = np.asarray(pc.fill_null(column.indices, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    order = np.array(list(dict.fromkeys(indices[seen][valid[seen]].tolist())), np.int64)
    renumber = np.full(max(len(column.dictionary), 1), -1, np.int32)
    renumber[order] = np.arange(len(order), dtype=np.int32)
    return np.where(valid, renumber[indices], -1), column.dictionary.take(pa.array(order, pa.int64()))


def _labels(codes: np.ndarray, dictionary: pa.Array) -> pa.DictionaryArray:
    missing = codes < 0
    return pa.DictionaryArray.from_arrays(
        pa.array(codes, pa.int32(), mask=missing if missing.any() else None), dictionary
    )


def _first_seen(column: pa.DictionaryArray, rows: np.ndarray, seen: np.ndarray) -> pa.DictionaryArray:
    """A label column of the prototypes, taken for each record (``rows``: its prototype), with only
    the labels the records use, in the order they first appear (as the rule's own answers are
    written): what a batch writes depends on the batch, not on which paths the process traced
    before (another Dask worker, another thread's batches). ``seen`` are the prototypes in the
    order their records first appear."""
    codes, dictionary = _in_order(column, seen)
    if (codes[seen] >= 0).all():  # no record's label is missing: its codes as they are, in bounds
        return pa.DictionaryArray.from_arrays(pa.array(codes[rows], pa.int32()), dictionary, safe=False)
    return _labels(codes[rows], dictionary)


def _first_seen_items(column: pa.ListArray, rows: np.ndarray, seen: np.ndarray) -> pa.ListArray:
    """:func:`_first_seen` for a list of labels (``assumptions``): the items' labels renumbered on
    the prototypes, then each record takes its prototype's list."""
    if column.offset:  # a slice: the list with its own buffers (its nulls are read by offsets below)
        column = pa.concat_arrays([column])
    offsets = np.asarray(column.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    codes, dictionary = _in_order(column.values, ranges(offsets[seen], offsets[seen + 1] - offsets[seen]))
    missing = None if column.null_count == 0 else column.is_null()
    items = pa.ListArray.from_arrays(column.offsets, _labels(codes, dictionary), mask=missing)
    return items.take(pa.array(rows))


def _in_row_order(table: pa.Table) -> pa.Table:
    """The labels of every label column (inside lists too) numbered in the order the rows first
    give them, as the population path and the rule each number their own: what a batch writes does
    not depend on which of its records the population path answered (which depends on the paths
    the process traced before)."""
    columns = []
    for chunked in table.columns:
        column = chunked.combine_chunks()
        if pa.types.is_dictionary(column.type):
            column = pc.dictionary_encode(column.dictionary_decode())
        elif pa.types.is_list(column.type) and pa.types.is_dictionary(column.type.value_type):
            if column.offset:  # a slice: the list with its own buffers
                column = pa.concat_arrays([column])
            items = column.values.slice(0, column.offsets[-1].as_py())
            missing = None if column.null_count == 0 else column.is_null()
            column = pa.ListArray.from_arrays(
                column.offsets, pc.dictionary_encode(items.dictionary_decode()), mask=missing
            )
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def _filled(column: pa.Array, rows: np.ndarray, values: np.ndarray, given: np.ndarray) -> pa.Array:
    """A money or date column of the prototypes, taken for each record (``rows``: its prototype),
    with ``values`` (fen or days) where ``given``."""
    if column.type == MONEY:
        base, read = to_fen(column)
        array = money_array(np.where(given, values, base[rows]))
    else:
        base = np.asarray(pc.fill_null(column.cast(pa.int32()), 0).to_numpy(zero_copy_only=False), dtype=np.int64)
        read = np.asarray(column.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        array = pa.array(np.where(given, values, base[rows]).astype(np.int32)).view(pa.date32())
    valid = read[rows] | given
    return array if valid.all() else pc.if_else(pa.array(valid), array, pa.scalar(None, array.type))


#: The texts of a yes and of a no that a yes/no column may hold.
_YES, _NO = ["true", "TRUE", "True", "1"], ["false", "FALSE", "False", "0"]


def read_flags(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """A yes/no column (booleans, 0/1, or text: true/false, TRUE/FALSE as Excel writes them,
    True/False, 1/0) as 0/1, and which cells were read."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        yes, no = pa.array(_YES, column.type), pa.array(_NO, column.type)
        known = pc.is_in(column, value_set=pa.concat_arrays([yes, no]))
        column = pc.if_else(known, pc.is_in(column, value_set=yes), None).cast(pa.bool_())
    elif pa.types.is_integer(column.type):
        column = pc.if_else(pc.is_in(column, value_set=pa.array([0, 1], column.type)), pc.equal(column, 1), None)
    elif not pa.types.is_boolean(column.type):
        return np.zeros(len(column), np.int64), np.zeros(len(column), bool)
    read = np.asarray(column.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    values = np.asarray(pc.fill_null(column, False).to_numpy(zero_copy_only=False), dtype=np.int64)
    return values, read


def plain(table: pa.Table) -> pa.Table:
    """``table`` with labels decoded to strings (for engines without Arrow dictionaries, e.g. Spark)."""
    schema = pa.schema([pa.field(f.name, plain_type(f.type), f.nullable) for f in table.schema])
    return table.cast(schema)
