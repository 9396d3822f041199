"""The one small HTTP client the acceptance steps use.

In-process (Flask's test client) by default; a real server over HTTP when given a base URL, each
answer within :class:`~bingpin.features.conformance.fetch.Limits`. Either way the steps see the
same thing: status, parsed JSON, and what was sent.
"""

from __future__ import annotations

import json
import shlex
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from bingpin.api.parsing import too_deep
from bingpin.features.conformance.fetch import (
    DEFAULT_GIVE_UP_AFTER,
    EXCERPT_BYTES,
    AnswerError,
    Limits,
    fetch,
)
from bingpin.features.conformance.text import json_text

#: Deepest nesting of arrays and objects an answer may have (the reference's nest about 5 levels).
MAX_DEPTH = 64
#: Answers larger than this are kept in the reports as an excerpt.
SHOWN_BYTES = 64 * 1024


def request_text(body: Any) -> str:
    """The JSON a request sends (and its replay line shows): readable Chinese, nothing unsafe."""
    return json_text(json.dumps(body, ensure_ascii=False))


def sent_headers(with_body: bool) -> dict[str, str]:
    """The headers every request is sent with (and its replay line gives)."""
    return {"Accept": "application/json"} | ({"Content-Type": "application/json"} if with_body else {})


@dataclass
class Exchange:
    """One request and its answer (``status`` ``None``: none came), kept for failure messages and
    reports; ``shown`` is what those show of the answer when not all of it (an excerpt)."""

    method: str
    url: str
    body: Any
    status: int | None
    payload: Any
    shown: Any = None

    @property
    def answer(self) -> Any:
        return self.payload if self.shown is None else self.shown

    def curl(self) -> str:
        """A command that replays the request, its headers included, every word quoted for a POSIX shell."""
        words = ["curl", "-sS", "-X", self.method, self.url]
        for name, value in sent_headers(self.body is not None).items():
            words += ["-H", f"{name}: {value}"]
        if self.body is not None:
            words += ["-d", request_text(self.body)]
        return shlex.join(words)

    def describe(self) -> str:
        sent = request_text(self.body) if self.body is not None else ""
        got = (
            "no answer"
            if self.status is None
            else f"{self.status} {json_text(json.dumps(self.answer, indent=1, ensure_ascii=False))}"
        )
        return f"{self.method} {self.url} {sent}\n-> {got}\nreplay: {self.curl()}"


class ExchangeError(AssertionError):
    """A request that got no usable answer; the step fails with it, the reports show ``exchange``."""

    def __init__(self, message: str, exchange: Exchange) -> None:
        super().__init__(f"{message}\n{exchange.describe()}")
        self.exchange = exchange


