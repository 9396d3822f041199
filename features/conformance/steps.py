"""The suite's pytest plugin: step definitions built from grammar.yaml (one per phrase, none by
hand), the ``--base-url`` option and the HTTP client the steps talk through, and the tags kept on
each scenario for selection and reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from bingpin.api.catalog.features import JURISDICTION_TAGS
from bingpin.features.conformance.exits import EXIT_UNAVAILABLE
from bingpin.features.conformance.fetch import DEFAULT_GIVE_UP_AFTER, DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, Limits
from bingpin.features.conformance.grammar import STEPS, Context, Step
from bingpin.features.conformance.http_client import Client

DECORATORS = {"given": given, "when": when, "then": then}

#: Tags that become pytest marks (select with -m); all other tags (id:, clause:, policy:,
#: ambiguity:) are kept as data on the scenario.
MARK_TAGS = {"core", "optional", *JURISDICTION_TAGS}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--base-url",
        default=None,
        help="run the acceptance features against the service at this URL instead of in-process",
    )
    parser.addoption("--max-answer-bytes", type=int, default=DEFAULT_MAX_BYTES, help="largest answer read")
    parser.addoption("--answer-timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds for a whole answer")
    parser.addoption(
        "--give-up-after",
        type=int,
        default=DEFAULT_GIVE_UP_AFTER,
        help="stop after this many requests in a row get no answer",
    )


def pytest_configure(config: pytest.Config) -> None:
    for tag in sorted(MARK_TAGS):
        config.addinivalue_line("markers", f"{tag}: scenarios tagged @{tag}")


@pytest.hookimpl(tryfirst=True)  # before pytest-bdd's own, which marks every tag
def pytest_bdd_apply_tag(tag: str, function: Any) -> bool | None:
    # Every tag is kept on the test function, for selection and reports by id, clause, tier.
    function.__dict__.setdefault("scenario_tags", set()).add(tag)
    if tag in MARK_TAGS:
        return None  # pytest-bdd applies it as a mark
    return True  # kept as a tag only


@pytest.fixture(scope="session")
def client(request: pytest.FixtureRequest) -> Client:
    """The service under test: ``--base-url``, else the reference service in-process."""
    option = request.config.getoption
    limits = Limits(max_bytes=option("--max-answer-bytes"), timeout=option("--answer-timeout"))
    base_url = option("--base-url")
    if base_url:
        return Client(base_url=base_url, limits=limits, give_up_after=option("--give-up-after"), stop=_give_up)
    from bingpin.api import create_app

    return Client(app=create_app(), limits=limits)


def _give_up(reason: str) -> None:
    """The service stopped answering: end the run now rather than wait out every scenario."""
    pytest.exit(f"the service stopped answering: {reason}", returncode=EXIT_UNAVAILABLE)


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
    if not has_value:
        return lambda context: method(context)
    return lambda context, value: method(context, value)


for _step in STEPS:
    DECORATORS[_step.kind](parsers.parse(_step.phrase))(build(_step))
