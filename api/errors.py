"""One error payload for everything: ``{"code", "message", "errors"}``, translated here from
domain errors and HTTP exceptions. Nothing reaches the client as an HTML page or a traceback."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import Flask
from werkzeug.exceptions import HTTPException, InternalServerError

from bingpin.rules.core.errors import BingpinError

log = logging.getLogger(__name__)

CODES = {
    400: ("bad_request", "请求无效 / bad request"),
    404: ("not_found", "资源不存在 / resource not found"),
    405: ("method_not_allowed", "不支持该请求方法（本服务只读）/ method not allowed (read-only service)"),
    406: ("not_acceptable", "无法提供所请求的格式 / not acceptable"),
    413: ("payload_too_large", "请求体过大 / request body too large"),
    415: ("unsupported_media_type", "请求体须为 application/json / body must be application/json"),
    422: ("validation_error", "输入无效 / invalid input"),
    500: ("internal_error", "服务内部错误 / internal error"),
}

CJK = re.compile(r"[\u4e00-\u9fff]")

#: Chinese beside marshmallow's English messages.
TRANSLATIONS = {
    "Missing data for required field.": "缺少必填字段",
    "Unknown field.": "未知字段",
    "Not a valid date.": "不是有效日期（YYYY-MM-DD）",
    "Not a valid integer.": "不是有效整数",
    "Not a valid boolean.": "不是有效布尔值",
    "Not a valid string.": "不是有效字符串",
    "Not a valid list.": "不是有效列表",
    "Invalid input type.": "输入类型无效（应为 JSON 对象）",
    "Field may not be null.": "不能为 null",
    "Invalid JSON body.": "JSON 格式错误",
}


class ErrorSchema(ma.Schema):
    """The one error payload."""

    code = ma.fields.String(required=True, metadata={"description": "稳定的错误代码 / stable error code"})
    message = ma.fields.String(required=True, metadata={"description": "说明 / message"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        required=True,  # always sent ({} when no field is at fault): a client need not test for it
        metadata={"description": "按字段列出的问题（无则为 {}）/ problems by field (dotted path; {} when none)"},
    )


def translate(message: str) -> str:
    """``message`` with its Chinese beside it (marshmallow's own messages are English only)."""
    if message in TRANSLATIONS:
        return f"{TRANSLATIONS[message]} / {message}"
    if message.startswith("Must be one of:"):
        return f"取值无效 / {message}"
    if message.startswith(
        ("Must be greater", "Must be less", "Must be at", "Length must", "Longer than", "Shorter than")
    ):
        return f"超出允许范围 / {message}"
    if not CJK.search(message):  # every message a person reads has its Chinese
        return f"输入无效 / {message}"
    return message


class _Here:
    """The key of a message about the field itself, beside its items' messages (api.fields.BoundedList)."""

    def __repr__(self) -> str:
        return "HERE"


HERE: Any = _Here()

#: Bounds on one error payload, so that an answer to a bad request stays a small multiple of the
#: request: fields listed (the rest counted under ``_omitted``), messages per field, characters
#: in a field's name and in a message.
MAX_FIELDS = 20
MAX_MESSAGES = 5
MAX_NAME = 100
MAX_MESSAGE = 1000
OMITTED = "_omitted"


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bounded(flat: dict[str, list[str]]) -> dict[str, list[str]]:
    """At most :data:`MAX_FIELDS` fields, each with at most :data:`MAX_MESSAGES` messages, names and
    messages clipped; how many fields were left out is said under :data:`OMITTED`."""
    bounded: dict[str, list[str]] = {}
    listed = 0
    for name, texts in flat.items():
        if len(bounded) == MAX_FIELDS and clip(name, MAX_NAME) not in bounded:
            break
        messages = bounded.setdefault(clip(name, MAX_NAME), [])
        messages.extend(clip(text, MAX_MESSAGE) for text in texts[: max(MAX_MESSAGES - len(messages), 0)])
        listed += 1
    left = len(flat) - listed
    if left:
        bounded[OMITTED] = [f"另有 {left} 个字段有问题，未列出 / {left} more fields with problems, not listed"]
    return bounded


def flatten(messages: Any) -> dict[str, list[str]]:
    """``{"json": {"members": {0: {"self_pay": [..]}}}}`` -> ``{"members.0.self_pay": [..]}``,
    sorted (marshmallow lists unknown fields in set order, which differs between processes) and
    bounded (:func:`_bounded`)."""
    return _bounded(dict(sorted(_flatten(messages, "", top=True).items())))


#: Where webargs files a request's messages: the outermost key, never a field's name.
LOCATIONS = ("json", "query", "querystring")


def _part(key: Any) -> str:
    """A key as one part of a field's dotted name: as it is, unless it could be read as several
    parts or as none (a dot, a leading bracket, nothing), then quoted in brackets: an unknown key
    ``"members.0.self_pay"`` is ``["members.0.self_pay"]``, not the first member's ``self_pay``."""
    text = str(key)
    if isinstance(key, int) or (text and "." not in text and not text.startswith("[")):
        return text
    return "[" + json.dumps(text, ensure_ascii=False) + "]"


def _flatten(messages: Any, prefix: str, top: bool = False) -> dict[str, list[str]]:
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            # only the outermost key is a location: a field or query parameter named ``json`` or
            # ``query`` keeps its name (it was listed under ``_schema``, as if the whole request were meant)
            located = (top and key in LOCATIONS) or key is HERE
            name = prefix if located else f"{prefix}.{_part(key)}" if prefix else _part(key)
            for field, texts in _flatten(value, name).items():
                flat.setdefault(field, []).extend(texts)
        return flat
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": [translate(m) for m in messages]}
    if isinstance(messages, list):
        flat = {}
        for index, value in enumerate(messages):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "_schema": [translate(str(messages))]}


