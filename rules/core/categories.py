"""Category and diagnosis codes shared by all jurisdictions (DESIGN.md "API contract").

Each policy accepts its own subset and names them in its own words; those names live in
the policy's data file, beside the clause that defines them.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """Classes of people a policy grants something to."""

    EXTREME_POVERTY = "extreme_poverty"
    SUBSISTENCE_ALLOWANCE = "subsistence_allowance"
    MARGINAL_SUBSISTENCE = "marginal_subsistence"
    EXPENDITURE_POVERTY = "expenditure_poverty"
    ILLNESS_INDUCED_POVERTY = "illness_induced_poverty"
    CHILD_IN_DIFFICULTY = "child_in_difficulty"
    OTHER_SPECIAL_HARDSHIP = "other_special_hardship"
    RETURNED_TO_POVERTY = "returned_to_poverty"
    UNSTABLE_OUT_OF_POVERTY = "unstable_out_of_poverty"
    MARGINAL_AT_RISK = "marginal_at_risk"
    SUDDEN_SEVERE_HARDSHIP = "sudden_severe_hardship"
    STABLE_OUT_OF_POVERTY = "stable_out_of_poverty"


#: Generic Chinese names, for lists across jurisdictions.
CATEGORY_NAMES: dict[Category, str] = {
    Category.EXTREME_POVERTY: "特困人员",
    Category.SUBSISTENCE_ALLOWANCE: "低保对象",
    Category.MARGINAL_SUBSISTENCE: "低保边缘家庭成员",
    Category.EXPENDITURE_POVERTY: "支出型贫困家庭成员",
    Category.ILLNESS_INDUCED_POVERTY: "纳入低保、低边的因病致贫对象",
    Category.CHILD_IN_DIFFICULTY: "困境儿童",
    Category.OTHER_SPECIAL_HARDSHIP: "其他特殊困难人员",
    Category.RETURNED_TO_POVERTY: "返贫致贫人口",
    Category.UNSTABLE_OUT_OF_POVERTY: "脱贫不稳定户",
    Category.MARGINAL_AT_RISK: "边缘易致贫户",
    Category.SUDDEN_SEVERE_HARDSHIP: "突发严重困难户",
    Category.STABLE_OUT_OF_POVERTY: "稳定脱贫人口",
}


class Diagnosis(StrEnum):
    """Diagnoses that some rules single out."""

    CONGENITAL_HEART_DISEASE = "congenital_heart_disease"
    LEUKEMIA = "leukemia"
    GAUCHER_DISEASE = "gaucher_disease"
    PHENYLKETONURIA = "phenylketonuria"
    ALS = "als"


DIAGNOSIS_NAMES: dict[Diagnosis, str] = {
    Diagnosis.CONGENITAL_HEART_DISEASE: "先天性心脏病",
    Diagnosis.LEUKEMIA: "白血病",
    Diagnosis.GAUCHER_DISEASE: "戈谢病",
    Diagnosis.PHENYLKETONURIA: "苯丙酮尿症",
    Diagnosis.ALS: "渐冻症",
}
