"""A policy as data: metadata, in-force period, categories, dated parameters, ambiguities.

Loaded from a YAML file beside the policy module. Loading fails with a clear message when a
value has no citation, a quote is not in the shipped policy text, or a key is repeated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from importlib import resources
from typing import Any

from bingpin.rules.core.categories import Category
from bingpin.rules.core.citations import Citation, PolicyText
from bingpin.rules.core.dates import Period
from bingpin.rules.core.errors import ConfigurationError, NotInForce, UnknownCategory
from bingpin.rules.core.inputs import IgnoredInputs
from bingpin.rules.core.loader import load_yaml
from bingpin.rules.core.trace import Outcome, Trace
from bingpin.rules.core.units import UNITS, written_as

COMPARATORS = {">=", "<=", ">", "<"}
KINDS = {"约束性", "预期性"}
#: ``choice``: the text allows more than one answer and the reference picked one (scenarios whose
#: outcome differs under the rejected reading are @optional); ``reading``: the text settles it.
AMBIGUITY_KINDS = ("reading", "choice")


@dataclass(frozen=True)
class ParameterValue:
    """One parameter's value on one date, with where it comes from."""

    key: str
    value: Decimal
    unit: str
    is_floor: bool
    citation: Citation
    comparator: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Parameter:
    """A figure stated by a policy, with its dated values (``None`` = repealed from that date)."""

    key: str
    description: str
    unit: str
    is_floor: bool
    citation: Citation
    values: tuple[tuple[dt.date, Decimal | None], ...]
    comparator: str | None = None
    kind: str | None = None
    #: Each dated value as the ``ParameterValue`` that ``at`` hands out, built once (the hot path).
    resolved: tuple[ParameterValue | None, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        resolved = tuple(
            None
            if value is None
            else ParameterValue(self.key, value, self.unit, self.is_floor, self.citation, self.comparator, self.kind)
            for _, value in self.values
        )
        object.__setattr__(self, "resolved", resolved)

    def at(self, day: dt.date) -> ParameterValue | None:
        current: ParameterValue | None = None
        for (start, _), value in zip(self.values, self.resolved, strict=True):
            if start <= day:
                current = value
        return current


@dataclass(frozen=True)
class CategoryEntry:
    code: Category
    name: str
    label: str | None
    citation: Citation


@dataclass(frozen=True)
class Ambiguity:
    id: str
    clause: str
    quote: str
    issue: str
    decision: str
    kind: str  # one of AMBIGUITY_KINDS


Calculation = Callable[["Policy", Any, Trace], Outcome]


@dataclass
class Policy:
    id: str
    document_number: str
    title: str
    issuer: str
    issued_on: dt.date | None
    status: str
    jurisdiction_code: str
    jurisdiction_name: str
    in_force: Period
    in_force_citation: Citation
    text: PolicyText
    categories: dict[Category, CategoryEntry]
    parameters: dict[str, Parameter]
    ambiguities: list[Ambiguity]
    calculations: dict[str, Calculation] = field(default_factory=dict)
    #: Inputs each calculation does not read, with the assumption line a request giving one gets.
    ignored_inputs: IgnoredInputs = field(default_factory=dict)

    def cite(self, clause: str, quote: str) -> Citation:
        """A citation of this policy, checked against its text (used by rules for steps).

        Rules cite literal quotes, so each is checked once and then served from a cache.
        """
        citation = self._citations.get((clause, quote))
        if citation is None:
            if not self.text.contains(quote):
                raise ConfigurationError(f"{self.id}: quote not in the policy text at {clause}: {quote!r}")
            citation = self._citations[(clause, quote)] = Citation(self.id, clause, quote)
        return citation

    @cached_property
    def _citations(self) -> dict[tuple[str, str], Citation]:
        return {}

    @cached_property
    def _category_codes(self) -> dict[str, Category]:
        return {category.value: category for category in self.categories}

    def param(self, key: str, day: dt.date) -> ParameterValue:
        """The value of parameter ``key`` on ``day``; a missing one is a programming error."""
        try:
            value = self.parameters[key].at(day)
        except KeyError:
            raise ConfigurationError(f"{self.id}: no parameter {key!r}") from None
        if value is None:
            raise NotInForce(f"参数 {key} 在 {day.isoformat()} 无有效值 / no value in force on that date")
        return value

    def check_in_force(self, day: dt.date) -> None:
        if day not in self.in_force:
            raise NotInForce(
                f"{self.document_number} 的施行期间为 {self.in_force.describe()}，"
                f"{day.isoformat()} 不在其内 / {day.isoformat()} is outside the policy's in-force period",
                {"date": [f"施行期间 / in force: {self.in_force.describe()}"]},
            )

    def categories_of(self, codes: Iterable[str], field_name: str = "categories") -> list[Category]:
        """Map category codes to this policy's categories; unknown ones are refused."""
        result: list[Category] = []
        known = self._category_codes
        unknown = [code for code in codes if code not in known]
        if unknown:
            accepted = "、".join(f"{c.value}（{e.name}）" for c, e in self.categories.items())
            raise UnknownCategory(
                f"{self.document_number} 不含类别 {', '.join(unknown)} / category not recognised by this policy",
                {field_name: [f"可用类别 / accepted: {accepted}"]},
            )
        for code in codes:
            category = known[code]
            if category not in result:
                result.append(category)
        return result

    def name_of(self, category: Category) -> str:
        entry = self.categories[category]
        return f"{entry.name}（{entry.label}）" if entry.label else entry.name


def _require(mapping: dict[str, Any], key: str, where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping or mapping[key] in (None, ""):
        raise ConfigurationError(f"{where}: missing {key!r}")
    return mapping[key]


def _citation(policy_id: str, text: PolicyText, raw: Any, where: str) -> Citation:
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where}: no citation (every value needs clause and verbatim quote)")
    clause = str(_require(raw, "clause", f"{where}.citation"))
    quote = str(_require(raw, "quote", f"{where}.citation"))
    if not text.contains(quote):
        raise ConfigurationError(f"{where}: citation quote is not in {text.filename} (clause {clause}): {quote!r}")
    return Citation(policy_id, clause, quote)


def _decimal(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise ConfigurationError(f"{where}: value must be a quoted decimal string, got {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ConfigurationError(f"{where}: not a decimal: {raw!r}") from None
    if not value.is_finite():
        raise ConfigurationError(f"{where}: not a finite decimal: {raw!r}")
    return value


def _date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    raise ConfigurationError(f"{where}: expected a date (YYYY-MM-DD), got {raw!r}")


def _parameter(policy_id: str, text: PolicyText, key: str, raw: Any, where: str) -> Parameter:
    where = f"{where}: parameters.{key}"
    unit = str(_require(raw, "unit", where))
    if unit not in UNITS:
        raise ConfigurationError(f"{where}: unit {unit!r} is not one of {sorted(UNITS)}")
    values_raw = _require(raw, "values", where)
    if not isinstance(values_raw, dict):
        raise ConfigurationError(f"{where}: values must map start dates to values")
    for start, v in values_raw.items():
        if v is not None and not written_as(unit, str(v)):
            raise ConfigurationError(f"{where}.values.{start}: {v!r} is not written as a {unit} value")
    values = tuple(
        sorted(
            (
                (_date(start, f"{where}.values"), None if v is None else _decimal(v, f"{where}.values.{start}"))
                for start, v in values_raw.items()
            ),
            key=lambda pair: pair[0],
        )
    )
    comparator = raw.get("comparator")
    if comparator is not None and comparator not in COMPARATORS:
        raise ConfigurationError(f"{where}: comparator {comparator!r} is not one of {sorted(COMPARATORS)}")
    kind = raw.get("kind")
    if kind is not None and kind not in KINDS:
        raise ConfigurationError(f"{where}: kind {kind!r} is not one of {sorted(KINDS)}")
    return Parameter(
        comparator=comparator,
        kind=kind,
        key=key,
        description=str(_require(raw, "description", where)),
        unit=unit,
        is_floor=bool(raw.get("floor", False)),
        citation=_citation(policy_id, text, raw.get("citation"), where),
        values=values,
    )


def read_data(package: str, filename: str) -> str:
    """The text of a data file shipped inside ``package``."""
    return resources.files(package).joinpath(filename).read_text(encoding="utf-8")


def load_policy(package: str, filename: str) -> Policy:
    """Load ``filename`` from ``package`` (e.g. ``rules.jiaxing``, ``parameters.yaml``)."""
    name = f"{package.replace('.', '/')}/{filename}"
    data = load_yaml(read_data(package, filename), name)
    meta = _require(data, "policy", name)
    policy_id = str(_require(meta, "id", name))
    text = PolicyText(str(_require(meta, "text", name)))
    in_force = _require(meta, "in_force", f"{name}: policy")
    end = in_force.get("end")
    jurisdiction = _require(meta, "jurisdiction", f"{name}: policy")
    categories = {}
    for code, raw in (_require(data, "categories", name) or {}).items():
        try:
            category = Category(code)
        except ValueError:
            raise ConfigurationError(f"{name}: categories: unknown category code {code!r}") from None
        categories[category] = CategoryEntry(
            category,
            str(_require(raw, "name", f"{name}: categories.{code}")),
            raw.get("label"),
            _citation(policy_id, text, raw.get("citation"), f"{name}: categories.{code}"),
        )
    parameters = {
        key: _parameter(policy_id, text, key, raw, name) for key, raw in (data.get("parameters") or {}).items()
    }
    ambiguities = []
    for raw in data.get("ambiguities") or []:
        where = f"{name}: ambiguities.{raw.get('id')}"
        citation = _citation(policy_id, text, raw, where)
        kind = str(_require(raw, "kind", where))
        if kind not in AMBIGUITY_KINDS:
            raise ConfigurationError(f"{where}: kind {kind!r} is not one of {list(AMBIGUITY_KINDS)}")
        ambiguities.append(
            Ambiguity(
                id=str(_require(raw, "id", where)),
                clause=citation.clause,
                quote=citation.quote,
                issue=str(_require(raw, "issue", where)),
                decision=str(_require(raw, "decision", where)),
                kind=kind,
            )
        )
    issued = meta.get("issued_on")
    return Policy(
        id=policy_id,
        document_number=str(_require(meta, "document_number", name)),
        title=str(_require(meta, "title", name)),
        issuer=str(_require(meta, "issuer", name)),
        issued_on=_date(issued, f"{name}: issued_on") if issued is not None else None,
        status=str(_require(meta, "status", name)),
        jurisdiction_code=str(_require(jurisdiction, "code", name)),
        jurisdiction_name=str(_require(jurisdiction, "name", name)),
        in_force=Period(_date(_require(in_force, "start", name), name), _date(end, name) if end else None),
        in_force_citation=_citation(policy_id, text, in_force.get("citation"), f"{name}: in_force"),
        text=text,
        categories=categories,
        parameters=parameters,
        ambiguities=ambiguities,
    )
