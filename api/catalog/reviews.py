"""Legal review records: verdicts on scenarios, kept as data beside the features, bound to what was read.

A record says that a reviewer (a name or a role), on a date, found a scenario right (已审核) or not
(有异议), with a note. It also holds the fingerprint of what the reviewer read: the scenario's
steps, the verbatim text of the clauses it tests and the register entries it names. When any of
these changes, the fingerprint no longer matches and the verdict reads 需复核 until the scenario is
reviewed again. A scenario no one has reviewed is 拟定.

Records live in ``features/reviews/*.yaml``, one file per review (one reviewer, one date), never in
the Gherkin: a review does not rewrite a feature file. The latest record of a scenario decides its
state (by date, then file name, then position in the file). The page at /review exports such a file;
:func:`check_file` reads one with the same rules as the service.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bingpin.api.catalog.data import by_id, features, tree
from bingpin.api.catalog.features import Feature, Scenario, Step, features_dir, retired_ids
from bingpin.rules.core.errors import ConfigurationError
from bingpin.rules.core.loader import load_yaml
from bingpin.rules.core.policy import Ambiguity

REVIEWS_FOLDER = "reviews"
CONFIRMED, DISPUTED, PROPOSED, STALE = "已审核", "有异议", "拟定", "需复核"
#: What a reviewer can record.
VERDICTS = (CONFIRMED, DISPUTED)
#: What a scenario's review reads as, everywhere it is shown.
STATUSES = (PROPOSED, CONFIRMED, DISPUTED, STALE)
#: English keys of the per-status counts on the wire (GET /v1/coverage).
COUNT_KEYS = {PROPOSED: "proposed", CONFIRMED: "confirmed", DISPUTED: "disputed", STALE: "stale"}
FINGERPRINT = re.compile(r"^sha256:[0-9a-f]{64}$")
MAX_REVIEWER, MAX_NOTE, MAX_RECORDS, MAX_FILE_CHARS = 100, 4000, 5000, 4_000_000
FILE_KEYS = {"reviewer", "reviewed_on", "records"}
RECORD_KEYS = {"scenario", "verdict", "note", "fingerprint"}


class ReviewFileError(ConfigurationError):
    """A review file that cannot be read as review records (named, with the reason)."""


@dataclass(frozen=True)
class Record:
    scenario: str
    verdict: str
    reviewer: str
    reviewed_on: dt.date
    note: str
    fingerprint: str
    source: str  # file name under features/reviews


@dataclass(frozen=True)
class ReviewState:
    """How a scenario's review reads now."""

    status: str
    verdict: str | None = None  # the recorded verdict, also when it is stale
    reviewer: str | None = None
    reviewed_on: dt.date | None = None
    note: str | None = None
    stale: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "verdict": self.verdict,
            "reviewer": self.reviewer,
            "reviewed_on": self.reviewed_on,
            "note": self.note,
            "stale": self.stale,
        }


NOT_REVIEWED = ReviewState(PROPOSED)


def _step(step: Step) -> dict[str, Any]:
    return {
        "keyword": step.keyword,
        "text": step.text,
        "table": [list(row) for row in step.table] if step.table else None,
        "docstring": step.docstring,
    }


