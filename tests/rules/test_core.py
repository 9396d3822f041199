"""The core: money, dates, allocation, and the policy loader's refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bingpin.rules.core import policy as policy_module
from bingpin.rules.core.allocation import allocate
from bingpin.rules.core.citations import PolicyText
from bingpin.rules.core.dates import Period, add_months, end_of_year, first_day_of_next_month
from bingpin.rules.core.errors import ConfigurationError
from bingpin.rules.core.indicators import rate
from bingpin.rules.core.loader import load_yaml
from bingpin.rules.core.money import MoneyFormatError, format_money, format_ratio, parse_money, round_money
from bingpin.rules.core.trace import Outcome, Trace


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("9000", "9000.00"), (9000, "9000.00"), (9000.5, "9000.50"), ("0.01", "0.01"), (Decimal("12.3"), "12.30")],
)
def test_amounts_are_read_from_strings_and_numbers_as_exact_decimals(raw: object, expected: str) -> None:
    assert parse_money(raw) == Decimal(expected)
    assert format_money(parse_money(raw)) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1.005", "两位小数"),
        (-1, "负数"),
        ("NaN", "有限"),
        (float("nan"), "有限"),
        (float("inf"), "有限"),
        ("1e400", "格式无效"),
        ("1234567890123", "上限"),
        pytest.param(10**5000, "上限", id="ten-to-the-5000"),
        (" 12.3 ", "格式无效"),
        ("\uff11\uff10", "格式无效"),
        ("-0", "正负号"),
        (Decimal("-0.00"), "正负号"),
        ("abc", "无效"),
        (True, "数字"),
        (None, "数字"),
        ([1], "数字"),
    ],
)
def test_amounts_that_are_not_yuan_and_fen_are_refused_with_a_reason(raw: object, message: str) -> None:
    with pytest.raises(MoneyFormatError, match=message):
        parse_money(raw)


def test_rounding_is_half_up_to_the_fen() -> None:
    # 10.05 x 0.9 = 9.045: half-up gives 9.05 where banker's rounding would give 9.04
    assert round_money(Decimal("10.05") * Decimal("0.9")) == Decimal("9.05")
    assert round_money(Decimal("0.005")) == Decimal("0.01")
    assert round_money(Decimal("0.0049")) == Decimal("0.00")


def test_ratios_keep_two_decimals_on_the_wire() -> None:
    assert format_ratio(Decimal("0.9")) == "0.90"
    assert format_ratio(Decimal("1")) == "1.00"
    assert format_ratio(Decimal("0.655")) == "0.655"


def test_next_month_rolls_over_the_year() -> None:
    assert first_day_of_next_month(dt.date(2023, 3, 15)) == dt.date(2023, 4, 1)
    assert first_day_of_next_month(dt.date(2023, 12, 31)) == dt.date(2024, 1, 1)


def test_months_back_land_on_the_month_end_when_the_day_is_missing() -> None:
    assert add_months(dt.date(2023, 8, 31), -6) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2024, 8, 31), -6) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 5, 15), -6) == dt.date(2022, 11, 15)
    assert end_of_year(dt.date(2023, 5, 10)) == dt.date(2023, 12, 31)


def test_a_period_includes_both_its_first_and_last_day() -> None:
    period = Period(dt.date(2022, 1, 1), dt.date(2025, 12, 31))
    assert dt.date(2022, 1, 1) in period
    assert dt.date(2025, 12, 31) in period
    assert dt.date(2021, 12, 31) not in period
    assert dt.date(2026, 1, 1) not in period
    assert dt.date(2099, 1, 1) in Period(dt.date(2023, 1, 1))


def test_allocation_adds_up_to_the_fen() -> None:
    # 4000 split 28000 : 26000 -> 2074.074.. and 1925.925..: the spare fen goes to the larger remainder
    assert allocate(Decimal("4000.00"), [Decimal("28000"), Decimal("26000")]) == [
        Decimal("2074.07"),
        Decimal("1925.93"),
    ]
    parts = allocate(Decimal("0.02"), [Decimal("1"), Decimal("1"), Decimal("1")])
    assert sum(parts) == Decimal("0.02")
    assert allocate(Decimal("5.00"), [Decimal("0"), Decimal("0")]) == [Decimal("0.00"), Decimal("0.00")]


def test_a_duplicate_key_fails_loading_and_names_both_lines() -> None:
    with pytest.raises(ConfigurationError, match=r"line 3: duplicate key 'a' \(first defined on line 1\)"):
        load_yaml("a: 1\nb: 2\na: 3\n", "x.yaml")


def test_a_yaml_float_fails_loading() -> None:
    with pytest.raises(ConfigurationError, match="quoted strings"):
        load_yaml("ratio: 0.9\n", "x.yaml")


def test_quotes_are_matched_verbatim_ignoring_line_breaks() -> None:
    text = PolicyText("jiaxing-2022-58.txt")
    assert text.contains("二类对象按90%救助")
    assert text.contains("一类对象全额救助；……五类对象按不低于50%救助")
    assert not text.contains("二类对象按95%救助")
    assert not text.contains("五类对象按不低于50%救助……一类对象全额救助")


POLICY_YAML = """
policy:
  id: jiaxing-2022-58
  document_number: 嘉政办发〔2022〕58号
  title: t
  issuer: i
  issued_on: 2022-11-29
  status: 正式
  text: jiaxing-2022-58.txt
  jurisdiction: {code: "330400", name: 嘉兴市}
  in_force:
    start: 2023-01-01
    citation: {clause: 三, quote: 本办法自2023年1月1日起实施。}
