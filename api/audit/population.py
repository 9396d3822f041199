"""The population path: a calculation's own rule, traced once per situation and branch, replayed
on the columns of every record that takes the same branch.

For each situation (api/audit/situations.py) a record not yet answered is taken as the exemplar:
its answer is the single endpoint's (``Runner.one``), and the rule is run once more with
stand-ins (rules.core.symbolic) that record the guards it passed and the forms of the figures it
wrote. The records of the situation for which every guard takes the same branch, and whose values
keep every form within int64, share that *path*: the exemplar's answer with their own figures
(evaluated on integer columns, api/audit/replay.py). A record that takes another branch becomes
the next exemplar. A path whose rule did something the stand-ins cannot record (or refused with a
message that quotes a figure, or wrote a figure into an assumption, which the columnar output
does not rewrite) is a *scalar* path: its records are answered by the rule one by one, as are
rows whose cells are not read exactly. Paths are kept for the life of the process.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import marshmallow as ma
import numpy as np
import pyarrow as pa

from bingpin.api import errors
from bingpin.api.audit import replay
from bingpin.api.audit.columns import MONEY, Column, answers_table
from bingpin.api.audit.records import Bodies
from bingpin.api.audit.situations import Situations, group
from bingpin.api.compiled import Fallback
from bingpin.api.resources.calculations import shape
from bingpin.api.runner import Answer, Runner
from bingpin.rules.core.errors import BingpinError
from bingpin.rules.core.symbolic import (
    EPOCH,
    MARK_CLOSE,
    MARK_OPEN,
    Form,
    Guard,
    Mark,
    Recording,
    Traced,
    TracedDate,
    column,
    recording,
)
from bingpin.rules.registry import calculate

#: Paths traced for one situation at most; its other records go to the rule one by one.
MAX_PATHS = 64


@dataclass
class Path:
    """One branch of a rule in one situation: its guards, and what its records are answered with."""

    guards: tuple[Guard, ...]
    scalar: bool = True
    #: The exemplar's answer (status, result, error), the prototype of every record of the path.
    answer: Answer | None = None
    #: The same answer with a marker wherever a record's own figure goes (``marks`` say which).
    template: Answer | None = None
    marks: tuple[Mark, ...] = ()
    #: Output columns (audit) filled with each record's figure: the form and its decimals.
    outputs: dict[str, tuple[Form, int]] = field(default_factory=dict)
    #: Whether every other output column is the exemplar's (no figure quoted elsewhere).
    columnar: bool = False
    row: int = -1

    def forms(self) -> list[Form]:
        return [g.form for g in self.guards] + [m.form for m in self.marks]


def marked(value: Any) -> bool:
    if isinstance(value, str):
        return MARK_OPEN in value
    if isinstance(value, dict):
        return any(marked(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(marked(v) for v in value)
    return False


def _lookup(result: dict[str, Any] | None, path: tuple[str, ...]) -> Any:
    value: Any = result
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def mark_index(text: str) -> int | None:
    """The number of the marker ``text`` is made of, or None."""
    if text.startswith(MARK_OPEN) and text.endswith(MARK_CLOSE) and text.count(MARK_OPEN) == 1:
        number = text[1:-1]
        return int(number) if number.isdigit() else None
    return None


def written(mark: Mark, value: int) -> str:
    """A record's figure as the rule writes it: an amount (``f``), a date, a whole number."""
    if mark.how == "date":
        return (EPOCH + dt.timedelta(days=value)).isoformat()
    if mark.how == "int":
        return str(value)
    return f"{Decimal(value).scaleb(-replay.scale(mark.form)):f}"


def fill(template: Any, texts: list[str]) -> Any:
    """``template`` with each marker replaced by its text."""
    if isinstance(template, str):
        if MARK_OPEN not in template:
            return template
        parts = template.split(MARK_OPEN)
        out = [parts[0]]
        for part in parts[1:]:
            number, _, rest = part.partition(MARK_CLOSE)
            out.append(texts[int(number)])
            out.append(rest)
        return "".join(out)
    if isinstance(template, dict):
        return {k: fill(v, texts) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, texts) for v in template]
    if isinstance(template, tuple):
        return tuple(fill(v, texts) for v in template)
    return template


