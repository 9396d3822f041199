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
from bingpin.rules.longgang.supplementary_insurance import IGNORED as SUPPLEMENTARY_IGNORED
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
POLICY.ignored_inputs.update(
    {
        "medical-assistance": {
            "age": "本方案的医疗救助未按年龄区分，忽略输入的年龄（age）",
            "diagnoses": "本方案的医疗救助未按病种区分，忽略输入的诊断（diagnoses）",
            "local_household_registration": (
                "本方案的困难群众以民政部门认定的类别为准，忽略输入的是否本地户籍（local_household_registration）"
            ),
            "recognized_on": "本方案未规定新认定对象医疗救助待遇的起始，忽略输入的认定日期（recognized_on）",
            "per_capita_income": "本方案规定医疗救助不设起付线，忽略输入的上年度城乡居民人均收入（per_capita_income）",
        },
        "insurance-subsidy": {
            "enrolled_on": "本方案按“当月参保，次月生效”确定资助起止，忽略输入的参保日期（enrolled_on）",
            "already_enrolled_this_year": (
                "本方案未规定认定时个人当年已参保的处理，忽略输入的当年已参保（already_enrolled_this_year）"
            ),
            "disability_certificate": (
                "本方案的资助参保只看是否属于困难群众，忽略输入的残疾人证（disability_certificate）"
            ),
        },
        "insurance-subsidy:supplementary": SUPPLEMENTARY_IGNORED,
    }
)