def payload(code: str, message: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "errors": errors or {}}


#: What a 422 answer is, in the spec: the policy's refusals of a request the schema accepts are
#: documented answers (DESIGN.md principle 2), beside the schema validator's own.
UNPROCESSABLE = (
    "输入无效（validation_error），或政策拒绝符合本文档的请求：not_in_force（日期不在施行期间）、"
    "not_defined_by_policy（该地区政策未规定此项）、unknown_category（该地区政策无此类别）、"
    "unknown_jurisdiction（无此地区的政策）、validation_error（与政策规定的数额不符）/ invalid input "
    "(validation_error), or the policy's refusal of a request this document accepts: not_in_force, "
    "not_defined_by_policy, unknown_category, unknown_jurisdiction, validation_error (a figure the policy contradicts)"
)


class Api(flask_smorest.Api):
    """flask-smorest's Api with this service's error payload."""

    ERROR_SCHEMA = ErrorSchema

    def _register_responses(self) -> None:
        super()._register_responses()
        self.spec.components.responses_lazy["UNPROCESSABLE_ENTITY"]["description"] = UNPROCESSABLE

    def handle_http_exception(self, error: HTTPException) -> tuple[dict[str, Any], int, dict[str, str]]:
        status = error.code or 500
        code, message = CODES.get(status, (f"http_{status}", error.name))
        data = getattr(error, "data", None) or {}
        errors = flatten(data.get("messages") or data.get("errors") or {})
        if status == 400 and data.get("messages"):
            code, message = "malformed_json", "请求体不是有效的 JSON / request body is not valid JSON"
        code = data.get("code", code)  # a refusal with its own code (api.parsing: duplicate_key...)
        if status == 500:
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.exception("unhandled error", exc_info=original)
        # The exception's own headers (``Allow`` on a 405) go with the JSON body.
        headers = {key: value for key, value in error.get_headers() if key.lower() != "content-type"}
        headers.update(data.get("headers") or {})
        return payload(code, data.get("message", message), errors), status, headers


def domain_error(error: BingpinError) -> tuple[dict[str, Any], int]:
    """A domain error's payload and status: 422 with its own code (broken policy data: 500)."""
    if error.code == "configuration_error":
        log.error("configuration error: %s", error.message)
        return payload(*CODES[500]), 500
    return payload(error.code, error.message, error.errors), 422


def register(app: Flask) -> None:
    """Domain errors become 422 answers with their own code."""

    @app.errorhandler(BingpinError)
    def _domain(error: BingpinError) -> tuple[dict[str, Any], int]:
        return domain_error(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[dict[str, Any], int]:
        # HTTPExceptions have their own (more specific) handler: see Api above.
        log.exception("unhandled error")
        return payload(*CODES[500]), InternalServerError.code
