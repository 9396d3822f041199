"""Exact money: ``Decimal`` end to end, two decimals on the wire, half-up rounding once."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: Largest amount accepted as input: a sanity bound on the wire, not a policy figure.
MAX_AMOUNT = Decimal("1000000000000.00")


class MoneyFormatError(ValueError):
    """An input that is not a non-negative amount of yuan with at most two decimals."""


def parse_money(raw: object, *, allow_negative: bool = False) -> Decimal:
    """Read an amount given as a JSON string or number (``"9000"``, ``9000.5``, ``"9000.50"``).

    Rejects booleans, NaN, infinities, more than two decimals, negative amounts and amounts
    above :data:`MAX_AMOUNT`; the message says which.
    """
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise MoneyFormatError("金额应为数字或数字字符串 / amount must be a number or a numeric string")
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise MoneyFormatError("金额格式无效 / not a valid amount") from None
    if not value.is_finite():
        raise MoneyFormatError("金额应为有限数值 / amount must be finite")
    if abs(value) > MAX_AMOUNT:
        raise MoneyFormatError(f"金额超出上限 {MAX_AMOUNT} / amount above {MAX_AMOUNT}")
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise MoneyFormatError("金额最多两位小数 / at most two decimals (yuan and fen)")
    if value < 0 and not allow_negative:
        raise MoneyFormatError("金额不能为负数 / amount must not be negative")
    return value.quantize(CENT)


def round_money(value: Decimal) -> Decimal:
    """Round a computed amount to the fen, half up: done once, on the final amount."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal) -> str:
    """``Decimal("9000")`` -> ``"9000.00"`` (rounded as :func:`round_money`, inlined: every
    explanation step formats amounts)."""
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}"


def format_ratio(value: Decimal) -> str:
    """A ratio as a string with at least two decimals: ``Decimal("0.9")`` -> ``"0.90"``."""
    if value == value.quantize(CENT):
        return f"{value.quantize(CENT):f}"
    return f"{value.normalize():f}"


def format_percent(value: Decimal) -> str:
    """A ratio for people: ``Decimal("0.90")`` -> ``"90%"``."""
    percent = (value * 100).normalize()
    return f"{percent:f}%"
