"""What a public consumer does first: generate a typed client from openapi/openapi.json with
openapi-python-client, then call the served service with it (real HTTP, gunicorn)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.live import ROOT
from tests.samples import MEDICAL_CASE as CASE

SPEC = ROOT / "openapi" / "openapi.json"
PACKAGE = "bingpin_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The client package, generated into a temporary folder and importable while the tests run."""
    folder = tmp_path_factory.mktemp("client")
    config = folder / "config.json"
    config.write_text(json.dumps({"post_hooks": []}), encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(SPEC),
        "--meta",
        "none",
        "--output-path",
        str(folder / PACKAGE),
        "--config",
        str(config),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    # A part the generator could not type is reported as a warning and left out of the client.
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    try:
        yield folder / PACKAGE
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.fixture(scope="module")
def client(generated: Path, live_url: str) -> Iterator[Any]:
    with _module("client").Client(base_url=live_url, raise_on_unexpected_status=True) as http:
        yield http


def _request(model: str, body: dict[str, Any]) -> Any:
    return getattr(_module("models"), model).from_dict(body)


def test_no_model_is_an_untyped_wrapper(generated: Path) -> None:
    """Nullable references are typed, not wrapped in ``..._type_0`` models."""
    names = [path.stem for path in (generated / "models").glob("*.py")]
    assert "step" in names
    assert not [name for name in names if "type_0" in name]


def test_shared_enums_are_one_named_class_each(generated: Path) -> None:
    models = _module("models")
    assert models.JurisdictionCode("330400") is models.JurisdictionCode.JIAXING
    assert models.CareType("inpatient") is models.CareType.INPATIENT
    assert models.CategoryCode("subsistence_allowance") is models.CategoryCode.SUBSISTENCE_ALLOWANCE
    enums = sorted(
        path.stem for path in (generated / "models").glob("*.py") if "(StrEnum)" in path.read_text(encoding="utf-8")
    )
    assert not [name for name in enums if "care_type" in name and name != "care_type"], enums
    for path in (generated / "models").glob("*.py"):
        assert "VALUE_0" not in path.read_text(encoding="utf-8"), path.name


def test_a_calculation_reads_its_citation(client: Any) -> None:
    call = _module("api.calculations.post_v1_calculations_medical_assistance")
    response = call.sync_detailed(client=client, body=_request("MedicalAssistanceRequest", CASE))
    answer = response.parsed
    raw = json.loads(response.content)
    assert type(answer).__name__ == "MedicalAssistanceResponse"
    assert answer.explanation[0].citation.clause == raw["explanation"][0]["citation"]["clause"]
    assert answer.explanation[0].citation.clause
    assert answer.amount == raw["amount"]
    assert answer.jurisdiction.code == "330400"


def test_a_refusal_is_parsed_as_the_error_model(client: Any) -> None:
    call = _module("api.calculations.post_v1_calculations_medical_assistance")
    response = call.sync_detailed(client=client, body=_request("MedicalAssistanceRequest", {**CASE, "age": 200}))
    assert response.status_code == 422
    error = response.parsed
    assert type(error).__name__ == "Error"
    assert error.code == json.loads(response.content)["code"] == "validation_error"
    assert list(error.errors.additional_properties) == ["age"]


def test_a_comparison_row_has_a_typed_result(client: Any) -> None:
    call = _module("api.comparisons.post_v1_comparisons_medical_assistance")
    body = {key: value for key, value in CASE.items() if key != "jurisdiction"}
    comparison = call.sync(client=client, body=_request("MedicalAssistanceComparisonRequest", body))
    raw = {entry.jurisdiction.code: entry for entry in comparison.results}
    jiaxing = raw["330400"]
    assert jiaxing.status == "computed"
    assert type(jiaxing.result).__name__ == "MedicalAssistanceResponse"
    assert jiaxing.result.explanation[0].citation.clause
    refused = [entry for entry in comparison.results if entry.result is None]
    for entry in refused:
        assert type(entry.error).__name__ == "Error" and entry.error.code == entry.status


def test_a_batch_item_has_a_typed_result(client: Any) -> None:
    call = _module("api.batch.post_v1_calculations_medical_assistance_batch")
    body = {
        "jurisdiction": "330400",
        "date": "2023-06-01",
        "cases": [
            {"categories": ["subsistence_allowance"], "eligible_self_pay": "10000.00"},
            {"categories": ["subsistence_allowance"], "eligible_self_pay": "-1"},
        ],
    }
    response = call.sync_detailed(client=client, body=_request("MedicalAssistanceBatchRequest", body))
    batch = response.parsed
    raw = json.loads(response.content)
    first, second = batch.results
    assert type(first.result).__name__ == "MedicalAssistanceBatchResult"
    assert first.result.amount == raw["results"][0]["result"]["amount"]
    assert first.result.explanation[0].citation.clause
    assert second.result is None
    assert type(second.error).__name__ == "Error" and second.error.code == "validation_error"
