"""Request and response schemas of the calculations (DESIGN.md "API contract")."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma

from bingpin.api.fields import BoundedList, Date, ExactPercent, Flag, Money, MoneyInput, Percent, Ratio
from bingpin.api.schemas.common import (
    CalculationRequestSchema,
    CalculationResponseSchema,
    CitationSchema,
    categories_field,
    diagnoses_field,
    eligible_field,
    money,
)
from bingpin.rules.core.indicators import FIGURE_NAMES, FIGURES, INDICATORS, summed
from bingpin.rules.shengzhou.attributes import ATTRIBUTE_NAMES, Attribute

DATE = Date
#: The days a recognition date may be: the rules count calendar months from it (次月 after it; 嘉兴
#: covers the 6 months before it), and each day counted must be one the answer can write (years 1
#: to 9999), so the first and last year of the calendar are left out.
RECOGNIZED_ON = ma.validate.Range(
    min=dt.date(2, 1, 1),
    max=dt.date(9998, 12, 31),
    error="认定日期须在 0002-01-01 至 9998-12-31 之间（由此推算的月份须在公历 1 至 9999 年内）/ "
    "must be from 0002-01-01 to 9998-12-31 (the months counted from it must fall within years 1 to 9999)",
)


LocalDeductiblesSchema = ma.Schema.from_dict(
    {
        "marginal_subsistence": money("最低生活保障边缘家庭成员的当地起付线"),
        "illness_induced_poverty": money("因病致贫人员的当地起付线"),
        "other_special_hardship": money("当地政府规定的其他救助对象的当地起付线"),
    },
    name="LocalDeductiblesSchema",
)


class MedicalAssistanceRequestSchema(CalculationRequestSchema):
    categories = categories_field("救助对象类别；符合儿童重大疾病等特别规定时可为空")
    eligible_self_pay = money("政策范围内个人负担（扣除基本医保、大病保险和其他补充医疗保险后）", required=True)
    assistance_received_this_year = money("本年度已获医疗救助金额")
    age = ma.fields.Integer(
        strict=True, load_default=None, validate=ma.validate.Range(0, 150), metadata={"description": "周岁年龄"}
    )
    diagnoses = diagnoses_field()
    care_type = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(["inpatient", "outpatient"]),
        metadata={"description": "住院 inpatient / 门诊 outpatient"},
    )
    deductible = money("当地规定的起付线（政策未规定具体数额时作为输入）")
    deductibles = ma.fields.Nested(
        LocalDeductiblesSchema,
        load_default=dict,
        metadata={
            "description": "按类别分别设定的当地起付线（温州：低边、因病致贫、其他救助对象分别设定）；优先于 deductible"
        },
    )
    annual_cap = money("当地规定的年度限额（政策未规定具体数额时作为输入）")
    recognized_on = DATE(load_default=None, validate=RECOGNIZED_ON, metadata={"description": "认定为救助对象的日期"})
    local_household_registration = Flag(
        load_default=None, metadata={"description": "是否本地户籍（嘉兴儿童重大疾病救助的条件）"}
    )
    per_capita_income = money("上年度城乡居民人均收入（因病致贫对象起付线的上限）")


class MedicalAssistanceResponseSchema(CalculationResponseSchema):
    applied_category = ma.fields.String(allow_none=True, metadata={"description": "就高从优后适用的类别代码"})
    applied_rule = ma.fields.String(
        allow_none=True, metadata={"description": "适用的比例规则（类别代码或 children_severe_disease）"}
    )
    ratio = Ratio(allow_none=True, metadata={"description": '救助比例，如 "0.90"', "example": "0.90"})
    ratio_is_floor = ma.fields.Boolean(metadata={"description": "比例是否为政策规定的下限（不低于）"})
    deductible = Money(allow_none=True, metadata={"description": "起付线（元）"})
    annual_cap = Money(allow_none=True, metadata={"description": "年度最高救助额（元）；null 表示不设限额"})
    amount = Money(metadata={"description": "本次医疗救助金额（元）"})
    costs_eligible_from = DATE(
        allow_none=True, metadata={"description": "新认定对象：自该日起发生的政策范围内费用纳入救助范围"}
    )


class InsuranceSubsidyRequestSchema(CalculationRequestSchema):
    categories = categories_field()
    personal_contribution = money(
        "个人缴费：险种 basic 为城乡居民医保个人缴费标准（城口为一档个人缴费标准）；险种 supplementary 为惠民型商业"
        "补充医疗保险的年度保费（嘉兴为“嘉兴大病无忧”保费）。资助金额 = 此数 x 资助比例；政策未规定资助比例的"
        "（温州三(三)、嘉兴四类和其他五类、龙港3(三)10），资助比例和资助金额为 null（未计算），给出此数亦不计算，"
        "并在 assumptions 中说明"
    )
    tier = ma.fields.String(
        load_default=None, validate=ma.validate.OneOf(["1", "2"]), metadata={"description": "缴费档次：1 一档，2 二档"}
    )
    recognized_on = DATE(
        load_default=None,
        validate=RECOGNIZED_ON,
        metadata={
            "description": "新增认定为救助对象的日期。basic：当月资助参保、次月待遇生效（嘉兴二(二)6、龙港3(三)8、"
            "温州三(三)次月生效），答复 subsidised_from、coverage_effective_from。"
            "supplementary：嘉兴新增对象当月即资助参保（二(二)6），是否资助投保“嘉兴大病无忧”由类别决定，"
            "认定日期不改变资助；龙港3(三)10 未规定资助起止；"
            "两地都忽略此项并在 assumptions 中说明"
        },
    )
    exited_on = DATE(
        load_default=None,
        metadata={
            "description": "退出救助对象的日期。basic：当年资助参保继续有效、次年不再资助（subsidy_until 为退出当年"
            "12月31日）。supplementary：嘉兴按二(二)6，退出的次年不再是医疗救助资助参保对象，不再因此资助投保"
            "“嘉兴大病无忧”（持证残疾人仍全额资助）；龙港3(三)10 未规定，忽略并在 assumptions 中说明"
        },
    )
    in_transition_period = Flag(
        load_default=None,
        metadata={
            "description": "是否处于民政部门认定的过渡期（渐退期），与 exited_on 一起给出。basic：嘉兴渐退期继续资助"
            "参保；龙港只对低保、低边在同一参保年度内保留；温州未规定渐退期，按退出处理。supplementary：嘉兴渐退期"
            "内仍是医疗救助资助参保对象，继续资助投保“嘉兴大病无忧”；龙港3(三)10 未规定，忽略"
        },
    )
    enrolment_year = ma.fields.Integer(
        strict=True, load_default=None, validate=ma.validate.Range(2000, 2100), metadata={"description": "参保年度"}
    )
    enrolled_on = DATE(
        load_default=None, metadata={"description": "参保缴费日期（城口：错过集中参保期的，不设待遇享受等待期）"}
    )
    already_enrolled_this_year = Flag(
        load_default=None, metadata={"description": "认定时个人当年已自行参保缴费（温州：不退保费，次年资助参保）"}
    )
    scheme = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(["basic", "supplementary"]),
        metadata={
            "description": "险种：basic 城乡居民基本医疗保险（默认）；supplementary 惠民型（政策性）商业补充医疗保险"
            "（嘉兴二(三)10“嘉兴大病无忧”：医疗救助资助参保对象和持证残疾人全额资助投保，personal_contribution 为"
            "其保费；龙港3(三)10：困难群众财政资助参保，比例未规定，share、subsidy 为 null）。其他地区的政策未规定"
            "supplementary：422 not_defined_by_policy"
        },
    )
    disability_certificate = Flag(
        load_default=None,
        metadata={
            "description": "是否持有残疾人证。只在险种 supplementary 下有意义：嘉兴二(三)10 持证残疾人由财政全额资助"
            "投保“嘉兴大病无忧”，不论是否救助对象。basic（城乡居民医保的资助参保）只看救助对象类别，给出时忽略并在"
            " assumptions 中说明；龙港3(三)10 只资助困难群众，亦忽略"
        },
    )


class InsuranceSubsidyResponseSchema(CalculationResponseSchema):
    share = Ratio(allow_none=True, metadata={"description": '资助比例（占个人缴费），如 "1.00"'})
    share_is_floor = ma.fields.Boolean()
    subsidy = Money(allow_none=True, metadata={"description": "资助金额（元），提供个人缴费标准时计算"})
    subsidised_from = DATE(allow_none=True, metadata={"description": "资助参保起始（认定当月的第一天）"})
    coverage_effective_from = DATE(allow_none=True, metadata={"description": "待遇生效日期（次月1日）"})
    subsidy_until = DATE(allow_none=True, metadata={"description": "退出对象的资助截止日期；null 表示未退出"})


class RiskMonitoringRequestSchema(CalculationRequestSchema):
    categories = categories_field()
    annual_self_pay = money("年度医疗费用个人自付金额", required=True)
    monitoring_standard = money("监测标准（政策未规定数额时作为输入）")
    potential_threshold = money("潜在对象的自付费用标准（政策未规定数额时作为输入）")
    attributes = BoundedList(
        ma.fields.String(validate=ma.validate.OneOf([a.value for a in Attribute])),
        load_default=list,
        validate=ma.validate.Length(max=len(Attribute)),
        metadata={
            "description": "人员身份（嵊州 2(1)1 的监测类别）: "
            + "，".join(f"{a.value} {ATTRIBUTE_NAMES[a]}" for a in Attribute)
        },
    )
    age = ma.fields.Integer(
        strict=True,
        load_default=None,
        validate=ma.validate.Range(0, 150),
        metadata={"description": "计算日期时的周岁年龄（嵊州：年满60周岁的农业劳动模范）"},
    )
    disability_grade = ma.fields.Integer(
        strict=True,
        load_default=None,
        validate=ma.validate.Range(1, 4),
        metadata={"description": "《中华人民共和国残疾人证》记载的残疾等级（1-4 级，一级最重）；未持证的不填"},
    )
    in_transition_period = Flag(
        load_default=None, metadata={"description": "是否处于低保、低边家庭的渐退期内（民政部门认定）"}
    )


class RiskMonitoringResponseSchema(CalculationResponseSchema):
    flagged = ma.fields.Boolean(metadata={"description": "是否列为监测对象"})
    threshold = Money(allow_none=True, metadata={"description": "适用的自付金额标准（元）"})
    threshold_inclusive = ma.fields.Boolean(
        allow_none=True, metadata={"description": "true：达到本数即列入（达到）；false：须超过本数（超过）"}
    )
    level = ma.fields.String(
        allow_none=True, metadata={"description": "监测级别：key 重点 / watch 关注 / potential 潜在"}
    )


class MemberSchema(ma.Schema):
    categories = categories_field()
    self_pay = money("经多重保障后的个人自付医疗费用", required=True)
    followed_treatment_guidance = Flag(load_default=False, metadata={"description": "是否执行就医指导方案"})
    referred = Flag(load_default=False, metadata={"description": "是否经规范转诊"})


class HighCostReliefRequestSchema(CalculationRequestSchema):
    members = BoundedList(
        ma.fields.Nested(MemberSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=50),
        metadata={"description": "家庭成员（个人只列一人）"},
    )


class MemberResultSchema(ma.Schema):
    eligible = eligible_field(" （此成员 / this member）")
    relief = Money()
    self_pay_after = Money()


class HighCostReliefResponseSchema(CalculationResponseSchema):
    relief = Money(metadata={"description": "化解金额合计（元）"})
    members = ma.fields.List(ma.fields.Nested(MemberResultSchema))
    household_self_pay_after = Money(metadata={"description": "化解后家庭自付合计（元）"})
    individual_limit = Money(allow_none=True)
    household_limit = Money(allow_none=True)


FiguresSchema = ma.Schema.from_dict(
    {name: MoneyInput(metadata={"description": FIGURE_NAMES[name]}) for name in FIGURES},
    name="FiguresSchema",
)


class IndicatorsRequestSchema(CalculationRequestSchema):
    figures = ma.fields.Nested(
        FiguresSchema,
        required=True,
        metadata={
            "description": "统计数据（人数或金额）。每个指标 = 分子 / 分母 x 100%: "
            + "；".join(f"{i.id} = {summed(i.numerator)} / {i.denominator}" for i in INDICATORS)
            + "。其中 fund_balance_ratio（嘉兴二(二)8 医疗救助基金结余指标：医疗救助累计结余资金占当年筹集资金总额"
            "的比例）= accumulated_balance（累计结余资金）/ funds_raised（当年筹集资金总额），目标不超过15%"
            "（<= 15，含本数：“原则上医疗救助累计结余资金不超过当年筹集资金总额的15%”）。只计算该地区政策设定了"
            "目标的指标；政策不使用的数据在 assumptions 中说明已忽略"
        },
    )


class IndicatorSchema(ma.Schema):
    id = ma.fields.String(metadata={"description": "、".join(i.id for i in INDICATORS)})
    name = ma.fields.String(metadata={"description": "指标名称，按嵊州附件1的写法"})
    value = ExactPercent(
        metadata={
            "description": "指标值（%）：精确值，至少两位小数（如 82.999）；除不尽的按目标的同侧取28位有效数字，"
            "与目标比较的正是此值"
        }
    )
    target = Percent(metadata={"description": "目标值（%）"})
    comparator = ma.fields.String(metadata={"description": ">= 不低于；<= 不高于"})
    met = ma.fields.Boolean()
    kind = ma.fields.String(allow_none=True, metadata={"description": "约束性 / 预期性（政策未标明时为 null）"})
    citation = ma.fields.Nested(CitationSchema)


class IndicatorsResponseSchema(CalculationResponseSchema):
    indicators = ma.fields.List(ma.fields.Nested(IndicatorSchema))


class CriticalIllnessRequestSchema(CalculationRequestSchema):
    categories = categories_field()
    eligible_self_pay = money("基本医保报销后政策范围内个人负担", required=True)
    per_capita_disposable_income = money("上年度居民人均可支配收入", required=True)
    annual_cap = money("年度封顶线（政策未规定数额时作为输入）")
    registered_poor = Flag(load_default=None, metadata={"description": "是否建档立卡贫困人员"})


class CriticalIllnessResponseSchema(CalculationResponseSchema):
    deductible = Money(metadata={"description": "起付线（元）"})
    ratio = Ratio(allow_none=True)
    ratio_is_floor = ma.fields.Boolean()
    annual_cap = Money(allow_none=True, metadata={"description": "封顶线（元）；null 表示不设封顶"})
    amount = Money(metadata={"description": "大病保险支付金额（元）"})
