"""Forms recorded from a rule (rules.core.symbolic), evaluated on integer columns: exact, or refused.

A form's value is computed as an integer at a fixed scale (the most decimals any of its terms
has: fen x a ratio of four decimals is at scale 6), so nothing is lost; a rounded atom is rounded
half up to the fen, as ``rules.core.money.round_money`` rounds. A form whose value could leave
int64 for the rows at hand is refused for the rows whose values could make it (:func:`ceiling`):
those go to the rule one by one.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import numpy as np

from bingpin.rules.core.symbolic import Atom, Form, scale_of

Columns = dict[str, np.ndarray]
LIMIT = 2**62  # below int64's 2**63, with room for the sums of two terms


def scale(form: Form) -> int:
    """The number of decimals of the integer a form is evaluated at."""
    return scale_of(form)


def _integer(value: Decimal, decimals: int) -> int:
    return int(value.scaleb(decimals))


def _round_half_up(values: np.ndarray, digits: int) -> np.ndarray:
    """``values`` (at ``digits`` more decimals than wanted) rounded half up (away from zero at .5)."""
    if digits <= 0:
        return values * 10 ** (-digits)
    unit = 10**digits
    half = unit // 2
    magnitude = (np.abs(values) + half) // unit
    return np.where(values < 0, -magnitude, magnitude)


def bound(form: Form, largest: dict[str, int]) -> int:
    """The largest magnitude any term of ``form`` (and of its atoms' forms) can reach, at its
    scale, when every column's values are at most ``largest`` in magnitude."""
    target = scale(form)
    total = abs(_integer(form.constant, target))
    for atom, coefficient in form.terms:
        factor = abs(_integer(coefficient, target - atom.scale))
        total += factor * _atom_bound(atom, largest)
    return total


def _atom_bound(atom: Atom, largest: dict[str, int]) -> int:
    if atom.op == "column":
        assert atom.column is not None
        return largest[atom.column]
    found = 0
    for inner in atom.args:
        digits = scale(inner) - atom.scale
        each = bound(inner, largest)
        found = max(found, each // 10**digits + 1 if digits > 0 else each * 10 ** (-digits))
        found = max(found, each)  # the inner form itself is evaluated at its own scale
    return found


def columns_of(form: Form) -> set[str]:
    found: set[str] = set()
    for atom, _ in form.terms:
        if atom.column is not None:
            found.add(atom.column)
        for inner in atom.args:
            found |= columns_of(inner)
    return found


class Compiled:
    """A form ready to evaluate many times: integer factors at its scale, its atoms compiled too.

    Its :attr:`shape` is what it does without its numbers (its scale, its columns, its atoms'
    operations and roundings, which of its factors are 1 and whether it has a constant); forms of
    one shape (a rule's branch in several jurisdictions, each with its own ratio and cap) are
    evaluated at once by :func:`evaluate_together`, each row with its own form's :attr:`numbers`."""

    __slots__ = ("columns", "constant", "fits", "kind", "numbers", "scale", "shape", "terms")

    def __init__(self, form: Form) -> None:
        self.scale = scale(form)
        #: Whether every factor and the constant are within int64 (else evaluating it overflows).
        self.fits = True
        self.constant = self._int64(_integer(form.constant, self.scale))
        self.terms: list[tuple[str | tuple[str, list[tuple[Compiled, Any]]], np.int64]] = []
        self.columns = sorted(columns_of(form))
        for atom, coefficient in form.terms:
            factor = self._int64(_integer(coefficient, self.scale - atom.scale))
            if atom.op == "column":
                assert atom.column is not None
                self.terms.append((atom.column, factor))
            else:
                inner: list[tuple[Compiled, Any]] = [
                    (compiled(each), compiled(each).scale - atom.scale) for each in atom.args
                ]
                assert atom.op == "round" or all(digits <= 0 for _, digits in inner), "min/max at the larger scale"
                if atom.op != "round":  # each brought up to the atom's scale
                    inner = [(each, self._int64(10 ** (-digits))) for each, digits in inner]
                self.terms.append(((atom.op, inner), factor))
        self.shape, self.numbers = self._shaped()
        #: The shape's number in this process (a quick key: a shape is a nest of tuples).
        self.kind = _SHAPES.setdefault(self.shape, len(_SHAPES))

    def _shaped(self) -> tuple[tuple[Any, ...], tuple[np.int64, ...]]:
        """(:attr:`shape`, :attr:`numbers`): the form without its numbers, and its numbers in the
        order :meth:`_evaluate` takes them (factors that are 1 are part of the shape: not multiplied)."""
        shape: list[Any] = [self.scale, self.fits, bool(self.constant)]
        numbers: list[np.int64] = []
        for source, factor in self.terms:
            if isinstance(source, str):
                shape.append(source)
            else:
                op, inner = source
                parts = []
                for form, extra in inner:
                    parts.append((form.shape, extra if op == "round" else None))
                    numbers += form.numbers
                    if op != "round":
                        numbers.append(extra)
                shape.append((op, tuple(parts)))
            shape.append(factor == 1)
            if factor != 1:
                numbers.append(factor)
        if self.constant:
            numbers.append(self.constant)
        return tuple(shape), tuple(numbers)

    def _int64(self, value: int) -> np.int64:
        """``value`` as an int64 scalar, made once rather than at each evaluation (one beyond int64:
        the form does not fit, and evaluating it raises ``OverflowError``, on any NumPy)."""
        if -(2**63) <= value < 2**63:
            return np.int64(value)
        self.fits = False
        return np.int64(0)

    def __call__(self, columns: Columns, n: int) -> np.ndarray:
        return self._evaluate(columns, n, iter(self.numbers))

    def _evaluate(self, columns: Columns, n: int, numbers: Iterator[Any]) -> np.ndarray:
        """The form's value, its :attr:`numbers` taken from ``numbers`` (its own, or a column of
        each number with each row's form's: :func:`evaluate_together`)."""
        if not self.fits:
            raise OverflowError("a factor of the form is beyond int64")
        total: np.ndarray | None = None
        for source, factor in self.terms:
            values = columns[source] if isinstance(source, str) else _apply(*source, columns, n, numbers)
            term = values if factor == 1 else values * next(numbers)
            total = term if total is None else total + term
        if total is None:
            total = np.zeros(n, dtype=np.int64)
        return total + next(numbers) if self.constant else total


def _apply(op: str, inner: list[tuple[Compiled, Any]], columns: Columns, n: int, numbers: Iterator[Any]) -> np.ndarray:
    """An atom's operation on its compiled forms (rounding: the decimals to round away; the
    smaller or larger: the factor bringing each to the atom's scale, taken from ``numbers``)."""
    if op == "round":
        form, digits = inner[0]
        return _round_half_up(form._evaluate(columns, n, numbers), digits)
    values = [form._evaluate(columns, n, numbers) * next(numbers) for form, _ in inner]
    return np.minimum(*values) if op == "min" else np.maximum(*values)


def evaluate_together(forms: list[Compiled], which: np.ndarray, columns: Columns) -> np.ndarray:
    """The value of each row's form (``forms[which[row]]``, all of one :attr:`~Compiled.shape`),
    evaluated once for every row: each number of the shape a column of the rows' forms' numbers."""
    if len(forms) == 1:
        return forms[0](columns, len(which))
    table = np.array([form.numbers for form in forms], np.int64)  # a row a form (no column: no numbers)
    return forms[0]._evaluate(columns, len(which), iter(table[which].T))


_SHAPES: dict[tuple[Any, ...], int] = {}
_COMPILED: dict[int, Compiled] = {}
_CEILINGS: dict[int, int] = {}


def compiled(form: Form) -> Compiled:
    """The one compiled copy of ``form`` in this process (paths share their forms), by the form as
    written: ``x * 0.80`` is evaluated at one more decimal than ``x * 0.8``."""
    key = form.identity
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = Compiled(form)
    return found


def ceiling(form: Form) -> int:
    """The largest magnitude of every column under which ``form`` cannot leave int64 (0: none)."""
    key = form.identity
    if key not in _CEILINGS:
        _CEILINGS[key] = _ceiling(form)
    return _CEILINGS[key]


def _ceiling(form: Form) -> int:
    used = sorted(columns_of(form))
    if not used:
        return LIMIT
    found = 10**18
    while found and bound(form, dict.fromkeys(used, found)) >= LIMIT:
        found //= 10
    return found