categories: {}
parameters:
  p:
    description: d
    unit: ratio
    values: {2023-01-01: "0.90"}
"""


def _load(monkeypatch: pytest.MonkeyPatch, text: str) -> policy_module.Policy:
    monkeypatch.setattr(policy_module, "read_data", lambda package, filename: text)
    return policy_module.load_policy("bingpin.rules.example", "parameters.yaml")


def test_a_value_without_a_citation_fails_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match=r"parameters\.p: no citation"):
        _load(monkeypatch, POLICY_YAML)


def test_a_quote_not_in_the_policy_text_fails_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    text = POLICY_YAML + "    citation: {clause: 二(二)7, quote: 二类对象按95%救助}\n"
    with pytest.raises(ConfigurationError, match=r"quote is not in jiaxing-2022-58\.txt"):
        _load(monkeypatch, text)


AMBIGUITY = """
    citation: {clause: 二(二)7, quote: 二类对象按90%救助}
ambiguities:
  - id: JX-AMB-999
    clause: 二(二)7
    quote: 二类对象按90%救助
    issue: i
    decision: d
"""


def test_an_ambiguity_without_its_kind_fails_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match=r"ambiguities\.JX-AMB-999: missing 'kind'"):
        _load(monkeypatch, POLICY_YAML + AMBIGUITY)


@pytest.mark.parametrize("kind", ["choice", "reading"])
def test_an_ambiguity_is_a_reading_or_a_choice(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    policy = _load(monkeypatch, POLICY_YAML + AMBIGUITY + f"    kind: {kind}\n")
    assert [(a.id, a.kind) for a in policy.ambiguities] == [("JX-AMB-999", kind)]


def test_an_ambiguity_of_another_kind_fails_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match=r"kind 'guess' is not one of \['reading', 'choice'\]"):
        _load(monkeypatch, POLICY_YAML + AMBIGUITY + "    kind: guess\n")


def test_a_cited_value_loads_with_its_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    text = POLICY_YAML + "    citation: {clause: 二(二)7, quote: 二类对象按90%救助}\n"
    policy = _load(monkeypatch, text)
    assert policy.param("p", dt.date(2023, 1, 1)).value == Decimal("0.90")
    assert policy.parameters["p"].at(dt.date(2022, 12, 31)) is None


@pytest.mark.parametrize("name", ["amount", "subsidy", "relief"])
def test_a_not_eligible_answer_pays_0_00_and_null_stays_not_computed(name: str) -> None:
    refused = Outcome(eligible=False, values={name: None, "share": None}, trace=Trace())
    assert refused.values == {name: Decimal("0.00"), "share": None}
    granted = Outcome(eligible=True, values={name: None}, trace=Trace())
    assert granted.values == {name: None}


@pytest.mark.parametrize(
    ("numerator", "denominator", "target", "value"),
    [
        ("82999", "100000", "83", "82.999"),  # exact: never shown as 83.00
        ("15001", "100000", "15", "15.001"),
        ("1", "3", "33.34", "33.33333333333333333333333333"),  # below the target: rounded down
        ("2", "3", "66.66", "66.66666666666666666666666667"),  # above the target: rounded up
        ("8300", "10000", "83", "83"),  # exactly the target
    ],
)
def test_an_indicator_value_stands_on_the_same_side_of_its_target_as_the_exact_rate(
    numerator: str, denominator: str, target: str, value: str
) -> None:
    got = rate(Decimal(numerator), Decimal(denominator), Decimal(target))
    assert got == Decimal(value)
    exact = Decimal(numerator) * 100 - Decimal(target) * Decimal(denominator)
    assert (got - Decimal(target)).compare(Decimal(0)) == exact.compare(Decimal(0))


@pytest.mark.parametrize(
    ("unit", "value"), [("ratio", "90%"), ("yuan", "120000"), ("months", "6.5"), ("percent", "-5")]
)
def test_a_value_not_written_in_its_units_form_fails_loading(
    monkeypatch: pytest.MonkeyPatch, unit: str, value: str
) -> None:
    text = POLICY_YAML.replace("unit: ratio", f"unit: {unit}").replace('"0.90"', f'"{value}"')
    text += "    citation: {clause: 二(二)7, quote: 二类对象按90%救助}\n"
    with pytest.raises(ConfigurationError, match=f"is not written as a {unit} value"):
        _load(monkeypatch, text)
