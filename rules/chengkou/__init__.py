"""城口县 — 城府办发〔2021〕216号, in force 2022-01-01 to 2025-12-31 (the transition period).

The policy defines no high-cost relief and no indicator targets: those calculations are not
registered, so the service answers ``not_defined_by_policy``.
"""

from __future__ import annotations

from bingpin.rules.chengkou.critical_illness import critical_illness_insurance
from bingpin.rules.chengkou.insurance_subsidy import insurance_subsidy
from bingpin.rules.chengkou.medical_assistance import medical_assistance
from bingpin.rules.chengkou.risk_monitoring import risk_monitoring
from bingpin.rules.core.policy import load_policy

POLICY = load_policy(__name__, "parameters.yaml")
POLICY.calculations.update(
    {
        "medical-assistance": medical_assistance,
        "critical-illness-insurance": critical_illness_insurance,
        "insurance-subsidy": insurance_subsidy,
        "risk-monitoring": risk_monitoring,
    }
)