class Client:
    """GET and POST JSON against the reference app or a service at ``base_url``. After
    ``give_up_after`` requests in a row get no complete answer (none at all: refused, reset, silent;
    or one not complete within the deadline), ``stop`` is called with the reason."""

    def __init__(
        self,
        base_url: str | None = None,
        app: Any = None,
        limits: Limits | None = None,
        give_up_after: int = DEFAULT_GIVE_UP_AFTER,
        stop: Callable[[str], None] | None = None,
    ) -> None:
        if (base_url is None) == (app is None):
            raise ValueError("give exactly one of base_url or app")
        self.base_url = base_url.rstrip("/") if base_url else "http://reference.local"
        self._flask = app.test_client() if app is not None else None
        self.limits = limits or Limits()
        self.give_up_after = give_up_after
        self.stop = stop
        self.silent = 0
        self._cache: dict[str, Any] = {}

    @property
    def target(self) -> str:
        return "reference service (in-process)" if self._flask is not None else self.base_url

    def get(self, path: str, params: dict[str, str] | None = None) -> Exchange:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return self._send("GET", path + query, None)

    def post(self, path: str, body: Any) -> Exchange:
        return self._send("POST", path, body)

    def cached_get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """GET reference data once per run; fails loudly if it is not there, or (a list the suite
        reads, :data:`LISTED`) not in the shape the steps read it in."""
        key = path + json.dumps(params, sort_keys=True)
        if key not in self._cache:
            exchange = self.get(path, params)
            if exchange.status != 200:
                raise ExchangeError("reference data unavailable", exchange)
            problem = unlisted(exchange.payload, LISTED.get(path, ()))
            if problem is not None:
                raise ExchangeError(f"参考数据无法使用 / reference data not usable: {problem}", exchange)
            self._cache[key] = exchange.payload
        return self._cache[key]

    def _send(self, method: str, path: str, body: Any) -> Exchange:
        url = self.base_url + path
        data = request_text(body).encode() if body is not None else None
        headers = sent_headers(data is not None)
        try:
            status, raw = self._answer(method, path, url, data, headers)
            payload = parse(raw, status)
        except AnswerError as error:
            shown = {"unparsed": error.excerpt[:EXCERPT_BYTES].decode("utf-8", "replace")} if error.status else None
            raise ExchangeError(str(error), Exchange(method, url, body, error.status, shown)) from None
        return Exchange(method, url, body, status, payload, excerpt(raw) if len(raw) > SHOWN_BYTES else None)

    def _answer(
        self, method: str, path: str, url: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        if self._flask is not None:
            response = self._flask.open(path, method=method, data=data, headers=headers)
            raw = response.get_data()
            if len(raw) > self.limits.max_bytes:
                raise AnswerError(f"answer larger than {self.limits.max_bytes} bytes", status=response.status_code)
            return response.status_code, raw
        try:
            answer = fetch(method, url, data, headers, self.limits)
        except AnswerError as error:
            self.silent = self.silent + 1 if error.no_answer else 0
            if self.silent >= self.give_up_after and self.stop is not None:
                self.stop(
                    f"{self.silent} requests in a row got no complete answer (none at all, or none complete "
                    f"within --answer-timeout), the last: {error}"
                )
            raise
        self.silent = 0
        return answer.status, answer.body


#: The lists of reference data the steps read, and the fields of each item they read (all text).
LISTED: dict[str, tuple[tuple[str, ...], ...]] = {
    "/v1/jurisdictions": (("code",), ("name",), ("policy", "id")),
    "/v1/categories": (("code",), ("name",)),
}


def unlisted(payload: Any, fields: tuple[tuple[str, ...], ...]) -> str | None:
    """Why ``payload`` is not a list of objects each with ``fields`` as text (None: it is)."""
    if not fields:
        return None
    if not isinstance(payload, list):
        return f"应为列表，实为 {type(payload).__name__} / expected a list"
    for number, item in enumerate(payload):
        for field in fields:
            value: Any = item
            for name in field:
                value = value.get(name) if isinstance(value, dict) else None
            if not isinstance(value, str):
                where = f"[{number}]." + ".".join(field)
                return f"{where} 应为文本 / expected text at {where}, got {json.dumps(value, ensure_ascii=False)[:80]}"
    return None


class NotJSONNumber(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity`` in an answer: Python's parser takes them, JSON has none."""


def _not_a_number(name: str) -> NoReturn:
    raise NotJSONNumber(name)


def parse(raw: bytes, status: int | None = None) -> Any:
    """The answer's JSON, nesting bounded before parsing; :class:`AnswerError` when a success
    answer is not JSON (a check that something is absent would pass on it), or is JSON but for
    ``NaN`` or ``Infinity`` (a number no JSON parser reads); ``{"unparsed": ...}`` for an error
    answer that is not JSON (its status is still judged; its code and messages cannot pass)."""
    if too_deep(raw, MAX_DEPTH):
        raise AnswerError(
            f"answer JSON nested deeper than {MAX_DEPTH} levels", status=status, excerpt=raw[:EXCERPT_BYTES]
        )
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_not_a_number)
    except NotJSONNumber as error:
        raise AnswerError(
            f"answer is not valid JSON: {error} is not a JSON number (NaN and Infinity are not JSON)",
            status=status,
            excerpt=raw[:EXCERPT_BYTES],
        ) from None
    except ValueError as error:  # not UTF-8, not JSON, or an integer too long for int()
        if status is not None and 200 <= status < 300:  # an answer every scenario reads: no check may pass on it
            raise AnswerError(
                f"answer is not valid JSON ({type(error).__name__}: {str(error).splitlines()[0][:200]})",
                status=status,
                excerpt=raw[:EXCERPT_BYTES],
            ) from None
        return {"unparsed": raw[:EXCERPT_BYTES].decode("utf-8", "replace")}


def excerpt(raw: bytes) -> dict[str, Any]:
    """What the reports keep of an answer too large to keep whole."""
    return {"excerpt": raw[:EXCERPT_BYTES].decode("utf-8", "replace"), "bytes": len(raw)}


def unreachable(base_url: str, limits: Limits | None = None) -> str | None:
    """Why the service at ``base_url`` cannot be judged, in one line; ``None`` when it answers
    ``GET /v1/jurisdictions`` with a JSON list (every scenario starts there)."""
    url = base_url.rstrip("/") + "/v1/jurisdictions"
    try:
        answer = fetch("GET", url, None, sent_headers(False), limits or Limits())
        if answer.status != 200:
            return (
                f"{url} answered HTTP {answer.status}; the suite needs GET /v1/jurisdictions (see the OpenAPI document)"
            )
        payload = parse(answer.body, answer.status)
    except AnswerError as error:
        return f"cannot reach {url}: {error}" if error.no_answer else f"{url}: {error}"
    if not isinstance(payload, list):
        return f"{url} did not answer a JSON list of jurisdictions; is this a Bingpin-compatible API?"
    return None
