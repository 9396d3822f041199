"""温州市 — 温医保发〔2019〕13号, in force from 2019-10-31 (no end date stated).

City-wide: its 大病保险 standard also applies in 龙港 (a 温州 county-level city).
"""

from __future__ import annotations

from bingpin.rules.core.indicators import indicators
from bingpin.rules.core.policy import load_policy
from bingpin.rules.wenzhou.critical_illness import critical_illness
from bingpin.rules.wenzhou.insurance_subsidy import insurance_subsidy
from bingpin.rules.wenzhou.medical_assistance import medical_assistance

POLICY = load_policy(__name__, "parameters.yaml")
POLICY.calculations.update(
    {
        "medical-assistance": medical_assistance,
        "critical-illness-insurance": critical_illness,
        "insurance-subsidy": insurance_subsidy,
        "indicators": indicators,
    }
)
