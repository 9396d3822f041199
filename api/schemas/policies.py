"""Schemas of the policies and their clause trees."""

from __future__ import annotations

import marshmallow as ma

from bingpin.api.schemas.common import CitationSchema, JurisdictionRefSchema, PolicyRefSchema
from bingpin.rules.registry import policies


def policy_field(description: str = "只列出该政策的条目（政策 id）") -> ma.fields.String:
    ids = sorted(p.id for p in policies().values())
    return ma.fields.String(
        validate=ma.validate.OneOf(ids), metadata={"description": f"{description}：{'，'.join(ids)}"}
    )


class PolicyQueryArgsSchema(ma.Schema):
    jurisdiction = ma.fields.String(metadata={"description": "只列出该地区（GB/T 2260 代码）的政策"})


class PolicyInForceSchema(ma.Schema):
    start = ma.fields.Date(required=True)
    end = ma.fields.Date(allow_none=True, required=True, metadata={"description": "null 表示未规定截止日期"})
    description = ma.fields.String(required=True, metadata={"description": "施行期间的说明"})
    citation = ma.fields.Nested(CitationSchema, required=True, metadata={"description": "施行期间的条款依据"})


class PolicySchema(PolicyRefSchema):
    issuer = ma.fields.String(required=True, metadata={"description": "发文机关"})
    issued_on = ma.fields.Date(
        allow_none=True, required=True, metadata={"description": "成文日期；null 表示原文未载明（如草案）"}
    )
    status = ma.fields.String(required=True, metadata={"description": "正式 / 征求意见稿 / 草案"})
    draft = ma.fields.Boolean(required=True, metadata={"description": "是否为草案或征求意见稿"})
    jurisdiction = ma.fields.Nested(JurisdictionRefSchema, required=True)
    in_force = ma.fields.Nested(PolicyInForceSchema, required=True)
    text_file = ma.fields.String(required=True, metadata={"description": "原文文件名（rules/texts）"})
    clause_count = ma.fields.Integer(required=True, metadata={"description": "条款树中的条款数"})
    calculations = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "该政策规定的计算"})
    not_defined = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "该政策未规定的计算"})


class ClauseSchema(ma.Schema):
    path = ma.fields.String(
        required=True, metadata={"description": "条款路径，与特性标签和参数引用的写法相同，如 二(二)7、附件1第3项"}
    )
    label = ma.fields.String(required=True, metadata={"description": "原文中的序号"})
    title = ma.fields.String(required=True, metadata={"description": "条款标题（原文首句或表格首格）"})
    kind = ma.fields.String(
        required=True, metadata={"description": "part 文前部分 / section 条款 / annex 附件 / row 表格行 / remark 备注"}
    )
    text = ma.fields.String(
        required=True, metadata={"description": "本条原文（不含下级条款），逐字；按顺序连接全部条款即为原文全文"}
    )
    children = ma.fields.List(
        ma.fields.Nested(lambda: ClauseSchema()), required=True, metadata={"description": "下级条款"}
    )


class ClauseTreeSchema(ma.Schema):
    policy = ma.fields.Nested(PolicyRefSchema, required=True)
    text_file = ma.fields.String(required=True)
    count = ma.fields.Integer(required=True, metadata={"description": "条款总数"})
    clauses = ma.fields.List(ma.fields.Nested(ClauseSchema), required=True)
