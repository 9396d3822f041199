"""Legal review records: bound to what was reviewed, stale when it changes, the same state everywhere."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from bingpin.api.catalog.data import by_id, features, scenarios_of, tree
from bingpin.api.catalog.features import Feature, Scenario, features_dir, parse
from bingpin.api.catalog.reviews import (
    MAX_FILE_CHARS,
    STALE,
    Record,
    ReviewFileError,
    conflicts,
    fingerprint_of,
    fingerprints,
    load_records,
    parse_file,
    state_from,
    state_of,
    states,
)
from bingpin.api.cli import main

THIRD_REVIEW = "2026-12-05-third-review.yaml"
FP = "sha256:" + "0" * 64


def find(scenario_id: str) -> tuple[Feature, Scenario]:
    return next((f, s) for f in features() for s in f.scenarios if s.id == scenario_id)


def current(scenario_id: str) -> str:
    feature, scenario = find(scenario_id)
    policy = by_id()[feature.policy]
    return fingerprint_of(
        feature,
        scenario,
        lambda path: c.text if (c := tree(policy).find(path)) else None,
        {a.id: a for a in policy.ambiguities},
    )


def test_every_review_file_reads_and_names_scenarios_of_the_suite() -> None:
    records = load_records()
    assert records and {r.scenario for r in records} <= set(fingerprints())
    assert {r.source for r in records} == {p.name for p in (features_dir() / "reviews").glob("*.yaml")}


def test_the_fingerprint_is_stable_and_covers_steps_clause_text_and_register() -> None:
    feature, scenario = find("WZ-MA-015")
    policy = by_id()[feature.policy]
    register = {a.id: a for a in policy.ambiguities}
    assert scenario.ambiguities, "a scenario naming a register entry"
    text = {path: f"原文 {path}" for path in scenario.clauses}
    base = fingerprint_of(feature, scenario, text.get, register)
    assert base == fingerprint_of(feature, scenario, dict(text).get, dict(register))
    assert current("WZ-MA-015") == fingerprints()["WZ-MA-015"]
    # a step, the clause's text, the register entry: each changes what was reviewed
    step = dataclasses.replace(scenario.steps[-1], text=scenario.steps[-1].text + "。")
    changed_step = dataclasses.replace(scenario, steps=(*scenario.steps[:-1], step))
    assert fingerprint_of(feature, changed_step, text.get, register) != base
    other_text = {**text, scenario.clauses[0]: text[scenario.clauses[0]] + "，"}
    assert fingerprint_of(feature, scenario, other_text.get, register) != base
    entry = register[scenario.ambiguities[0]]
    other_register = {**register, entry.id: dataclasses.replace(entry, decision=entry.decision + "。")}
    assert fingerprint_of(feature, scenario, text.get, other_register) != base
    assert fingerprint_of(feature, dataclasses.replace(scenario, tags=("optional",)), text.get, register) != base


def test_a_verdict_reads_stale_once_what_was_reviewed_changes() -> None:
    record = Record("JX-MA-001", "已审核", "法规处", dt.date(2026, 12, 1), "", current("JX-MA-001"), "x.yaml")
    assert state_from(record, current("JX-MA-001")).status == "已审核"
    stale = state_from(record, FP)
    assert (stale.status, stale.verdict, stale.stale, stale.reviewer) == (STALE, "已审核", True, "法规处")
    assert state_from(None, FP).status == "拟定"


def test_the_third_review_is_recorded_and_its_fixes_reopened_what_they_changed() -> None:
    """The verdicts of the third clause-by-clause review were recorded on the scenarios as that review
    read them (release 2.0.0). The fixes that followed changed most of the disputed scenarios: those
    now read 需复核; what the fixes left alone keeps its verdict."""
    third = [r for r in load_records() if r.source == THIRD_REVIEW]
    assert {r.reviewer for r in third} == {"第三次逐条审阅"} and {str(r.reviewed_on) for r in third} == {"2026-12-05"}
    disputed = {r.scenario for r in third if r.verdict == "有异议"}
    confirmed = {r.scenario for r in third if r.verdict == "已审核"}
    assert {"WZ-MA-015", "WZ-DE-015", "CK-MA-001", "CK-MA-017", "JX-MA-010", "CK-CI-009"} <= disputed
    assert {f"JX-IS-0{n}" for n in range(11, 17)} | {"JX-BS-001", "JX-IN-012"} <= confirmed
    assert all(r.note for r in third if r.verdict == "有异议")
    # WZ-MA-015 moved to the optional tier, CK-MA-001 now gives the annual limit: both were changed
    for scenario_id in ("WZ-MA-015", "CK-MA-001", "CK-CI-009", "JX-IS-006"):
        assert state_of(scenario_id).status == STALE, scenario_id
        assert state_of(scenario_id).verdict == "有异议"
    # the rounding ties were not changed (half-up was published in the contract instead)
    assert state_of("JX-MA-010").status == "有异议"
    assert state_of("JX-IS-011").status == "已审核"
    for record in third:
        expected = "需复核" if record.fingerprint != fingerprints()[record.scenario] else record.verdict
        assert states()[record.scenario].status == expected


def review_file(records: str, reviewer: str = "法规处", day: str = "2026-12-06") -> str:
    return f"reviewer: {reviewer}\nreviewed_on: {day}\nrecords:\n{records}"


def one(scenario: str = "JX-MA-001", verdict: str = "已审核", note: str = '""', fp: str = FP) -> str:
    return f"  - scenario: {scenario}\n    verdict: {verdict}\n    note: {note}\n    fingerprint: {fp}\n"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (review_file(one(verdict="通过")), "verdict"),
        (review_file(one(verdict="有异议")), "says why"),
        (review_file(one(fp="abc")), "fingerprint"),
        (review_file(one(scenario="JX-XX-999")), "no scenario"),
        (review_file(one() + one()), "twice"),
        (review_file(one(), day="2026-02-30"), "invalid YAML"),
        (review_file(one(), day='"2026-02-30"'), "reviewed_on"),
        (review_file(one(), day="2062-12-06"), "in the future"),  # a typo would outrank every later verdict
        ("[" * 100_000, "invalid YAML"),
        (review_file(one(), reviewer='""'), "reviewer"),
        (review_file(one() + "    extra: 1\n"), "unknown keys"),
        (review_file(one(note="12")), "note"),
        (review_file(one(note="1.5")), "float"),
        ("reviewer: a\nreviewer: b\nreviewed_on: 2026-12-06\nrecords: []\n", "duplicate"),
        (review_file(""), "records"),
        ("- 1\n", "mapping"),
        ("reviewer: [\n", "invalid YAML"),
        (review_file(one(note='"\ufffe"')), "invalid YAML"),  # a character YAML refuses raw
    ],
)
def test_a_review_file_that_is_not_right_is_refused_with_the_reason(text: str, says: str) -> None:
    with pytest.raises(ReviewFileError, match=says) as refused:
        parse_file(text, "x.yaml", fingerprints().keys())
    assert re.search("[\u4e00-\u9fff]", str(refused.value).replace("有异议", "")), "legal staff read Chinese"


@pytest.mark.parametrize(
    ("value", "kind"), [("no", "布尔值"), ("yes", "布尔值"), ("1:30", "数字"), ("12", "数字"), ("2026-01-01", "日期")]
)
def test_an_unquoted_note_yaml_reads_as_another_kind_says_to_quote_it(value: str, kind: str) -> None:
    with pytest.raises(ReviewFileError) as refused:
        parse_file(review_file(one(verdict="有异议", note=value)), "x.yaml", fingerprints().keys())
    assert f"YAML 把未加引号的值读成了{kind}，须加引号" in str(refused.value)
    (record,) = parse_file(review_file(one(verdict="有异议", note=f'"{value}"')), "x.yaml", fingerprints().keys())
    assert record.note == value


def test_the_latest_record_of_a_scenario_decides(tmp_path: Path) -> None:
    (tmp_path / "2026-12-01-a.yaml").write_text(
        review_file(one(verdict="有异议", note="理由"), day="2026-12-01"), encoding="utf-8"
    )
    (tmp_path / "2026-12-02-b.yaml").write_text(review_file(one(), day="2026-12-02"), encoding="utf-8")
    (tmp_path / "2026-12-03-c.yaml").write_text(
        review_file(one(scenario="JX-MA-002"), day="2026-11-30"), encoding="utf-8"
    )
    records = load_records(tmp_path)
    assert [(r.scenario, r.verdict) for r in records] == [
        ("JX-MA-002", "已审核"),
        ("JX-MA-001", "有异议"),
        ("JX-MA-001", "已审核"),
    ]


def test_open_data_coverage_and_status_agree(http: FlaskClient) -> None:
    feature = http.get("/v1/features/wenzhou/medical_assistance").get_json()
    scenario = next(s for s in feature["scenarios"] if s["id"] == "WZ-MA-015")
    assert scenario["review"] == {
        "status": "需复核",
        "verdict": "有异议",
        "reviewer": "第三次逐条审阅",
        "reviewed_on": "2026-12-05",
        "note": state_of("WZ-MA-015").note,
        "stale": True,
    }
    entries = http.get("/v1/coverage", query_string={"policy": "jiaxing-2022-58", "page_size": 100}).get_json()
    clause = next(e for e in entries if e["clause"] == "二(二)6")
    assert sum(clause["review_counts"].values()) == len(clause["scenarios"])
    expected = {"proposed": 0, "confirmed": 0, "disputed": 0, "stale": 0}
    keys = {"拟定": "proposed", "已审核": "confirmed", "有异议": "disputed", "需复核": "stale"}
    for item in clause["scenarios"]:
        expected[keys[item["review"]["status"]]] += 1
    assert clause["review_counts"] == expected and expected["confirmed"] and expected["stale"]


def test_review_status_prints_counts_and_gates_on_sign_off(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "status", "--policy", "jiaxing-2022-58"]) == 0
    out = capsys.readouterr().out
    total = len(scenarios_of("jiaxing-2022-58"))
    assert f"合计  场景 {total}：" in out and "二(二)6" in out
    assert "需复核 JX-IS-006（第三次逐条审阅，2026-12-05）" in out
    assert main(["review", "status", "--policy", "jiaxing-2022-58", "--strict"]) == 1
    assert "未通过法律审核" in capsys.readouterr().out
    assert main(["review", "status", "--policy", "nowhere"]) == 2


def test_review_check_reads_an_exported_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(review_file(one(fp=fingerprints()["JX-MA-001"])), encoding="utf-8")
    assert main(["review", "check", str(good)]) == 0
    assert "已审核 1" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text(review_file(one(verdict="有异议")), encoding="utf-8")
    assert main(["review", "check", str(bad)]) == 2
    assert "says why" in capsys.readouterr().err
    assert main(["review", "check", str(tmp_path / "missing.yaml")]) == 2


def test_a_changed_scenario_reopens_its_verdict_end_to_end(tmp_path: Path) -> None:
    """A copy of the features where a confirmed scenario's step changed: status says 需复核, and
    ``--strict`` fails, in a fresh process as a repository's CI would run it."""
    copy = tmp_path / "features"
    shutil.copytree(features_dir(), copy)
    path = copy / "jiaxing" / "insurance_subsidy.feature"
    text = path.read_text(encoding="utf-8")
    feature = parse(text, "jiaxing/insurance_subsidy.feature")
    scenario = next(s for s in feature.scenarios if s.id == "JX-IS-011")
    lines = text.splitlines(keepends=True)
    step = lines[scenario.line]  # the line after the scenario's title: its first step
    assert step.strip().endswith(scenario.steps[0].text)
    lines[scenario.line] = step.rstrip("\n") + "。\n"
    path.write_text("".join(lines), encoding="utf-8")
    env = {**os.environ, "BINGPIN_FEATURES": str(copy)}
    run = subprocess.run(
        [sys.executable, "-m", "bingpin.api.cli", "review", "status", "--policy", "jiaxing-2022-58"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "需复核 JX-IS-011（第三次逐条审阅，2026-12-05）：原结论 已审核" in run.stdout
    assert state_of("JX-IS-011").status == "已审核"  # the checkout itself is unchanged


def aliases(depth: int) -> str:
    """A YAML value of 10 ** depth items written in a few hundred characters (aliases)."""
    value = "&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"
    for level in range(1, depth + 1):
        value = f"&a{level} [{value}" + f", *a{level - 1}" * 9 + "]"
    return value


def test_a_refusal_does_not_print_a_value_built_of_aliases() -> None:
    with pytest.raises(ReviewFileError, match="this value is not one of") as refused:
        parse_file(review_file(one(verdict=aliases(5))), "x.yaml", fingerprints().keys())
    assert "lol" not in str(refused.value)


def test_review_check_refuses_a_file_the_service_would_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = review_file(one(fp=fingerprints()["JX-MA-001"]))
    named = tmp_path / "review.yml"  # the service reads features/reviews/*.yaml only
    named.write_text(text, encoding="utf-8")
    assert main(["review", "check", str(named)]) == 2
    assert "*.yaml" in capsys.readouterr().err
    long = tmp_path / "long.yaml"
    long.write_text(text + "#" * MAX_FILE_CHARS, encoding="utf-8")
    assert main(["review", "check", str(long)]) == 2
    assert f"longer than {MAX_FILE_CHARS}" in capsys.readouterr().err
    raw = tmp_path / "raw.yaml"
    raw.write_text(review_file(one(verdict="有异议", note='"\ufffe"')), encoding="utf-8")
    assert main(["review", "check", str(raw)]) == 2
    assert "invalid YAML" in capsys.readouterr().err


def test_review_status_prints_each_note_on_its_line_without_terminal_controls(tmp_path: Path) -> None:
    copy = tmp_path / "features"
    shutil.copytree(features_dir(), copy)
    note = '"第一行\\n第二行\\u2028第三行 \\x1b[31m红 \\u202e倒"'
    record = one(verdict="有异议", note=note, fp=fingerprints()["JX-MA-001"])
    (copy / "reviews" / "2026-12-06-notes.yaml").write_text(review_file(record), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "bingpin.api.cli", "review", "status", "--policy", "jiaxing-2022-58"],
        capture_output=True,
        text=True,
        env={**os.environ, "BINGPIN_FEATURES": str(copy)},
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    line = next(line for line in run.stdout.splitlines() if "JX-MA-001" in line)
    assert line.endswith("：第一行 第二行 第三行 \\x1b[31m红 \\u202e倒"), line


def test_the_static_page_is_refused_while_a_review_file_cannot_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "features"
    shutil.copytree(features_dir(), copy)
    (copy / "reviews" / "2026-12-06-bad.yaml").write_text(review_file(one(verdict="通过")), encoding="utf-8")
    env = {**os.environ, "BINGPIN_FEATURES": str(copy)}
    run = subprocess.run(
        [sys.executable, "-m", "bingpin.api.cli", "review", "--output", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 2, run.stderr
    assert "2026-12-06-bad.yaml: records[1].verdict" in run.stderr and "Traceback" not in run.stderr


def test_a_record_of_a_retired_scenario_stays_as_history_and_is_not_shown(tmp_path: Path) -> None:
    retired = "JX-IS-005"  # features/retired-ids.txt
    (tmp_path / "2026-12-01-a.yaml").write_text(review_file(one(scenario=retired) + one()), encoding="utf-8")
    assert [r.scenario for r in load_records(tmp_path)] == ["JX-MA-001"]
    with pytest.raises(ReviewFileError, match="no scenario"):
        load_records_of(tmp_path, one(scenario="JX-MA-999"))


def load_records_of(folder: Path, records: str) -> list[Record]:
    (folder / "2026-12-02-b.yaml").write_text(review_file(records), encoding="utf-8")
    return load_records(folder)


def test_records_of_one_date_that_disagree_are_a_conflict_and_fail_the_gate(tmp_path: Path) -> None:
    day = dt.date(2026, 12, 6)
    confirmed = Record("JX-MA-001", "已审核", "甲", day, "", FP, "2026-12-06-a.yaml")
    disputed = dataclasses.replace(confirmed, verdict="有异议", note="理由", source="2026-12-06-b.yaml")
    later = dataclasses.replace(confirmed, reviewed_on=dt.date(2026, 12, 7), source="2026-12-07-c.yaml")
    assert conflicts([confirmed, disputed]) == {"JX-MA-001": [confirmed, disputed]}
    assert conflicts([confirmed, disputed, later]) == {}  # a later review settles it
    assert conflicts([confirmed, dataclasses.replace(confirmed, source="b")]) == {}

    copy = tmp_path / "features"
    shutil.copytree(features_dir(), copy)
    current = fingerprints()["JX-MA-001"]
    (copy / "reviews" / "2026-12-06-a.yaml").write_text(review_file(one(fp=current)), encoding="utf-8")
    (copy / "reviews" / "2026-12-06-b.yaml").write_text(
        review_file(one(verdict="有异议", note="理由", fp=current)), encoding="utf-8"
    )
    run = subprocess.run(
        [sys.executable, "-m", "bingpin.api.cli", "review", "status", "--policy", "jiaxing-2022-58", "--strict"],
        capture_output=True,
        text=True,
        env={**os.environ, "BINGPIN_FEATURES": str(copy)},
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    assert "结论冲突 JX-MA-001（同日 2026-12-06 的记录结论不一致" in run.stdout
    assert "结论冲突 1" in run.stdout
