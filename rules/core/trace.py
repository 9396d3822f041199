"""What a calculation did and why: its steps (each with its citation) and its assumptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bingpin.rules.core.citations import Citation
from bingpin.rules.core.money import ZERO


@dataclass(frozen=True)
class Step:
    text: str
    citation: Citation | None = None


@dataclass
class Trace:
    """Collects the explanation of one calculation; with ``explain=False`` (an answer sent without
    its explanation) steps are not kept, and rules may skip building them: assumptions always are."""

    steps: list[Step] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    explain: bool = True

    def step(self, text: str, citation: Citation | None = None) -> None:
        if self.explain:
            self.steps.append(Step(text, citation))

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)


#: The benefit amount of each calculation that pays one.
BENEFIT_FIELDS = ("amount", "subsidy", "relief")


@dataclass
class Outcome:
    """The result of one calculation: whether the person qualifies, the figures, and the trace.

    A not-eligible answer's benefit amount is 0.00 in every calculation (``None`` means "not
    computed" and is kept for eligible answers only)."""

    eligible: bool
    values: dict[str, Any]
    trace: Trace

    def __post_init__(self) -> None:
        if not self.eligible:
            for name in BENEFIT_FIELDS:
                if name in self.values and self.values[name] is None:
                    self.values[name] = ZERO
