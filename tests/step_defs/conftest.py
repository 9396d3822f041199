"""Step definitions, built from features/grammar.yaml: one per phrase, none by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from tests.http_client import Client
from tests.step_defs.grammar import STEPS, Context, Step

DECORATORS = {"given": given, "when": when, "then": then}


@pytest.fixture
def context(client: Client) -> Context:
    return Context(client)


def build(step: Step) -> Callable[..., Any]:
    """The function behind one phrase; its parameters are the placeholders of the phrase."""
    has_value, has_index = "{value}" in step.phrase, "{index}" in step.phrase
    if step.action == "sets":
        if has_value:
            return lambda context, value: context.set(step.spec, value)
        return lambda context: context.set(step.spec, None)
    if step.action == "checks":
        if has_value and has_index:
            return lambda context, index, value: context.check(step.spec, value, index)
        if has_index:
            return lambda context, index: context.check(step.spec, None, index)
        if has_value:
            return lambda context, value: context.check(step.spec, value, None)
        return lambda context: context.check(step.spec, None, None)
    if step.action in ("members", "figures", "parameters"):
        method = getattr(Context, step.action)
        return lambda context, datatable: method(context, datatable)
    method = getattr(Context, step.action)
    if has_index:
        return lambda context, index: method(context, index)
    return lambda context, value: method(context, value)


for _step in STEPS:
    DECORATORS[_step.kind](parsers.parse(_step.phrase))(build(_step))
