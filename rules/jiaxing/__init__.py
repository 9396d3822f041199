"""嘉兴市 — 嘉政办发〔2022〕58号, in force from 2023-01-01."""

from __future__ import annotations

from bingpin.rules.core.indicators import indicators
from bingpin.rules.core.policy import load_policy
from bingpin.rules.jiaxing.high_cost_relief import high_cost_relief
from bingpin.rules.jiaxing.insurance_subsidy import insurance_subsidy
from bingpin.rules.jiaxing.medical_assistance import medical_assistance
from bingpin.rules.jiaxing.risk_monitoring import risk_monitoring
from bingpin.rules.jiaxing.supplementary_insurance import supplementary_insurance

POLICY = load_policy(__name__, "parameters.yaml")
POLICY.calculations.update(
    {
        "medical-assistance": medical_assistance,
        "insurance-subsidy": insurance_subsidy,
        "insurance-subsidy:supplementary": supplementary_insurance,
        "risk-monitoring": risk_monitoring,
        "high-cost-relief": high_cost_relief,
        "indicators": indicators,
    }
)
