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

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import types

from bingpin.api.compiled.common import Fallback
from bingpin.api.compiled.dump import compile_dump
from bingpin.api.compiled.load import compile_load

__all__ = ["CompiledSchema", "Fallback", "compile_dump", "compile_load"]


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
