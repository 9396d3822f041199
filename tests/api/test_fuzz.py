"""The contract, fuzzed: schemathesis generates requests for every operation of the app's own
OpenAPI document and checks each answer (no 5xx; status, content type, headers and body as
documented; a 405 names the allowed methods; ...).

The default run is small and repeatable (``derandomize``); ``tox -e fuzz`` runs many more
random examples (BINGPIN_FUZZ_EXAMPLES, BINGPIN_FUZZ_RANDOM).

Two of schemathesis' checks are adapted to what the contract says on purpose:

- A request that matches the schema may still be refused by the policy with a 422 of its own
  code (``not_in_force``, ``not_defined_by_policy``, ``unknown_category``, a figure a rule
  requires): DESIGN.md principle 2. What a schema-valid request must never get is the schema
  validator's own refusal (``validation_error`` with the generic message) - checked below
  instead of schemathesis' "any 2xx" rule.
- A batch answers a case that breaks the case schema in that case's own result (status 422),
  not by refusing the batch: "schema-violating request accepted" does not apply to batches.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from bingpin.api import create_app
from bingpin.api.errors import CODES

EXAMPLES = int(os.environ.get("BINGPIN_FUZZ_EXAMPLES", "8"))
RANDOM = os.environ.get("BINGPIN_FUZZ_RANDOM", "") not in ("", "0")

schema = schemathesis.openapi.from_wsgi("/openapi.json", create_app())


def schema_valid_requests_pass_validation(ctx: Any, response: Any, case: Any) -> bool | None:
    """A request generated from the schema is never refused by the schema validator."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if response.status_code == 422:
        body = response.json()
        if body.get("code") == "validation_error" and body.get("message") == CODES[422][1]:
            raise AssertionError(f"schema-valid request refused by validation: {body.get('errors')}")
    elif response.status_code >= 400 and response.status_code != 404:
        raise AssertionError(f"schema-valid request answered {response.status_code}")
    return None


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=not RANDOM,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_keeps_its_contract(case: Any) -> None:
    excluded = [positive_data_acceptance]
    if case.operation.path.endswith("/batch"):
        excluded.append(negative_data_rejection)
    case.call_and_validate(excluded_checks=excluded, additional_checks=[schema_valid_requests_pass_validation])
