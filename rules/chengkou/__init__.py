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
POLICY.ignored_inputs.update(
    {
        "medical-assistance": {
            "age": "本方案的医疗救助未按年龄区分，忽略输入的年龄（age）",
            "diagnoses": "本方案的医疗救助未按病种区分，忽略输入的诊断（diagnoses）",
            "local_household_registration": (
                "本方案的救助对象以7类低收入人口认定，忽略输入的是否本地户籍（local_household_registration）"
            ),
            "recognized_on": "本方案未规定新认定对象医疗救助待遇的起始，忽略输入的认定日期（recognized_on）",
            "per_capita_income": "本方案未规定医疗救助起付线，忽略输入的上年度城乡居民人均收入（per_capita_income）",
        },
        "insurance-subsidy": {
            "already_enrolled_this_year": (
                "本方案以参保缴费时的身份确定资助，未规定已自行参保的处理，忽略输入的当年已参保（already_enrolled_this_year）"
            ),
            "disability_certificate": (
                "本方案的资助参保只看低收入人口类别，忽略输入的残疾人证（disability_certificate）"
            ),
        },
        "risk-monitoring": {
            "attributes": "本方案按7类低收入人员监测，忽略输入的人员身份（attributes）",
            "age": "本方案未按年龄监测，忽略输入的年龄（age）",
            "disability_grade": "本方案未按残疾等级监测，忽略输入的残疾等级（disability_grade）",
            "in_transition_period": "本方案的风险监测未区分渐退期，忽略输入的渐退期（in_transition_period）",
        },
    }
)
