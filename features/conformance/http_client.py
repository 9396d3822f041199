"""The one small HTTP client the acceptance steps use.

In-process (Flask's test client) by default; a real server over HTTP when given a base URL.
Either way the steps see the same thing: status, parsed JSON, and what was sent.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass
class Exchange:
    """One request and its answer, kept for failure messages and reports."""

    method: str
    url: str
    body: Any
    status: int
    payload: Any

    def curl(self) -> str:
        """A copy-paste command that replays the request."""
        parts = ["curl", "-sS", "-X", self.method, f"'{self.url}'"]
        if self.body is not None:
            data = json.dumps(self.body, ensure_ascii=False).replace("'", "'\\''")
            parts += ["-H", "'Content-Type: application/json'", "-d", f"'{data}'"]
        return " ".join(parts)

    def describe(self) -> str:
        sent = json.dumps(self.body, ensure_ascii=False) if self.body is not None else ""
        got = json.dumps(self.payload, ensure_ascii=False, indent=1)
        return f"{self.method} {self.url} {sent}\n-> {self.status} {got}\nreplay: {self.curl()}"


class Client:
    """GET and POST JSON against the reference app or a service at ``base_url``."""

    def __init__(self, base_url: str | None = None, app: Any = None, timeout: float = 30.0) -> None:
        if (base_url is None) == (app is None):
            raise ValueError("give exactly one of base_url or app")
        self.base_url = base_url.rstrip("/") if base_url else "http://reference.local"
        self._flask = app.test_client() if app is not None else None
        self.timeout = timeout
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
        """GET reference data once per run; fails loudly if it is not there."""
        key = path + json.dumps(params, sort_keys=True)
        if key not in self._cache:
            exchange = self.get(path, params)
            if exchange.status != 200:
                raise AssertionError(f"reference data unavailable:\n{exchange.describe()}")
            self._cache[key] = exchange.payload
        return self._cache[key]

    def _send(self, method: str, path: str, body: Any) -> Exchange:
        url = self.base_url + path
        if self._flask is not None:
            response = self._flask.open(path, method=method, json=body)
            return Exchange(method, url, body, response.status_code, _parse(response.get_data()))
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Exchange(method, url, body, response.status, _parse(response.read()))
        except urllib.error.HTTPError as error:
            return Exchange(method, url, body, error.code, _parse(error.read()))


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {"unparsed": raw.decode("utf-8", "replace")[:2000]}


def unreachable(base_url: str, timeout: float = 1.5) -> str | None:
    """Why the service at ``base_url`` cannot be judged, in one line; ``None`` when it answers
    ``GET /v1/jurisdictions`` with a JSON list (every scenario starts there)."""
    url = base_url.rstrip("/") + "/v1/jurisdictions"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = _parse(response.read())
    except urllib.error.HTTPError as error:
        return f"{url} answered HTTP {error.code}; the suite needs GET /v1/jurisdictions (see the OpenAPI document)"
    except (OSError, ValueError) as error:  # refused, timed out, unknown host, bad URL
        reason = getattr(error, "reason", error)
        return f"cannot reach {url}: {reason}"
    if not isinstance(payload, list):
        return f"{url} did not answer a JSON list of jurisdictions; is this a Bingpin-compatible API?"
    return None
