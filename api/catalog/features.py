"""The acceptance features as data: features, scenarios, steps with their tables, tags and clause
links (review verdicts are records of their own: see reviews.py). The one parser of the feature
files: the API's catalogue, the review page and the conformance suite's manifest and clause check
all read the features through it.

The features live in one place: ``features/`` beside the ``api`` package, in a checkout and in an
installed copy alike (pyproject ships them as package data), unless ``BINGPIN_FEATURES`` names
another folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

FEATURES_ENV = "BINGPIN_FEATURES"
JURISDICTION_TAGS = ("jiaxing", "wenzhou", "longgang", "shengzhou", "chengkou")
KINDS = {"Context": "given", "Action": "when", "Outcome": "then"}
CALCULATE = "计算"
#: A clause quoted in a feature's description: ``二(二)7：“…”``.
QUOTE_LINE = re.compile(r"^\s*(?P<clause>[^\s：]+)：“(?P<quote>.+)”\s*$")


def features_dir() -> Path:
    """Where the features are: ``$BINGPIN_FEATURES``, else ``features/`` beside the api package."""
    override = os.environ.get(FEATURES_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "features"


def retired_ids() -> set[str]:
    """Ids the suite has retired (features/retired-ids.txt): no longer run, never reused."""
    text = (features_dir() / "retired-ids.txt").read_text(encoding="utf-8")
    return {line.split("#", 1)[0].strip() for line in text.splitlines()} - {""}


@dataclass(frozen=True)
class Step:
    keyword: str  # as written: 假如, 而且, 当, 那么 ...
    kind: str  # given / when / then
    text: str
    table: tuple[tuple[str, ...], ...] | None = None  # first row is the header
    docstring: str | None = None


@dataclass(frozen=True)
class Examples:
    name: str
    tags: tuple[str, ...]
    table: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    keyword: str
    line: int
    tags: tuple[str, ...]
    steps: tuple[Step, ...]
    examples: tuple[Examples, ...]
    calculations: tuple[str, ...]

    def tagged(self, prefix: str) -> list[str]:
        return [t[len(prefix) :] for t in self.tags if t.startswith(prefix)]

    @property
    def tier(self) -> str:
        return "core" if "core" in self.tags else "optional"

    @property
    def clauses(self) -> list[str]:
        return self.tagged("clause:")

    @property
    def ambiguities(self) -> list[str]:
        return self.tagged("ambiguity:")


@dataclass(frozen=True)
class Feature:
    id: str  # path under features/ without .feature, e.g. jiaxing/medical_assistance
    file: str
    language: str  # from the ``# language:`` header
    name: str
    description: str
    tags: tuple[str, ...]
    policy: str
    jurisdiction: str
    quotes: tuple[tuple[str, str], ...]
    background: tuple[Step, ...]
    scenarios: tuple[Scenario, ...]

    def tagged(self, prefix: str) -> list[str]:
        return [t[len(prefix) :] for t in self.tags if t.startswith(prefix)]


def _tags(node: dict[str, Any]) -> tuple[str, ...]:
    return tuple(t["name"].lstrip("@") for t in node.get("tags", []))


def _table(rows: list[dict[str, Any]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(cell["value"] for cell in row["cells"]) for row in rows)


def _steps(raw: list[dict[str, Any]]) -> tuple[Step, ...]:
    steps, kind = [], "given"
    for step in raw:
        kind = KINDS.get(step.get("keywordType", ""), kind)
        table = step.get("dataTable")
        docstring = step.get("docString")
        steps.append(
            Step(
                step["keyword"].strip(),
                kind,
                step["text"],
                _table(table["rows"]) if table else None,
                docstring["content"] if docstring else None,
            )
        )
    return tuple(steps)


def _quotes(description: str) -> tuple[tuple[str, str], ...]:
    matches = map(QUOTE_LINE.match, description.splitlines())
    return tuple((m.group("clause"), m.group("quote")) for m in matches if m)


@cache
def calculation_words() -> dict[str, str]:
    """Chinese name -> calculation id, from the controlled vocabulary (features/grammar.yaml)."""
    data = yaml.safe_load((features_dir() / "grammar.yaml").read_text(encoding="utf-8"))
    return dict(data["vocabulary"]["calculations"])


def _calculations(steps: tuple[Step, ...]) -> tuple[str, ...]:
    words = calculation_words()
    found = [words[s.text[len(CALCULATE) :]] for s in steps if s.kind == "when" and s.text[len(CALCULATE) :] in words]
    return tuple(dict.fromkeys(found))


def _scenarios(children: list[dict[str, Any]], feature_tags: tuple[str, ...], file: str) -> list[Scenario]:
    scenarios = []
    for child in children:
        if "rule" in child:
            rule_tags = feature_tags + _tags(child["rule"])
            scenarios += _scenarios(child["rule"]["children"], rule_tags, file)
        elif "scenario" in child:
            node = child["scenario"]
            tags = _tags(node)
            steps = _steps(node["steps"])
            line = node["location"]["line"]
            ids = [t.removeprefix("id:") for t in tags if t.startswith("id:")]
            examples = tuple(
                Examples(e["name"], _tags(e), _table([e["tableHeader"], *e["tableBody"]]))
                for e in node.get("examples", [])
                if e.get("tableHeader")
            )
            scenarios.append(
                Scenario(
                    ids[0] if ids else f"{file}:{line}",
                    node["name"],
                    node["keyword"].strip(),
                    line,
                    tags,
                    steps,
                    examples,
                    _calculations(steps),
                )
            )
    return scenarios


def parse(text: str, file: str) -> Feature:
    """One feature file (``file`` is its path under features/)."""
    document: Any = Parser().parse(TokenScanner(text))
    node = document["feature"]
    tags = _tags(node)
    background: tuple[Step, ...] = ()
    for child in node["children"]:
        if "background" in child:
            background = _steps(child["background"]["steps"])
    description = node.get("description") or ""
    return Feature(
        id=file.removesuffix(".feature"),
        file=file,
        language=node["language"],
        name=node["name"],
        description="\n".join(line.strip() for line in description.splitlines()),
        tags=tags,
        policy=next((t.removeprefix("policy:") for t in tags if t.startswith("policy:")), ""),
        jurisdiction=next((t for t in tags if t in JURISDICTION_TAGS), ""),
        quotes=_quotes(description),
        background=background,
        scenarios=tuple(_scenarios(node["children"], tags, file)),
    )


def load_features(root: Path | None = None) -> list[Feature]:
    """Every feature under ``root`` (default: :func:`features_dir`), in path order."""
    root = root or features_dir()
    return [
        parse(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix())
        for path in sorted(root.rglob("*.feature"))
    ]


def _step_data(step: Step) -> dict[str, Any]:
    return {
        "keyword": step.keyword,
        "kind": step.kind,
        "text": step.text,
        "table": [list(row) for row in step.table] if step.table else None,
        "docstring": step.docstring,
    }


def scenario_data(scenario: Scenario, review: dict[str, Any]) -> dict[str, Any]:
    """A scenario as the API sends it, with its ``review`` state (reviews.ReviewState.as_dict)."""
    return {
        "id": scenario.id,
        "name": scenario.name,
        "keyword": scenario.keyword,
        "line": scenario.line,
        "tier": scenario.tier,
        "review": review,
        "clauses": scenario.clauses,
        "ambiguities": scenario.ambiguities,
        "calculations": list(scenario.calculations),
        "tags": list(scenario.tags),
        "steps": [_step_data(step) for step in scenario.steps],
        "examples": [
            {"name": e.name, "tags": list(e.tags), "table": [list(row) for row in e.table]} for e in scenario.examples
        ],
    }


def feature_data(
    feature: Feature, reviews: Callable[[str], dict[str, Any]], scenarios: Iterable[Scenario] | None = None
) -> dict[str, Any]:
    """A feature as the API sends it: ``reviews`` gives a scenario's review state by id; ``scenarios``
    (default: all) are the ones to send."""
    return {
        "id": feature.id,
        "file": feature.file,
        "name": feature.name,
        "description": feature.description,
        "policy": feature.policy,
        "jurisdiction": feature.jurisdiction,
        "tags": list(feature.tags),
        "quotes": [{"clause": clause, "quote": quote} for clause, quote in feature.quotes],
        "background": [_step_data(step) for step in feature.background],
        "scenarios": [scenario_data(s, reviews(s.id)) for s in (feature.scenarios if scenarios is None else scenarios)],
    }
