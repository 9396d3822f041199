"""Domain errors: one base class, grouped subclasses, translated to HTTP at one boundary
(``api.errors``). Each carries a stable ``code`` that clients can rely on."""

from __future__ import annotations


class BingpinError(Exception):
    """Base of every error the rules raise on purpose."""

    code = "error"

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ConfigurationError(BingpinError):
    """Policy data that cannot be loaded: a missing citation, a duplicate key, a bad value."""

    code = "configuration_error"


class CalculationRefused(BingpinError):
    """A request the rules answer with a clear refusal rather than a number."""


class NotInForce(CalculationRefused):
    """The date lies outside the policy's in-force period."""

    code = "not_in_force"


class NotDefinedByPolicy(CalculationRefused):
    """The jurisdiction's policy does not contain this rule (or this figure)."""

    code = "not_defined_by_policy"


class UnknownCategory(CalculationRefused):
    """A category code that this jurisdiction's policy does not recognise."""

    code = "unknown_category"


class InvalidInput(CalculationRefused):
    """Input that is well-formed but contradicts the policy (e.g. a figure above its ceiling)."""

    code = "validation_error"


class UnknownJurisdiction(CalculationRefused):
    """A jurisdiction code with no policy in this service."""

    code = "unknown_jurisdiction"
