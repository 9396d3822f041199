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
