"""Forms recorded from a rule (rules.core.symbolic), evaluated on integer columns: exact, or refused.

A form's value is computed as an integer at a fixed scale (the most decimals any of its terms
has: fen x a ratio of four decimals is at scale 6), so nothing is lost; a rounded atom is rounded
half up to the fen, as ``rules.core.money.round_money`` rounds. A form whose value could leave
int64 for the rows at hand is refused for the rows whose values could make it (:func:`ceiling`):
those go to the rule one by one.
"""

from __future__ import annotations

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
    """A form ready to evaluate many times: integer factors at its scale, its atoms compiled too."""

    __slots__ = ("columns", "constant", "fits", "scale", "terms")

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

    def _int64(self, value: int) -> np.int64:
        """``value`` as an int64 scalar, made once rather than at each evaluation (one beyond int64:
        the form does not fit, and evaluating it raises ``OverflowError``, on any NumPy)."""
        if -(2**63) <= value < 2**63:
            return np.int64(value)
        self.fits = False
        return np.int64(0)

    def __call__(self, columns: Columns, n: int) -> np.ndarray:
        if not self.fits:
            raise OverflowError("a factor of the form is beyond int64")
        total: np.ndarray | None = None
        for source, factor in self.terms:
            values = columns[source] if isinstance(source, str) else _apply(*source, columns, n)
            term = values if factor == 1 else values * factor
            total = term if total is None else total + term
        if total is None:
            return np.full(n, self.constant, dtype=np.int64)
        return total + self.constant if self.constant else total


def _apply(op: str, inner: list[tuple[Compiled, Any]], columns: Columns, n: int) -> np.ndarray:
    """An atom's operation on its compiled forms (rounding: the decimals to round away; the
    smaller or larger: the factor bringing each to the atom's scale)."""
    if op == "round":
        form, digits = inner[0]
        return _round_half_up(form(columns, n), digits)
    values = [form(columns, n) * factor for form, factor in inner]
    return np.minimum(*values) if op == "min" else np.maximum(*values)


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
