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


def run(runner: Runner, envelope: dict[str, Any], explain: bool) -> dict[str, Any]:
    """``runner.run(envelope, explain)``, with the population path's cases answered by it (their
    results as JSON text: written by orjson, byte for byte the rule's answer written by it)."""
    calculation = runner.endpoint.path
    if len(envelope["cases"]) < MIN_CASES:
        return runner.run(envelope, explain)
    bodies = runner.bodies(envelope)
    kinds = _kinds(calculation)
    plain = [index for index, body in enumerate(bodies) if _plain(body, kinds)]
    answers: list[Batched | None] = [None] * len(bodies)
    if plain:
        names = sorted({name for index in plain for name in bodies[index]})
        schema = pa.schema([(name, kinds[name][0]) for name in names])
        table = pa.Table.from_pylist([bodies[index] for index in plain], schema=schema)
        known = derived(population(calculation, explain), table)
        for row, answer in known.items():
            answers[plain[row]] = answer
    return runner.report(runner.answers(bodies, explain, answers))


def derived(population: Population, table: pa.Table) -> dict[int, Batched]:
    """The answers of the rows of ``table`` that the population path takes, by row: a result is its
    JSON text (``orjson.Fragment``, written into the batch answer as it stands)."""
    path_of, found = population.resolve(table, Bodies(population.runner.request, None, None))
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
        status, encode = path.template[0], path.encoder
        if encode is not None:
            figures: Iterable[tuple[bytes, ...]] = zip(*texts, strict=True) if texts else [()] * len(rows)
            answers.update(
                zip(rows.tolist(), [(status, Fragment(encode(each)), None) for each in figures], strict=True)
            )
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
        values.update(zip(places, np.split(found, np.cumsum([len(r) for r in rows[:-1]])), strict=True))
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
