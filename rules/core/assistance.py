"""Medical assistance (医疗救助) arithmetic shared by every policy: what is left of a yearly limit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bingpin.rules.core.cases import MedicalAssistanceCase
from bingpin.rules.core.citations import Citation
from bingpin.rules.core.money import ZERO, format_money, larger, smaller
from bingpin.rules.core.trace import Trace


def blank(
    annual_cap: Decimal | None, deductible: Decimal | None = ZERO, costs_eligible_from: dt.date | None = None
) -> dict[str, object]:
    """The answer's fields before a ratio applies: nothing applied, an amount of nothing."""
    return {
        "applied_category": None,
        "applied_rule": None,
        "ratio": None,
        "ratio_is_floor": False,
        "deductible": deductible,
        "annual_cap": annual_cap,
        "amount": ZERO,
        "costs_eligible_from": costs_eligible_from,
    }


def within_annual_cap(
    case: MedicalAssistanceCase, computed: Decimal, cap: Decimal, label: str, citation: Citation, trace: Trace
) -> Decimal:
    """``computed``, but no more than what the yearly limit ``cap`` leaves after the assistance
    already received this year (none received when not given, and said so)."""
    received = case.assistance_received_this_year
    if received is None:
        received = ZERO
        trace.assume("未提供本年度已获医疗救助（assistance_received_this_year），假定本年度尚未获得医疗救助")
    remaining = larger(cap - received, Decimal(0))
    amount = smaller(computed, remaining)
    if trace.explain:
        trace.step(
            f"{label} {format_money(cap)} 元，本年度已获 {format_money(received)} 元，"
            f"尚可救助 {format_money(remaining)} 元；本次救助 {format_money(amount)} 元",
            citation,
        )
    return amount
