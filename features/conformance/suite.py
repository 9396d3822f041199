"""The suite as a versioned thing: its version, its manifest (scenario ids with content hashes)
and the check of every quoted clause against the policy texts shipped in the project."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from bingpin.features.conformance.index import FEATURES, Feature, Scenario, all_features
from bingpin.rules.core.citations import PolicyText
from bingpin.rules.registry import policies

MARK_POLICIES = {"jiaxing", "wenzhou", "longgang", "shengzhou", "chengkou"}


def version() -> str:
    return (FEATURES / "SUITE_VERSION").read_text(encoding="utf-8").strip()


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


def _hash(feature: Feature, scenario: Scenario) -> str:
    content = {
        "quotes": feature.quotes,
        "background": feature.background,
        "steps": scenario.steps,
        # A reviewer's decision (@review:...) does not change what the scenario asserts.
        "tags": sorted(t for t in scenario.tags if not t.startswith("review:")),
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def manifest(features: list[Feature] | None = None) -> list[Entry]:
    entries = []
    for feature in features or all_features():
        policy = next(iter(feature.tagged("policy:")), "")
        jurisdiction = next((t for t in feature.tags if t in MARK_POLICIES), "")
        for scenario in feature.scenarios:
            tags = tuple(sorted(set(feature.tags) | set(scenario.tags)))
            entries.append(
                Entry(
                    id=next(iter(scenario.tagged("id:")), f"{feature.path.name}:{scenario.line}"),
                    name=scenario.name,
                    feature=str(feature.path.relative_to(FEATURES)),
                    line=scenario.line,
                    policy=policy,
                    jurisdiction=jurisdiction,
                    clauses=tuple(scenario.tagged("clause:")),
                    tier="core" if "core" in scenario.tags else "optional",
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
    for feature in features or all_features():
        policy = next(iter(feature.tagged("policy:")), "")
        text: PolicyText | None = texts.get(policy)
        where = str(feature.path.relative_to(FEATURES))
        quoted = set()
        for clause, quote in feature.quotes:
            quoted.add(clause)
            status = "ok" if text is not None and text.contains(quote) else "changed"
            results.append({"feature": where, "policy": policy, "clause": clause, "status": status, "quote": quote})
        cited = {c for s in feature.scenarios for c in s.tagged("clause:")}
        for clause in sorted(cited - quoted):
            results.append({"feature": where, "policy": policy, "clause": clause, "status": "vanished", "quote": ""})
    return results
