"""The compiled ``Schema.load``: exact, or :class:`~api.compiled.common.Fallback` to marshmallow."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

import marshmallow as ma
from marshmallow.schema import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA
from marshmallow.utils import missing

from bingpin.api.compiled.common import Convert, Fallback, generate, plain, plain_field

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LOAD_HOOKS = (PRE_LOAD, POST_LOAD, VALIDATES, VALIDATES_SCHEMA)


def _validated(field: ma.fields.Field, convert: Convert) -> Convert:
    validators = tuple(field.validators)
    if not validators:
        return convert

    def checked(raw: Any) -> Any:
        value = convert(raw)
        for validator in validators:
            try:
                if validator(value) is False:
                    raise Fallback
            except ma.ValidationError:
                raise Fallback from None
        return value

    return checked


def _nullable(field: ma.fields.Field, convert: Convert) -> Convert:
    allow_none = field.allow_none

    def nullable(raw: Any) -> Any:
        if raw is None:
            if allow_none:
                return None
            raise Fallback
        return convert(raw)

    return nullable


def _of_type(kind: type) -> Convert:
    def exact(raw: Any) -> Any:
        if type(raw) is kind:
            return raw
        raise Fallback

    return exact


def _date(raw: Any) -> dt.date:
    if type(raw) is str and _DATE.fullmatch(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise Fallback from None
    raise Fallback


def _guarded(parse: Convert) -> Convert:
    """A field's own parser (``compiled_load``, raising ``ValueError`` on bad input)."""

    def guarded(raw: Any) -> Any:
        try:
            return parse(raw)
        except ValueError:
            raise Fallback from None

    return guarded


def _value_loader(name: str, field: ma.fields.Field) -> Convert | None:
    """How to read one present, non-null value of ``field``; ``None`` when not compilable."""
    if not plain_field(name, field):
        return None
    kind = type(field)
    convert: Convert | None
    choices = _only_choices(field)
    if choices is not None:
        return _one_of(choices)
    if kind is ma.fields.String:
        convert = _of_type(str)
    elif kind is ma.fields.Integer:
        convert = _of_type(int)
    elif kind is ma.fields.Boolean:
        boolean = cast(ma.fields.Boolean, field)
        convert = _of_type(bool) if True in boolean.truthy and False in boolean.falsy else None
    elif kind is ma.fields.Date:
        convert = _date if cast(ma.fields.Date, field).format in (None, "iso", "iso8601") else None
    elif kind is ma.fields.List or getattr(kind, "compiled_as_list", False):
        convert = _list_loader(field)  # type: ignore[arg-type]
    elif kind is ma.fields.Nested:
        convert = _nested_loader(field)  # type: ignore[arg-type]
    elif getattr(field, "compiled_load", None) is not None:
        convert = _guarded(field.compiled_load)  # type: ignore[attr-defined]
    else:
        # Any other field: its own deserialize, validators included.
        def convert(raw: Any) -> Any:
            try:
                return field.deserialize(raw, name, None)
            except ma.ValidationError:
                raise Fallback from None

        return convert
    return None if convert is None else _validated(field, convert)


def _only_choices(field: ma.fields.Field) -> frozenset[str] | None:
    """The choices of a string field validated by ``OneOf`` alone (the commonest kind here)."""
    if type(field) is not ma.fields.String or len(field.validators) != 1 or not plain_field(field.name or "", field):
        return None
    (validator,) = field.validators
    if type(validator) is not ma.validate.OneOf or not all(type(c) is str for c in validator.choices):
        return None
    return frozenset(validator.choices)


def _one_of(choices: frozenset[str]) -> Convert:
    def one_of(raw: Any) -> Any:
        if type(raw) is str and raw in choices:
            return raw
        raise Fallback

    return one_of


def _list_loader(field: ma.fields.List) -> Convert | None:
    # The longest list the field's validators allow: a longer one is refused before any item is read.
    lengths = [v.max for v in field.validators if type(v) is ma.validate.Length and v.max is not None]
    most = min(lengths) if lengths else None
    choices = None if field.inner.allow_none else _only_choices(field.inner)
    if choices is not None:

        def codes(raw: Any) -> list[Any]:
            if type(raw) is not list or (most is not None and len(raw) > most):
                raise Fallback
            for each in raw:
                if type(each) is not str or each not in choices:
                    raise Fallback
            return list(raw)

        return codes
    inner = _value_loader(field.name or "", field.inner)
    if inner is None:
        return None
    item = _nullable(field.inner, inner)

    def items(raw: Any) -> list[Any]:
        if type(raw) is not list or (most is not None and len(raw) > most):
            raise Fallback
        return [item(each) for each in raw]

    return items


def _nested_loader(field: ma.fields.Nested) -> Convert | None:
    if field.many or field.unknown is not None:
        return None
    return compile_load(field.schema)


def compile_load(schema: ma.Schema) -> Convert | None:
    """A function doing ``schema.load(data)`` for plain input, raising :class:`Fallback` otherwise."""
    if schema.many or not plain(schema, _LOAD_HOOKS):
        return None
    names: dict[str, Any] = {}
    body: list[str] = []
    for index, (name, field) in enumerate(schema.load_fields.items()):
        convert = _value_loader(name, field)
        if convert is None:
            return None
        names[f"convert_{index}"] = convert
        key = repr(name)
        body += [f"    value = get({key}, missing)", "    if value is missing:"]
        default = field.load_default
        if field.required:
            body.append("        raise Fallback")
        elif default is missing:
            body.append("        pass")
        else:
            names[f"default_{index}"] = default
            call = "()" if callable(default) else ""
            body.append(f"        result[{key}] = default_{index}{call}")
        body += [
            "    elif value is None:",
            f"        result[{key}] = None" if field.allow_none else "        raise Fallback",
            "    else:",
            f"        result[{key}] = convert_{index}(value)",
        ]
    names["known"] = frozenset(schema.load_fields)
    head = [
        "def load(data):",
        "    if type(data) is not dict or not known.issuperset(data):",
        "        raise Fallback",
        "    get = data.get",
        "    result = {}",
    ]
    return generate("load", [*head, *body, "    return result"], names)
