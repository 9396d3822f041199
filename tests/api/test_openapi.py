"""The published OpenAPI document: valid, readable, and identical to what the code generates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from bingpin.api.cli import spec_text

SPEC_FILE = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def objects(node: object, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in the document with its JSON pointer, the document's own first."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from objects(value, f"{path}/{index}")


def test_the_committed_spec_matches_the_code() -> None:
    assert SPEC_FILE.read_text(encoding="utf-8") == spec_text(), (
        "openapi/openapi.json is out of date: run `bingpin openapi` and commit it"
    )


def test_the_committed_spec_does_not_depend_on_where_a_deployment_is_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    """``BINGPIN_PUBLIC_BASE_URL`` goes into the served document's ``servers`` only: with it set,
    ``bingpin openapi --check`` said the committed file was out of date."""
    monkeypatch.setenv("BINGPIN_PUBLIC_BASE_URL", "https://example.org/bingpin")
    assert SPEC_FILE.read_text(encoding="utf-8") == spec_text()


def test_the_spec_is_valid_openapi_3() -> None:
    validate(json.loads(SPEC_FILE.read_text(encoding="utf-8")))


def test_chinese_stays_readable_in_the_committed_file() -> None:
    text = SPEC_FILE.read_text(encoding="utf-8")
    assert "医疗救助" in text
    assert "\\u" not in text


def test_money_is_documented_as_a_decimal_string() -> None:
    spec = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    for name, field in [
        ("MedicalAssistanceResponse", "amount"),
        ("MedicalAssistanceResponse", "ratio"),
    ]:
        prop = schemas[name]["properties"][field]
        assert (prop["type"], prop["format"]) == ("string", "decimal"), (name, field, prop)
    # An input amount: documented as the decimal string, so that generated clients type it ``str``;
    # a JSON number written the same way is read too (DESIGN.md principle 4), said in x-also-accepts.
    prop = schemas["MedicalAssistanceRequest"]["properties"]["eligible_self_pay"]
    assert (prop["type"], prop["format"]) == ("string", "decimal"), prop
    assert "anyOf" not in prop, prop
    assert (prop["x-also-accepts"]["type"], prop["x-also-accepts"]["minimum"]) == ("number", 0), prop


def test_no_amount_is_documented_as_a_number() -> None:
    """Every ``number`` in the document is an input amount's ``x-also-accepts``: answers carry money
    as strings, and so do the documented requests (a generated client never types money ``float``)."""
    spec = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    numbers = [
        path for path, node in objects(spec) if node.get("type") == "number" and not path.endswith("/x-also-accepts")
    ]
    assert numbers == []
    also = json.dumps(spec).count('"x-also-accepts"')
    assert also > 50, also  # every input amount of every calculation, batch and comparison


def test_every_calculation_documents_its_errors() -> None:
    spec = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    for path, item in spec["paths"].items():
        if path.startswith("/v1/calculations/"):
            assert "422" in item["post"]["responses"], path
            assert item["post"]["summary"], path


def test_the_service_serves_the_same_document(http: FlaskClient) -> None:
    served = http.get("/openapi.json").get_json()
    assert served == json.loads(SPEC_FILE.read_text(encoding="utf-8"))


def test_each_enumeration_is_one_named_component() -> None:
    """A client gets one class per code list, with named members: no enum is written inline."""
    spec = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    components = "/components/schemas"
    inline = [path for path, node in objects(spec) if "enum" in node and path.rsplit("/", 1)[0] != components]
    assert not inline
    enums = {name: schema for name, schema in schemas.items() if "enum" in schema}
    assert {"JurisdictionCode", "CategoryCode", "CareType", "DiagnosisCode"} <= set(enums)
    for name, schema in enums.items():
        assert len(schema["x-enum-varnames"]) == len(schema["enum"]) == len(schema["x-enum-descriptions"]), name
        assert all(varname.isidentifier() and varname.isupper() for varname in schema["x-enum-varnames"]), name
