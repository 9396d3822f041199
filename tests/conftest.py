"""Shared fixtures: the app, the served app, and the shipped suite's plugin (steps, client)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from bingpin.api import create_app
from tests.live import served

# The shipped suite's steps and client; the wheel installed in a fresh venv (tests/wheel.py).
pytest_plugins = ["bingpin.features.conformance.steps", "tests.wheel"]


@pytest.fixture(scope="session")
def app() -> Flask:
    return create_app()


@pytest.fixture(scope="session")
def live_url() -> Iterator[str]:
    """The service under gunicorn on a loopback port, as a user starts it."""
    with served() as url:
        yield url