def fingerprint_of(
    feature: Feature,
    scenario: Scenario,
    clause_text: Callable[[str], str | None],
    register: Mapping[str, Ambiguity],
) -> str:
    """``sha256:…`` of what a reviewer reads: the scenario (title, tier, background and steps,
    examples), the verbatim text of each clause it tests, and each register entry it names."""
    payload = {
        "scenario": {
            "name": scenario.name,
            "tier": scenario.tier,
            "background": [_step(s) for s in feature.background],
            "steps": [_step(s) for s in scenario.steps],
            "examples": [[e.name, [list(row) for row in e.table]] for e in scenario.examples],
        },
        "clauses": [[path, clause_text(path)] for path in scenario.clauses],
        "register": [
            [entry.id, entry.clause, entry.quote, entry.issue, entry.decision, entry.kind]
            if (entry := register.get(name))
            else [name, None]
            for name in scenario.ambiguities
        ],
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _clause_text(policy_id: str) -> Callable[[str], str | None]:
    policy = by_id().get(policy_id)
    clauses = tree(policy) if policy else None

    def text(path: str) -> str | None:
        clause = clauses.find(path) if clauses else None
        return clause.text if clause else None

    return text


@cache
def fingerprints() -> dict[str, str]:
    """The current fingerprint of every scenario, by id."""
    result = {}
    for feature in features():
        policy = by_id().get(feature.policy)
        register = {a.id: a for a in policy.ambiguities} if policy else {}
        text = _clause_text(feature.policy)
        for scenario in feature.scenarios:
            result[scenario.id] = fingerprint_of(feature, scenario, text, register)
    return result


#: What YAML reads an unquoted value as, when not as text (``no`` a boolean, ``1:30`` a number).
_READ_AS = {
    bool: ("布尔值", "a boolean"),
    int: ("数字", "a number"),
    float: ("数字", "a number"),
    dt.date: ("日期", "a date"),
}


def _read_as(value: object) -> str:
    """What YAML made of an unquoted value that is not text, and how to keep it text; nothing for
    other values."""
    kind = _READ_AS.get(type(value))
    if kind is None:
        return ""
    return (
        f'（YAML 把未加引号的值读成了{kind[0]}，须加引号，如 "1:30" '
        f'/ YAML read the unquoted value as {kind[1]}: quote it, as in "1:30"）'
    )


def _text(value: object, where: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ReviewFileError(f"{where}: 须为非空文本 / expected non-empty text{_read_as(value)}")
    if len(value) > limit:
        raise ReviewFileError(f"{where}: 超过 {limit} 个字符 / longer than {limit} characters")
    return value.strip()


def _date(value: object, where: str) -> dt.date:
    day = None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        with contextlib.suppress(ValueError):  # a day that does not exist
            day = dt.date.fromisoformat(value)
    if day is None:
        raise ReviewFileError(f"{where}: 须为日期 YYYY-MM-DD（该日须存在）/ expected a date YYYY-MM-DD")
    # the latest record decides: a typo for a later year would outrank every real verdict to come.
    # A day of leeway: a reviewer's today (Beijing) is a day ahead of UTC for eight hours of it
    if day > dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1):
        raise ReviewFileError(f"{where}: {day.isoformat()} 晚于今天 / is in the future")
    return day


def _keys(raw: object, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ReviewFileError(f"{where}: 须为“键: 值”的映射 / expected a mapping")
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise ReviewFileError(f"{where}: 未知的键 / unknown keys {unknown}; 可用 / known: {sorted(allowed)}")
    missing = sorted(k for k in allowed if k not in raw)
    if missing:
        raise ReviewFileError(f"{where}: 缺少 / missing {missing}")
    return raw


def parse_file(text: str, name: str, known: Iterable[str] | None = None) -> list[Record]:
    """The records of one review file; ``known`` scenario ids, when given, must include each one."""
    if len(text) > MAX_FILE_CHARS:
        raise ReviewFileError(f"{name}: 超过 {MAX_FILE_CHARS} 个字符 / longer than {MAX_FILE_CHARS} characters")
    try:
        raw = load_yaml(text, name)
    except ConfigurationError as exc:  # not YAML, a repeated key, an unquoted decimal
        said = str(exc)
        kind = "键重复" if "duplicate key" in said else "小数须加引号" if "YAML float" in said else "不是有效的 YAML"
        raise ReviewFileError(f"{kind} / {said}") from exc
    except (ValueError, RecursionError) as exc:  # a date that does not exist, nesting too deep
        raise ReviewFileError(f"{name}: 不是有效的 YAML / invalid YAML: {exc}") from exc
    data = _keys(raw, FILE_KEYS, name)
    reviewer = _text(data["reviewer"], f"{name}: reviewer", MAX_REVIEWER)
    reviewed_on = _date(data["reviewed_on"], f"{name}: reviewed_on")
    raw_records = data["records"]
    if not isinstance(raw_records, list) or not raw_records:
        raise ReviewFileError(f"{name}: records: 须为非空列表 / expected a non-empty list")
    if len(raw_records) > MAX_RECORDS:
        raise ReviewFileError(f"{name}: 记录超过 {MAX_RECORDS} 条 / more than {MAX_RECORDS} records")
    ids = set(known) if known is not None else None
    records, seen = [], set()
    for index, raw in enumerate(raw_records, 1):
        where = f"{name}: records[{index}]"
        item = _keys(raw, RECORD_KEYS, where)
        scenario = _text(item["scenario"], f"{where}.scenario", 100)
        if ids is not None and scenario not in ids:
            raise ReviewFileError(
                f"{where}.scenario: 套件中没有场景 {scenario!r} / no scenario {scenario!r} in the suite"
            )
        if scenario in seen:
            raise ReviewFileError(
                f"{where}.scenario: {scenario} 在同一审核中记录了两次 / {scenario} recorded twice in one review"
            )
        seen.add(scenario)
        verdict = item["verdict"]
        if verdict not in VERDICTS:
            # only a short text is quoted back: a YAML value built of aliases can be huge once printed
            said = repr(verdict) if isinstance(verdict, str) and len(verdict) <= 20 else "this value"
            raise ReviewFileError(
                f"{where}.verdict: {said} 须为 {'或'.join(VERDICTS)} 之一 / {said} is not one of {'/'.join(VERDICTS)}"
            )
        note = item["note"]
        if note is None:
            note = ""
        if not isinstance(note, str) or len(note) > MAX_NOTE:
            raise ReviewFileError(
                f"{where}.note: 须为至多 {MAX_NOTE} 个字符的文本 / expected text of at most {MAX_NOTE} characters"
                f"{_read_as(note)}"
            )
        if verdict == DISPUTED and not note.strip():
            raise ReviewFileError(f"{where}.note: 有异议须写明理由 / a 有异议 verdict says why")
        fingerprint = item["fingerprint"]
        if not isinstance(fingerprint, str) or not FINGERPRINT.fullmatch(fingerprint):
            raise ReviewFileError(
                f"{where}.fingerprint: 须为 sha256: 加 64 位十六进制数字 / expected sha256: and 64 hexadecimal digits"
            )
        records.append(Record(scenario, verdict, reviewer, reviewed_on, note.strip(), fingerprint, name))
    return records


def reviews_dir() -> Path:
    return features_dir() / REVIEWS_FOLDER


def known_ids() -> set[str]:
    """The ids a record may name: the suite's scenarios, and the retired ones (their records stay
    as history and are not shown)."""
    return set(fingerprints()) | retired_ids()


def load_records(folder: Path | None = None) -> list[Record]:
    """Every record under ``folder`` (default: features/reviews) of a scenario in the suite, oldest
    first; a record of a retired scenario is read and checked, and left out."""
    folder = folder or reviews_dir()
    ids = known_ids()
    records: list[Record] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        records += parse_file(path.read_text(encoding="utf-8"), path.name, ids)
    current = fingerprints()
    # stable: the same date keeps the file-name order, then the order within a file
    return sorted((r for r in records if r.scenario in current), key=lambda r: r.reviewed_on)


@cache
def all_records() -> tuple[Record, ...]:
    """The review records of the suite (features/reviews), read once per process."""
    return tuple(load_records())


def conflicts(chosen: Iterable[Record] | None = None) -> dict[str, list[Record]]:
    """Scenarios whose latest records, of one date, disagree (the file name decides between them,
    which is no decision a reviewer took); ``chosen`` (default: :func:`all_records`) are oldest first."""
    latest: dict[str, list[Record]] = {}
    for record in all_records() if chosen is None else chosen:
        same = latest.get(record.scenario)
        if same and same[0].reviewed_on == record.reviewed_on:
            same.append(record)
        else:
            latest[record.scenario] = [record]
    return {sid: found for sid, found in latest.items() if len({r.verdict for r in found}) > 1}


def state_from(record: Record | None, current: str) -> ReviewState:
    """How ``record`` (the scenario's latest) reads against the scenario's ``current`` fingerprint."""
    if record is None:
        return NOT_REVIEWED
    stale = record.fingerprint != current
    return ReviewState(
        STALE if stale else record.verdict, record.verdict, record.reviewer, record.reviewed_on, record.note, stale
    )


@cache
def states() -> dict[str, ReviewState]:
    """Every scenario's review state, by id."""
    latest = {record.scenario: record for record in all_records()}  # oldest first: the latest stays
    return {sid: state_from(latest.get(sid), current) for sid, current in fingerprints().items()}


def state_of(scenario_id: str) -> ReviewState:
    return states().get(scenario_id, NOT_REVIEWED)


def review_of(scenario_id: str) -> dict[str, Any]:
    """A scenario's review state as the API sends it."""
    return state_of(scenario_id).as_dict()


def counts(scenario_ids: Iterable[str]) -> dict[str, int]:
    """How many of the scenarios read as each status (keys in :data:`STATUSES` order)."""
    result = dict.fromkeys(STATUSES, 0)
    for sid in scenario_ids:
        result[state_of(sid).status] += 1
    return result
