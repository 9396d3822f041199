"""The benchmark's floor: a trivial Flask app with one JSON endpoint doing one Decimal multiply per
person, served by tests/bench/server.py with the same gunicorn settings as the service.

``POST /persons`` with ``{"persons": [{"amount": "10000.00"}, ...]}`` answers
``[{"amount": "9000.00"}, ...]``: reading JSON, one exact multiply and writing JSON per person,
and nothing else (no schema, no hooks). One person is the floor of a request; 1,000 persons the
floor of a 1,000-case batch.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import Flask, request

RATE = Decimal("0.90")
CENT = Decimal("0.01")
PATH = "/persons"


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post(PATH)
    def persons() -> Any:
        body = request.get_json()
        return [{"amount": str((Decimal(p["amount"]) * RATE).quantize(CENT))} for p in body["persons"]]

    @app.get("/healthz")
    def health() -> Any:
        return {"status": "ok"}

    return app


def body(count: int) -> bytes:
    """A request for ``count`` persons with different amounts."""
    return json.dumps({"persons": [{"amount": f"{1000 + index}.50"} for index in range(count)]}).encode("utf-8")
