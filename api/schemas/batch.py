"""Schemas of the batch calculations, derived from each calculation's own request and response.

The envelope is read once per batch; each case is read later, on its own, by the calculation's
request schema (so one bad case answers its own error and the others go on). The schemas here
document the cases exactly, but the ``cases`` field itself only checks that it is a list.
"""

from __future__ import annotations

import copy
from typing import Any

import marshmallow as ma

from bingpin.api.compiled import CompiledSchema
from bingpin.api.errors import ErrorSchema
from bingpin.api.fields import Date
from bingpin.api.schemas.common import jurisdiction_codes

#: Most cases one batch may carry (more answer 422).
MAX_CASES = 10_000
#: The body limit of a batch: 10,000 fully specified cases at about 1.6 KiB each.
MAX_BATCH_BYTES = 8 * 1024 * 1024
#: Failed cases whose errors keep their field messages; later ones keep their code and message.
MAX_DETAILED_ERRORS = 100
#: Fields given once for the whole batch (besides ``defaults``).
SHARED = ("jurisdiction", "date")


class _KeepRaw(ma.fields.Field):
    """Validate like the parent field, but keep the value as sent: it is merged into each case
    and read there by the calculation's own schema."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        super()._deserialize(value, attr, data, **kwargs)
        return value


class RawString(_KeepRaw, ma.fields.String):
    pass


class RawDate(_KeepRaw, Date):
    pass


class RawNested(ma.fields.Nested):
    def _deserialize(self, value: Any, attr: str | None, data: Any, partial: Any = None, **kwargs: Any) -> Any:
        super()._deserialize(value, attr, data, partial=partial, **kwargs)
        return value


class Cases(ma.fields.List):
    """The cases: a list, documented item by item, read one case at a time by the view."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if not isinstance(value, list):
            raise self.make_error("invalid")
        return value


def _optional(field: ma.fields.Field) -> ma.fields.Field:
    optional = copy.copy(field)
    optional.required = False
    return optional


def case_schema(name: str, request: type[ma.Schema]) -> type[ma.Schema]:
    """One case: the calculation's request, with ``jurisdiction`` and ``date`` optional."""
    fields = {key: _optional(f) if key in SHARED else f for key, f in request._declared_fields.items()}
    return ma.Schema.from_dict(fields, name=f"{name}BatchCase")


def defaults_schema(name: str, request: type[ma.Schema]) -> type[ma.Schema]:
    """Fields shared by every case (a case's own value wins), every one optional."""
    fields = {key: _optional(f) for key, f in request._declared_fields.items() if key not in SHARED}
    return ma.Schema.from_dict(fields, name=f"{name}BatchDefaults")


def request_schema(name: str, request: type[ma.Schema]) -> type[ma.Schema]:
    return ma.Schema.from_dict(
        {
            "jurisdiction": RawString(
                validate=jurisdiction_codes(),
                metadata={"description": "各案件的地区代码（案件自带 jurisdiction 时以案件为准）", "example": "330400"},
            ),
            "date": RawDate(metadata={"description": "各案件的计算日期（案件自带 date 时以案件为准）"}),
            "defaults": RawNested(
                defaults_schema(name, request),
                metadata={"description": "各案件共用的其他字段（如上年度人均收入）；案件自带的值优先"},
            ),
            "cases": Cases(
                ma.fields.Nested(case_schema(name, request)),
                required=True,
                validate=ma.validate.Length(max=MAX_CASES),
                metadata={
                    "description": f"案件（每条记录一个对象，最多 {MAX_CASES} 个）；每个案件与单项计算的请求相同，"
                    "jurisdiction、date 可省略而取上面的值"
                },
            ),
        },
        name=f"{name}BatchRequest",
    )


class BatchQueryArgsSchema(ma.Schema):
    explain = ma.fields.Boolean(
        load_default=True,
        metadata={"description": "false 时答复不含计算步骤（explanation），数据量更小、更快；assumptions 仍然给出"},
    )


def result_schema(name: str, response: type[ma.Schema]) -> type[ma.Schema]:
    """The calculation's answer, where ``explanation`` is left out when ``explain=false``."""
    fields = {key: _optional(f) if key == "explanation" else f for key, f in response._declared_fields.items()}
    return CompiledSchema.from_dict(fields, name=f"{name}BatchResult")


def response_schema(name: str, response: type[ma.Schema]) -> type[ma.Schema]:
    item = ma.Schema.from_dict(
        {
            "index": ma.fields.Integer(required=True, metadata={"description": "案件在 cases 中的位置（从 0 起）"}),
            "status": ma.fields.Integer(
                required=True, metadata={"description": "单项计算对此案件会答复的 HTTP 状态：200、422（或 500）"}
            ),
            "result": ma.fields.Nested(
                result_schema(name, response),
                allow_none=True,
                required=True,
                metadata={"description": "计算结果，与单项计算的答复相同；出错时为 null"},
            ),
            "error": ma.fields.Nested(
                ErrorSchema,
                allow_none=True,
                required=True,
                metadata={"description": "此案件的错误（与单项计算的错误答复相同）；成功时为 null"},
            ),
        },
        name=f"{name}BatchItem",
    )
    return ma.Schema.from_dict(
        {
            "calculation": ma.fields.String(required=True),
            "count": ma.fields.Integer(required=True, metadata={"description": "案件数"}),
            "succeeded": ma.fields.Integer(required=True, metadata={"description": "算出结果的案件数"}),
            "failed": ma.fields.Integer(required=True, metadata={"description": "出错的案件数"}),
            "errors_omitted": ma.fields.Integer(
                required=True,
                metadata={
                    "description": f"只有前 {MAX_DETAILED_ERRORS} 个出错案件的 error 列出字段问题（errors）；"
                    "此后出错的案件只给 code 和 message，errors 为空。此数为这样的案件数 / failed cases "
                    f"after the first {MAX_DETAILED_ERRORS} whose error is given without its field messages"
                },
            ),
            "results": ma.fields.List(
                ma.fields.Nested(item), required=True, metadata={"description": "每个案件一项，顺序与 cases 相同"}
            ),
        },
        name=f"{name}Batch",
    )
