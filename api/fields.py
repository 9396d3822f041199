"""Wire formats: money and ratios travel as decimal strings, never as floats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from rules.core.money import MoneyFormatError, format_money, format_ratio, parse_money

MONEY_PATTERN = r"^\d+(\.\d{1,2})?$"


class Money(ma.fields.Field):
    """An amount in yuan: sent as ``"9000.00"``; read from a string or a JSON number with at most
    two decimals; negative, NaN, infinite and oversized amounts are refused."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("example", "10000.00")
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_money(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        try:
            return parse_money(value)
        except MoneyFormatError as exc:
            raise ma.ValidationError(str(exc)) from None


class Ratio(ma.fields.Field):
    """A ratio such as ``"0.90"`` (90%), sent as a decimal string."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_ratio(value)


class Percent(ma.fields.Field):
    """A percentage such as ``"85.00"`` (85%), sent as a decimal string with two decimals."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_money(value)


def register(api: Any) -> None:
    """Document the fields as the strings they are (apispec would say ``number``)."""
    api.register_field(Money, "string", "decimal")
    api.register_field(Ratio, "string", "decimal")
    api.register_field(Percent, "string", "decimal")
