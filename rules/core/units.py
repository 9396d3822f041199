"""The units of a policy's parameters, each with the form its values are written in.

A value travels as an ASCII decimal string (``GET /v1/parameters``); the forms below are part of
the published contract (the OpenAPI document, docs/vendors.md) and every value loaded is checked
against its unit's form, so the two cannot drift apart.
"""

from __future__ import annotations

import re

#: Each unit with the form of its values (an ASCII decimal string) and what the number means:
#: published in the OpenAPI document and docs/vendors.md, and checked here for every value loaded.
UNIT_FORMATS: dict[str, tuple[str, str]] = {
    "yuan": (r"[0-9]+\.[0-9]{2}", '元，两位小数，如 "120000.00" / yuan with two decimals'),
    "ratio": (
        r"[0-9]+(\.[0-9]+)?",
        '比例，小数表示，如 "0.90" 即 90%、"1.00" 即全额；倍数亦用此单位，如 "2" 即 2 倍'
        " / a fraction (0.90 = 90%), or a multiple",
    ),
    "percent": (
        r"[0-9]+(\.[0-9]+)?",
        '百分数的数值，如 "85" 即 85%（指标的目标值，与指标值同以 % 计）/ percentage points: "85" = 85%',
    ),
    "count": (r"[0-9]+(\.[0-9]+)?", '数量（人数、户数、项数、等级等），如 "50000"、"4.3" / a count or number'),
    "years": (r"[0-9]+", '整年数（周岁、年），如 "60" / whole years'),
    "months": (r"[0-9]+", '整月数，如 "6" / whole months'),
}
UNITS = set(UNIT_FORMATS)
_PATTERNS = {unit: re.compile(pattern) for unit, (pattern, _) in UNIT_FORMATS.items()}


def written_as(unit: str, text: str) -> bool:
    """Whether ``text`` is written as a value of ``unit`` (``"0.90"`` for a ratio, ``"120000.00"`` for yuan)."""
    return bool(_PATTERNS[unit].fullmatch(text))
