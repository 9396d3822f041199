"""Batches through the population path: the same answers as case by case, at a column's pace.

The cases made only of request fields in their plain wire form (text for amounts, dates and codes,
lists of text, whole numbers, ``true``/``false``) are read as one table and resolved into traced
paths (api/audit/population.py), with or without explanations; each such case is its path's
answer with the case's own figures written in, the explanation's steps included. Every other case,
and every case the path leaves to the rule, is answered by the calculation's
:class:`~bingpin.api.runner.Runner`, as the single endpoint answers it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from itertools import chain, repeat
from operator import contains
from typing import Any

import marshmallow as ma
import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
from orjson import Fragment

from bingpin.api.audit import replay
from bingpin.api.audit.population import Path, Population, shared, written_array
from bingpin.api.audit.records import Bodies
from bingpin.api.fields import Flag, Money
from bingpin.api.runner import Answer, Runner

#: Fewer cases than this are not worth a table.
MIN_CASES = 16
#: Arrow scalars made once (a Python value in a compute call is converted on every call).
_INDEX, _NOTHING = pa.scalar('{"index":'), pa.scalar("")


def _kind(field: ma.fields.Field) -> tuple[pa.DataType, type] | None:
    """The column type of a plain field, and the JSON type its values have; None: not plain."""
    if isinstance(field, Flag):
        return pa.bool_(), bool
    if isinstance(field, ma.fields.Integer):
        return pa.int64(), int
    if isinstance(field, ma.fields.List):
        inner = field.inner
        if isinstance(inner, ma.fields.String) and not isinstance(inner, Money):
            return pa.list_(pa.string()), list
        return None
    if isinstance(field, (Money, ma.fields.Date, ma.fields.String)):
        return pa.string(), str
    return None


@cache
def _kinds(calculation: str) -> dict[str, tuple[pa.DataType, type]]:
    from bingpin.api.runner import runner_for

    fields = runner_for(calculation).request.fields.items()
    return {name: kind for name, field in fields if (kind := _kind(field)) is not None}


def _plain(body: Any, kinds: dict[str, tuple[pa.DataType, type]]) -> bool:
    if type(body) is not dict:
        return False
    for name, value in body.items():
        kind = kinds.get(name)
        if kind is None or type(value) is not kind[1]:
            return False
        if isinstance(value, list) and any(type(each) is not str for each in value):
            return False
    return True


def _columns(bodies: list[Any], kinds: dict[str, tuple[pa.DataType, type]]) -> dict[str, list[Any]] | None:
    """The bodies' values field by field, when every body is plain (the usual batch: a column at a
    time costs a fraction of a body at a time); None when one is not."""
    if set(map(type, bodies)) != {dict}:
        return None
    names = set().union(*bodies)
    if not names <= kinds.keys():
        return None
    columns = {name: list(map(dict.get, bodies, repeat(name))) for name in sorted(names)}
    for name, values in columns.items():
        kind = kinds[name][1]
        if not set(map(type, values)) <= {kind, type(None)}:
            return None
        if kind is list and not set(map(type, chain.from_iterable(filter(None, values)))) <= {str}:  # [] has no item
            return None
    for name, values in columns.items():  # a field given as null is the request schema's, not left out
        if None in values and len(values) - values.count(None) != sum(map(contains, bodies, repeat(name))):
            return None
    return columns


def run(runner: Runner, envelope: dict[str, Any], explain: bool) -> dict[str, Any]:
    """``runner.run(envelope, explain)``, with the population path's cases answered by it: their
    items of ``results`` written as JSON text by Arrow from each path's JSON (the whole of
    ``results`` then is JSON text, ``orjson.Fragment``), byte for byte as orjson writes the rule's
    answer."""
    calculation = runner.endpoint.path
    if len(envelope["cases"]) < MIN_CASES:
        return runner.run(envelope, explain)
    bodies = runner.bodies(envelope)
    kinds = _kinds(calculation)
    columns = _columns(bodies, kinds)
    if columns is not None:
        plain = np.arange(len(bodies))
        table = pa.table({name: pa.array(values, kinds[name][0]) for name, values in columns.items()})
    else:
        plain = np.array([index for index, body in enumerate(bodies) if _plain(body, kinds)], np.int64)
        names = sorted({name for index in plain.tolist() for name in bodies[index]})
        schema = pa.schema([(name, kinds[name][0]) for name in names])
        table = pa.Table.from_pylist([bodies[index] for index in plain.tolist()], schema=schema)
    if not len(plain):
        return runner.report(runner.answers(bodies, explain))
    known, items = derived(shared(calculation, explain), table, [bodies[index] for index in plain.tolist()])
    answers: list[Answer | None] = [None] * len(bodies)
    for row, answer in known.items():
        answers[plain[row]] = answer
    if items is None:
        return runner.report(runner.answers(bodies, explain, answers))
    at = plain[items.rows]  # ascending, as the rows
    rest = np.setdiff1d(np.arange(len(bodies)), at, assume_unique=True).tolist()
    answered = runner.answers([bodies[index] for index in rest], explain, [answers[index] for index in rest])
    entries, failed = runner.entries(zip(rest, answered, strict=True))
    written = pc.binary_join_element_wise(_INDEX, pc.cast(pa.array(at), pa.string()), *items.parts, _NOTHING)
    return runner.summary(len(bodies), failed, Fragment(_results(written, at, rest, entries)))


def _results(written: pa.Array, at: np.ndarray, rest: list[int], entries: list[dict[str, Any]]) -> bytes:
    """The JSON array of every case's item: those ``written`` (each ending in a comma) for the cases
    ``at``, and between them the ``entries`` of the cases ``rest`` as orjson writes them."""
    offsets = np.frombuffer(written.buffers()[1], np.int32)[written.offset : written.offset + len(written) + 1]
    data = memoryview(written.buffers()[2])
    pieces: list[bytes | memoryview] = [b"["]
    done = 0
    for index, entry in zip(rest, entries, strict=True):
        before = int(np.searchsorted(at, index))
        pieces += [data[offsets[done] : offsets[before]], orjson.dumps(entry), b","]
        done = before
    tail = data[offsets[done] : offsets[-1]]
    if len(tail):
        pieces.append(tail[:-1])  # without the last item's comma
    else:
        pieces.pop()
    pieces.append(b"]")
    return b"".join(pieces)


class _Given(Bodies):
    """The bodies a batch's table was made of: a row's body is the case itself (its plain values
    are the wire form the table holds)."""

    def __init__(self, schema: ma.Schema, given: list[dict[str, Any]]) -> None:
        super().__init__(schema, None, None)
        self.given = given

    def rows(self, table: pa.Table, indices: list[int] | None = None) -> list[dict[str, Any]]:
        return [self.given[index] for index in (range(len(self.given)) if indices is None else indices)]

    def shapes(self, table: pa.Table, indices: list[int], unread: Collection[str]) -> list[dict[str, Any]]:
        return self.rows(table, indices)


@dataclass
class Items:
    """The population path's items of a batch's ``results``, for the table's ``rows`` (ascending):
    each is ``{"index":`` and the row's case index, then ``parts`` joined (the status, the result
    and the error of its path's JSON, the row's own figures between, and a comma)."""

    rows: np.ndarray
    parts: list[pa.Array]


def derived(
    population: Population, table: pa.Table, given: list[dict[str, Any]]
) -> tuple[dict[int, Answer], Items | None]:
    """The answers of the rows of ``table`` (made of the plain bodies ``given``) that the population
    path takes: the items of those whose path's JSON can be cut at its figures (see :class:`Items`),
    and the others' answers by row."""
    path_of, found = population.resolve(table, _Given(population.runner.request, given))
    covered = np.nonzero(path_of >= 0)[0]
    answers: dict[int, Answer] = {}
    if not len(covered):
        return answers, None
    paths = path_of[covered]
    order = np.argsort(paths, kind="stable")
    paths, covered = paths[order], covered[order]
    starts = np.flatnonzero(np.r_[True, paths[1:] != paths[:-1]])
    ends = [*starts[1:].tolist(), len(covered)]
    groups = [
        (population.paths[number], covered[start:end])
        for number, start, end in zip(paths[starts].tolist(), starts.tolist(), ends, strict=True)
    ]
    texts, at = _texts(groups, found.traced)
    cut: list[tuple[np.ndarray, tuple[str, ...], list[int]]] = []
    for g, (path, rows) in enumerate(groups):
        assert path.template is not None
        if (item := path.item) is not None:
            pieces, places = item
            cut.append((rows, pieces, [at[g][k] for k in places]))
            continue
        status = path.template[0]
        result, error = path.filled
        own = list(zip(*(texts.slice(at[g][k], len(rows)).to_pylist() for k in range(len(path.written))), strict=True))
        for row, figures in zip(rows.tolist(), own or [()] * len(rows), strict=True):
            answers[row] = (
                (status, None, error(list(figures)))
                if path.template[1] is None
                else (status, result(list(figures)), None)
            )
    return answers, (_items(cut, texts) if cut else None)


