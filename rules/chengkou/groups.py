"""城口县 groups of people, as the text names them: the 7 classes of 低收入人口 (二(一)), the
three classes 大病保险 and 医疗救助 single out (三(六), 三(七)), and 稳定脱贫人口 not under
monitoring."""

from __future__ import annotations

from bingpin.rules.core.categories import Category

#: 7类低收入人口: 民政部门认定 (特困人员, 低保对象, 低保边缘户) and 乡村振兴部门认定
#: (返贫致贫人口, 脱贫不稳定户, 边缘易致贫户, 突发严重困难户), in the order of 二(一).
LOW_INCOME: tuple[Category, ...] = (
    Category.EXTREME_POVERTY,
    Category.SUBSISTENCE_ALLOWANCE,
    Category.MARGINAL_SUBSISTENCE,
    Category.RETURNED_TO_POVERTY,
    Category.UNSTABLE_OUT_OF_POVERTY,
    Category.MARGINAL_AT_RISK,
    Category.SUDDEN_SEVERE_HARDSHIP,
)

#: 特困人员、低保对象、返贫致贫人口: 大病保险倾斜支付 (三(六)) and the 70% floor of 医疗救助 (三(七)).
PRIORITY: tuple[Category, ...] = (
    Category.EXTREME_POVERTY,
    Category.SUBSISTENCE_ALLOWANCE,
    Category.RETURNED_TO_POVERTY,
)

#: 未纳入低收入人口监测范围的稳定脱贫人口.
STABLE = Category.STABLE_OUT_OF_POVERTY

#: The words of 二(一) that name the 7 classes, for citations.
LOW_INCOME_QUOTE = (
    "对民政部门认定的特困人员、低保对象、低保边缘户，乡村振兴部门认定的返贫致贫人口、脱贫不稳定户、"
    "边缘易致贫户、因病因灾因意外事故等刚性支出较大或收入大幅缩减导致基本生活出现严重困难户等7类低收入人口"
)

#: 二(二): 稳定脱贫人口 outside the three classes keep basic insurance only.
STABLE_QUOTE = (
    "对不属于特困人员、低保对象和返贫致贫人口的稳定脱贫人口，取消脱贫攻坚期内超常规措施安排，"
    "转为按规定享受基本医疗保险待遇"
)
