"""A strict YAML loader for policy data: duplicate keys and floats are errors."""

from __future__ import annotations

from typing import Any

import yaml

from bingpin.rules.core.errors import ConfigurationError


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a silent overwrite would hide a wrong figure)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                line = key_node.start_mark.line + 1
                first = seen[key].line + 1
                raise ConfigurationError(
                    f"{key_node.start_mark.name}: line {line}: duplicate key {key!r} (first defined on line {first})"
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def _refuse_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    raise ConfigurationError(
        f"{node.start_mark.name}: line {node.start_mark.line + 1}: {node.value!r} is a YAML float; "
        "write money and ratios as quoted strings so they load as exact decimals"
    )


StrictLoader.add_constructor("tag:yaml.org,2002:float", _refuse_float)


def load_yaml(text: str, name: str) -> Any:
    """Parse ``text`` (named ``name`` in error messages) with :class:`StrictLoader`."""
    try:
        loader = StrictLoader(text)  # the reader refuses characters YAML does not allow here already
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{name}: invalid YAML: {exc}") from exc
    loader.name = name
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{name}: invalid YAML: {exc}") from exc
    finally:
        loader.dispose()
