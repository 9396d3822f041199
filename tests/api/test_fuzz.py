"""The contract, fuzzed with every schemathesis check (the CLI's ``--checks all``): schemathesis
generates requests for every operation of the app's own OpenAPI document and checks each answer
(no 5xx; status, content type, headers and body as documented; schema-valid data accepted and
schema-violating data refused; a 405 names the allowed methods; ...).

The default run is small and repeatable (``derandomize``); ``tox -e fuzz`` runs many more
random examples (BINGPIN_FUZZ_EXAMPLES, BINGPIN_FUZZ_RANDOM).

What the contract says on purpose, configured rather than excluded where schemathesis allows:

- A request that matches the schema may still be refused by the policy with a 422 of its own
  code (``not_in_force``, ``not_defined_by_policy``, ``unknown_category``...: DESIGN.md
  principle 2). The spec documents these 422 answers (api.errors.UNPROCESSABLE), so
  ``positive_data_acceptance`` expects 2xx or 422; what a schema-valid request must never get is
  the schema validator's own refusal (``validation_error`` with the generic message), which the
  extra check below rejects.
- A batch answers a case that breaks the case schema in that case's own result (status 422),
  not by refusing the batch (README: one bad case never fails the others), so for batch
  operations ``negative_data_rejection`` does not apply; every other check does.
- An input amount is documented as a decimal string, and the service reads a JSON number written
  the same way too, as each amount's ``x-also-accepts`` says. The document is fuzzed with that
  alternative written in (``anyOf``), so numbers are generated as valid input, and a number the
  service refuses, or a schema-violating one it accepts, fails a check.
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import negative_data_rejection

from bingpin.api import create_app
from bingpin.api.errors import CODES

EXAMPLES = int(os.environ.get("BINGPIN_FUZZ_EXAMPLES", "8"))
RANDOM = os.environ.get("BINGPIN_FUZZ_RANDOM", "") not in ("", "0")

CONFIG = SchemathesisConfig.from_str(
    """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "304", "404", "422"]
"""
)


def widened(node: Any) -> Any:
    """The document with each ``x-also-accepts`` written in as the alternative it is (``anyOf``)."""
    if isinstance(node, list):
        return [widened(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: widened(value) for key, value in node.items()}
    also = node.pop("x-also-accepts", None)
    if also is None:
        return node
    text = {key: node.pop(key) for key in ("type", "format", "pattern", "nullable") if key in node}
    return {**node, "anyOf": [text, also]}


APP = create_app()
schema = schemathesis.openapi.from_dict(widened(json.loads(APP.test_client().get("/openapi.json").data)), config=CONFIG)
schema.app = APP
schema.location = "/openapi.json"

load_all_checks()
#: Every registered check, as ``--checks all`` selects them.
ALL_CHECKS = list(CHECKS.get_all())


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


def test_every_amount_is_fuzzed_as_a_string_or_a_number() -> None:
    text = json.dumps(schema.raw_schema)
    assert '"x-also-accepts":' not in text
    assert text.count('"multipleOf": 0.01') > 50


def test_every_check_is_run() -> None:
    names = {check.__name__ for check in ALL_CHECKS}
    assert {"not_a_server_error", "positive_data_acceptance", "negative_data_rejection", "use_after_free"} <= names


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=not RANDOM,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_keeps_its_contract(case: Any) -> None:
    excluded = [negative_data_rejection] if case.operation.path.endswith("/batch") else []
    case.call_and_validate(
        checks=ALL_CHECKS, excluded_checks=excluded, additional_checks=[schema_valid_requests_pass_validation]
    )
