"""The facts of one case, per calculation: what a rule may read. Built by the API from a
validated request; every optional figure is ``None`` when not given."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class MedicalAssistanceCase:
    date: dt.date
    eligible_self_pay: Decimal
    categories: tuple[str, ...] = ()
    assistance_received_this_year: Decimal | None = None
    age: int | None = None
    diagnoses: tuple[str, ...] = ()
    care_type: str | None = None
    deductible: Decimal | None = None
    #: A local 起付线 per category code, where a policy lets each class's be set separately.
    deductibles: dict[str, Decimal] | None = None
    annual_cap: Decimal | None = None
    recognized_on: dt.date | None = None
    local_household_registration: bool | None = None
    per_capita_income: Decimal | None = None


@dataclass(frozen=True)
class CriticalIllnessCase:
    date: dt.date
    eligible_self_pay: Decimal
    per_capita_disposable_income: Decimal
    categories: tuple[str, ...] = ()
    annual_cap: Decimal | None = None
    registered_poor: bool | None = None


@dataclass(frozen=True)
class InsuranceSubsidyCase:
    date: dt.date
    categories: tuple[str, ...] = ()
    personal_contribution: Decimal | None = None
    tier: str | None = None
    recognized_on: dt.date | None = None
    exited_on: dt.date | None = None
    in_transition_period: bool | None = None
    enrolment_year: int | None = None
    enrolled_on: dt.date | None = None
    already_enrolled_this_year: bool | None = None
    #: ``None``/``"basic"``: 城乡居民基本医疗保险; ``"supplementary"``: 惠民型商业补充医疗保险 (e.g. 嘉兴大病无忧).
    scheme: str | None = None
    disability_certificate: bool | None = None


@dataclass(frozen=True)
class RiskMonitoringCase:
    date: dt.date
    annual_self_pay: Decimal
    categories: tuple[str, ...] = ()
    monitoring_standard: Decimal | None = None
    potential_threshold: Decimal | None = None
    attributes: tuple[str, ...] = ()
    age: int | None = None
    disability_grade: int | None = None
    in_transition_period: bool | None = None


@dataclass(frozen=True)
class HouseholdMember:
    self_pay: Decimal
    categories: tuple[str, ...] = ()
    followed_treatment_guidance: bool = False
    referred: bool = False


@dataclass(frozen=True)
class HighCostReliefCase:
    date: dt.date
    members: tuple[HouseholdMember, ...]


@dataclass(frozen=True)
class IndicatorsCase:
    date: dt.date
    figures: dict[str, Decimal] = field(default_factory=dict)
