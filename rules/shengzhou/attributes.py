"""Personal circumstances (人员身份) that place a person in a 嵊州 monitoring class (2(1)1).

Most classes of 2(1)1 are not 救助对象 categories: the request names them as ``attributes``.
Disability (残疾等级), age (年满60周岁) and the 渐退期 are separate request fields.
"""

from __future__ import annotations

from enum import StrEnum


class Attribute(StrEnum):
    """A circumstance named by 2(1)1, as a request code."""

    ILLNESS_TEMPORARY_ASSISTANCE = "illness_temporary_assistance"
    SCATTERED_ORPHAN = "scattered_orphan"
    CHILD_BASIC_LIVING_ALLOWANCE = "child_basic_living_allowance"
    RURAL_THREE_ELDERS = "rural_three_elders"
    FORMER_DOWNSIZED_WORKER = "former_downsized_worker"
    KEY_ENTITLED_GROUP = "key_entitled_group"
    SEVERE_MENTAL_DISORDER = "severe_mental_disorder"
    AGRICULTURAL_MODEL_WORKER = "agricultural_model_worker"
    NO_FIXED_INCOME = "no_fixed_income"


#: The words of 2(1)1 for each circumstance (each a verbatim quote of the text).
ATTRIBUTE_NAMES: dict[Attribute, str] = {
    Attribute.ILLNESS_TEMPORARY_ASSISTANCE: "因病致贫纳入临时救助对象",
    Attribute.SCATTERED_ORPHAN: "社会散居孤儿",
    Attribute.CHILD_BASIC_LIVING_ALLOWANCE: "享受基本生活费的困境儿童",
    Attribute.RURAL_THREE_ELDERS: "民政部门在册的农村“三老”人员（中华人民共和国成立前老党员、老游击队员、老交通员）",
    Attribute.FORMER_DOWNSIZED_WORKER: "原精减职工享受定期定量补助人员",
    Attribute.KEY_ENTITLED_GROUP: "重点优抚对象",
    Attribute.SEVERE_MENTAL_DISORDER: "严重精神障碍患者",
    Attribute.AGRICULTURAL_MODEL_WORKER: "嵊州市级及以上农业劳动模范",
    Attribute.NO_FIXED_INCOME: "无固定收入",
}
