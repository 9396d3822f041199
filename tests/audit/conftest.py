from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture(scope="session")
def http(app: Flask) -> FlaskClient:
    return app.test_client()
