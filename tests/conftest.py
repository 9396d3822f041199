"""Shared fixtures: the app, and the HTTP client the acceptance steps use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from api import create_app
from tests.http_client import Client
from tests.live import served

#: Tags that become pytest marks (select with -m); all other tags (id:, clause:, policy:,
#: ambiguity:) are kept as data on the scenario.
MARK_TAGS = {"core", "optional", "jiaxing", "wenzhou", "longgang", "shengzhou", "chengkou"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--base-url",
        default=None,
        help="run the acceptance features against the service at this URL instead of in-process",
    )


def pytest_bdd_apply_tag(tag: str, function: Any) -> bool | None:
    # Every tag is kept on the test function, for selection and reports by id, clause, tier.
    function.__dict__.setdefault("scenario_tags", set()).add(tag)
    if tag in MARK_TAGS:
        return None  # pytest-bdd applies it as a mark
    return True  # kept as a tag only


@pytest.fixture(scope="session")
def app() -> Flask:
    return create_app()


@pytest.fixture(scope="session")
def client(request: pytest.FixtureRequest) -> Client:
    base_url = request.config.getoption("--base-url")
    if base_url:
        return Client(base_url=base_url)
    return Client(app=create_app())


@pytest.fixture(scope="session")
def live_url() -> Iterator[str]:
    """The service under gunicorn on a loopback port, as a user starts it."""
    with served() as url:
        yield url
