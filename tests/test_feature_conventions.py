"""The acceptance criteria keep their conventions: zh-CN, stable unique ids, clause tags,
verbatim quotes, and only sentences of the controlled vocabulary."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

import parse
import pytest

from bingpin.api.catalog.features import Feature, features_dir, load_features
from bingpin.features.conformance.grammar import STEPS, VOCABULARY
from bingpin.features.conformance.steps import MARK_TAGS
from bingpin.rules.core.indicators import FIGURE_NAMES, FIGURES, INDICATORS
from bingpin.rules.registry import policies

FEATURES = features_dir()
ALL = load_features()
POLICIES = {p.id: p for p in policies().values()}
ID = re.compile(r"^[A-Z]{2}-[A-Z]{2,4}-\d{3}$")
PHRASES = [(step.kind, parse.compile(step.phrase)) for step in STEPS]


def by_feature() -> list[Feature]:
    assert ALL, "no feature files found"
    return ALL


@pytest.mark.parametrize("feature", by_feature(), ids=lambda f: f.file)
def test_each_feature_is_chinese_tagged_and_quotes_its_clauses_verbatim(feature: Feature) -> None:
    first_line = (FEATURES / feature.file).read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# language: zh-CN" and feature.language == "zh-CN"
    (policy_id,) = feature.tagged("policy:")
    assert policy_id in POLICIES, f"unknown policy {policy_id}"
    assert [t for t in feature.tags if t in MARK_TAGS], "a jurisdiction tag such as @jiaxing"
    assert feature.quotes, "the description quotes the clause: 二(二)7：“…”"
    text = POLICIES[policy_id].text
    for clause, quote in feature.quotes:
        assert text.contains(quote), f"{clause}: quote not found verbatim in {text.filename}: {quote}"


@pytest.mark.parametrize("feature", by_feature(), ids=lambda f: f.file)
def test_scenario_names_are_unique_within_a_feature(feature: Feature) -> None:
    """pytest-bdd names a scenario's test after its name: a second scenario of the same name in a
    feature would replace the first, which would then never run."""
    twice = [name for name, count in Counter(s.name for s in feature.scenarios).items() if count > 1]
    assert not twice, f"{feature.file}: scenario names used twice: {twice}"


@pytest.mark.parametrize("feature", by_feature(), ids=lambda f: f.file)
def test_each_scenario_has_one_id_one_tier_and_a_quoted_clause(feature: Feature) -> None:
    (policy_id,) = feature.tagged("policy:")
    quoted = {clause for clause, _ in feature.quotes}
    ambiguities = {a.id for a in POLICIES[policy_id].ambiguities}
    for scenario in feature.scenarios:
        where = f"{feature.file}:{scenario.line} {scenario.name}"
        ids = scenario.tagged("id:")
        assert len(ids) == 1 and ID.match(ids[0]), f"{where}: one @id:XX-YY-nnn tag"
        assert len([t for t in scenario.tags if t in ("core", "optional")]) == 1, f"{where}: @core or @optional"
        clauses = scenario.tagged("clause:")
        assert clauses, f"{where}: a @clause: tag"
        for clause in clauses:
            assert clause in quoted, f"{where}: clause {clause} is not quoted in the feature description"
        for ambiguity in scenario.tagged("ambiguity:"):
            assert ambiguity in ambiguities, f"{where}: unknown ambiguity {ambiguity}"


def tier_problems(where: str, tags: list[str], kinds: dict[str, str]) -> list[str]:
    """Only the text decides @core: a @core scenario carries no tag of a ``choice`` entry, and an
    @optional scenario names the ``choice`` entry it rests on (one resting on readings alone is
    settled by the text, so it is @core)."""
    named = [t.removeprefix("ambiguity:") for t in tags if t.startswith("ambiguity:")]
    if "core" in tags:
        return [f"{where}: @core rests on {a}, a choice: make it @optional" for a in named if kinds.get(a) == "choice"]
    if "optional" in tags and not named:
        return [f"{where}: @optional names no register entry (@ambiguity:...) it rests on"]
    if "optional" in tags and not any(kinds.get(a) == "choice" for a in named):
        return [f"{where}: @optional names only readings {named}: the text settles it, make it @core"]
    return []


def test_core_rests_on_no_choice_and_optional_names_its_entry() -> None:
    kinds = {a.id: a.kind for p in POLICIES.values() for a in p.ambiguities}
    problems = []
    for feature in by_feature():
        for scenario in feature.scenarios:
            where = f"{feature.file}:{scenario.line} {scenario.tagged('id:')}"
            problems += tier_problems(where, list(scenario.tags), kinds)
    assert not problems, "\n".join(problems)


def test_the_tier_lint_refuses_a_core_choice_and_an_unexplained_optional() -> None:
    kinds = {"X-AMB-001": "choice", "X-AMB-002": "reading"}
    assert tier_problems("x", ["core", "ambiguity:X-AMB-002"], kinds) == []
    assert tier_problems("x", ["core"], kinds) == []
    assert tier_problems("x", ["optional", "ambiguity:X-AMB-001"], kinds) == []
    assert tier_problems("x", ["optional", "ambiguity:X-AMB-002", "ambiguity:X-AMB-001"], kinds) == []
    assert tier_problems("x", ["core", "ambiguity:X-AMB-002", "ambiguity:X-AMB-001"], kinds)
    assert tier_problems("x", ["optional"], kinds)
    assert tier_problems("x", ["optional", "ambiguity:X-AMB-002"], kinds)


def test_scenario_ids_are_unique_and_never_reused() -> None:
    ids = Counter(i for f in by_feature() for s in f.scenarios for i in s.tagged("id:"))
    assert not [i for i, n in ids.items() if n > 1], "duplicate scenario ids"
    retired = {
        line.strip()
        for line in (FEATURES / "retired-ids.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert not retired & set(ids), "a retired id is used again"


def test_every_step_is_exactly_one_sentence_of_the_vocabulary() -> None:
    problems = []
    for feature in by_feature():
        for step in (*feature.background, *(step for s in feature.scenarios for step in s.steps)):
            matches = [p for k, p in PHRASES if k == step.kind and p.parse(step.text)]
            if len(matches) != 1:
                problems.append(f"{feature.file}: {step.kind} {step.text!r} matches {len(matches)} phrases")
    assert not problems, "\n".join(problems)


def review_tag_problems(where: str, tags: list[str]) -> list[str]:
    """Verdicts are review records (features/reviews/), never tags: a review does not edit a feature."""
    return [
        f"{where}: @{t} — record verdicts in features/reviews/, not as tags" for t in tags if t.startswith("review")
    ]


def test_no_verdict_is_written_into_a_feature() -> None:
    problems = []
    for feature in by_feature():
        problems += review_tag_problems(feature.file, list(feature.tags))
        for scenario in feature.scenarios:
            problems += review_tag_problems(f"{feature.file}:{scenario.line}", list(scenario.tags))
    assert not problems, "\n".join(problems)


def test_the_review_tag_lint_refuses_review_tags() -> None:
    assert review_tag_problems("x", ["core", "clause:二(二)7"]) == []
    assert review_tag_problems("x", ["review:已审核"])


def test_indicators_and_figures_are_named_in_the_features_as_the_rules_name_them() -> None:
    # 嵊州 附件1's names (its table and 备注), one vocabulary for features and explanations alike
    assert set(FIGURE_NAMES) == set(FIGURES)
    assert VOCABULARY["figures"] == {name: figure for figure, name in FIGURE_NAMES.items()}
    assert {i.name: i.id for i in INDICATORS}.items() <= VOCABULARY["indicators"].items()
    assert VOCABULARY["figures"]["符合医疗救助条件的困难群众人数"] == "eligible_for_assistance"


#: Figures a text says exist without stating them. A @core scenario of that calculation that asserts
#: a benefit amount gives the figure as an input (so the amount is settled by the text), unless the
#: person is one the text exempts; computing without it is the entry's choice, for @optional only.
UNSTATED_FIGURES = [
    # policy, calculation, the request field holding the figure, the choice entry, an exempting field
    ("chengkou-2021-216", "medical-assistance", "annual_cap", "CK-AMB-016", None),
    ("wenzhou-2019-13", "critical-illness-insurance", "annual_cap", "WZ-AMB-018", "registered_poor"),
]
CALCULATION_WORDS = {code: word for word, code in VOCABULARY["calculations"].items()}


def step_spec(kind: str, text: str) -> tuple[str, dict]:
    """The action and spec of the one grammar phrase a step matches."""
    (match,) = [step for step, (k, p) in zip(STEPS, PHRASES, strict=True) if k == kind and p.parse(text)]
    return match.action, match.spec


def unstated_figure_problems(feature: Feature) -> list[str]:
    (policy_id,) = feature.tagged("policy:")
    problems = []
    for policy, calculation, field, entry, exempt in UNSTATED_FIGURES:
        if policy != policy_id:
            continue
        for scenario in feature.scenarios:
            if "core" not in scenario.tags:
                continue
            steps = [*feature.background, *scenario.steps]
            specs = [step_spec(step.kind, step.text) for step in steps]
            calls = [s.text for s in steps if s.kind == "when"]
            if f"计算{CALCULATION_WORDS[calculation]}" not in calls:
                continue
            sets = {spec["field"] for action, spec in specs if action == "sets"}
            asserts_amount = any(
                action == "checks" and spec["field"] == "amount" and not step.text.endswith(" 0.00 元")
                for step, (action, spec) in zip(steps, specs, strict=True)
            )
            if asserts_amount and field not in sets and (exempt is None or exempt not in sets):
                problems.append(
                    f"{feature.file}:{scenario.line} {scenario.tagged('id:')}: the amount depends on {field}, "
                    f"which the text does not state: give it as an input, or make the scenario @optional ({entry})"
                )
    return problems


def test_core_scenarios_give_the_figures_a_text_leaves_unstated() -> None:
    kinds = {a.id: a.kind for p in POLICIES.values() for a in p.ambiguities}
    assert all(kinds[entry] == "choice" for _, _, _, entry, _ in UNSTATED_FIGURES)
    problems = [p for feature in by_feature() for p in unstated_figure_problems(feature)]
    assert not problems, "\n".join(problems)


def test_the_unstated_figure_lint_refuses_a_core_amount_without_the_figure() -> None:
    (feature,) = [f for f in by_feature() if f.file == "chengkou/medical_assistance.feature"]
    assert not unstated_figure_problems(feature)
    without_cap = tuple(s for s in feature.background if "年度救助限额" not in s.text)
    assert unstated_figure_problems(dataclasses.replace(feature, background=without_cap))


PARENTHESISED = re.compile(r"（[^（）]*）")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.=]*[A-Za-z0-9_]")
ENTRY_ID = re.compile(r"[A-Z]{2}-AMB-\d{3}")


def field_names_outside_parentheses(text: str) -> list[str]:
    """Legal staff read the register in Chinese: a field name appears only in parentheses after the
    Chinese words (“政策下限（ratio_is_floor）”), never in their place."""
    while (stripped := PARENTHESISED.sub("", text)) != text:
        text = stripped
    return [word for word in IDENTIFIER.findall(ENTRY_ID.sub("", text))]


def test_the_register_speaks_chinese_with_field_names_only_in_parentheses() -> None:
    problems = [
        f"{a.id} {part}: {names}"
        for p in POLICIES.values()
        for a in p.ambiguities
        for part in ("issue", "decision")
        if (names := field_names_outside_parentheses(getattr(a, part)))
    ]
    assert not problems, "\n".join(problems)


def test_the_register_language_lint_finds_a_bare_field_name() -> None:
    assert field_names_outside_parentheses("答复标明为政策下限（ratio_is_floor），见 JX-AMB-004") == []
    assert field_names_outside_parentheses("标明 ratio_is_floor=true") == ["ratio_is_floor=true"]
    assert field_names_outside_parentheses("场景为 optional") == ["optional"]
