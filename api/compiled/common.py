"""What the compiled load and dump share: when a schema or field is plain enough, and how the
generated functions are built."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import marshmallow as ma
from marshmallow.utils import missing

Convert = Callable[[Any], Any]
Serialize = Callable[[Any, str, Any], Any]


class Fallback(Exception):
    """The compiled path cannot answer this input: let marshmallow do it."""


def plain(schema: ma.Schema, hooks: tuple[str, ...]) -> bool:
    """No options or hooks the compiler does not know (partial, unknown other than RAISE...)."""
    return (
        not schema.partial
        and schema.unknown == ma.RAISE
        and not any(schema._hooks[tag] for tag in hooks)
        and schema.dict_class is dict
    )


def plain_field(name: str, field: ma.fields.Field) -> bool:
    """Read and written under its own name, with no per-field processors."""
    return (
        field.data_key in (None, name)
        and field.attribute in (None, name)
        and not field.pre_load
        and not field.post_load
        and field._CHECK_ATTRIBUTE
    )


def generate(name: str, lines: list[str], names: dict[str, Any]) -> Callable[[Any], Any]:
    """Straight-line Python for one schema: no loop over fields, no per-field call when absent."""
    namespace = {"missing": missing, "Fallback": Fallback, "str": str, "type": type, "dict": dict, **names}
    exec(compile("\n".join(lines), f"<compiled {name}>", "exec"), namespace)
    return cast(Callable[[Any], Any], namespace[name])
