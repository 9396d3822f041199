"""Exact money: ``Decimal`` end to end, two decimals on the wire, half-up rounding once."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from bingpin.rules.core.symbolic import Traced, extreme

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: The documented form of an amount on the wire: ASCII digits, at most 12 of yuan and 2 of fen.
MONEY_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
#: Largest amount accepted as input (the largest :data:`MONEY_PATTERN` allows): a sanity bound
#: on the wire, not a policy figure.
MAX_AMOUNT = Decimal("999999999999.99")

# ``[0-9]``, not ``\d``: ``\d`` also matches full-width and other Unicode digits.
_AMOUNT = re.compile(MONEY_PATTERN[1:-1])
_DIGITS = re.compile(r"[0-9]+(?:\.[0-9]*)?")
_NON_FINITE = re.compile(r"[+-]?(nan|snan|inf|infinity)", re.IGNORECASE)


class MoneyFormatError(ValueError):
    """An input that is not a non-negative amount of yuan with at most two decimals."""


def _text(raw: object) -> str:
    """The amount as written: a string as sent, a JSON number as its literal (``Decimal`` keeps it)."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise MoneyFormatError("金额应为数字或数字字符串 / amount must be a number or a numeric string")
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int):
        # Compared before ``str()``: Python refuses to print integers of more than 4,300 digits.
        if raw > MAX_AMOUNT:
            raise MoneyFormatError(f"金额超出上限 {MAX_AMOUNT} / amount above {MAX_AMOUNT}")
        return str(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise MoneyFormatError("金额应为有限数值 / amount must be finite")
        return repr(raw)
    return str(raw)


def _refusal(text: str) -> MoneyFormatError:
    """Why ``text`` does not match :data:`MONEY_PATTERN` (read without any arithmetic)."""
    if _NON_FINITE.fullmatch(text):
        return MoneyFormatError("金额应为有限数值 / amount must be finite")
    if text[:1] in ("-", "+") and _DIGITS.fullmatch(text[1:]):
        if not text[1:].strip("0."):
            return MoneyFormatError("金额不能带正负号（包括 -0）/ amount must not be signed (-0 included)")
        if text[0] == "-":
            return MoneyFormatError("金额不能为负数 / amount must not be negative")
    if _DIGITS.fullmatch(text):
        whole, _, fen = text.partition(".")
        if len(whole) > 12:
            return MoneyFormatError(f"金额超出上限 {MAX_AMOUNT} / amount above {MAX_AMOUNT}")
        if len(fen) > 2:
            return MoneyFormatError("金额最多两位小数 / at most two decimals (yuan and fen)")
    return MoneyFormatError(
        f"金额格式无效：应为 ASCII 数字，最多两位小数，如 9000.50 / not a valid amount: must match {MONEY_PATTERN}"
    )


def parse_money(raw: object, *, allow_negative: bool = False) -> Decimal:
    """Read an amount given as a JSON string or number (``"9000"``, ``9000.5``, ``"9000.50"``).

    The text (a JSON number's literal) must match :data:`MONEY_PATTERN` before it is converted:
    no sign (so no ``-0``), exponent, space, underscore, non-ASCII digit, NaN or infinity, at most
    12 digits of yuan and two of fen. ``allow_negative`` admits one leading ``-`` on a non-zero
    amount. The message says what is wrong.
    """
    text = _text(raw)
    negative = allow_negative and text[:1] == "-" and text[1:].strip("0.") != ""
    if not _AMOUNT.fullmatch(text[1:] if negative else text):
        raise _refusal(text)
    return Decimal(text).quantize(CENT)


def smaller(first: Decimal, second: Decimal) -> Decimal:
    """The smaller of two amounts (``min``), written so that a population run records it as one
    operation rather than a branch (rules.core.symbolic)."""
    if isinstance(first, Traced) or isinstance(second, Traced):
        return extreme("min", first, second)
    return min(first, second)


def larger(first: Decimal, second: Decimal) -> Decimal:
    """The larger of two amounts (``max``), recorded as one operation in a population run."""
    if isinstance(first, Traced) or isinstance(second, Traced):
        return extreme("max", first, second)
    return max(first, second)


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
