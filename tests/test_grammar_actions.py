"""Step actions that are not a plain field check, against answers built by hand."""

from __future__ import annotations

from typing import Any

import pytest

from bingpin.features.conformance.grammar import Context, StepError
from bingpin.features.conformance.http_client import Exchange


def answered(status: int, payload: Any) -> Context:
    context = Context(client=None)  # type: ignore[arg-type]
    context.exchange = Exchange("POST", "http://x/v1/calculations/medical-assistance", {}, status, payload)
    return context


@pytest.mark.parametrize(
    ("status", "payload"),
    [
        (200, {"eligible": True, "amount": "8000.00"}),
        (422, {"code": "validation_error", "message": "x", "errors": {"categories": ["…"]}}),
    ],
)
def test_not_refusing_accepts_eligible_or_a_request_for_input(status: int, payload: Any) -> None:
    answered(status, payload).not_ineligible()


@pytest.mark.parametrize(
    ("status", "payload"),
    [
        (200, {"eligible": False, "amount": "0.00"}),
        (422, {"code": "not_defined_by_policy", "message": "x", "errors": {}}),
        (500, {"code": "internal"}),
    ],
)
def test_not_refusing_fails_on_not_eligible_and_on_other_errors(status: int, payload: Any) -> None:
    with pytest.raises(StepError):
        answered(status, payload).not_ineligible()
