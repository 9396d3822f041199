"""城口县 — 城府办发〔2021〕216号, in force 2022-01-01 to 2025-12-31 (the transition period).

The policy defines no high-cost relief and no indicator targets: those calculations are not
registered, so the service answers ``not_defined_by_policy``.
"""

from __future__ import annotations

from rules.chengkou.critical_illness import critical_illness_insurance
from rules.chengkou.insurance_subsidy import insurance_subsidy
from rules.chengkou.medical_assistance import medical_assistance
from rules.chengkou.risk_monitoring import risk_monitoring
from rules.core.policy import load_policy

POLICY = load_policy(__name__, "parameters.yaml")
POLICY.calculations.update(
    {
        "medical-assistance": medical_assistance,
        "critical-illness-insurance": critical_illness_insurance,
        "insurance-subsidy": insurance_subsidy,
        "risk-monitoring": risk_monitoring,
    }
)
