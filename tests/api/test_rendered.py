"""Open data rendered once (api/rendered.py): the same bytes and headers, without the app's work."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from flask import Flask

from bingpin.api import create_app
from bingpin.api.rendered import RenderedOnce


@pytest.fixture
def counted() -> tuple[Flask, list[str]]:
    """A fresh app whose inner WSGI app records each request that reaches it."""
    app = create_app()
    outer = app.wsgi_app
    assert isinstance(outer, RenderedOnce)
    inner = outer.app
    seen: list[str] = []

    def recording(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}?{environ.get('QUERY_STRING', '')}")
        return inner(environ, start_response)

    outer.app = recording
    return app, seen


@pytest.mark.parametrize(
    "url",
    ["/v1/parameters?page_size=20&page=2", "/v1/policies", "/v1/categories", "/openapi.json", "/v1/bulk.json"],
)
def test_a_second_get_is_the_first_answer_without_the_app(counted: tuple[Flask, list[str]], url: str) -> None:
    app, seen = counted
    http = app.test_client()
    first, second = http.get(url), http.get(url)
    assert first.status_code == second.status_code == 200
    assert second.data == first.data
    assert sorted(second.headers.items()) == sorted(first.headers.items())
    assert "ETag" in second.headers and second.headers["Cache-Control"]
    assert len(seen) == 1


def test_one_answer_serves_every_host_since_no_header_reaches_it(counted: tuple[Flask, list[str]]) -> None:
    app, seen = counted
    http = app.test_client()
    url = "/v1/parameters?page_size=5&page=2"
    one = http.get(url, base_url="http://one.example")
    other = http.get(url, base_url="http://evil.example")
    assert one.headers["Link"].startswith("</v1/parameters?")  # relative: no host in it
    assert "evil.example" not in other.headers["Link"]
    assert (other.data, sorted(other.headers.items())) == (one.data, sorted(one.headers.items()))
    assert len(seen) == 1


def test_conditional_requests_errors_and_posts_go_to_the_app(counted: tuple[Flask, list[str]]) -> None:
    app, seen = counted
    http = app.test_client()
    etag = http.get("/v1/policies").headers["ETag"]
    for _ in range(2):
        assert http.get("/v1/policies", headers={"If-None-Match": etag}).status_code == 304
        assert http.get("/v1/policies/no-such-policy").status_code == 404
        assert http.head("/v1/policies").status_code == 200
        assert http.post("/v1/policies").status_code == 405
    assert len(seen) == 1 + 2 * 4


def test_the_store_is_bounded() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["QUERY_STRING"].encode()]

    store = RenderedOnce(app, max_entries=3, max_bytes=1000)
    for index in range(10):
        body = b"".join(store({"REQUEST_METHOD": "GET", "PATH_INFO": "/v1/x", "QUERY_STRING": f"q={index}"}, _ignore))
        assert body == f"q={index}".encode()
    assert len(store.entries) == 3
    assert [key[-1] for key in store.entries] == ["q=7", "q=8", "q=9"]
    assert store.size == sum(len(entry[2]) for entry in store.entries.values())


def _ignore(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
    return None
