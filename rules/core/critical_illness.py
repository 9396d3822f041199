"""大病保险 (critical-illness insurance) arithmetic, in one place for every policy that sets it.

A policy decides the terms from its own clauses (a 起付线 as a share of 上年度居民人均可支配收入,
possibly reduced for 困难群众; a ratio, possibly raised or a floor; a 封顶线 or none); this module
only turns the terms into an amount: the policy-scope burden above the 起付线, times the ratio,
within the cap, rounded once at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bingpin.rules.core.citations import Citation
from bingpin.rules.core.money import format_money, format_percent, round_money
from bingpin.rules.core.trace import Outcome, Trace


@dataclass(frozen=True)
class Terms:
    """The terms that apply to one person. ``deductible`` is exact (not rounded); ``annual_cap``
    ``None`` means no cap."""

    deductible: Decimal
    ratio: Decimal
    ratio_is_floor: bool
    annual_cap: Decimal | None
    ratio_citation: Citation
    cap_citation: Citation | None = None


def deductible_from_income(income: Decimal, share: Decimal, reduction: Decimal = Decimal(0)) -> Decimal:
    """起付线 = 上年度居民人均可支配收入 x ``share``, then lowered by ``reduction`` (降低50% -> 0.50)."""
    return income * share * (1 - reduction)


def settle(eligible_self_pay: Decimal, terms: Terms, trace: Trace) -> Outcome:
    """Pay ``ratio`` of the burden above the 起付线 (the part 超过 it), within the cap if any.

    The policy has already decided that the person belongs to a group it grants 大病保险 to, so the
    answer is eligible whatever the amount (a burden at or below the 起付线 pays 0.00); the amount
    is rounded half up to the fen once, at the end; the 起付线 is reported rounded the same way.
    """
    above = max(eligible_self_pay - terms.deductible, Decimal(0))
    computed = above * terms.ratio
    floor = "不低于" if terms.ratio_is_floor else ""
    trace.step(
        f"大病保险支付 = (政策范围内个人负担 {format_money(eligible_self_pay)} - 起付线 "
        f"{format_money(terms.deductible)}) x 支付比例{floor} {format_percent(terms.ratio)}"
        f" = {format_money(computed)} 元",
        terms.ratio_citation,
    )
    cap = terms.annual_cap
    amount = computed if cap is None else min(computed, cap)
    if cap is not None and amount != computed:
        trace.step(f"超过封顶线 {format_money(cap)} 元，按封顶线支付", terms.cap_citation)
    values = {
        "deductible": round_money(terms.deductible),
        "ratio": terms.ratio,
        "ratio_is_floor": terms.ratio_is_floor,
        "annual_cap": terms.annual_cap,
        "amount": round_money(amount),
    }
    return Outcome(eligible=True, values=values, trace=trace)
