"""Stand-in values that record what a rule does with a case's amounts, dates and ages.

A rule is written once, for one case, in plain Python on ``Decimal`` and ``datetime.date``. To
answer a population with it (``bingpin audit``, batches), the rule is run once per *situation*
(the case's other facts: jurisdiction, categories, diagnoses ...) with stand-ins for the amounts,
the date and the age: each stand-in carries the value of one real record (the exemplar, so the
rule runs exactly as for that record) and a *form*, the same value written over the input
columns. Arithmetic on stand-ins gives stand-ins (``+``, ``-``, ``x`` a constant, half-up
rounding to the fen); a comparison answers for the exemplar and is written down as a *guard*
(the branch taken); a stand-in written into text (``format_money``, ``isoformat``) becomes a
marker that the population path replaces with each record's own figure. Anything else a rule
does with a stand-in (multiply two amounts, divide, convert, hash) raises :class:`Untraceable`,
and the records of that situation are answered by the rule itself, one by one.

A form is linear: a constant plus a sum of ``coefficient x atom``, where an atom is an input
column (integer fen, days since 1970, whole years), a form rounded half up to the fen, or the
smaller or larger of two forms (``rules.core.money.smaller``/``larger``: no branch, so the records
on either side share one path). The
population path evaluates forms on integer columns (api/audit/replay.py), so the answers are
exact: the same as the rule's ``Decimal`` arithmetic, rounded once where the rule rounds.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import itertools
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, TypeGuard

EPOCH = dt.date(1970, 1, 1)
_CENT = Decimal("0.01")
#: Markers written into text in place of a stand-in: U+E000, its number, U+E001 (private use).
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"


class Untraceable(Exception):
    """The rule did something with a stand-in that a form cannot record."""


#: Each form and atom as written, by its number (:func:`_number`).
_NUMBERS: dict[tuple[Any, ...], int] = {}
_NEXT = itertools.count()


def _number(written: tuple[Any, ...]) -> int:
    """The one number of a form or atom as written (its parts by their numbers) in this process:
    a key compared and hashed in one step however deep the form (threads may number the same
    form at once: both get the number set first)."""
    found = _NUMBERS.get(written)
    if found is None:
        found = _NUMBERS.setdefault(written, next(_NEXT))
    return found


#: The forms made from others (a sum, a multiple, a rounding, the smaller or larger of two, a
#: constant), by what they are made of as written: every situation's trace makes the same few
#: again, and gets the one already made, its number, hash and decimals computed once.
_MADE: dict[tuple[Any, ...], Form] = {}


def _made(key: tuple[Any, ...], make: Callable[[], Form]) -> Form:
    found = _MADE.get(key)
    if found is None:
        found = _MADE.setdefault(key, make())
    return found


class Atom:
    """An input column (``column``: its integer form at ``scale`` decimals), or ``op`` applied to
    ``args``: ``round`` (half up to the fen, ``scale`` 2), ``min`` or ``max`` (of two forms).
    Never changed once made; atoms compare by value."""

    __slots__ = ("_hash", "_identity", "args", "column", "op", "scale")

    def __init__(self, column: str | None, scale: int, op: str = "column", args: tuple[Form, ...] = ()) -> None:
        self.column, self.scale, self.op, self.args = column, scale, op, args
        self._hash: int | None = None
        self._identity: int | None = None

    def _fields(self) -> tuple[Any, ...]:
        return self.column, self.scale, self.op, self.args

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return isinstance(other, Atom) and self._fields() == other._fields()

    def __hash__(self) -> int:
        # kept: forms nest, and are hashed each time one is combined or recorded
        if self._hash is None:
            self._hash = hash(self._fields())
        return self._hash

    def __repr__(self) -> str:
        return f"Atom({self.column!r}, {self.scale!r}, {self.op!r}, {self.args!r})"

    def __reduce__(self) -> tuple[Any, ...]:  # its number is this process's: another numbers it again
        return Atom, self._fields()

    @property
    def identity(self) -> int:
        if self._identity is None:
            args = tuple(form.identity for form in self.args)
            self._identity = _number((self.column, self.scale, self.op, args))
        return self._identity


_ZERO = Decimal(0)


class Form:
    """``constant + sum(coefficient x atom)``, exactly (coefficients as written, e.g. ``0.90``).
    Never changed once made; forms compare by value."""

    __slots__ = ("_hash", "_identity", "_scale", "constant", "terms")

    def __init__(self, terms: tuple[tuple[Atom, Decimal], ...] = (), constant: Decimal = _ZERO) -> None:
        self.terms, self.constant = terms, constant
        self._hash: int | None = None
        self._identity: int | None = None
        self._scale: int | None = None

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return isinstance(other, Form) and self.terms == other.terms and self.constant == other.constant

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self.terms, self.constant))
        return self._hash

    def __repr__(self) -> str:
        return f"Form({self.terms!r}, {self.constant!r})"

    def __reduce__(self) -> tuple[Any, ...]:  # its number is this process's: another numbers it again
        return Form, (self.terms, self.constant)

    def plus(self, other: Form, sign: int = 1) -> Form:
        return _made(("+", self.identity, other.identity, sign), lambda: self._plus(other, sign))

    def _plus(self, other: Form, sign: int) -> Form:
        if not other.terms:
            return Form(self.terms, self.constant + sign * other.constant)
        merged = dict(self.terms)
        for atom, coefficient in other.terms:
            merged[atom] = merged.get(atom, _ZERO) + sign * coefficient
        terms = tuple((a, c) for a, c in merged.items() if c != 0)
        return Form(terms, self.constant + sign * other.constant)

    @property
    def identity(self) -> int:
        """The form as written, exponents included (``0.80`` is not ``0.8``: equal values, but
        not the same scale, so not the same evaluation), as a number; forms compare by value."""
        if self._identity is None:
            terms = tuple((atom.identity, str(c)) for atom, c in self.terms)
            self._identity = _number((terms, str(self.constant)))
        return self._identity

    def times(self, factor: Decimal) -> Form:
        return _made(
            ("x", self.identity, str(factor)),
            lambda: Form(tuple((a, c * factor) for a, c in self.terms if c * factor != 0), self.constant * factor),
        )


def constant(value: Decimal | int) -> Form:
    written = Decimal(value)
    return _made(("c", str(written)), lambda: Form((), written))


def _of(atom: Atom) -> Form:
    """The form of one atom."""
    return Form(((atom, Decimal(1)),))


@functools.cache
def column(name: str, scale: int) -> Form:
    """The form of an input column (one per column and scale: forms are never changed)."""
    return _of(Atom(name, scale))


#: The comparisons a guard records: ``form OP 0``.
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class Guard(NamedTuple):
    """``form OP 0`` held (``taken``) for the exemplar: the branch its records share."""

    form: Form
    op: str
    taken: bool


class Mark(NamedTuple):
    """What a marker in text stands for: ``form`` written as ``how`` (``f``: an amount, ``date``,
    ``int``), its form at ``scale`` decimals."""

    form: Form
    how: str


@dataclass
class Recording:
    """What one traced run recorded: its guards (in order) and its markers."""

    guards: list[Guard] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    _seen: set[Guard] = field(default_factory=set)
    _marked: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def guard(self, form: Form, op: str, taken: bool) -> bool:
        found = Guard(form, op, taken)
        if found not in self._seen:
            self._seen.add(found)
            self.guards.append(found)
        return taken

    def mark(self, form: Form, how: str) -> str:
        key = (form.identity, how)
        if key not in self._marked:
            self._marked[key] = len(self.marks)
            self.marks.append(Mark(form, how))
        return f"{MARK_OPEN}{self._marked[key]}{MARK_CLOSE}"


_RECORDING: contextvars.ContextVar[Recording | None] = contextvars.ContextVar("bingpin_recording", default=None)


@contextmanager
def recording() -> Iterator[Recording]:
    """Record the guards and markers of the stand-ins used inside the ``with`` block."""
    found = Recording()
    token = _RECORDING.set(found)
    try:
        yield found
    finally:
        _RECORDING.reset(token)


def _current() -> Recording:
    found = _RECORDING.get()
    if found is None:
        raise Untraceable("a stand-in used outside a recording")
    return found


def _form(value: object) -> Form:
    if isinstance(value, Traced):
        return value.form
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return constant(value)
    raise Untraceable(f"an amount combined with {type(value).__name__}")


def _plain(value: object) -> object:
    return value.value if isinstance(value, (Traced, TracedDate)) else value


class _Compared:
    """Every comparison of a stand-in is a guard (``_compare``): the branch the exemplar takes."""

    __slots__ = ()

    def _compare(self, other: object, op: str) -> bool:
        raise NotImplementedError

    def __lt__(self, other: object) -> bool:
        return self._compare(other, "<")

    def __le__(self, other: object) -> bool:
        return self._compare(other, "<=")

    def __gt__(self, other: object) -> bool:
        return self._compare(other, ">")

    def __ge__(self, other: object) -> bool:
        return self._compare(other, ">=")

    def __eq__(self, other: object) -> bool:
        return self._compare(other, "==")

    def __ne__(self, other: object) -> bool:
        return self._compare(other, "!=")


class Traced(_Compared):
    """An amount (``Decimal``) or a whole number (an age) standing for a column of them."""

    __slots__ = ("form", "value")

    def __init__(self, value: Decimal | int, form: Form) -> None:
        self.value = value
        self.form = form

    def __repr__(self) -> str:
        return f"Traced({self.value!r})"

    def _result(self, value: Any, form: Form) -> Traced:
        if not isinstance(value, (Decimal, int)):
            raise Untraceable(f"an amount operation gave {type(value).__name__}")
        return Traced(value, form)

    def __add__(self, other: object) -> Traced:
        return self._result(self.value + _plain(other), self.form.plus(_form(other)))  # type: ignore[operator]

    def __radd__(self, other: object) -> Traced:
        return self._result(_plain(other) + self.value, _form(other).plus(self.form))  # type: ignore[operator]

    def __sub__(self, other: object) -> Traced:
        return self._result(self.value - _plain(other), self.form.plus(_form(other), -1))  # type: ignore[operator]

    def __rsub__(self, other: object) -> Traced:
        return self._result(_plain(other) - self.value, _form(other).plus(self.form, -1))  # type: ignore[operator]

    def __neg__(self) -> Traced:
        return self._result(-self.value, self.form.times(Decimal(-1)))

    def __pos__(self) -> Traced:
        return self

    def __mul__(self, other: object) -> Traced:
        if isinstance(other, Traced) or not isinstance(other, (Decimal, int)) or isinstance(other, bool):
            raise Untraceable("an amount multiplied by an amount")
        return self._result(self.value * other, self.form.times(Decimal(other)))

    __rmul__ = __mul__

    def _compare(self, other: object, op: str) -> bool:
        if not isinstance(other, (Traced, Decimal, int)) or isinstance(other, bool):
            raise Untraceable(f"an amount compared with {type(other).__name__}")
        taken = OPERATORS[op](self.value, _plain(other))
        return _current().guard(self.form.plus(_form(other), -1), op, taken)

    def __bool__(self) -> bool:
        return self._compare(0, "!=")

    def __hash__(self) -> int:
        raise Untraceable("an amount used as a key")

    def quantize(self, exp: Decimal, rounding: str | None = None) -> Traced:
        """Half-up rounding to the fen (``round_money``, ``format_money``): an atom of its own."""
        if exp != _CENT or rounding != ROUND_HALF_UP or not isinstance(self.value, Decimal):
            raise Untraceable("rounding other than half up to the fen")
        form = self.form
        rounded = _made(("round", form.identity), lambda: _of(Atom(None, 2, "round", (form,))))
        return Traced(self.value.quantize(_CENT, rounding=ROUND_HALF_UP), rounded)

    def __format__(self, spec: str) -> str:
        if isinstance(self.value, int) and spec == "":
            return _current().mark(self.form, "int")
        if isinstance(self.value, Decimal) and spec == "f" and self.value.as_tuple().exponent == -2:
            return _current().mark(self.form, "f")
        raise Untraceable(f"an amount written as {spec!r}")

    def __str__(self) -> str:
        return self.__format__("" if isinstance(self.value, int) else "f")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise Untraceable(f"an amount's {name}")


class TracedDate(_Compared):
    """A date standing for a column of dates (its form counts days since 1970)."""

    __slots__ = ("_compared", "form", "value")

    def __init__(self, value: dt.date, form: Form) -> None:
        self.value = value
        self.form = form
        #: The comparisons with constant dates made in one recording, and their branches (a rule
        #: compares a case's date with the same period boundaries many times).
        self._compared: tuple[Recording, dict[tuple[dt.date, str], bool]] | None = None

    def __repr__(self) -> str:
        return f"TracedDate({self.value!r})"

    def _other(self, other: object) -> tuple[dt.date, Form]:
        if isinstance(other, TracedDate):
            return other.value, other.form
        if isinstance(other, dt.date) and not isinstance(other, dt.datetime):
            return other, constant((other - EPOCH).days)
        raise Untraceable(f"a date compared with {type(other).__name__}")

    def _compare(self, other: object, op: str) -> bool:
        recording = _current()
        if type(other) is dt.date:  # a constant: its guard is recorded once per recording
            if self._compared is None or self._compared[0] is not recording:
                self._compared = (recording, {})
            found = self._compared[1].get((other, op))
            if found is None:
                found = self._compared[1][other, op] = self._guard(recording, other, op)
            return found
        return self._guard(recording, other, op)

    def _guard(self, recording: Recording, other: object, op: str) -> bool:
        value, form = self._other(other)
        taken = OPERATORS[op](self.value, value)
        return recording.guard(self.form.plus(form, -1), op, taken)

    def __hash__(self) -> int:
        raise Untraceable("a date used as a key")

    def _within(self, first: dt.date, last: dt.date) -> None:
        """Guards that keep the records of this path between ``first`` and ``last`` (the exemplar is)."""
        if not (self >= first and self <= last):
            raise Untraceable("a date outside its own year or month")

    @property
    def year(self) -> int:
        """The year: the same for every record of the path (a guard keeps them within it)."""
        year = self.value.year
        self._within(dt.date(year, 1, 1), dt.date(year, 12, 31))
        return year

    @property
    def month(self) -> int:
        """The month: the same for every record of the path (guards keep them within it)."""
        first = self.value.replace(day=1)
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        self._within(first, following - dt.timedelta(days=1))
        return self.value.month

    @property
    def day(self) -> Traced:
        """The day of the month: within the month (guards), the days since its first day, plus one."""
        self.month  # noqa: B018 (the guards)
        first = self.value.replace(day=1)
        return Traced(self.value.day, self.form.plus(constant((first - EPOCH).days - 1), -1))

    def __add__(self, other: object) -> TracedDate:
        if not isinstance(other, dt.timedelta):
            raise Untraceable(f"a date plus {type(other).__name__}")
        return TracedDate(self.value + other, self.form.plus(constant(other.days)))

    __radd__ = __add__

    def __sub__(self, other: object) -> Any:
        if isinstance(other, dt.timedelta):
            return TracedDate(self.value - other, self.form.plus(constant(other.days), -1))
        value, form = self._other(other)
        return Traced((self.value - value).days, self.form.plus(form, -1))

    def __rsub__(self, other: object) -> Traced:
        value, form = self._other(other)
        return Traced((value - self.value).days, form.plus(self.form, -1))

    def isoformat(self) -> str:
        return _current().mark(self.form, "date")

    def __str__(self) -> str:
        return self.isoformat()

    def __format__(self, spec: str) -> str:
        if spec:
            raise Untraceable(f"a date written as {spec!r}")
        return self.isoformat()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise Untraceable(f"a date's {name}")


def scale_of(form: Form) -> int:
    """The decimals a form's value has: its terms' (coefficient's and atom's) and its constant's."""
    if form._scale is None:
        exponents = [c.as_tuple().exponent for _, c in form.terms] + [form.constant.as_tuple().exponent]
        decimals = [max(0, -e) if isinstance(e, int) else 0 for e in exponents]
        form._scale = max([decimals[-1], *(a.scale + d for (a, _), d in zip(form.terms, decimals, strict=False))])
    return form._scale


def extreme(op: str, first: object, second: object) -> Traced:
    """The smaller (``min``) or larger (``max``) of two amounts, one of them a stand-in, as one atom."""
    values = [_plain(first), _plain(second)]
    value = min(values) if op == "min" else max(values)  # type: ignore[type-var]
    forms = (_form(first), _form(second))
    if not isinstance(value, (Decimal, int)):
        raise Untraceable(f"the {op} of {type(value).__name__}")
    key = (op, forms[0].identity, forms[1].identity)
    return Traced(value, _made(key, lambda: _of(Atom(None, max(scale_of(f) for f in forms), op, forms))))


def is_date(value: object) -> TypeGuard[dt.date | TracedDate]:
    """A date, or a stand-in for a column of them (what ``Period`` and rules accept as a day)."""
    return isinstance(value, (dt.date, TracedDate))
