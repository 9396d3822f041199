"""What the contract publishes beyond the schemas, in the OpenAPI document and in docs/vendors.md:
the rounding rule, parameter keys and the form of their units' values, the inputs each policy does
not read, the supplementary scheme's fields and the indicators' formulas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from bingpin.api.cli import spec_text
from bingpin.api.contract import refresh
from bingpin.rules.core.units import UNIT_FORMATS, written_as
from bingpin.rules.registry import policies

VENDORS = Path(__file__).resolve().parents[2] / "docs" / "vendors.md"
ROUNDING = "四舍五入（half-up）到分"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return json.loads(spec_text())


def test_the_vendors_guide_tables_match_the_rules() -> None:
    text = VENDORS.read_text(encoding="utf-8")
    assert text == refresh(text), (
        'docs/vendors.md is out of date: run python -c "from bingpin.api.contract import main; main()"'
    )


def test_rounding_half_up_to_the_fen_is_published(spec: dict[str, Any]) -> None:
    assert ROUNDING in spec["info"]["description"]
    assert ROUNDING in VENDORS.read_text(encoding="utf-8")


def test_every_parameter_key_is_published_in_the_document_with_its_unit(spec: dict[str, Any]) -> None:
    published = {p["id"]: p["unit"] for p in spec["x-parameters"]}
    expected = {f"{p.id}:{key}": q.unit for p in policies().values() for key, q in p.parameters.items()}
    assert published == expected
    description = spec["info"]["description"]
    for unit, (_, meaning) in UNIT_FORMATS.items():
        assert f"- {unit}: {meaning}" in description
    guide = VENDORS.read_text(encoding="utf-8")
    assert all(f"`{id_}`" in guide for id_ in expected)


def test_every_value_served_is_written_in_its_units_form(http: FlaskClient) -> None:
    parameters = http.get("/v1/parameters?page_size=100").get_json()
    parameters += http.get("/v1/parameters?page_size=100&page=2").get_json()
    assert len(parameters) == sum(len(p.parameters) for p in policies().values())
    for parameter in parameters:
        for value in parameter["values"]:
            assert value["value"] is None or written_as(parameter["unit"], value["value"]), parameter["id"]


def test_the_supplementary_schemes_fields_are_described(spec: dict[str, Any]) -> None:
    fields = spec["components"]["schemas"]["InsuranceSubsidyRequest"]["properties"]
    for name in ("recognized_on", "exited_on", "in_transition_period", "disability_certificate"):
        description = fields[name]["description"]
        assert "supplementary" in description and "basic" in description, name
    assert "嘉兴大病无忧" in fields["personal_contribution"]["description"]
    assert "3(三)10" in fields["scheme"]["description"]
    guide = VENDORS.read_text(encoding="utf-8")
    assert "LG-AMB-012" in guide and "`disability_certificate`" in guide


def test_fund_balance_ratio_is_named_where_a_vendor_reads(spec: dict[str, Any]) -> None:
    figures = spec["components"]["schemas"]["IndicatorsRequest"]["properties"]["figures"]["description"]
    assert "fund_balance_ratio = accumulated_balance / funds_raised" in figures
    assert "不超过15%" in figures
    guide = VENDORS.read_text(encoding="utf-8")
    assert "fund_balance_ratio = accumulated_balance" in guide and "`<= 15`" in guide
