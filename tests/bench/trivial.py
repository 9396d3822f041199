"""The benchmark's floor: a trivial Flask app with one JSON endpoint doing one Decimal multiply per
person, served by tests/bench/server.py with the same gunicorn settings as the service.

``POST /persons`` with the body of a medical-assistance batch (``{"cases": [{...,
"eligible_self_pay": "10000.00"}, ...]}``, the same bytes the service is sent) answers
``[{"amount": "9000.00"}, ...]``: reading the JSON, one exact multiply per person and writing
JSON, and nothing else (no schema, no hooks). One person is the floor of a request; 1,000
persons the floor of a 1,000-case batch.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Flask, request

from tests.bench import cases

RATE = Decimal("0.90")
CENT = Decimal("0.01")
PATH = "/persons"


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post(PATH)
    def persons() -> Any:
        body = request.get_json()
        return [{"amount": str((Decimal(p["eligible_self_pay"]) * RATE).quantize(CENT))} for p in body["cases"]]

    @app.get("/healthz")
    def health() -> Any:
        return {"status": "ok"}

    return app


def body(count: int) -> bytes:
    """A request for ``count`` persons: the benchmark's README case alone, or a batch's cases."""
    if count == 1:
        return cases.encode({"cases": [cases.README_CASE]})
    return cases.encode(cases.medical_batch(count))
