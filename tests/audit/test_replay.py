"""Forms recorded from stand-ins, replayed on integer columns, give the rule's own ``Decimal``
figures on every row (not only the exemplar's), or leave the row to the rule when int64 could
overflow."""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bingpin.api.audit import replay
from bingpin.rules.core.money import larger, round_money, smaller
from bingpin.rules.core.symbolic import OPERATORS, Traced, TracedDate, column, recording

RATIOS = [Decimal(r) for r in ("0.90", "0.8", "0.5", "1.00", "0.7", "0.65", "2", "0.05")]
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "sub", "times", "share", "smaller", "larger", "round", "compare"]),
        st.integers(0, 7),
        st.sampled_from(RATIOS),
    ),
    min_size=1,
    max_size=6,
)
FEN = st.one_of(st.integers(0, 10**6), st.integers(0, 10**12), st.sampled_from([0, 5, 15, 50, 12_000_000]))


def run(steps: list[tuple[str, int, Decimal]], first: Any, second: Any) -> tuple[Any, list[bool]]:
    """A small rule: arithmetic on two amounts as rules write it; the comparisons it made."""
    stack, seen = [first, second], []
    for op, index, ratio in steps:
        x, y = stack[index % len(stack)], stack[-1]
        if op == "add":
            stack.append(x + y)
        elif op == "sub":
            stack.append(x - y)
        elif op == "times":
            stack.append(x * ratio)
        elif op == "share":  # a ratio of an amount, rounded to the fen: half a fen rounds up
            stack.append(round_money(x * ratio))
        elif op == "smaller":
            stack.append(smaller(x, y))
        elif op == "larger":
            stack.append(larger(x, Decimal(0)))
        elif op == "round":
            stack.append(round_money(x))
        else:
            seen.append(x > y)
    return stack[-1], seen


@settings(max_examples=300, deadline=None)
@given(steps=STEPS, rows=st.lists(st.tuples(FEN, FEN), min_size=1, max_size=25))
def test_a_replayed_form_is_the_rules_decimal_figure_on_every_row(
    steps: list[tuple[str, int, Decimal]], rows: list[tuple[int, int]]
) -> None:
    (a, b), amount = rows[0], Decimal
    with recording() as rec:
        traced, _ = run(
            steps, Traced(amount(a).scaleb(-2), column("a", 2)), Traced(amount(b).scaleb(-2), column("b", 2))
        )
    columns = {"a": np.array([r[0] for r in rows], np.int64), "b": np.array([r[1] for r in rows], np.int64)}
    forms = [g.form for g in rec.guards] + ([traced.form] if isinstance(traced, Traced) else [])
    ceiling = min((replay.ceiling(f) for f in forms), default=replay.LIMIT)
    safe = (np.abs(columns["a"]) <= ceiling) & (np.abs(columns["b"]) <= ceiling)
    taken = np.ones(len(rows), bool)
    for guard in rec.guards:
        found = OPERATORS[guard.op](replay.compiled(guard.form)(columns, len(rows)), 0)
        taken &= found if guard.taken else ~found
    value = replay.compiled(traced.form) if isinstance(traced, Traced) else None
    figures = value(columns, len(rows)) if value is not None else None
    _, exemplar = run(steps, amount(a).scaleb(-2), amount(b).scaleb(-2))
    for i, (x, y) in enumerate(rows):
        if not safe[i]:
            continue
        expected, branches = run(steps, amount(x).scaleb(-2), amount(y).scaleb(-2))
        # a row shares the exemplar's path exactly when it takes every branch the exemplar took
        assert bool(taken[i]) == (branches == exemplar), (steps, x, y)
        # the mini-rule's arithmetic does not depend on its comparisons: its form holds on every row
        if figures is not None and value is not None:
            assert Decimal(int(figures[i])).scaleb(-value.scale) == expected, (steps, x, y)


