"""Wire formats: money and ratios travel as decimal strings, never as floats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

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
    """An amount a client sends: a decimal string (canonical) or a JSON number, documented as both."""


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


def money_input_property(self: Any, field: ma.fields.Field, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """apispec: an input amount is a decimal string or a non-negative number of at most two decimals."""
    if not isinstance(field, MoneyInput):
        return {}
    nullable = ret.pop("nullable", False)
    text: dict[str, Any] = {"type": "string", "format": "decimal", "pattern": MONEY_INPUT_PATTERN}
    if nullable:
        text["nullable"] = True
    number = {"type": "number", "minimum": 0, "maximum": float(MAX_AMOUNT), "multipleOf": 0.01}
    return {"anyOf": [text, number]}


def register(api: Any) -> None:
    """Document the fields as the strings they are (apispec would say ``number``)."""
    api.register_field(Money, "string", "decimal")
    api.register_field(MoneyInput, None, None)
    api.register_field(Ratio, "string", "decimal")
    api.register_field(Percent, "string", "decimal")
    api.register_field(ExactPercent, "string", "decimal")
    api.ma_plugin.converter.add_attribute_function(money_input_property)
