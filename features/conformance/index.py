"""The feature files as data: features, scenarios, tags, steps, quoted clauses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from bingpin.api.catalog.features import features_dir

FEATURES = features_dir()  # the one place that says where the features are
QUOTE_LINE = re.compile(r"^\s*(?P<clause>[^\s：]+)：“(?P<quote>.+)”\s*$")


@dataclass
class Scenario:
    name: str
    line: int
    tags: list[str]
    steps: list[tuple[str, str]]

    def tagged(self, prefix: str) -> list[str]:
        return [t[len(prefix) :] for t in self.tags if t.startswith(prefix)]


@dataclass
class Feature:
    path: Path
    first_line: str
    name: str
    tags: list[str]
    quotes: list[tuple[str, str]]
    background: list[tuple[str, str]] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)

    def tagged(self, prefix: str) -> list[str]:
        return [t[len(prefix) :] for t in self.tags if t.startswith(prefix)]


KINDS = {"Context": "given", "Action": "when", "Outcome": "then"}


def _steps(steps: Any) -> list[tuple[str, str]]:
    """(kind, text) of each step; 而且/并且 take the kind of the step before."""
    result, kind = [], "given"
    for step in steps:
        kind = KINDS.get(step.get("keywordType", ""), kind)
        result.append((kind, step["text"]))
    return result


def _tags(node: Any) -> list[str]:
    return [t["name"].lstrip("@") for t in node.get("tags", [])]


def load(path: Path) -> Feature:
    text = path.read_text(encoding="utf-8")
    document: Any = Parser().parse(TokenScanner(text))
    node = document["feature"]
    quotes = [
        (m.group("clause"), m.group("quote"))
        for m in map(QUOTE_LINE.match, (node.get("description") or "").splitlines())
        if m
    ]
    feature = Feature(path, text.splitlines()[0], node["name"], _tags(node), quotes)
    for child in node["children"]:
        if "background" in child:
            feature.background = _steps(child["background"]["steps"])
        elif "scenario" in child:
            scenario = child["scenario"]
            feature.scenarios.append(
                Scenario(
                    scenario["name"],
                    scenario["location"]["line"],
                    _tags(scenario),
                    _steps(scenario["steps"]),
                )
            )
    return feature


def all_features() -> list[Feature]:
    return [load(path) for path in sorted(FEATURES.rglob("*.feature"))]
