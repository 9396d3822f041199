"""Batches through the population path: the same answers as case by case, at a column's pace.

The cases made only of request fields in their plain wire form (text for amounts, dates and codes,
lists of text, whole numbers, ``true``/``false``) are read as one table and resolved into traced
paths (api/audit/population.py), with or without explanations; each such case is its path's
answer with the case's own figures written in, the explanation's steps included. Every other case,
and every case the path leaves to the rule, is answered by the calculation's
:class:`~bingpin.api.runner.Runner`, as the single endpoint answers it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from itertools import chain, repeat
from operator import contains
from typing import Any

import marshmallow as ma
import numpy as np
import pyarrow as pa
from orjson import Fragment

from bingpin.api.audit.columns import answer_columns
from bingpin.api.audit.population import Path, Population, written_all
from bingpin.api.audit.records import Bodies
from bingpin.api.fields import Flag, Money
from bingpin.api.runner import Batched, Runner

#: Fewer cases than this are not worth a table.
MIN_CASES = 16


@cache
def population(calculation: str, explain: bool) -> Population:
    """One population per calculation and explanation setting in this process: paths are kept."""
    from bingpin.api.runner import runner_for

    runner = runner_for(calculation)
    return Population(runner, answer_columns(runner.endpoint), explain)


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
    columns = {name: [body.get(name) for body in bodies] for name in sorted(names)}
    for name, values in columns.items():
        kind = kinds[name][1]
        if not set(map(type, values)) <= {kind, type(None)}:
            return None
        if kind is list and not set(map(type, chain.from_iterable(v for v in values if v is not None))) <= {str}:
            return None
    for name, values in columns.items():  # a field given as null is the request schema's, not left out
        if None in values and len(values) - values.count(None) != sum(map(contains, bodies, repeat(name))):
            return None
    return columns


def run(runner: Runner, envelope: dict[str, Any], explain: bool) -> dict[str, Any]:
    """``runner.run(envelope, explain)``, with the population path's cases answered by it (their
    results as JSON text: written by orjson, byte for byte the rule's answer written by it)."""
    calculation = runner.endpoint.path
    if len(envelope["cases"]) < MIN_CASES:
        return runner.run(envelope, explain)
    bodies = runner.bodies(envelope)
    kinds = _kinds(calculation)
    columns = _columns(bodies, kinds)
    if columns is not None:
        plain = list(range(len(bodies)))
        table = pa.table({name: pa.array(values, kinds[name][0]) for name, values in columns.items()})
    else:
        plain = [index for index, body in enumerate(bodies) if _plain(body, kinds)]
        names = sorted({name for index in plain for name in bodies[index]})
        schema = pa.schema([(name, kinds[name][0]) for name in names])
        table = pa.Table.from_pylist([bodies[index] for index in plain], schema=schema)
    answers: list[Batched | None] = [None] * len(bodies)
    if plain:
        known = derived(population(calculation, explain), table, [bodies[index] for index in plain])
        for row, answer in known.items():
            answers[plain[row]] = answer
    return runner.report(runner.answers(bodies, explain, answers))


class _Given(Bodies):
    """The bodies a batch's table was made of: a row's body is the case itself (its plain values
    are the wire form the table holds)."""

    def __init__(self, schema: ma.Schema, given: list[dict[str, Any]]) -> None:
        super().__init__(schema, None, None)
        self.given = given

    def rows(self, table: pa.Table, indices: list[int] | None = None) -> list[dict[str, Any]]:
        return [self.given[index] for index in (range(len(self.given)) if indices is None else indices)]


def derived(population: Population, table: pa.Table, given: list[dict[str, Any]]) -> dict[int, Batched]:
    """The answers of the rows of ``table`` (made of the plain bodies ``given``) that the population
    path takes, by row: a result is its JSON text (``orjson.Fragment``, written as it stands)."""
    path_of, found = population.resolve(table, _Given(population.runner.request, given))
    covered = np.nonzero(path_of >= 0)[0]
    answers: dict[int, Batched] = {}
    if not len(covered):
        return answers
    paths = path_of[covered]
    order = np.argsort(paths, kind="stable")
    paths, covered = paths[order], covered[order]
    starts = np.flatnonzero(np.r_[True, paths[1:] != paths[:-1]])
    groups = [
        (population.paths[number], rows)
        for number, rows in zip(paths[starts].tolist(), np.split(covered, starts[1:]), strict=True)
    ]
    for (path, rows), texts in zip(groups, _texts(groups, found.traced), strict=True):
        assert path.template is not None
        status, encoded = path.template[0], path.encoder
        if encoded is not None:
            template, places = encoded
            placed = [texts[number] for number in places]
            figures: Iterable[tuple[bytes, ...]] = zip(*placed, strict=True) if placed else [()] * len(rows)
            written = [(status, Fragment(template % each), None) for each in figures]
            answers.update(zip(rows.tolist(), written, strict=True))
            continue
        result, error = path.filled
        for at, row in enumerate(rows.tolist()):
            own = [column[at].decode() for column in texts]
            answers[row] = (status, None, error(own)) if path.template[1] is None else (status, result(own), None)
    return answers


def _texts(groups: list[tuple[Path, np.ndarray]], traced: dict[str, np.ndarray]) -> list[list[list[bytes]]]:
    """Each path's figures as written (UTF-8), a column per marker: every form evaluated once over
    the rows of every path that writes it, and every kind of figure written once (a batch has many
    paths of a few rows each: a column's cost is in the calls, not the rows)."""
    uses: dict[int, list[tuple[int, int]]] = {}
    for g, (path, _) in enumerate(groups):
        for k, form in enumerate(path.written):
            uses.setdefault(id(form), []).append((g, k))
    values: dict[tuple[int, int], np.ndarray] = {}
    for places in uses.values():
        form = groups[places[0][0]][0].written[places[0][1]]
        rows = [groups[g][1] for g, _ in places]
        joined = np.concatenate(rows)
        found = form({name: traced[name][joined] for name in form.columns}, len(joined))
        at = 0
        for place, each in zip(places, rows, strict=True):
            values[place] = found[at : at + len(each)]
            at += len(each)
    kinds: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for g, (path, _) in enumerate(groups):
        for k, (mark, form) in enumerate(zip(path.marks, path.written, strict=True)):
            kinds.setdefault((mark.how, form.scale), []).append((g, k))
    texts: list[list[list[bytes]]] = [[[] for _ in path.marks] for path, _ in groups]
    for (how, scale), places in kinds.items():
        written = [t.encode() for t in written_all(how, scale, np.concatenate([values[place] for place in places]))]
        at = 0
        for g, k in places:
            size = len(values[g, k])
            texts[g][k] = written[at : at + size]
            at += size
    return texts
