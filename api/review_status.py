"""``bingpin review status`` and ``bingpin review check``: legal sign-off as a command.

``status`` prints, per policy and per clause, how many scenarios read as each review status, and
lists the disputed and stale ones; with ``--strict`` it exits 1 when any verdict is 有异议 or 需复核,
so a repository can gate a release on legal sign-off. ``check`` reads a review file (as the review
page exports it) with the rules the service applies, before it is committed.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path
from typing import TextIO

from bingpin.api.catalog.data import by_id, scenarios_of, tested_by_clause, tree
from bingpin.api.catalog.reviews import (
    DISPUTED,
    MAX_FILE_CHARS,
    STALE,
    STATUSES,
    ReviewFileError,
    conflicts,
    counts,
    fingerprints,
    known_ids,
    parse_file,
    states,
)
from bingpin.features.conformance.text import printable

EXIT_OK, EXIT_NOT_SIGNED, EXIT_USAGE = 0, 1, 2


def one_line(note: str) -> str:
    """A reviewer's note on one line of the terminal: line breaks and runs of white space as one
    space, what a terminal would act on as its escape (\\x1b, \\u202e), as vendor text is."""
    return printable(" ".join(note.split()), lines=False)


def _counts(ids: list[str]) -> str:
    found = counts(ids)
    return f"场景 {len(ids)}：" + "  ".join(f"{status} {found[status]}" for status in STATUSES)


def status_lines(policy_id: str) -> list[str]:
    """One policy: its totals, each clause that scenarios test (in the text's order), then the
    scenarios whose verdict is disputed or stale."""
    policy = by_id()[policy_id]
    scenarios = scenarios_of(policy_id)
    lines = [f"{policy.jurisdiction_name}《{policy.title}》（{policy.document_number}，{policy.id}）"]
    lines.append(f"  合计  {_counts([s.id for s in scenarios])}")
    by_clause = {path: [s.id for _, s in pairs] for path, pairs in tested_by_clause(policy_id).items()}
    order = {clause.path: index for index, clause in enumerate(tree(policy).walk())}
    width = max((_width(path) for path in by_clause), default=0)
    for path in sorted(by_clause, key=lambda p: order.get(p, len(order))):
        lines.append(f"  {path}{' ' * (width - _width(path))}  {_counts(by_clause[path])}")
    for scenario in scenarios:
        state = states()[scenario.id]
        if state.status in (DISPUTED, STALE):
            recorded = f"{one_line(state.reviewer or '')}，{state.reviewed_on}"
            why = f"原结论 {state.verdict}，审核后所审内容已改变" if state.stale else one_line(state.note or "")
            lines.append(f"  {state.status} {scenario.id}（{recorded}）：{why}")
    disagreeing = conflicts()
    for scenario in scenarios:
        if scenario.id in disagreeing:
            said = "；".join(f"{r.source} {r.verdict}" for r in disagreeing[scenario.id])
            day = disagreeing[scenario.id][0].reviewed_on
            lines.append(f"  结论冲突 {scenario.id}（同日 {day} 的记录结论不一致，须再次审核）：{one_line(said)}")
    return lines


def _width(text: str) -> int:
    """Columns on a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def status(policy_id: str | None, strict: bool, out: TextIO | None = None) -> int:
    """Print the review status of one policy or all; with ``strict``, exit 1 unless signed off."""
    out = out or sys.stdout
    try:
        chosen = [policy_id] if policy_id else list(by_id())
        for index, pid in enumerate(chosen):
            if index:
                print(file=out)
            print("\n".join(status_lines(pid)), file=out)
        found = counts(s.id for pid in chosen for s in scenarios_of(pid))
        disagreeing = {s.id for pid in chosen for s in scenarios_of(pid)} & set(conflicts())
    except ReviewFileError as exc:
        print(f"bingpin review status: 审核记录无法读取 / cannot read the review records: {exc}", file=sys.stderr)
        return EXIT_USAGE
    open_items = found[DISPUTED] + found[STALE] + len(disagreeing)
    if strict and open_items:
        print(
            f"\n未通过法律审核：有异议 {found[DISPUTED]}，需复核 {found[STALE]}，结论冲突 {len(disagreeing)} "
            f"/ not signed off: {found[DISPUTED]} disputed, {found[STALE]} stale, {len(disagreeing)} in conflict",
            file=out,
        )
        return EXIT_NOT_SIGNED
    return EXIT_OK


def check(path: Path, out: TextIO | None = None) -> int:
    """Read one review file as the service would; say how its records read against the suite."""
    out = out or sys.stdout
    if path.suffix != ".yaml":
        print(
            f"bingpin review check: {path.name}: 审核记录文件名须以 .yaml 结尾，否则服务不读取 "
            "/ the service reads only review files named *.yaml",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        with path.open(encoding="utf-8") as file:
            text = file.read(MAX_FILE_CHARS + 1)  # enough to tell a file that is too long, no more
    except (OSError, UnicodeDecodeError) as exc:
        print(f"bingpin review check: 无法读取 / cannot read {path}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        records = parse_file(text, path.name, known_ids())
    except ReviewFileError as exc:
        print(f"bingpin review check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    current = fingerprints()
    gone = [r.scenario for r in records if r.scenario not in current]
    stale = [r.scenario for r in records if r.scenario in current and r.fingerprint != current[r.scenario]]
    print(f"{path.name}：{one_line(records[0].reviewer)}，{records[0].reviewed_on}，记录 {len(records)} 条", file=out)
    for verdict in ("已审核", "有异议"):
        print(f"  {verdict} {sum(r.verdict == verdict for r in records)}", file=out)
    if stale:
        print(f"  其中 {len(stale)} 条所审内容已改变（将显示为需复核）：{'、'.join(stale)}", file=out)
    if gone:
        print(f"  其中 {len(gone)} 条的场景已退役（保留为历史，不再显示）：{'、'.join(gone)}", file=out)
    print("  可放入特性目录的 reviews/ 下提交 / ready to commit under features/reviews/", file=out)
    return EXIT_OK
