"""Exact division of an amount among shares, in fen."""

from __future__ import annotations

from decimal import Decimal

from bingpin.rules.core.money import CENT


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` so the parts add up to ``total`` exactly.

    Largest-remainder method in fen: each part is rounded down, then the fen left over go
    to the largest remainders (the earlier part first on a tie).
    """
    total_fen = int(total / CENT)
    weight_fen = [int(w / CENT) for w in weights]
    whole = sum(weight_fen)
    if whole == 0:
        return [Decimal("0.00") for _ in weights]
    parts = [total_fen * w // whole for w in weight_fen]
    remainders = [total_fen * w % whole for w in weight_fen]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[: total_fen - sum(parts)]:
        parts[i] += 1
    return [Decimal(p) * CENT for p in parts]
