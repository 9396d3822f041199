"""The compiled ``Schema.dump``: the same dicts marshmallow writes, for dicts; others go to marshmallow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow.schema import POST_DUMP, PRE_DUMP
from marshmallow.utils import missing

from bingpin.api.compiled.common import Serialize, generate, plain, plain_field

_DUMP_HOOKS = (PRE_DUMP, POST_DUMP)


#: Markers for the commonest fields, handled inline by the compiled dumper.
_TEXT = "text"
_SAME = "same"


def _value_dumper(name: str, field: ma.fields.Field) -> Serialize | str | None:
    """How to write one value of ``field``; ``None`` when not compilable."""
    if not plain_field(name, field):
        return None
    kind = type(field)
    if kind is ma.fields.String:
        return _TEXT
    if kind is ma.fields.Boolean:
        return _SAME
    if kind is ma.fields.List:
        inner = _value_dumper(name, field.inner)  # type: ignore[attr-defined]
        if inner is None:
            return None
        if inner is _TEXT:
            return lambda value, attr, obj: None if value is None else [_text(each) for each in value]
        if inner is _SAME:
            return lambda value, attr, obj: None if value is None else list(value)
        each_value: Serialize = inner  # type: ignore[assignment]
        return lambda value, attr, obj: None if value is None else [each_value(each, attr, obj) for each in value]
    if kind is ma.fields.Nested:
        nested = compile_dump(field.schema)  # type: ignore[attr-defined]
        if nested is None or field.many:  # type: ignore[attr-defined]
            return None
        return lambda value, attr, obj: None if value is None else nested(value)
    return field._serialize


def _text(value: Any) -> Any:
    return value if value is None or type(value) is str else str(value)


def _dump_expression(serialize: Serialize | str, index: int, key: str) -> str:
    if serialize is _TEXT:
        return "value if value is None or type(value) is str else str(value)"
    if serialize is _SAME:
        return "value"
    return f"serialize_{index}(value, {key}, obj)"


def compile_dump(schema: ma.Schema) -> Callable[[Any], Any] | None:
    """A function doing ``schema.dump(obj, many=False)``: compiled for dicts, marshmallow's for other objects."""
    if not plain(schema, _DUMP_HOOKS):
        return None
    names: dict[str, Any] = {"general": lambda obj: schema.dump(obj, many=False)}
    body: list[str] = []
    for index, (name, field) in enumerate(schema.dump_fields.items()):
        serialize = _value_dumper(name, field)
        # A dict's own attributes (``items``...) would be read by marshmallow's accessor.
        if serialize is None or hasattr(dict, name):
            return None
        if not isinstance(serialize, str):
            names[f"serialize_{index}"] = serialize
        key = repr(name)
        expression = _dump_expression(serialize, index, key)
        body += [
            f"    value = get({key}, missing)",
            "    if value is not missing:",
            f"        result[{key}] = {expression}",
        ]
        default = field.dump_default
        if default is not missing:
            names[f"default_{index}"] = default
            call = "()" if callable(default) else ""
            body += ["    else:", f"        value = default_{index}{call}", f"        result[{key}] = {expression}"]
    head = [
        "def dump(obj):",
        "    if type(obj) is not dict:",
        "        return general(obj)",
        "    get = obj.get",
        "    result = {}",
    ]
    return generate("dump", [*head, *body, "    return result"], names)
