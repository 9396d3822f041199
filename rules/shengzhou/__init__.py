"""嵊州市 — 构建因病致贫返贫防范长效机制实施方案（2022—2025年）征求意见稿.

A draft with no date: read as in force 2023-01-01 to 2025-12-31 (SZ-AMB-001). It sets the
monitoring classes of 2(1)1 and the ten indicators of 附件1, and no figure for medical
assistance, critical-illness insurance, the enrolment subsidy or high-cost relief: those
calculations are not registered, so the service answers ``not_defined_by_policy`` (SZ-AMB-017).
"""

from __future__ import annotations

from bingpin.rules.core.indicators import indicators
from bingpin.rules.core.policy import load_policy
from bingpin.rules.shengzhou.risk_monitoring import risk_monitoring

POLICY = load_policy(__name__, "parameters.yaml")
POLICY.calculations.update(
    {
        "risk-monitoring": risk_monitoring,
        "indicators": indicators,
    }
)
