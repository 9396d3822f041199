"""Hypothesis strategies for request bodies, read off the marshmallow request schemas themselves,
so a field added to a calculation is generated without touching the tests.

``bodies(schema)`` gives bodies the schema accepts (the policy may still refuse them: a category
it does not know, a date outside its in-force period); ``mutated(schema)`` sometimes replaces one
field with any JSON value, for comparing error answers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import marshmallow as ma
from hypothesis import strategies as st

from bingpin.api.fields import Money

#: Dates around the policies' in-force periods (most answers computed, some refused).
FIRST_DAY = dt.date(2022, 6, 1)
LAST_DAY = dt.date(2026, 6, 30)

#: Values near the edges of what the fields accept (JSON numbers arrive as ``Decimal``).
EDGES = st.sampled_from(
    [
        "2023-6-1",
        "2023-06-01\n",
        "20230601",
        "2023-02-29",
        "1e3",
        "1_000",
        " 5 ",
        "-0",
        "0.001",
        "",
        "true",
        1,
        0,
        Decimal("1.50"),
        Decimal("10"),
        Decimal("1E+2"),
        Decimal("0.005"),
    ]
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=8) | EDGES,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


def _amounts() -> st.SearchStrategy[Any]:
    cents = st.integers(0, 50_000_000)
    return st.one_of(
        cents.map(lambda c: f"{c // 100}.{c % 100:02d}"),
        st.integers(0, 500_000),
        cents.map(lambda c: str(c // 100)),
    )


def _choices(field: ma.fields.Field) -> list[Any] | None:
    for validator in field.validators:
        if isinstance(validator, ma.validate.OneOf):
            return list(validator.choices)
    return None


def _bounds(field: ma.fields.Field, low: int, high: int) -> tuple[int, int]:
    for validator in field.validators:
        if isinstance(validator, ma.validate.Range | ma.validate.Length):
            low = validator.min if validator.min is not None else low
            high = validator.max if validator.max is not None else high
    return low, high


def value(field: ma.fields.Field) -> st.SearchStrategy[Any]:
    """Values ``field`` accepts."""
    choices = _choices(field)
    if choices is not None:
        return st.sampled_from(choices)
    if isinstance(field, Money):
        return _amounts()
    if isinstance(field, ma.fields.Boolean):
        return st.booleans()
    if isinstance(field, ma.fields.Integer):
        low, high = _bounds(field, 0, 10_000)
        return st.integers(low, high)
    if isinstance(field, ma.fields.Date):
        return st.dates(FIRST_DAY, LAST_DAY).map(dt.date.isoformat)
    if isinstance(field, ma.fields.List):
        low, high = _bounds(field, 0, 3)
        return st.lists(value(field.inner), min_size=low, max_size=min(high, max(low, 2)), unique_by=repr)
    if isinstance(field, ma.fields.Nested):
        return bodies(field.nested)  # type: ignore[arg-type]
    if isinstance(field, ma.fields.String):
        return st.text(max_size=10)
    raise NotImplementedError(f"no strategy for {type(field).__name__}")


def bodies(schema: type[ma.Schema]) -> st.SearchStrategy[dict[str, Any]]:
    """Request bodies ``schema`` accepts: required fields always, optional ones now and then."""
    fields = schema._declared_fields
    required = {name: value(field) for name, field in fields.items() if field.required}
    optional = {name: value(field) for name, field in fields.items() if not field.required}
    return st.fixed_dictionaries(required, optional=optional)


def mutated(schema: type[ma.Schema]) -> st.SearchStrategy[Any]:
    """Mostly valid bodies; some with one field replaced by any JSON value, some not objects."""
    names = sorted(schema._declared_fields)

    @st.composite
    def broken(draw: st.DrawFn) -> Any:
        body = draw(bodies(schema))
        body[draw(st.sampled_from([*names, "unexpected"]))] = draw(JSON)
        return body

    return st.one_of(bodies(schema), bodies(schema), broken(), JSON)
