"""The suite as a versioned thing: its version, its manifest (scenario ids with content hashes)
and the check of every quoted clause against the policy texts shipped in the project."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from bingpin.api.catalog.features import Feature, Scenario, Step, features_dir, load_features
from bingpin.rules.core.citations import PolicyText
from bingpin.rules.registry import policies


def version() -> str:
    return (features_dir() / "SUITE_VERSION").read_text(encoding="utf-8").strip()


@dataclass(frozen=True)
class Entry:
    """One scenario of the suite, as a report names it."""

    id: str
    name: str
    feature: str
    line: int
    policy: str
    jurisdiction: str
    clauses: tuple[str, ...]
    tier: str
    tags: tuple[str, ...]
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "feature": self.feature,
            "line": self.line,
            "policy": self.policy,
            "jurisdiction": self.jurisdiction,
            "clauses": list(self.clauses),
            "tier": self.tier,
            "tags": list(self.tags),
            "hash": self.hash,
        }


def _plain(steps: tuple[Step, ...]) -> list[tuple[str, str]]:
    return [(step.kind, step.text) for step in steps]


def _hash(feature: Feature, scenario: Scenario) -> str:
    """What the scenario asserts: the quoted clauses, the background and its steps (kind, text), its tags."""
    content = {
        "quotes": feature.quotes,
        "background": _plain(feature.background),
        "steps": _plain(scenario.steps),
        "tags": sorted(scenario.tags),
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def manifest(features: list[Feature] | None = None) -> list[Entry]:
    entries = []
    for feature in features or load_features():
        for scenario in feature.scenarios:
            tags = tuple(sorted(set(feature.tags) | set(scenario.tags)))
            entries.append(
                Entry(
                    id=scenario.id,
                    name=scenario.name,
                    feature=feature.file,
                    line=scenario.line,
                    policy=feature.policy,
                    jurisdiction=feature.jurisdiction,
                    clauses=tuple(scenario.clauses),
                    tier=scenario.tier,
                    tags=tags,
                    hash=_hash(feature, scenario),
                )
            )
    return entries


def manifest_hash(entries: list[Entry]) -> str:
    text = "\n".join(f"{e.id} {e.hash}" for e in sorted(entries, key=lambda e: e.id))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clause_check(features: list[Feature] | None = None) -> list[dict[str, Any]]:
    """Each quoted clause: ``ok``, ``changed`` (its words are no longer in the policy text) or,
    for a clause a scenario cites but no quote covers, ``vanished``."""
    texts = {p.id: p.text for p in policies().values()}
    results = []
    for feature in features or load_features():
        policy = feature.policy
        text: PolicyText | None = texts.get(policy)
        where = feature.file
        quoted = set()
        for clause, quote in feature.quotes:
            quoted.add(clause)
            status = "ok" if text is not None and text.contains(quote) else "changed"
            results.append({"feature": where, "policy": policy, "clause": clause, "status": status, "quote": quote})
        cited = {c for s in feature.scenarios for c in s.tagged("clause:")}
        for clause in sorted(cited - quoted):
            results.append({"feature": where, "policy": policy, "clause": clause, "status": "vanished", "quote": ""})
    return results