def test_a_stand_in_date_on_the_edge_of_its_year_or_month_gives_them() -> None:
    """A record dated the first or last day of its year or month takes its own path (the guards that
    keep a path within the exemplar's year and month include both ends)."""
    for day in (dt.date(2023, 1, 1), dt.date(2023, 12, 31), dt.date(2023, 2, 28), dt.date(2024, 2, 29)):
        with recording() as found:
            stand_in = TracedDate(day, column("date", 0))
            assert (stand_in.year, stand_in.month) == (day.year, day.month)
        assert len(found.guards) >= 2, day


def test_a_form_with_a_factor_beyond_int64_leaves_its_rows_to_the_rule() -> None:
    """Evaluating it raises OverflowError (its rows take no path), whatever NumPy's casting rules."""
    form = column("x", 2).times(Decimal("1.00000000000000000001"))
    with pytest.raises(OverflowError):
        replay.compiled(form)({"x": np.array([100], np.int64)}, 1)


def test_forms_equal_in_value_but_not_as_written_are_compiled_apart() -> None:
    """``x * 0.8`` and ``x * 0.80`` are equal forms, but one more decimal is kept for the second."""
    tight, wide = column("x", 2).times(Decimal("0.8")), column("x", 2).times(Decimal("0.80"))
    assert tight == wide and hash(tight) == hash(wide) and tight.identity != wide.identity
    assert replay.compiled(tight) is not replay.compiled(wide)
    assert replay.compiled(wide).scale == replay.compiled(tight).scale + 1


def test_a_form_sent_to_another_process_is_numbered_there() -> None:
    """A form's number is this process's own: a pickled form carries its value, not its number."""
    form = column("x", 2).times(Decimal("0.7")).plus(column("y", 2))
    number = form.identity
    copy = pickle.loads(pickle.dumps(form))
    assert copy == form and copy._identity is None and copy.identity == number


def test_a_date_compared_again_in_another_run_records_its_guard_there_too() -> None:
    """A stand-in date's comparisons with a constant are kept for one recording only."""
    day = TracedDate(dt.date(2023, 6, 1), column("date", 0))
    boundary = dt.date(2023, 1, 1)
    with recording() as first:
        assert day >= boundary and day >= boundary
    with recording() as second:
        assert day >= boundary
    assert len(first.guards) == 1 and len(second.guards) == 1


@settings(max_examples=200, deadline=None)
@given(
    steps=STEPS,
    ratios=st.lists(st.sampled_from(RATIOS), min_size=2, max_size=4),
    rows=st.lists(st.tuples(FEN, FEN, st.integers(0, 3)), min_size=1, max_size=25),
)
def test_forms_of_one_shape_evaluated_together_give_each_rows_own_forms_value(
    steps: list[tuple[str, int, Decimal]], ratios: list[Decimal], rows: list[tuple[int, int, int]]
) -> None:
    """The same small rule with other ratios (a branch in several jurisdictions): where the forms
    have one shape, one evaluation with each row's own form's numbers gives what each form gives."""
    forms = []
    for ratio in ratios:
        with recording():
            traced, _ = run(
                [(op, index, ratio) for op, index, _ in steps],
                Traced(Decimal(1), column("a", 2)),
                Traced(Decimal(2), column("b", 2)),
            )
        if isinstance(traced, Traced):
            forms.append(replay.compiled(traced.form))
    shaped = [form for form in forms if form.kind == forms[0].kind] if forms else []
    if len(shaped) < 2 or not shaped[0].fits:
        return  # nothing shares a shape here (a ratio of 1 is not multiplied: another shape)
    columns = {"a": np.array([r[0] for r in rows], np.int64), "b": np.array([r[1] for r in rows], np.int64)}
    which = np.array([r[2] % len(shaped) for r in rows], np.int64)
    together = replay.evaluate_together(shaped, which, columns)
    for number, form in enumerate(shaped):
        alone = form(columns, len(rows))
        assert (together[which == number] == alone[which == number]).all()
