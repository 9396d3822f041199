"""The clause trees: cut from the published texts without changing a character, and every clause
a feature or a citation names is found in them."""

from __future__ import annotations

import pytest

from bingpin.api.catalog.features import load_features
from bingpin.rules.core.citations import squash
from bingpin.rules.core.clauses import Clause, ClauseTree, clause_tree, parse, split_paths
from bingpin.rules.core.errors import ConfigurationError
from bingpin.rules.core.policy import Policy
from bingpin.rules.registry import policies

POLICIES = sorted(policies().values(), key=lambda p: p.id)
FEATURES = load_features()


def node(tree: ClauseTree, path: str) -> Clause:
    clause = tree.find(path)
    assert clause is not None, f"{tree.filename}: no clause {path}"
    return clause


def cited_paths(policy: Policy) -> dict[str, str]:
    """Every clause path the project cites for ``policy``, with where it is cited."""
    cited: dict[str, str] = {}
    for parameter in policy.parameters.values():
        for path in split_paths(parameter.citation.clause):
            cited.setdefault(path, f"parameter {parameter.key}")
    for entry in policy.categories.values():
        for path in split_paths(entry.citation.clause):
            cited.setdefault(path, f"category {entry.code.value}")
    for ambiguity in policy.ambiguities:
        for path in split_paths(ambiguity.clause):
            cited.setdefault(path, f"ambiguity {ambiguity.id}")
    for path in split_paths(policy.in_force_citation.clause):
        cited.setdefault(path, "in_force")
    for feature in FEATURES:
        if feature.policy != policy.id:
            continue
        for clause, _ in feature.quotes:
            cited.setdefault(clause, f"{feature.file} (quote)")
        for scenario in feature.scenarios:
            for clause in scenario.clauses:
                cited.setdefault(clause, f"{feature.file} {scenario.id}")
    return cited


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.id)
def test_joining_the_clauses_gives_back_the_policy_text(policy: Policy) -> None:
    tree = clause_tree(policy.text.filename)
    assert tree.text() == policy.text.text
    assert squash("".join(c.text for c in tree.walk())) == squash(policy.text.text)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.id)
def test_every_cited_clause_is_in_the_tree(policy: Policy) -> None:
    tree = clause_tree(policy.text.filename)
    missing = {path: where for path, where in cited_paths(policy).items() if tree.find(path) is None}
    assert not missing, f"{policy.id}: clause paths not in the tree: {missing}"


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.id)
def test_each_quote_of_the_policy_data_lies_in_the_clause_it_names(policy: Policy) -> None:
    """In the clause (with its sub-clauses) or in the heading of a clause containing it, such as the
    header row of an annex table."""
    tree = clause_tree(policy.text.filename)
    citations = [p.citation for p in policy.parameters.values()] + [c.citation for c in policy.categories.values()]
    problems = []
    for citation in citations:
        texts = []
        for path in split_paths(citation.clause):
            clause = tree.find(path)
            if clause is not None:
                texts.append(squash(clause.full_text()))
                texts += [squash(node(tree, above).text) for above in tree.ancestors(path)]
        fragments = [squash(part) for part in citation.quote.split("……") if part.strip()]
        if not all(any(fragment in text for text in texts) for fragment in fragments):
            problems.append(f"{citation.clause}: {citation.quote}")
    assert not problems, "\n".join(problems)


def test_the_paths_follow_each_policys_own_numbering() -> None:
    jiaxing = clause_tree("jiaxing-2022-58.txt")
    assert node(jiaxing, "二(二)7").title == "完善医疗救助待遇"
    assert node(jiaxing, "二(二)7").text.startswith("7")
    assert "一类对象全额救助" in node(jiaxing, "二(二)7").text
    assert jiaxing.ancestors("二(二)7") == ["二", "二(二)"]
    longgang = clause_tree("longgang-2022-yibao-shukun.txt")
    assert [c.path for c in node(longgang, "3(三)").children] == ["3(三)8", "3(三)9", "3(三)10", "3(三)11", "3(三)12"]
    assert "自负金额仍超5万元以上" in node(longgang, "附件2-32").text
    shengzhou = clause_tree("shengzhou-2023-draft.txt")
    assert node(shengzhou, "附件1第3项").title == "困难群众医疗费用个人负担率（%）"
    assert node(shengzhou, "附件1备注").kind == "remark"
    assert shengzhou.find("3-1") is not None  # 3、组织实施 numbers its items without (1)
    chengkou = clause_tree("chengkou-2021-216.txt")
    assert [c.path for c in node(chengkou, "三").children][:2] == ["三(四)", "三(五)"]
    wenzhou = clause_tree("wenzhou-2019-13.txt")
    assert node(wenzhou, "通知").kind == "part"
    assert "温医保发〔2019〕13号" in node(wenzhou, "通知").text


def test_a_citation_may_name_several_clauses() -> None:
    assert split_paths("1(2)、附件1第10项") == ["1(2)", "附件1第10项"]
    assert split_paths("二(二)7") == ["二(二)7"]


def test_a_text_whose_numbering_repeats_a_path_is_refused() -> None:
    settings = {"parts": [{"path": "标题"}], "levels": [{"pattern": r"^(?P<label>[一二三])、", "path": "{label}"}]}
    tree = parse("t.txt", "标题\n一、甲\n二、乙\n", settings)
    assert isinstance(tree, ClauseTree)
    assert [c.path for c in tree.walk()] == ["标题", "一", "二"]
    with pytest.raises(ConfigurationError, match="occurs twice"):
        parse("t.txt", "标题\n一、甲\n一、乙\n", settings)


def test_an_unknown_text_has_no_structure() -> None:
    with pytest.raises(ConfigurationError, match="no structure"):
        clause_tree("missing.txt")
