"""Plain single calculations answered without Flask's request cycle (api/direct.py): the same
status, headers and bytes as the application's own answer, and every other request left to it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bingpin.api import create_app
from bingpin.api.direct import Calculations
from bingpin.api.rendered import RenderedOnce
from bingpin.api.resources.calculations import ENDPOINTS
from tests.api.strategies import mutated
from tests.bench.cases import calculation_requests, encode

Answer = tuple[str, list[tuple[str, str]], bytes]


@dataclass
class Layers:
    fast: Calculations  # the fast layer, whose inner application records each request reaching it
    inner: Callable[..., Iterable[bytes]]  # the application itself (Flask's WSGI app), for comparison
    seen: list[str]


@pytest.fixture(scope="module")
def layers() -> Layers:
    app = create_app()
    outer = app.wsgi_app
    assert isinstance(outer, RenderedOnce) and isinstance(outer.app, Calculations)
    fast = outer.app
    inner = fast.app
    seen: list[str] = []

    def recording(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    fast.app = recording
    return Layers(fast, inner, seen)


def environ(path: str, data: bytes, **extra: Any) -> dict[str, Any]:
    base = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    base.update(extra)
    return base


def call(app: Callable[..., Iterable[bytes]], env: dict[str, Any]) -> Answer:
    started: list[Any] = []
    body = app(env, lambda status, headers, exc_info=None: started.append((status, headers)))
    data = b"".join(body)
    getattr(body, "close", lambda: None)()
    return started[0][0], list(started[0][1]), data


def both(layers: Layers, path: str, data: bytes, **extra: Any) -> tuple[Answer, Answer]:
    """(the answer through the fast layer, the application's own answer) to the same request."""
    return call(layers.fast, environ(path, data, **extra)), call(layers.inner, environ(path, data, **extra))


def test_every_calculation_of_every_policy_is_answered_directly_with_the_apps_bytes(
    layers: Layers,
) -> None:
    requests = calculation_requests()
    assert {path for path, _ in requests} == {f"/v1/calculations/{e.path}" for e in ENDPOINTS}
    seen = layers.seen
    for path, body in requests:
        seen.clear()
        direct, own = both(layers, path, encode(body))
        assert seen == [], path  # answered without the application
        assert direct == own
        assert direct[0] == "200 OK"
        assert [name for name, _ in direct[1]] == ["Content-Type", "Content-Length", "X-Content-Type-Options"]


MEDICAL = "/v1/calculations/medical-assistance"
PLAIN = {"jurisdiction": "330400", "date": "2023-06-01", "categories": ["subsistence_allowance"]}


@pytest.mark.parametrize(
    ("data", "extra", "status"),
    [
        (encode({**PLAIN, "eligible_self_pay": "-1"}), {}, 422),  # 422 validation_error
        (encode({**PLAIN, "eligible_self_pay": "1", "date": "2022-12-31"}), {}, 422),  # 422 not_in_force
        (encode({**PLAIN, "eligible_self_pay": "1", "jurisdiction": "330683"}), {}, 422),  # not_defined_by_policy
        (encode({**PLAIN, "eligible_self_pay": "1", "categories": ["stable_out_of_poverty"]}), {}, 422),
        (b'{"jurisdiction": "330400", "jurisdiction": "330300"}', {}, 400),  # 400 duplicate_key
        (b"[" * 40 + b"]" * 40, {}, 400),  # 400 nesting_too_deep
        (b"{not json", {}, 400),  # 400 malformed_json
        (b"", {}, 422),
        (b"null", {}, 422),
        (b"\xff\xfe", {}, 400),
        (encode({**PLAIN, "eligible_self_pay": "1"}), {"CONTENT_TYPE": "text/plain"}, 415),  # 415
        # a query string: the application's (a single calculation takes none: 422 naming it)
        (encode({**PLAIN, "eligible_self_pay": "1"}), {"QUERY_STRING": "explain=false"}, 422),
        (encode({**PLAIN, "eligible_self_pay": "1"}), {"CONTENT_TYPE": "application/merge-patch+json"}, 200),
        (encode({**PLAIN, "eligible_self_pay": "1"}), {"CONTENT_LENGTH": "2000000"}, 413),  # 413
        (encode({**PLAIN, "eligible_self_pay": "1"}), {"CONTENT_LENGTH": ""}, 422),
        (encode({**PLAIN, "eligible_self_pay": "1"}), {"CONTENT_LENGTH": "\uff11\uff12"}, 422),  # full-width digits
        (encode({**PLAIN, "eligible_self_pay": "1"}), {"CONTENT_LENGTH": "300"}, 400),  # the client sent fewer bytes
        (encode({**PLAIN, "eligible_self_pay": "1"}), {"HTTP_TRANSFER_ENCODING": "chunked"}, 422),
        (encode({**PLAIN, "eligible_self_pay": "1"}), {"REQUEST_METHOD": "PUT"}, 405),
    ],
)
def test_anything_but_a_plain_request_and_a_200_is_the_applications_to_answer(
    layers: Layers, data: bytes, extra: dict[str, str], status: int
) -> None:
    seen = layers.seen
    seen.clear()
    direct, own = both(layers, MEDICAL, data, **extra)
    assert seen == [MEDICAL]  # the application answered
    assert direct == own
    assert direct[0].startswith(f"{status} ")  # a 200 here: a request the fast layer leaves alone


def test_a_charset_parameter_is_still_plain_json(layers: Layers) -> None:
    seen = layers.seen
    seen.clear()
    data = encode({**PLAIN, "eligible_self_pay": "1"})
    direct, own = both(layers, MEDICAL, data, CONTENT_TYPE="Application/JSON; charset=utf-8")
    assert seen == [] and direct == own and direct[0] == "200 OK"


def test_a_body_that_cannot_be_read_is_the_applications_to_answer(
    layers: Layers,
) -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            raise OSError("connection reset")

    fast, seen = layers.fast, layers.seen
    seen.clear()
    data = encode({**PLAIN, "eligible_self_pay": "1"})
    status, _, body = call(fast, environ(MEDICAL, data, **{"wsgi.input": io.BufferedReader(Broken())}))  # type: ignore[arg-type]
    assert seen == [MEDICAL]
    assert not status.startswith("200") and b"Traceback" not in body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_bodies_get_the_applications_answer(layers: Layers, data: Any) -> None:
    endpoint = data.draw(st.sampled_from(ENDPOINTS))
    body = data.draw(mutated(endpoint.request))
    direct, own = both(layers, f"/v1/calculations/{endpoint.path}", json.dumps(body, default=str).encode())
    assert direct == own
