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

import contextlib
import datetime as dt
import functools
import itertools
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from bingpin.api import errors, stopping
from bingpin.api.audit import replay
from bingpin.api.audit.columns import MONEY, Column, answer_columns, answers_table
from bingpin.api.audit.fen import money_array
from bingpin.api.audit.records import Bodies
from bingpin.api.audit.situations import Situations, group, ranges
from bingpin.api.resources.calculations import shape
from bingpin.api.runner import Answer, Runner, runner_for
from bingpin.rules.core.errors import BingpinError
from bingpin.rules.core.symbolic import (
    EPOCH,
    MARK_CLOSE,
    MARK_OPEN,
    OPERATORS,
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
#: Situations traced in one round (their rows then take their paths a form at a time, together).
TRACE_CHUNK = 256
#: Paths traced by one population at most (each holds its answer, template and forms: about 7 KiB;
#: a year of mixed records across four policies has about 1,000). Beyond them, the records of a
#: situation not traced yet go to the rule one by one: the memory a process's paths take is
#: bounded, whatever the situations its batches bring (a server's batches, a worker's files).
MAX_TRACED = 10_000
#: A batch with at most this many situations of fewer than :data:`MIN_ROWS` records takes them
#: through the population path with the others; a batch with more answers their records by the
#: rule (a file whose records are nearly each a situation of its own, such as one with a
#: recognition date per person, would spend more on traces, and on reading each situation's first
#: record, than on answering its records by the rule).
SMALL_SITUATIONS = 256
#: A trace costs about what answering four records by the rule costs: traced, a situation of eight
#: records or more pays for its trace in the batch that traces it.
MIN_ROWS = 8
#: A row no known path takes (yet).
UNSEEN = -2
#: Each operator's row of :data:`_HOLDS`: whether ``value OP 0`` holds for a negative, zero, positive value.
_OPS = {op: number for number, op in enumerate(OPERATORS)}
_HOLDS = np.array([[compare(sign, 0) for sign in (-1, 0, 1)] for compare in OPERATORS.values()], bool)
#: Whether a guard of an operator and branch (not taken, taken) fails for a value of each sign, flat:
#: at ``operator * 6 + taken * 3 + sign + 1``.
_FAILS = np.array([[holds != taken for holds in row] for row in _HOLDS for taken in (False, True)], bool).ravel()


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
    outputs: dict[str, tuple[replay.Compiled, int]] = field(default_factory=dict)
    #: Whether every other output column is the exemplar's (no figure quoted elsewhere).
    columnar: bool = False
    row: int = -1
    #: The exemplar's own figures as written, one per marker.
    texts: list[str] = field(default_factory=list)
    #: The exemplar's values (fen, days ...) until its figures are checked (:meth:`Population._checked`).
    exemplar: dict[str, int] | None = None

    def __post_init__(self) -> None:
        forms = [g.form for g in self.guards] + [m.form for m in self.marks]
        #: Each guard as (its compiled form, its operator's row of :data:`_HOLDS`, the branch taken).
        self.tests = [(replay.compiled(g.form), _OPS[g.op], g.taken) for g in self.guards]
        self.written = [replay.compiled(m.form) for m in self.marks]
        #: Each marker's form's shape and how its figure is written (a batch evaluates each pair once).
        self.writes = [(form.kind, mark.how) for form, mark in zip(self.written, self.marks, strict=True)]
        self.uses = sorted({name for form in self.written + [c for c, _, _ in self.tests] for name in form.columns})
        self.ceiling = min((replay.ceiling(f) for f in forms), default=replay.LIMIT)

    @cached_property
    def encoder(self) -> Encoder | None:
        """The template's result as JSON with a place for each record's figure (batches); None
        for a refusal, or a result that cannot be written so."""
        result = self.template[1] if self.template is not None else None
        return None if result is None else encoder(result, self.texts)

    @cached_property
    def item(self) -> Encoder | None:
        """The :attr:`encoder`'s pieces as those of the path's item of a batch's ``results``, after
        ``{"index":`` and the case's index (orjson's order: index, status, result, error), with the
        comma that follows it; and the marker at each place."""
        if self.encoder is None:
            return None
        assert self.template is not None
        pieces, places = self.encoder
        item = list(pieces)
        item[0] = f',"status":{self.template[0]},"result":{item[0]}'
        item[-1] += ',"error":null},'
        return tuple(item), places

    @cached_property
    def filled(self) -> tuple[Filler, Filler]:
        """The template's result and error, compiled to take a record's texts (batches)."""
        _, result, error = self.template or (None, None, None)
        return filler(result), filler(error)


def _rows_of(starts: np.ndarray, ends: list[int], situations: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``situations`` (their numbers in ``starts``), situation after situation, and
    how many each has."""
    begin = starts[situations]
    lengths = np.array([ends[at] for at in situations], np.int64) - begin
    return ranges(begin, lengths), lengths


def _distinct(ascending: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of an ascending array, and where each first is: ``np.unique(ascending,
    return_index=True)`` without its sort."""
    first = np.flatnonzero(np.r_[True, ascending[1:] != ascending[:-1]]) if len(ascending) else ascending
    return ascending[first], first


def stable_order(codes: np.ndarray, count: int) -> np.ndarray:
    """``np.argsort(codes, kind="stable")``, by radix sort when the codes fit 16 bits (NumPy's
    stable sort of small integers)."""
    if count <= 1 << 15:
        return np.argsort(codes.astype(np.int16), kind="stable")
    return np.argsort(codes, kind="stable")


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple([_frozen(v) for v in value])
    if isinstance(value, dict):
        return tuple(sorted([(k, _frozen(v)) for k, v in value.items()]))
    return value


def situation_key(body: dict[str, Any], traced: dict[str, int]) -> tuple[Any, ...]:
    """What a situation is: the body's other fields as they are, and which traced fields it gives."""
    return tuple(
        sorted(
            [(k, None if k in traced else _frozen(v) if isinstance(v, (list, dict)) else v) for k, v in body.items()]
        )
    )


def exemplar(first: dict[str, Any], values: dict[str, int], scales: dict[str, int]) -> dict[str, Any]:
    """The body of another record of ``first``'s situation: the same other fields, its own traced
    values in their wire form (an amount as its two-decimal text, a date as ISO, a whole number)."""
    body = dict(first)
    for name, value in values.items():
        if name not in body:
            continue
        if isinstance(body[name], bool) or name not in scales:
            continue
        if name == "date":
            body[name] = (EPOCH + dt.timedelta(days=value)).isoformat()
        elif scales[name] == 2:
            body[name] = f"{value // 100}.{value % 100:02d}"
        else:
            body[name] = value
    return body


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


def written(how: str, scale: int, value: int) -> str:
    """A record's figure as the rule writes it: an amount (``f``, its form at ``scale``), a date, a
    whole number."""
    if how == "date":
        return (EPOCH + dt.timedelta(days=value)).isoformat()
    if how == "int":
        return str(value)
    if scale == 2 and value >= 0:
        return f"{value // 100}.{value % 100:02d}"
    return f"{Decimal(value).scaleb(-scale):f}"


def written_array(how: str, scale: int, values: np.ndarray) -> pa.Array:
    """:func:`written` for a column of values, as an Arrow string array (amounts in fen and dates
    through Arrow's casts)."""
    if len(values) >= 64:  # fewer than this: a cast costs more than it saves
        if how == "date":
            return pa.array(values.astype(np.int32)).view(pa.date32()).cast(pa.string())
        if how == "f" and scale == 2:
            return money_array(values).cast(pa.string())
    return pa.array([written(how, scale, value) for value in values.tolist()], pa.string())


Filler = Callable[[list[str]], Any]
#: A template's JSON cut at each marker (one piece more than places), and the marker's number at
#: each place.
Encoder = tuple[tuple[str, ...], tuple[int, ...]]
_PLACE = re.compile(f"{MARK_OPEN}[0-9]+{MARK_CLOSE}".encode())


def interleave(pieces: tuple[str, ...], figures: list[str]) -> str:
    """The pieces of a template's JSON with a figure between each two."""
    return "".join(piece + figure for piece, figure in zip(pieces, [*figures, ""], strict=True))


def encoder(template: Any, texts: list[str]) -> Encoder | None:
    """``template`` written as JSON once, cut at each marker, and the marker's number at each
    place: ``interleave(pieces, [own[n] for n in places])`` is the JSON of ``fill(template,
    own)`` as the answer is written (orjson: UTF-8, compact, keys in order), without building it.
    None when the template cannot be written so, or does not give the exemplar's own answer back."""
    try:
        text = orjson.dumps(template)
    except orjson.JSONEncodeError:
        return None
    places = tuple(int(m.group()[3:-3]) for m in _PLACE.finditer(text))
    if any(number >= len(texts) for number in places):
        return None
    pieces = tuple(piece.decode() for piece in _PLACE.split(text))
    own = [texts[number] for number in places]
    return (pieces, places) if interleave(pieces, own).encode() == orjson.dumps(fill(template, texts)) else None


def _gives(template: Any, written: bytes | None, texts: list[str], answer: Any) -> bool:
    """Whether ``template`` (``written``: its JSON) with ``texts`` at its markers is ``answer``:
    the texts put in the JSON compared with the answer's JSON, or (when the two differ as written:
    keys in another order, ``1`` for ``true``) the template filled and compared as values."""
    if written is not None:
        try:
            filled = _PLACE.sub(lambda found: texts[int(found.group()[3:-3])].encode(), written)
            if filled == orjson.dumps(answer):
                return True
        except (orjson.JSONEncodeError, IndexError, ValueError):
            pass
    return bool(fill(template, texts) == answer)


def filler(template: Any) -> Filler:
    """:func:`fill` for one template, compiled: the parts without a marker are shared as they
    are (an answer is written out, never changed), the others rebuilt from a record's texts."""
    if isinstance(template, str):
        if MARK_OPEN not in template:
            return lambda texts: template
        number = mark_index(template)
        if number is not None:
            return lambda texts: texts[number]
        return lambda texts: fill(template, texts)
    if isinstance(template, dict):
        parts = {k: filler(v) for k, v in template.items() if marked(v)}
        if not parts:
            return lambda texts: template
        return lambda texts: {**template, **{k: part(texts) for k, part in parts.items()}}
    if isinstance(template, list):
        items = [filler(v) if marked(v) else None for v in template]
        if not any(items):
            return lambda texts: template
        return lambda texts: [v if part is None else part(texts) for v, part in zip(template, items, strict=True)]
    return lambda texts: fill(template, texts)


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


@functools.cache
def shared(calculation: str, explain: bool = False) -> Population:
    """The population of ``calculation`` in this process, with or without explanations: the batch
    endpoint's, and every audit partition function's. A Dask worker unpickles the partition
    function anew for each batch it runs: its paths are the process's, not the copy's, so a
    situation is traced once per worker, not once per batch."""
    runner = runner_for(calculation)
    return Population(runner, answer_columns(runner.endpoint), explain)


class Turns:
    """Batches trace in the order they began resolving: one that began later waits until each that
    began before it has either taken the tracing lock or found nothing to trace. The first batch of
    a file is the first written: its situations are traced first, not after those of the batch
    that reached the lock before it (which then traced nearly all of them, while the first waited)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._open: set[int] = set()  # the batches that began and have not said yet
        self._next = itertools.count()

    @contextlib.contextmanager
    def ticket(self) -> Iterator[int]:
        """A batch's place in the order, given up when it says or ends (an error, a stop)."""
        with self._changed:
            number = next(self._next)
            self._open.add(number)
        try:
            yield number
        finally:
            self.said(number)

    def said(self, number: int) -> None:
        with self._changed:
            if number in self._open:
                self._open.discard(number)
                self._changed.notify_all()

    def wait(self, number: int) -> None:
        """Until every batch that began before ``number`` has said (a stopped run stops waiting)."""
        with self._changed:
            while any(other < number for other in self._open):
                self._changed.wait(0.1)
                stopping.check()


class Population:
    """The traced paths of one calculation in this process, with or without explanations."""

    def __init__(self, runner: Runner, columns: list[Column], explain: bool = False) -> None:
        self.runner, self.columns, self.explain = runner, columns, explain
        #: Each output column, where it sits in an answer, and the figure it takes from a marker:
        #: an amount (``f``) in fen, a date (``date``) in days, or none.
        kinds = {MONEY: ("f", 2), pa.date32(): ("date", 0)}
        self.figures = [(each.name, each.path, kinds.get(each.type)) for each in columns]
        self.lock = threading.Lock()
        #: Held while a batch traces its situations not seen yet, taken in :attr:`turns`.
        self.tracing = threading.Lock()
        self.turns = Turns()
        self.paths: list[Path] = []
        self.by_situation: dict[tuple[Any, ...], list[int]] = {}
        self.prototypes: list[Answer] = []
        self._table: pa.Table | None = None
        #: :meth:`_places` by template, as JSON.
        self._placed: dict[bytes, tuple[bool, list[tuple[str, int, tuple[str, int]]]]] = {}

    def table(self) -> pa.Table:
        """The prototypes' answer columns, one row per traced path (extended when paths are added)."""
        with self.lock:
            done = 0 if self._table is None else self._table.num_rows
            if self._table is None or done != len(self.prototypes):
                table = answers_table(self.columns, self.prototypes[done:], records=False)  # not records
                if self._table is not None:
                    table = pa.concat_tables([self._table, table]).unify_dictionaries()
                # one chunk per column: taking from a chunked column costs several times more
                self._table = pa.Table.from_arrays([c.combine_chunks() for c in table.columns], schema=table.schema)
            return self._table

    def resolve(self, table: pa.Table, bodies: Bodies) -> tuple[np.ndarray, Situations]:
        """Each row's path (its index in :attr:`paths`; -1: the rule, one by one)."""
        with self.turns.ticket() as ticket:
            return self._resolve(table, bodies, ticket)

    def _resolve(self, table: pa.Table, bodies: Bodies, ticket: int) -> tuple[np.ndarray, Situations]:
        found = group(table, self.runner.request, bodies.defaults)
        n = table.num_rows
        path_of = np.full(n, -1, np.int64)
        order = stable_order(found.situation, found.count)
        order = order[~found.scalar[order]]
        situation = found.situation[order]
        starts = np.flatnonzero(np.r_[True, situation[1:] != situation[:-1]]) if len(order) else np.zeros(0, np.int64)
        sizes = np.diff(np.r_[starts, len(order)])
        # a batch of many small situations: their records go to the rule (SMALL_SITUATIONS), read no further
        small = sizes < MIN_ROWS
        if np.count_nonzero(small) <= SMALL_SITUATIONS:
            small[:] = False
        left = ranges(starts[small], sizes[small])
        starts, sizes = starts[~small], sizes[~small]
        ends = (starts + sizes).tolist()
        heads = order[starts].tolist()  # each situation's first row
        ordered = {name: values[order] for name, values in found.traced.items()}  # a situation's rows: a slice
        keys = [situation_key(shape, found.scales) for shape in bodies.shapes(table, heads, found.scales)]
        with self.lock:
            known = [list(self.by_situation.get(key, ())) for key in keys]
        chosen = self._known(ordered, starts.tolist(), ends, known, found.largest)
        chosen[left] = -1
        # the situations with a row no known path takes (a situation or branch not traced yet): one by one,
        # by one thread at a time, in the order the batches began (the others wait without taking turns at
        # the interpreter, and find most of their situations traced when their turn comes)
        unseen = self._unseen(chosen, starts)
        counted = 0
        if len(unseen):
            self.turns.wait(ticket)
            with self.tracing:
                self.turns.said(ticket)
                with self.lock:  # traced meanwhile by another batch
                    grown = [at for at in unseen.tolist() if len(self.by_situation.get(keys[at], ())) > len(known[at])]
                if grown:
                    self._retaken(ordered, starts, ends, keys, grown, chosen, found.largest)
                    unseen = self._unseen(chosen, starts)
                traced = unseen.tolist()
                firsts = dict(zip(traced, bodies.rows(table, [heads[at] for at in traced]), strict=True))
                counted = self._traced(unseen, starts, ends, keys, firsts, ordered, found, chosen)
        chosen[chosen == UNSEEN] = -1  # situations not traced: the rule, one by one
        path_of[order] = chosen
        # the records the path answers are done (the rule's are counted as it answers them)
        stopping.advance(self._answered(chosen) - counted)
        return path_of, found

    def _answered(self, chosen: np.ndarray) -> int:
        """How many of the rows with paths ``chosen`` the population path answers (a path that is
        not columnar leaves its rows to the rule, as a scalar one does)."""
        taken = chosen[chosen >= 0]
        if not len(taken):
            return 0
        counts = np.bincount(taken)
        numbers = np.flatnonzero(counts)
        with self.lock:
            columnar = np.array([self.paths[number].columnar for number in numbers.tolist()], bool)
        return int(counts[numbers[columnar]].sum())

    @staticmethod
    def _unseen(chosen: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """The situations (their numbers in ``starts``) with a row that no known path takes."""
        return _distinct(np.searchsorted(starts, np.flatnonzero(chosen == UNSEEN), side="right") - 1)[0]

    def _known(
        self,
        columns: dict[str, np.ndarray],
        starts: list[int],
        ends: list[int],
        known: list[list[int]],
        largest: dict[str, int],
    ) -> np.ndarray:
        """Each row's first known path of its situation that holds for it (in the order traced):
        its number, -1 for a scalar path, :data:`UNSEEN` for none. The rows of every situation are
        a slice of ``columns``; the guards are evaluated a form at a time over the rows of every
        (situation, path) pair that checks it, not a situation at a time (a batch has hundreds of
        situations of a few rows each)."""
        total = len(next(iter(columns.values()))) if columns else (ends[-1] if ends else 0)
        chosen = np.full(total, UNSEEN, np.int64)
        pairs = [
            (start, end - start, n) for start, end, numbers in zip(starts, ends, known, strict=True) for n in numbers
        ]
        if not pairs:
            return chosen
        first, lengths, numbers = (np.array(each, np.int64) for each in zip(*pairs, strict=True))
        offsets = np.cumsum(lengths) - lengths
        rows = ranges(first, lengths)  # each pair's rows, pair after pair
        failed = np.zeros(len(rows), bool)
        paths = [self.paths[number] for number in numbers.tolist()]
        # every pair's guards, grouped by their form (one list per form, in the order the pairs come)
        uses: dict[int, tuple[replay.Compiled, list[tuple[int, int, bool]]]] = {}
        for pair, path in enumerate(paths):
            for check, op, taken in path.tests:
                entry = uses.get(id(check))
                if entry is None:
                    entry = uses[id(check)] = (check, [])
                entry[1].append((pair, op, taken))
        highest = max(largest.values(), default=0)
        for pair, path in enumerate(paths):
            if highest <= path.ceiling:  # no column's values can take a form of the path out of int64
                continue
            for name in path.uses:
                if largest[name] > path.ceiling:
                    own = slice(offsets[pair], offsets[pair] + lengths[pair])
                    failed[own] |= np.abs(columns[name][rows[own]]) > path.ceiling
        for check, checked in uses.values():
            which, ops, taken = (np.array(each) for each in zip(*checked, strict=True))
            at = ranges(offsets[which], lengths[which])
            try:
                values = check({name: columns[name][rows[at]] for name in check.columns}, len(at))
            except OverflowError:  # the paths that check it take no rows (as Path.holds)
                failed[at] = True
                continue
            # a guard fails where ``value OP 0`` is not its branch: one look-up by (operator, branch, sign)
            failed[at] |= _FAILS[np.repeat(ops * 6 + taken * 3, lengths[which]) + np.sign(values) + 1]
        taking = np.flatnonzero(~failed)
        pair_of = np.repeat(np.arange(len(pairs)), lengths)[taking]
        first = np.full(total, len(pairs), np.int64)  # a row's first pair that holds: its first path
        np.minimum.at(first, rows[taking], pair_of)
        found = np.flatnonzero(first < len(pairs))
        scalar = np.array([path.scalar for path in paths])
        chosen[found] = np.where(scalar, -1, numbers)[first[found]]
        return chosen

    def _retaken(
        self,
        columns: dict[str, np.ndarray],
        starts: np.ndarray,
        ends: list[int],
        keys: list[tuple[Any, ...]],
        situations: list[int],
        chosen: np.ndarray,
        largest: dict[str, int],
    ) -> None:
        """The rows of ``situations`` that no path took yet take their situation's first path that
        holds for them among its paths now (:meth:`_known`); the others keep theirs (a path is
        only ever added after its situation's others, so a row's first path stays first)."""
        with self.lock:
            known = [list(self.by_situation.get(keys[at], ())) for at in situations]
        found = self._known(columns, starts[situations].tolist(), [ends[at] for at in situations], known, largest)
        rows, _ = _rows_of(starts, ends, situations)
        left = rows[chosen[rows] == UNSEEN]
        chosen[left] = found[left]

    def _traced(
        self,
        unseen: np.ndarray,
        starts: np.ndarray,
        ends: list[int],
        keys: list[tuple[Any, ...]],
        firsts: dict[int, dict[str, Any]],
        columns: dict[str, np.ndarray],
        found: Situations,
        chosen: np.ndarray,
    ) -> int:
        """Trace the situations ``unseen`` (under :attr:`tracing`), :data:`TRACE_CHUNK` at a time,
        in rounds: each traces the exemplar of its first row that no path takes, then the rows of
        all of them take their first path that holds (:meth:`_retaken`, a form at a time over every
        situation of the round, not a situation at a time); a situation with rows left goes round
        again. An exemplar that does not take its own branch is answered by the rule, and so are a
        situation's rows left once it has :data:`MAX_PATHS` paths, or the population
        :data:`MAX_TRACED`. How many rows the population path answers (counted as done, chunk by
        chunk: progress while tracing)."""
        counted = 0
        for begin in range(0, len(unseen), TRACE_CHUNK):
            chunk = unseen[begin : begin + TRACE_CHUNK].tolist()
            todo = self._left(chosen, starts, ends, chunk)
            while todo:
                exemplars: list[tuple[int, int]] = []
                traced: list[Path] = []
                for at, row in todo:
                    stopping.check()  # a stopped run does not trace on
                    start = int(starts[at])
                    with self.lock:
                        full = len(self.paths) + len(traced) >= MAX_TRACED
                        if full or len(self.by_situation.get(keys[at], ())) >= MAX_PATHS:
                            continue
                    own = {name: int(values[row]) for name, values in columns.items()}
                    body = firsts[at] if row == start else exemplar(firsts[at], own, found.scales)
                    traced.append(self._trace(body, own, found.scales))
                    exemplars.append((at, row))
                if not exemplars:
                    break
                checked = self._checked(traced)
                with self.lock:
                    for (at, _), path in zip(exemplars, checked, strict=True):
                        self._add(self.by_situation.setdefault(keys[at], []), path)
                situations = [at for at, _ in exemplars]
                self._retaken(columns, starts, ends, keys, situations, chosen, found.largest)
                for _, row in exemplars:
                    if chosen[row] == UNSEEN:  # the exemplar does not take its own branch: the rule answers it
                        chosen[row] = -1
                todo = self._left(chosen, starts, ends, situations)
            answered = self._answered(chosen[_rows_of(starts, ends, chunk)[0]])
            stopping.advance(answered)  # progress while tracing
            counted += answered
        return counted

    @staticmethod
    def _left(chosen: np.ndarray, starts: np.ndarray, ends: list[int], situations: list[int]) -> list[tuple[int, int]]:
        """Those of ``situations`` with a row no path takes, each with the first such row."""
        rows, lengths = _rows_of(starts, ends, situations)
        left = np.flatnonzero(chosen[rows] == UNSEEN)
        which = np.searchsorted(np.cumsum(lengths), left, side="right")  # each such row's situation
        found, first = _distinct(which)
        return list(zip(np.asarray(situations)[found].tolist(), rows[left[first]].tolist(), strict=True))

    def _add(self, paths: list[int], path: Path) -> int:
        """Keep a new path (under the lock): its number, and its prototype row."""
        number = len(self.paths)
        self.paths.append(path)
        paths.append(number)
        if path.answer is not None and not path.scalar:
            path.row = len(self.prototypes)
            self.prototypes.append(path.answer)
        return number

    def _trace(self, body: dict[str, Any], values: dict[str, int], scales: dict[str, int]) -> Path:
        """The exemplar's path: its answer and, traced, its guards and the forms of its figures."""
        args, refused = self.runner.read(body)
        if refused is not None:  # refused as the body is read: answered by the rule, one by one
            return Path(())
        answer = self.runner.answer(args, self.explain)  # as Runner.one answers it
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
        """The traced path, its figures to be checked against its exemplar's (:meth:`_checked`)."""
        return Path(guards, scalar=False, answer=answer, template=template, marks=marks, exemplar=values)

    def _checked(self, traced: list[Path]) -> list[Path]:
        """The ``traced`` paths, each checked: its exemplar's figures written by the path's own
        compiled forms must give the exemplar's own answer back, or the path's records are left to
        the rule. Each form is evaluated once, over the exemplars of every path that writes it (a
        round's paths share most of their forms; a column of one per figure cost more than the
        trace's own arithmetic)."""
        uses: dict[int, tuple[replay.Compiled, list[tuple[int, int]]]] = {}
        for p, path in enumerate(traced):
            for k, form in enumerate(path.written if path.exemplar is not None else ()):
                uses.setdefault(id(form), (form, []))[1].append((p, k))
        exemplars = [path.exemplar or {} for path in traced]
        texts = [[""] * len(path.written) for path in traced]
        failed: set[int] = set()
        for form, places in uses.values():
            given: list[tuple[int, int]] = []
            for p, k in places:
                if all(name in exemplars[p] for name in form.columns):
                    given.append((p, k))
                else:  # a figure of a column its exemplar lacks
                    failed.add(p)
            if not given:
                continue
            own = {name: np.array([exemplars[p][name] for p, _ in given], np.int64) for name in form.columns}
            try:
                values = form(own, len(given)).tolist()
            except OverflowError:
                failed.update(p for p, _ in given)
                continue
            for (p, k), value in zip(given, values, strict=True):
                texts[p][k] = written(traced[p].marks[k].how, form.scale, value)
        return [
            path if path.exemplar is None else self._finished(path, own, p in failed)
            for p, (path, own) in enumerate(zip(traced, texts, strict=True))
        ]

    def _finished(self, path: Path, texts: list[str], failed: bool) -> Path:
        """``path`` with its exemplar's figures ``texts``, and the output columns it fills with
        each record's own; its guards alone (the rule answers) if they do not give the exemplar's
        answer back."""
        assert path.template is not None
        template, marks = path.template, path.marks
        try:
            written: bytes | None = orjson.dumps(template)
        except orjson.JSONEncodeError:
            written = None
        if failed or not _gives(template, written, texts, path.answer):  # the trace must give the exemplar's own answer
            return Path(path.guards)
        path.texts, path.exemplar = texts, None
        columnar, places = self._places(template) if written is None else self._place_cache(written, template)
        for name, number, (how, decimals) in places:
            if marks[number].how == how and path.written[number].scale <= decimals:
                path.outputs[name] = (path.written[number], decimals)
            else:
                columnar = False
        path.columnar = columnar
        return path

    def _place_cache(self, written: bytes, template: Answer) -> tuple[bool, list[tuple[str, int, tuple[str, int]]]]:
        """:meth:`_places` of a template, once per template as written (paths of many situations share it)."""
        found = self._placed.get(written)
        if found is None:
            found = self._placed[written] = self._places(template)
        return found

    def _places(self, template: Answer) -> tuple[bool, list[tuple[str, int, tuple[str, int]]]]:
        """Whether a template's output columns can be filled column by column (no marker in its error,
        nor in a column that takes no figure), and the columns that take one: their markers' numbers
        and the figures they take (how written, decimals)."""
        _, result, error = template
        columnar = not marked(error)
        places = []
        for name, where, figure in self.figures:
            value = _lookup(result, where)
            number = mark_index(value) if isinstance(value, str) else None
            if number is not None and figure is not None:
                places.append((name, number, figure))
            elif marked(value):
                columnar = False
        return columnar, places
