"""Forms recorded from a rule (rules.core.symbolic), evaluated on integer columns: exact, or refused.

A form's value is computed as an integer at a fixed scale (the most decimals any of its terms
has: fen x a ratio of four decimals is at scale 6), so nothing is lost; a rounded atom is rounded
half up to the fen, as ``rules.core.money.round_money`` rounds. A form whose value could leave
int64 for the rows at hand is refused for the rows that could make it (:func:`safe`): those go
to the rule one by one.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from bingpin.rules.core.symbolic import OPERATORS, Atom, Form, Guard

Columns = dict[str, np.ndarray]
LIMIT = 2**62  # below int64's 2**63, with room for the sums of two terms


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _atom_scale(atom: Atom) -> int:
    return atom.scale


def scale(form: Form) -> int:
    """The number of decimals of the integer a form is evaluated at."""
    found = [_atom_scale(atom) + _decimals(c) for atom, c in form.terms]
    return max([_decimals(form.constant), *found])


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


def evaluate(form: Form, columns: Columns, n: int) -> np.ndarray:
    """The form's value on every row, as int64 at :func:`scale` decimals."""
    target = scale(form)
    total = np.full(n, _integer(form.constant, target), dtype=np.int64)
    for atom, coefficient in form.terms:
        factor = _integer(coefficient, target - atom.scale)
        total += _atom(atom, columns, n) * np.int64(factor)
    return total


def _atom(atom: Atom, columns: Columns, n: int) -> np.ndarray:
    if atom.rounded is None:
        assert atom.column is not None
        return columns[atom.column]
    inner = atom.rounded
    return _round_half_up(evaluate(inner, columns, n), scale(inner) - atom.scale)


def bound(form: Form, largest: dict[str, int]) -> int:
    """The largest magnitude any term of ``form`` (and of its rounded atoms) can reach, at its
    scale, when every column's values are at most ``largest`` in magnitude."""
    target = scale(form)
    total = abs(_integer(form.constant, target))
    for atom, coefficient in form.terms:
        factor = abs(_integer(coefficient, target - atom.scale))
        total += factor * _atom_bound(atom, largest)
    return total


def _atom_bound(atom: Atom, largest: dict[str, int]) -> int:
    if atom.rounded is None:
        assert atom.column is not None
        return largest[atom.column]
    inner = atom.rounded
    if bound(inner, largest) >= LIMIT:
        return LIMIT  # the inner form is refused already
    digits = scale(inner) - atom.scale
    return bound(inner, largest) // 10**digits + 1 if digits > 0 else bound(inner, largest) * 10 ** (-digits)


def columns_of(form: Form) -> set[str]:
    found: set[str] = set()
    for atom, _ in form.terms:
        if atom.rounded is not None:
            found |= columns_of(atom.rounded)
        elif atom.column is not None:
            found.add(atom.column)
    return found


def safe(forms: list[Form], columns: Columns, n: int) -> np.ndarray:
    """The rows on which every form stays within int64: all of them, unless the largest values of
    the columns could overflow, then the rows whose own values are small enough."""
    used = sorted(set().union(*(columns_of(f) for f in forms))) if forms else []
    if not used or not n:
        return np.ones(n, bool)
    largest = {name: int(np.abs(columns[name]).max()) for name in used}
    if all(bound(f, largest) < LIMIT for f in forms):
        return np.ones(n, bool)
    ceiling = 10**18
    while ceiling and any(bound(f, dict.fromkeys(used, ceiling)) >= LIMIT for f in forms):
        ceiling //= 10
    ok = np.ones(n, bool)
    for name in used:
        ok &= np.abs(columns[name]) <= ceiling
    return ok


def holds(guard: Guard, columns: Columns, n: int) -> np.ndarray:
    """Where ``guard`` takes the branch its exemplar took."""
    found = np.asarray(OPERATORS[guard.op](evaluate(guard.form, columns, n), 0), dtype=bool)
    return found if guard.taken else ~found


def at_scale(form: Form, columns: Columns, n: int, decimals: int) -> np.ndarray | None:
    """The form's value at exactly ``decimals`` (an amount in fen: 2; days: 0), or None when the
    form has more decimals (a value the answer would round: the path leaves it to the rule)."""
    found = scale(form)
    if found > decimals:
        return None
    return evaluate(form, columns, n) * np.int64(10 ** (decimals - found))
