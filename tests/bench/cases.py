"""Request bodies for the benchmark and the soak test, made from the policies themselves.

Every jurisdiction, every calculation it defines, each category it recognises, a date inside its
in-force period; a body is kept only if the reference app answers it with 200, so a run over HTTP
expects 200 for each one.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from bingpin.api import create_app
from bingpin.rules.registry import policies
from tests.samples import MEDICAL as MEDICAL  # re-exported: the bench and the soak post to it
from tests.samples import MEDICAL_CASE

#: The README's example: a 最低生活保障家庭成员 in 嘉兴 with 10,000 yuan of policy-scope self-pay.
README_CASE = {**MEDICAL_CASE, "assistance_received_this_year": "0.00"}


def _day(code: str, offset: int) -> str:
    period = policies()[code].in_force
    day = period.start + dt.timedelta(days=offset)
    if period.end is not None and day > period.end:
        day = period.end
    return day.isoformat()


def _bodies(code: str, calculation: str, category: str, rng: random.Random) -> list[dict[str, Any]]:
    amount = f"{rng.randint(0, 5_000_000) / 100:.2f}"
    frame = {"jurisdiction": code, "date": _day(code, rng.randint(0, 300)), "categories": [category]}
    if calculation == "medical-assistance":
        return [{**frame, "eligible_self_pay": amount}, {**frame, "eligible_self_pay": amount, "annual_cap": "50000"}]
    if calculation == "critical-illness-insurance":
        return [{**frame, "eligible_self_pay": amount, "per_capita_disposable_income": "60000"}]
    if calculation == "insurance-subsidy":
        return [{**frame, "personal_contribution": "380.00", "tier": "1"}]
    if calculation == "risk-monitoring":
        return [
            {**frame, "annual_self_pay": amount},
            {**frame, "annual_self_pay": amount, "monitoring_standard": "9000"},
        ]
    if calculation == "high-cost-relief":
        member = {"categories": [category], "self_pay": amount, "followed_treatment_guidance": True, "referred": True}
        return [{"jurisdiction": code, "date": frame["date"], "members": [member]}]
    if calculation == "indicators":
        figures = {"subsidised_enrollees": "990", "eligible_for_assistance": "1000", "personal_burden": "80"}
        return [{"jurisdiction": code, "date": frame["date"], "figures": {**figures, "total_medical_cost": "1000"}}]
    return []


def calculation_requests(seed: int = 6) -> list[tuple[str, dict[str, Any]]]:
    """(path, body) for every calculation of every jurisdiction that answers 200."""
    rng = random.Random(seed)
    client = create_app().test_client()
    found: list[tuple[str, dict[str, Any]]] = []
    for code, policy in sorted(policies().items()):
        for calculation in policy.calculations:
            for category in sorted(policy.categories):
                for body in _bodies(code, calculation, category.value, rng):
                    path = f"/v1/calculations/{calculation}"
                    if client.post(path, json=body).status_code == 200:
                        found.append((path, body))
    return found


def medical_batch(size: int, seed: int = 6) -> dict[str, Any]:
    """A year of 嘉兴 medical-assistance records: random classes, amounts and dates."""
    rng = random.Random(seed)
    codes = [c.value for c in policies()["330400"].categories]
    cases = [
        {
            "date": f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "categories": [rng.choice(codes)],
            "eligible_self_pay": f"{rng.randint(0, 20_000_000) / 100:.2f}",
            "assistance_received_this_year": f"{rng.randint(0, 5_000_000) / 100:.2f}",
        }
        for _ in range(size)
    ]
    return {"jurisdiction": "330400", "cases": cases}


#: The jurisdictions whose policies define medical assistance.
MEDICAL_ASSISTANCE = ("330400", "330300", "330383", "500229")


def mixed_medical_batch(size: int, seed: int = 6) -> dict[str, Any]:
    """A year of medical-assistance records across 嘉兴, 温州, 龙港 and 城口: every category each
    recognises, half with the assistance received this year, three in ten with an age."""
    rng = random.Random(seed)
    codes = {code: sorted(c.value for c in policies()[code].categories) for code in MEDICAL_ASSISTANCE}
    cases = []
    for _ in range(size):
        jurisdiction = rng.choice(MEDICAL_ASSISTANCE)
        case: dict[str, Any] = {
            "jurisdiction": jurisdiction,
            "date": f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "categories": [rng.choice(codes[jurisdiction])],
            "eligible_self_pay": f"{rng.randint(0, 20_000_000) / 100:.2f}",
        }
        if rng.random() < 0.5:
            case["assistance_received_this_year"] = f"{rng.randint(0, 5_000_000) / 100:.2f}"
        if rng.random() < 0.3:
            case["age"] = rng.randint(0, 90)
        cases.append(case)
    return {"cases": cases}


def encode(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")
