"""龙港市 — “医保纾困·携手共富”行动方案, in force (as decided, LG-AMB-001) 2022-01-01 to 2025-12-31.

Its 大病保险 standard is 温州's city-wide rule (温医保发〔2019〕13号 三(四)), read from bingpin.rules.wenzhou.
"""

from __future__ import annotations

from bingpin.rules.core.indicators import indicators
from bingpin.rules.core.policy import load_policy
from bingpin.rules.longgang.critical_illness import critical_illness
from bingpin.rules.longgang.high_cost_relief import high_cost_relief
from bingpin.rules.longgang.insurance_subsidy import insurance_subsidy
from bingpin.rules.longgang.medical_assistance import medical_assistance
from bingpin.rules.longgang.supplementary_insurance import supplementary_insurance

POLICY = load_policy(__name__, "parameters.yaml")
POLICY.calculations.update(
    {
        "medical-assistance": medical_assistance,
        "critical-illness-insurance": critical_illness,
        "insurance-subsidy": insurance_subsidy,
        "insurance-subsidy:supplementary": supplementary_insurance,
        "high-cost-relief": high_cost_relief,
        "indicators": indicators,
    }
)
