"""Fast paths for marshmallow schemas: load and dump compiled once per schema, exact or not at all.

A small request spends most of its time in marshmallow's general machinery (error stores,
partial loading, accessors), not in its fields. The compiled loader walks the declared fields
directly and returns exactly what ``Schema.load`` returns; on anything out of the ordinary (a
missing required field, an unexpected type, a failed validator, an unknown key, ``null`` where
it is not allowed) it gives up and marshmallow answers, so every error message is marshmallow's
own. The compiled dumper does what ``Schema.dump`` does for dicts. A schema that uses hooks,
``data_key``, ``attribute`` or other options the compiler does not know is never compiled.
tests/api/test_compiled.py compares both paths on random input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, cast

import marshmallow as ma
from marshmallow import types
from marshmallow.schema import POST_DUMP, POST_LOAD, PRE_DUMP, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA
from marshmallow.utils import missing

Convert = Callable[[Any], Any]
Serialize = Callable[[Any, str, Any], Any]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LOAD_HOOKS = (PRE_LOAD, POST_LOAD, VALIDATES, VALIDATES_SCHEMA)
_DUMP_HOOKS = (PRE_DUMP, POST_DUMP)


class Fallback(Exception):
    """The compiled path cannot answer this input: let marshmallow do it."""


def _plain(schema: ma.Schema, hooks: tuple[str, ...]) -> bool:
    return (
        not schema.partial
        and schema.unknown == ma.RAISE
        and not any(schema._hooks[tag] for tag in hooks)
        and schema.dict_class is dict
    )


def _plain_field(name: str, field: ma.fields.Field) -> bool:
    return (
        field.data_key in (None, name)
        and field.attribute in (None, name)
        and not field.pre_load
        and not field.post_load
        and field._CHECK_ATTRIBUTE
    )


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
    if not _plain_field(name, field):
        return None
    kind = type(field)
    convert: Convert | None
    if kind is ma.fields.String:
        convert = _of_type(str)
    elif kind is ma.fields.Integer:
        convert = _of_type(int)
    elif kind is ma.fields.Boolean:
        boolean = cast(ma.fields.Boolean, field)
        convert = _of_type(bool) if True in boolean.truthy and False in boolean.falsy else None
    elif kind is ma.fields.Date:
        convert = _date if cast(ma.fields.Date, field).format in (None, "iso", "iso8601") else None
    elif kind is ma.fields.List:
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


def _list_loader(field: ma.fields.List) -> Convert | None:
    inner = _value_loader(field.name or "", field.inner)
    if inner is None:
        return None
    item = _nullable(field.inner, inner)

    def items(raw: Any) -> list[Any]:
        if type(raw) is not list:
            raise Fallback
        return [item(each) for each in raw]

    return items


def _nested_loader(field: ma.fields.Nested) -> Convert | None:
    if field.many or field.unknown is not None:
        return None
    return compile_load(field.schema)


def compile_load(schema: ma.Schema) -> Convert | None:
    """A function doing ``schema.load(data)`` for plain input, raising :class:`Fallback` otherwise."""
    if schema.many or not _plain(schema, _LOAD_HOOKS):
        return None
    entries: list[tuple[str, Convert, bool, Any]] = []
    for name, field in schema.load_fields.items():
        convert = _value_loader(name, field)
        if convert is None:
            return None
        entries.append((name, _nullable(field, convert), field.required, field.load_default))
    known = frozenset(name for name, *_ in entries)

    def load(data: Any) -> dict[str, Any]:
        if type(data) is not dict or not known.issuperset(data):
            raise Fallback
        result: dict[str, Any] = {}
        for name, convert, required, default in entries:
            raw = data.get(name, missing)
            if raw is missing:
                if required:
                    raise Fallback
                if default is not missing:
                    result[name] = default() if callable(default) else default
            else:
                result[name] = convert(raw)
        return result

    return load


#: Markers for the commonest fields, handled inline by the compiled dumper.
_TEXT = "text"
_SAME = "same"


def _value_dumper(name: str, field: ma.fields.Field) -> Serialize | str | None:
    """How to write one value of ``field``; ``None`` when not compilable."""
    if not _plain_field(name, field):
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


def compile_dump(schema: ma.Schema) -> Callable[[Any], Any] | None:
    """A function doing ``schema.dump(obj, many=False)``: compiled for dicts, marshmallow's for other objects."""
    if not _plain(schema, _DUMP_HOOKS):
        return None
    entries: list[tuple[str, Serialize | str, Any]] = []
    for name, field in schema.dump_fields.items():
        serialize = _value_dumper(name, field)
        # A dict's own attributes (``items``...) would be read by marshmallow's accessor.
        if serialize is None or hasattr(dict, name):
            return None
        entries.append((name, serialize, field.dump_default))

    def dump(obj: Any) -> Any:
        if type(obj) is not dict:
            return schema.dump(obj, many=False)
        result: dict[str, Any] = {}
        for name, serialize, default in entries:
            value = obj.get(name, missing)
            if value is missing:
                if default is missing:
                    continue
                value = default() if callable(default) else default
            if serialize is _TEXT:
                result[name] = value if value is None or type(value) is str else str(value)
            elif serialize is _SAME:
                result[name] = value
            else:
                result[name] = serialize(value, name, obj)  # type: ignore[operator]
        return result

    return dump


class CompiledSchema(ma.Schema):
    """A schema whose plain ``load`` and ``dump`` calls take the compiled path (same results)."""

    def load(
        self, data: Any, *, many: bool | None = None, partial: Any = None, unknown: types.UnknownOption | None = None
    ) -> Any:
        if many is None and partial is None and unknown is None:
            loader = self._compiled("_compiled_load", compile_load)
            if loader is not None:
                try:
                    return loader(data)
                except Fallback:
                    pass
        return super().load(data, many=many, partial=partial, unknown=unknown)

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        dumper = self._compiled("_compiled_dump", compile_dump)
        if dumper is not None:
            if self.many if many is None else many:
                if type(obj) is list:
                    return [dumper(each) for each in obj]
            elif type(obj) is dict:
                return dumper(obj)
        return super().dump(obj, many=many)

    def _compiled(self, slot: str, compiler: Callable[[ma.Schema], Any]) -> Any:
        try:
            return self.__dict__[slot]
        except KeyError:
            compiled = self.__dict__[slot] = compiler(self)
            return compiled
