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
POLICY.ignored_inputs.update(
    {
        "medical-assistance": {
            "age": "本方案的医疗救助未按年龄区分，忽略输入的年龄（age）",
            "local_household_registration": (
                "本方案的救助对象以所列贫困人员类别认定，忽略输入的是否本地户籍（local_household_registration）"
            ),
            "recognized_on": "本方案未规定新认定对象医疗救助待遇的起始，忽略输入的认定日期（recognized_on）",
        },
        "insurance-subsidy": {
            "personal_contribution": (
                "本方案未规定资助参保的补助比例，无法按输入的个人缴费标准（personal_contribution）计算资助金额"
            ),
            "enrolment_year": "本方案按认定、退出的日期确定资助起止，忽略输入的参保年度（enrolment_year）",
            "enrolled_on": "本方案未规定参保缴费日期的作用，忽略输入的参保日期（enrolled_on）",
            "disability_certificate": "本方案的资助参保只看贫困人员类别，忽略输入的残疾人证（disability_certificate）",
        },
    }
)