class Population:
    """The traced paths of one calculation in this process, with or without explanations."""

    def __init__(self, runner: Runner, columns: list[Column], explain: bool = False) -> None:
        self.runner, self.columns, self.explain = runner, columns, explain
        self.lock = threading.Lock()
        self.paths: list[Path] = []
        self.by_situation: dict[str, list[int]] = {}
        self.prototypes: list[Answer] = []
        self._table: pa.Table | None = None

    def table(self) -> pa.Table:
        """The prototypes' answer columns, one row per traced path (rebuilt when paths are added)."""
        with self.lock:
            if self._table is None or self._table.num_rows != len(self.prototypes):
                table = answers_table(self.columns, self.prototypes)
                self._table = pa.Table.from_arrays([c.combine_chunks() for c in table.columns], schema=table.schema)
            return self._table

    def resolve(self, table: pa.Table, bodies: Bodies) -> tuple[np.ndarray, Situations]:
        """Each row's path (its index in :attr:`paths`; -1: the rule, one by one)."""
        found = group(table, self.runner.request, bodies.defaults)
        n = table.num_rows
        path_of = np.full(n, -1, np.int64)
        order = np.argsort(found.situation, kind="stable")
        ends = np.cumsum(np.bincount(found.situation, minlength=found.count))
        start = 0
        for end in ends.tolist():
            rows = order[start:end]
            start = end
            rows = rows[~found.scalar[rows]]
            if len(rows):
                path_of[rows] = self._situation(table, bodies, found, rows)
        return path_of, found

    def _situation(self, table: pa.Table, bodies: Bodies, found: Situations, rows: np.ndarray) -> np.ndarray:
        columns = {name: values[rows] for name, values in found.traced.items()}
        chosen = np.full(len(rows), -1, np.int64)
        left = np.ones(len(rows), bool)
        first = bodies.rows(table, [int(rows[0])])[0]
        key = json.dumps(
            {k: v for k, v in first.items() if k not in found.scales}
            | {"given": sorted(set(first) & set(found.scales))},
            sort_keys=True,
            default=str,
        )
        with self.lock:
            known = list(self.by_situation.setdefault(key, []))
        for number in known:
            self._take(number, columns, left, chosen)
            if not left.any():
                return chosen
        while left.any():
            i = int(np.argmax(left))
            with self.lock:
                paths = self.by_situation[key]
                if len(paths) >= MAX_PATHS:
                    break
                body = first if i == 0 else bodies.rows(table, [int(rows[i])])[0]
                path = self._trace(body, {name: int(values[i]) for name, values in columns.items()}, found.scales)
                number = len(self.paths)
                self.paths.append(path)
                paths.append(number)
                if path.answer is not None and not path.scalar:
                    path.row = len(self.prototypes)
                    self.prototypes.append(path.answer)
            self._take(number, columns, left, chosen)
            if left[i]:  # the exemplar does not take its own branch: answered by the rule
                left[i] = False
        return chosen

    def _take(self, number: int, columns: dict[str, np.ndarray], left: np.ndarray, chosen: np.ndarray) -> None:
        path = self.paths[number]
        index = np.nonzero(left)[0]
        sub = {name: values[index] for name, values in columns.items()}
        try:
            ok = replay.safe(path.forms(), sub, len(index))
            for guard in path.guards:
                ok &= replay.holds(guard, sub, len(index))
        except OverflowError:
            return
        taken = index[ok]
        chosen[taken] = -1 if path.scalar else number
        left[taken] = False

    def _trace(self, body: dict[str, Any], values: dict[str, int], scales: dict[str, int]) -> Path:
        """The exemplar's path: its answer and, traced, its guards and the forms of its figures."""
        answer = self.runner.one(body, self.explain)
        try:
            try:
                args = self.runner.load(body)
            except Fallback:
                args = ma.Schema.load(self.runner.request, body)
        except ma.ValidationError:
            return Path(())
        standing = dict(args)
        for name, scale in scales.items():
            given = args.get(name)
            if given is None:
                continue
            if isinstance(given, dt.date):
                if (given - EPOCH).days != values[name]:
                    return Path(())
                standing[name] = TracedDate(given, column(name, 0))
            elif isinstance(given, (Decimal, int)) and not isinstance(given, bool):
                if Decimal(given) != Decimal(values[name]).scaleb(-scale):
                    return Path(())
                standing[name] = Traced(given, column(name, scale))
        with recording() as rec:
            try:
                template = self._run(args["jurisdiction"], standing, rec)
            except Exception:  # the stand-ins could not follow (Untraceable, or what a rule did with one)
                return Path(tuple(rec.guards))
        return self._path(tuple(rec.guards), answer, template, tuple(rec.marks), values)

    def _run(self, jurisdiction: str, standing: dict[str, Any], rec: Recording) -> Answer:
        endpoint = self.runner.endpoint
        case = endpoint.build(standing)
        try:
            policy, outcome = calculate(endpoint.path, jurisdiction, case, self.explain)
        except BingpinError as error:
            payload, status = errors.domain_error(error)
            return status, None, payload
        shaped = shape(policy, case, outcome, explain=self.explain)
        dates = {k: v for k, v in shaped.items() if isinstance(v, TracedDate)}
        shaped.update({k: v.value for k, v in dates.items()})
        result = self.runner.dump(shaped)
        for name, date in dates.items():
            result[name] = rec.mark(date.form, "date")
        return 200, result, None

    def _path(
        self,
        guards: tuple[Guard, ...],
        answer: Answer,
        template: Answer,
        marks: tuple[Mark, ...],
        values: dict[str, int],
    ) -> Path:
        one = {name: np.array([value], np.int64) for name, value in values.items()}
        try:
            texts = [written(m, int(replay.evaluate(m.form, one, 1)[0])) for m in marks]
        except (KeyError, OverflowError):
            return Path(guards)
        if fill(template, texts) != answer:  # the trace must give the exemplar's own answer
            return Path(guards)
        path = Path(guards, scalar=False, answer=answer, template=template, marks=marks, columnar=True)
        _, result, error = template
        if marked(error):
            path.columnar = False
        for each in self.columns:
            value = _lookup(result, each.path)
            number = mark_index(value) if isinstance(value, str) else None
            kind = marks[number].how if number is not None else None
            decimals = (
                2 if each.type == MONEY and kind == "f" else 0 if each.type == pa.date32() and kind == "date" else None
            )
            if number is not None and decimals is not None and replay.scale(marks[number].form) <= decimals:
                path.outputs[each.name] = (marks[number].form, decimals)
            elif marked(value):
                path.columnar = False
        return path
