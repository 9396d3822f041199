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
POLICY.ignored_inputs.update(
    {
        "medical-assistance": {
            "care_type": (
                "本办法的医疗救助未区分住院和门诊，按同一比例和年度最高救助额计算，忽略输入的就医类型（care_type）"
            ),
            "per_capita_income": "本办法未规定医疗救助起付线，忽略输入的上年度城乡居民人均收入（per_capita_income）",
        },
        "insurance-subsidy": {
            "enrolment_year": "本办法按认定、退出的日期确定资助起止，忽略输入的参保年度（enrolment_year）",
            "enrolled_on": "本办法未规定参保缴费日期的作用，忽略输入的参保日期（enrolled_on）",
            "already_enrolled_this_year": (
                "本办法未规定认定时个人当年已参保的处理，忽略输入的当年已参保（already_enrolled_this_year）"
            ),
            "disability_certificate": (
                "持证残疾人由财政全额资助投保的是“嘉兴大病无忧”（二(三)10，险种 supplementary），"
                "城乡居民基本医疗保险的资助参保只看救助对象类别，忽略输入的残疾人证（disability_certificate）"
            ),
        },
        "insurance-subsidy:supplementary": {
            "recognized_on": (
                "新增医疗救助对象当月即资助参保（二(二)6），认定日期不改变“嘉兴大病无忧”的资助，"
                "忽略输入的认定日期（recognized_on）"
            ),
            "enrolled_on": "“嘉兴大病无忧”的资助投保与参保缴费日期无关，忽略输入的参保日期（enrolled_on）",
            "enrolment_year": "“嘉兴大病无忧”的资助投保按退出的日期确定起止，忽略输入的参保年度（enrolment_year）",
            "already_enrolled_this_year": (
                "“嘉兴大病无忧”的资助投保未规定个人已自行投保的处理，忽略输入的当年已参保（already_enrolled_this_year）"
            ),
        },
        "risk-monitoring": {
            "categories": "本办法按参保人员年度医疗费用自付金额监测，与救助对象类别无关，忽略输入的类别（categories）",
            "attributes": "本办法未按人员身份监测，忽略输入的人员身份（attributes）",
            "age": "本办法未按年龄监测，忽略输入的年龄（age）",
            "disability_grade": "本办法未按残疾等级监测，忽略输入的残疾等级（disability_grade）",
            "in_transition_period": "本办法的风险监测未区分渐退期，忽略输入的渐退期（in_transition_period）",
        },
    }
)
