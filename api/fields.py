"""Wire formats: money and ratios travel as decimal strings, never as floats."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import marshmallow as ma

from bingpin.api.errors import HERE, clip, translate
from bingpin.rules.core.money import (
    MAX_AMOUNT,
    MONEY_PATTERN,
    MoneyFormatError,
    format_money,
    format_ratio,
    parse_money,
)

#: The form of an amount a client sends (ASCII digits, at most 12 of yuan and 2 of fen): a string
#: must match it, and so must a JSON number's literal (no sign, no exponent).
MONEY_INPUT_PATTERN = MONEY_PATTERN


class Money(ma.fields.Field):
    """An amount in yuan: sent as ``"9000.00"``; read from a string or a JSON number written as
    :data:`MONEY_INPUT_PATTERN` (checked before any arithmetic: rules.core.money.parse_money)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("example", "10000.00")
        super().__init__(metadata=metadata, **kwargs)

    #: The parser itself, for api.compiled (raises ``ValueError`` on bad input).
    compiled_load = staticmethod(parse_money)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_money(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        try:
            return parse_money(value)
        except MoneyFormatError as exc:
            raise ma.ValidationError(str(exc)) from None


class MoneyInput(Money):
    """An amount a client sends: a decimal string, as documented; a JSON number written the same way
    is read too (:data:`ALSO_ACCEPTED`), so rows from a spreadsheet or a data frame need no conversion."""


def _flag(value: Any) -> bool:
    if value is True or value is False:
        return value
    raise ValueError("not a JSON boolean")


class Flag(ma.fields.Boolean):
    """A yes/no input: JSON ``true`` or ``false`` only (not ``"yes"``, ``1`` or ``"on"``), as documented."""

    #: The parser itself, for api.compiled (raises ``ValueError`` on bad input).
    compiled_load = staticmethod(_flag)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        try:
            return _flag(value)
        except ValueError:
            raise self.make_error("invalid", input=value) from None


class Ratio(ma.fields.Field):
    """A ratio such as ``"0.90"`` (90%), sent as a decimal string."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_ratio(value)


class Percent(ma.fields.Field):
    """A percentage such as ``"85.00"`` (85%), sent as a decimal string with two decimals."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_money(value)


class ExactPercent(Percent):
    """A computed percentage sent with every digit it has, at least two (``"82.999"``, ``"100.00"``):
    a value short of its target never shows as equal to it."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_ratio(value)


#: What one list field's error names: indexes per problem, problems, items of objects, and
#: characters of each value echoed back.
MAX_INDEXES = 10
MAX_PROBLEMS = 3
MAX_ITEMS = 5
MAX_ECHO = 24


def _echo(value: Any) -> str:
    """A short, safe picture of a value that was sent (strings clipped; objects and lists not shown)."""
    if isinstance(value, str):
        return f"“{clip(value, MAX_ECHO)}”"
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, dict | list):
        return "{…}" if isinstance(value, dict) else "[…]"
    return clip(str(value), MAX_ECHO)


def _problem(message: str, indexes: list[int], values: list[Any]) -> str:
    """One message for every item that has the same problem: where, how many, what was sent, and the
    problem (last: for a code, it lists the valid ones)."""
    shown = indexes[:MAX_INDEXES]
    more = len(indexes) > len(shown)
    where_zh = "、".join(map(str, shown)) + ("等" if more else "")
    where_en = ", ".join(map(str, shown)) + (", ..." if more else "")
    echoed = "、".join(dict.fromkeys(_echo(values[i]) for i in shown))
    zh, _, en = translate(message).partition(" / ")
    return (
        f"第 {where_zh} 项（共 {len(indexes)} 项，所给的值：{echoed}）：{zh}"
        f" / items {where_en} ({len(indexes)} in all): {en or zh}"
    )


def summarise(messages: dict[int, Any], values: list[Any]) -> Any:
    """marshmallow's errors of a list, one per bad item, as a bounded few: items with the same
    messages share one message (the valid codes said once), and items of objects keep their own
    field messages for the first :data:`MAX_ITEMS` of them, the rest counted."""
    alike: dict[tuple[str, ...], list[int]] = {}
    nested: dict[Any, Any] = {}
    for index, problem in messages.items():
        if isinstance(problem, list) and all(isinstance(m, str) for m in problem):
            alike.setdefault(tuple(problem), []).append(index)
        else:
            nested[index] = problem
    texts = [
        _problem(message, indexes, values)
        for problem, indexes in list(alike.items())[:MAX_PROBLEMS]
        for message in problem
    ]
    if len(alike) > MAX_PROBLEMS:
        left = sum(len(indexes) for indexes in list(alike.values())[MAX_PROBLEMS:])
        texts.append(f"另有 {left} 项有其他问题 / {left} more items with other problems")
    if len(nested) > MAX_ITEMS:
        left = len(nested) - MAX_ITEMS
        nested = dict(list(nested.items())[:MAX_ITEMS])
        texts.append(f"另有 {left} 项有错误，未列出 / {left} more items with errors, not listed")
    if not nested:
        return texts
    if texts:
        nested[HERE] = texts
    return nested


class BoundedList(ma.fields.List):
    """A list whose length limit (its ``Length`` validator) is checked before any item is read,
    and whose bad items are told in a few messages (:func:`summarise`), not one per item."""

    #: For api.compiled: read as a plain ``List`` (its answers on valid input are the same).
    compiled_as_list = True

    def max_items(self) -> int | None:
        limits = [v.max for v in self.validators if isinstance(v, ma.validate.Length) and v.max is not None]
        return min(limits) if limits else None

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, list):
            raise self.make_error("invalid")
        limit = self.max_items()
        if limit is not None and len(value) > limit:
            raise ma.ValidationError(
                f"超出允许范围：最多 {limit} 项，收到 {len(value)} 项 / Longer than maximum length {limit} "
                f"({len(value)} items)."
            )
        choices = self._choices()
        if choices is not None:
            return self._codes(value, choices)
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ma.ValidationError as error:
            if not isinstance(error.messages, dict):  # List's own errors are by index; anything else as it is
                raise
            raise ma.ValidationError(summarise(error.messages, value), valid_data=error.valid_data) from None

    def _choices(self) -> frozenset[str] | None:
        """The codes of a list of codes (text checked by ``OneOf`` alone, no null), else ``None``."""
        inner = self.inner
        if type(inner) is not ma.fields.String or inner.allow_none or len(inner.validators) != 1:
            return None
        (validator,) = inner.validators
        if type(validator) is not ma.validate.OneOf or "{input}" in validator.error:
            return None
        return frozenset(validator.choices)

    def _codes(self, value: list[Any], choices: frozenset[str]) -> list[str]:
        """A list of codes, checked without an error per bad item: bad items are grouped by kind
        (not text, null, text that is not a code), and one of each kind gives the message."""
        kinds: dict[str, list[int]] = {}
        for index, each in enumerate(value):
            if type(each) is not str or each not in choices:
                kinds.setdefault("null" if each is None else type(each).__name__, []).append(index)
        if not kinds:
            return list(value)
        messages: dict[int, Any] = {}
        for indexes in kinds.values():
            try:
                self.inner.deserialize(value[indexes[0]])
            except ma.ValidationError as error:
                messages.update(dict.fromkeys(indexes, error.messages))
        raise ma.ValidationError(summarise(dict(sorted(messages.items())), value))


#: What an input amount may also be besides its documented string: a JSON number whose literal
#: matches :data:`MONEY_INPUT_PATTERN`. The document types input amounts as strings, so that generated
#: clients type them ``str`` (a union with ``float`` would invite binary floating point into money), and
#: says this in the ``x-also-accepts`` extension of each, which generators ignore and
#: tests/api/test_fuzz.py reads.
ALSO_ACCEPTED = {"type": "number", "minimum": 0, "maximum": float(MAX_AMOUNT), "multipleOf": 0.01}


def money_input_property(self: Any, field: ma.fields.Field, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """apispec: an input amount is a decimal string (a JSON number is read too: ``x-also-accepts``)."""
    if not isinstance(field, MoneyInput):
        return {}
    return {"pattern": MONEY_INPUT_PATTERN, "x-also-accepts": dict(ALSO_ACCEPTED)}


def register(api: Any) -> None:
    """Document the fields as the strings they are (apispec would say ``number``); an input amount
    (:class:`MoneyInput`) is a ``Money`` with its pattern and what else it reads."""
    api.register_field(Money, "string", "decimal")
    api.register_field(Ratio, "string", "decimal")
    api.register_field(Percent, "string", "decimal")
    api.register_field(ExactPercent, "string", "decimal")
    api.ma_plugin.converter.add_attribute_function(money_input_property)


#: A day as the document writes it (``format: date``, RFC 3339's full-date).
_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Date(ma.fields.Date):
    """A day written YYYY-MM-DD, as the document says (its messages too: 不是有效日期（YYYY-MM-DD）).
    Python's reader alone also takes ``20230601`` and the week date ``2023-W22-4``, which a
    client's own date library need not read the same way; they are refused."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        if not (isinstance(value, str) and _FULL_DATE.fullmatch(value)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)

    @staticmethod
    def compiled_load(raw: Any) -> dt.date:
        """The same, for the compiled fast path (api.compiled): ``ValueError`` for anything else."""
        if type(raw) is str and _FULL_DATE.fullmatch(raw):
            return dt.date.fromisoformat(raw)
        raise ValueError(raw)
