"""One valid request that many tests start from: a 最低生活保障家庭成员 in 嘉兴 with 10,000 yuan of
policy-scope self-pay (the README's example; 9000.00 of assistance)."""

from __future__ import annotations

MEDICAL = "/v1/calculations/medical-assistance"
MEDICAL_CASE = {
    "jurisdiction": "330400",
    "date": "2023-06-01",
    "categories": ["subsistence_allowance"],
    "eligible_self_pay": "10000.00",
}


def bad_categories(size: int) -> bytes:
    """A single request of about ``size`` bytes whose ``categories`` are all one unknown code."""
    head = b'{"jurisdiction": "330400", "date": "2023-06-01", "eligible_self_pay": "1.00", "categories": ['
    return head + b'"x", ' * ((size - len(head)) // 5) + b'"x"]}'


def bad_batch(cases: int = 10_000, codes: int = 12) -> bytes:
    """A batch of ``cases`` cases, each with ``codes`` unknown category codes (within the limit of 12)."""
    case = b'{"eligible_self_pay": "1.00", "categories": [' + b", ".join([b'"x"'] * codes) + b"]}"
    return b'{"jurisdiction": "330400", "date": "2023-06-01", "cases": [' + b", ".join([case] * cases) + b"]}"
