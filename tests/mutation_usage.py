"""A pytest plugin for the mutation run: records which policy parameters the features read.

Loaded with ``-p tests.mutation_usage``; writes ``<policy package> <key>`` lines to the file
named by BINGPIN_PARAMETER_USAGE. A parameter no calculation reads is open data only; the
mutation run says so beside it, since only the open-data scenarios can pin it down.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from typing import Any

import pytest

import bingpin.rules
from bingpin.rules.core.policy import Parameter

_read: set[int] = set()
_original_at = Parameter.at


def _recording_at(self: Parameter, day: Any) -> Any:
    _read.add(id(self))
    return _original_at(self, day)


def pytest_configure(config: pytest.Config) -> None:
    Parameter.at = _recording_at  # type: ignore[method-assign]


def pytest_unconfigure(config: pytest.Config) -> None:
    Parameter.at = _original_at  # type: ignore[method-assign]
    target = os.environ.get("BINGPIN_PARAMETER_USAGE")
    if not target:
        return
    lines = []
    for module in pkgutil.iter_modules(bingpin.rules.__path__):
        policy = getattr(importlib.import_module(f"bingpin.rules.{module.name}"), "POLICY", None)
        if policy is None:
            continue
        lines += [f"{module.name} {key}" for key, p in policy.parameters.items() if id(p) in _read]
    with open(target, "w", encoding="utf-8") as out:
        out.write("\n".join(sorted(lines)) + "\n")
