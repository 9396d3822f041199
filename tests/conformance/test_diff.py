"""``bingpin conformance diff`` reads any file within bounds (one line and exit 2 for what is not a
report, never a traceback), and never reads as "no regression" when NEW left out scenarios OLD ran."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bingpin.features.conformance import suite
from tests.conformance.odd_reports import UNREADABLE
from tests.test_conformance import bingpin

ENTRIES = suite.manifest()[:60]
RETIRED = "JX-IS-005"  # features/retired-ids.txt


def report(statuses: dict[str, str], entries: list[suite.Entry] = ENTRIES, version: str = "3.0.0") -> dict[str, Any]:
    """A report.json as the runner writes it, cut to what the diff reads."""
    return {
        "report_version": 2,
        "suite": {"name": "bingpin", "version": version, "manifest_sha256": suite.manifest_hash(entries)},
        "scenarios": [
            {"id": e.id, "name": e.name, "hash": e.hash, "tier": e.tier, "status": statuses[e.id]}
            for e in entries
            if e.id in statuses
        ],
        "manifest": [{"id": e.id, "hash": e.hash} for e in entries],
    }


def write(path: Path, content: dict[str, Any] | bytes) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content, ensure_ascii=False).encode())
    return path


#: OLD: the first 20 scenarios failed, the other 40 passed.
OLD = {e.id: "failed" if n < 20 else "passed" for n, e in enumerate(ENTRIES)}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        *UNREADABLE,
        (b'{"scenarios": [1]}', "scenarios[0] must be an object"),
        (b'{"scenarios": [{"id": 1, "status": "passed", "hash": "x"}]}', "scenarios[0].id must be a string"),
        (b'{"scenarios": [{"id": "A", "status": "PASSED", "hash": "x"}]}', "scenarios[0].status must be one of"),
        (b'{"scenarios": [{"id": "A", "status": "passed"}]}', "scenarios[0].hash must be a string"),
        (b'{"scenarios": [{"id": "A", "status": "passed", "hash": "x"}]}', "scenarios[0].tier must be a string"),
        (b'{"scenarios": [{"id": "A", "status": "passed", "hash": "x", "tier": "x"}]}', "tier must be one of core"),
        (b'{"scenarios": [{"id": "A", "status": "passed", "hash": NaN}]}', "NaN is not valid JSON"),
        (b'{"scenarios": [], "suite": {"manifest_sha256": "0"}, "manifest": []}', "does not match"),
    ],
)
def test_a_file_that_is_not_a_report_is_one_line_and_exit_2(content: bytes, says: str, tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", report(OLD))
    odd = write(tmp_path / "odd.json", content)
    for old, new in ((good, odd), (odd, good)):
        result = bingpin("conformance", "diff", str(old), str(new))
        assert result.returncode == 2, result.stdout + result.stderr
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"bingpin conformance diff: {odd} is not a report.json") and says in line, line
        assert result.stdout == ""


def test_a_report_too_large_or_a_directory_is_refused_with_exit_2(tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", report(OLD))
    large = write(tmp_path / "large.json", b" " * (32 * 1024 * 1024 + 1))
    for odd, says in ((large, "larger than 32 MiB"), (tmp_path, "cannot read")):
        result = bingpin("conformance", "diff", str(good), str(odd))
        assert result.returncode == 2 and says in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "kept",
    [
        {},  # scenarios: []
        {i: s for i, s in OLD.items() if s == "passed"},  # only the passing ones kept
        {i: "skipped" if s == "failed" else s for i, s in OLD.items()},  # the failures skipped
    ],
    ids=["nothing", "only-passing", "failures-skipped"],
)
def test_a_new_run_that_left_out_scenarios_is_never_no_regression(kept: dict[str, str], tmp_path: Path) -> None:
    old = write(tmp_path / "old.json", report(OLD))
    new = write(tmp_path / "new.json", report(kept))
    result = bingpin("conformance", "diff", str(old), str(new))
    assert result.returncode == 3, result.stdout + result.stderr
    missing = len([i for i in OLD if i not in kept or kept[i] == "skipped"])
    assert f"not run in NEW (OLD ran them): {missing}\n" in result.stdout
    assert "no regression" not in result.stdout and "INCOMPLETE" in result.stdout
    allowed = bingpin("conformance", "diff", "--allow-missing", str(old), str(new))
    assert allowed.returncode == 0, allowed.stdout
    assert f"no regression ({missing} not run in NEW, allowed by --allow-missing)" in allowed.stdout


def test_a_regression_is_exit_1_even_when_scenarios_are_also_missing(tmp_path: Path) -> None:
    passed = [i for i, s in OLD.items() if s == "passed"]
    old = write(tmp_path / "old.json", report(OLD))
    new = write(tmp_path / "new.json", report({passed[0]: "failed"}))
    result = bingpin("conformance", "diff", "--allow-missing", str(old), str(new))
    assert result.returncode == 1 and "REGRESSION" in result.stdout


def test_only_a_core_regression_exits_1_and_an_optional_one_only_with_strict(tmp_path: Path) -> None:
    core = next(e.id for e in ENTRIES[20:] if e.tier == "core")
    optional = next(e.id for e in ENTRIES[20:] if e.tier == "optional")
    old = write(tmp_path / "old.json", report(OLD))
    softer = write(tmp_path / "optional.json", report({**OLD, optional: "failed"}))
    result = bingpin("conformance", "diff", str(old), str(softer))
    assert result.returncode == 0, result.stdout
    assert "newly failing: 1 (core 0, optional 1)\n" in result.stdout and f"  {optional} [optional] " in result.stdout
    assert "optional regressions: 1 (not gating; --strict makes them exit 1)" in result.stdout
    assert result.stdout.endswith("no core regression\n") and "REGRESSION" not in result.stdout
    strict = bingpin("conformance", "diff", "--strict", str(old), str(softer))
    assert strict.returncode == 1 and "REGRESSION: 0 core, 1 optional (--strict)" in strict.stdout
    both = write(tmp_path / "both.json", report({**OLD, optional: "failed", core: "failed"}))
    result = bingpin("conformance", "diff", str(old), str(both))
    assert result.returncode == 1 and "REGRESSION: 1 core\n" in result.stdout
    assert "newly failing: 2 (core 1, optional 1)" in result.stdout and f"  {core} [core] " in result.stdout
    narrower = write(
        tmp_path / "narrower.json", report({i: s for i, s in OLD.items() if i != core} | {optional: "failed"})
    )
    missing = bingpin("conformance", "diff", str(old), str(narrower))  # an optional regression hides no gap
    assert missing.returncode == 3 and "INCOMPLETE" in missing.stdout


def test_retired_scenarios_and_those_a_new_suite_dropped_do_not_count_as_not_run(tmp_path: Path) -> None:
    retired = suite.Entry(**{**ENTRIES[0].__dict__, "id": RETIRED})
    old = write(tmp_path / "old.json", report({**OLD, RETIRED: "passed"}, [*ENTRIES, retired], "2.0.0"))
    dropped = ENTRIES[-1].id
    left = ENTRIES[:-1]
    new = write(tmp_path / "new.json", report({i: s for i, s in OLD.items() if i != dropped}, left, "3.0.0"))
    result = bingpin("conformance", "diff", str(old), str(new))
    assert result.returncode == 0, result.stdout
    assert "suites differ: OLD bingpin 2.0.0, NEW bingpin 3.0.0" in result.stdout
    assert "removed from the suite (retired): 2\n" in result.stdout
    assert "not run in NEW (OLD ran them): 0\n" in result.stdout
    same_suite = write(tmp_path / "same.json", report({i: s for i, s in OLD.items() if i != dropped}))
    narrowed = bingpin("conformance", "diff", str(write(tmp_path / "o.json", report(OLD))), str(same_suite))
    assert narrowed.returncode == 3 and f"  {dropped} " in narrowed.stdout


def test_the_exit_codes_allow_missing_and_strict_are_documented() -> None:
    text = bingpin("conformance", "diff", "--help").stdout
    assert "--allow-missing" in text and "3   incomplete" in text and "not run in NEW" in text
    assert "--strict" in text and "Only a @core one" in " ".join(text.split())
    guide = (Path(__file__).parents[2] / "docs" / "vendors.md").read_text(encoding="utf-8")
    assert "--allow-missing" in guide and "not run in NEW" in guide and "--strict" in guide


def test_a_reader_that_stops_reading_leaves_the_verdict_as_the_exit_status(tmp_path: Path) -> None:
    """``bingpin conformance diff OLD NEW | head -1``: the pipe closes before the diff is printed;
    the command still exits with its verdict (1: a regression), silently (it ended with a
    traceback of BrokenPipeError)."""
    new = {**OLD, ENTRIES[30].id: "failed"}
    old_path, new_path = write(tmp_path / "old.json", report(OLD)), write(tmp_path / "new.json", report(new))
    entry = "import sys; from bingpin.entry import main; sys.exit(main())"
    command = [sys.executable, "-c", entry, "conformance", "diff", str(old_path), str(new_path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as started:
        assert started.stdout is not None and started.stderr is not None
        started.stdout.close()  # the reader left before the first line
        said = started.stderr.read()
        assert started.wait(timeout=120) == 1, said
    assert b"Traceback" not in said and b"BrokenPipe" not in said
