"""Batches through the population path: the same answers as case by case, at a column's pace.

The cases made only of request fields in their plain wire form (text for amounts, dates and codes,
lists of text, whole numbers, ``true``/``false``) are read as one table and resolved into traced
paths (api/audit/population.py), with or without explanations; each such case is its path's
answer with the case's own figures written in, the explanation's steps included. Every other case,
and every case the path leaves to the rule, is answered by the calculation's
:class:`~bingpin.api.runner.Runner`, as the single endpoint answers it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import marshmallow as ma
import numpy as np
import pyarrow as pa

from bingpin.api.audit.columns import answer_columns
from bingpin.api.audit.population import Population, written_all
from bingpin.api.audit.records import Bodies
from bingpin.api.fields import Flag, Money
from bingpin.api.runner import Answer, Runner

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
    """``runner.run(envelope, explain)``, with the population path's cases answered by it."""
    calculation = runner.endpoint.path
    if len(envelope["cases"]) < MIN_CASES:
        return runner.run(envelope, explain)
    bodies = runner.bodies(envelope)
    kinds = _kinds(calculation)
    plain = [index for index, body in enumerate(bodies) if _plain(body, kinds)]
    answers: list[Answer | None] = [None] * len(bodies)
    if plain:
        names = sorted({name for index in plain for name in bodies[index]})
        schema = pa.schema([(name, kinds[name][0]) for name in names])
        table = pa.Table.from_pylist([bodies[index] for index in plain], schema=schema)
        known = derived(population(calculation, explain), table)
        for row, answer in known.items():
            answers[plain[row]] = answer
    return runner.report(runner.answers(bodies, explain, answers))


def derived(population: Population, table: pa.Table) -> dict[int, Answer]:
    """The answers of the rows of ``table`` that the population path takes, by row."""
    path_of, found = population.resolve(table, Bodies(population.runner.request, None, None))
    covered = np.nonzero(path_of >= 0)[0]
    answers: dict[int, Answer] = {}
    if not len(covered):
        return answers
    paths = path_of[covered]
    for number in np.unique(paths).tolist():
        path = population.paths[number]
        rows = covered[paths == number]
        assert path.template is not None
        own = {name: values[rows] for name, values in found.traced.items()}
        texts = [
            written_all(mark.how, form.scale, form(own, len(rows)))
            for mark, form in zip(path.marks, path.written, strict=True)
        ]
        status = path.template[0]
        result, error = path.filled
        if path.template[1] is None:
            for at, row in enumerate(rows.tolist()):
                answers[row] = (status, None, error([column[at] for column in texts]))
            continue
        for at, row in enumerate(rows.tolist()):
            answers[row] = (status, result([column[at] for column in texts]), None)
    return answers
