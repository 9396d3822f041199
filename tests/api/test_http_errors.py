"""Every error is the one JSON shape, never an HTML page; the security headers on every answer."""

from __future__ import annotations

import pytest
from flask import Flask

from bingpin.api import create_app

MEDICAL = "/v1/calculations/medical-assistance"


@pytest.fixture(scope="module")
def failing_app() -> Flask:
    """The app with one extra route that fails: registered here only, never in the service."""
    app = create_app()

    def boom() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/test-only/boom", view_func=boom)
    return app


def test_an_unexpected_exception_is_a_json_500_without_details(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/test-only/boom")
    assert response.status_code == 500
    assert response.mimetype == "application/json"
    assert response.get_json() == {"code": "internal_error", "message": "服务内部错误 / internal error", "errors": {}}
    assert "a bug" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/no/such/page", 404, "not_found"),
        ("PUT", MEDICAL, 405, "method_not_allowed"),
        ("GET", f"{MEDICAL}/batch", 405, "method_not_allowed"),
        ("POST", "/healthz", 405, "method_not_allowed"),
    ],
)
def test_http_errors_are_json(failing_app: Flask, method: str, path: str, status: int, code: str) -> None:
    response = failing_app.test_client().open(path, method=method)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.get_json()["code"] == code
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_405_names_the_methods_allowed(failing_app: Flask) -> None:
    response = failing_app.test_client().delete(MEDICAL)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"POST"}


def test_html_pages_carry_a_content_security_policy_and_json_needs_none(failing_app: Flask) -> None:
    client = failing_app.test_client()
    page = client.get("/docs")
    assert page.mimetype == "text/html"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in client.get("/healthz").headers