def _items(cut: list[tuple[np.ndarray, tuple[str, ...], list[int]]], texts: pa.Array) -> Items:
    """The parts of the items of every path cut at its figures, in the order of their rows: the
    n-th piece of each row's path and, between pieces, its figure at the n-th place (a path with
    fewer places than another ends in empty pieces and figures)."""
    lengths = np.array([len(rows) for rows, _, _ in cut], np.int64)
    rows = np.concatenate([rows for rows, _, _ in cut])
    order = np.argsort(rows, kind="stable")
    path_of = np.repeat(np.arange(len(cut)), lengths)[order]
    within = (np.arange(len(rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths))[order]
    places = max(len(starts) for _, _, starts in cut)
    empty = len(texts)
    texts = pa.concat_arrays([texts, pa.array([""], pa.string())])
    parts: list[pa.Array] = []
    for place in range(places + 1):
        pieces = [each[place] if place < len(each) else "" for _, each, _ in cut]
        parts.append(pa.array(pieces, pa.string()).take(path_of))
        if place == places:
            break
        start = np.array([starts[place] if place < len(starts) else empty for _, _, starts in cut], np.int64)
        step = np.array([place < len(starts) for _, _, starts in cut], np.int64)
        parts.append(texts.take(start[path_of] + step[path_of] * within))
    return Items(rows[order], parts)


def _texts(groups: list[tuple[Path, np.ndarray]], traced: dict[str, np.ndarray]) -> tuple[pa.Array, list[list[int]]]:
    """Every path's figures as written, in one string array, and where each path's column of
    each marker starts in it (as long as its rows): the forms of one shape evaluated once over the
    rows of every path that writes one of them, each row with its own form's numbers (a branch in
    four jurisdictions: one evaluation, not four), and every kind of figure written at once (a
    batch has many paths of a few rows each: a column's cost is in the calls, not the rows)."""
    uses: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for g, (path, _) in enumerate(groups):
        for k, key in enumerate(path.writes):
            uses.setdefault(key, []).append((g, k))
    kinds: dict[tuple[str, int], list[tuple[np.ndarray, list[tuple[int, int]]]]] = {}
    for (_, how), places in uses.items():
        # the forms of one shape, at once: each place's form by its number among them
        numbered: dict[int, int] = {}
        forms: list[replay.Compiled] = []
        which: list[int] = []
        for g, k in places:
            form = groups[g][0].written[k]
            number = numbered.get(id(form))
            if number is None:
                number = numbered[id(form)] = len(forms)
                forms.append(form)
            which.append(number)
        rows = np.concatenate([groups[g][1] for g, _ in places])
        each = np.repeat(np.array(which, np.int64), [len(groups[g][1]) for g, _ in places])
        columns = {name: traced[name][rows] for name in forms[0].columns}  # one shape: one set of columns
        kinds.setdefault((how, forms[0].scale), []).append((replay.evaluate_together(forms, each, columns), places))
    starts: list[list[int]] = [[0] * len(path.marks) for path, _ in groups]
    arrays: list[pa.Array] = []
    at = 0
    for (how, scale), evaluated in kinds.items():
        arrays.append(written_array(how, scale, np.concatenate([values for values, _ in evaluated])))
        for _, places in evaluated:
            for g, k in places:
                starts[g][k] = at
                at += len(groups[g][1])
    return (pa.concat_arrays(arrays) if arrays else pa.array([], pa.string())), starts
