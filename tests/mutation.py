"""Mutation run over the rules: is every figure and every comparison pinned down by a scenario?

Two kinds of mutant, each applied alone: every parameter value in rules/*/parameters.yaml
changed x0.9 and x1.1 (keeping its decimals), and every comparison operator in rules/**/*.py
turned into its neighbour (> and >=, < and <=: the 超过/达到 boundary). The acceptance
features run against each; a mutant is caught when a scenario fails. Prints every survivor
and the score. Usage: python -m tests.mutation [--policy jiaxing] [--kind parameters|comparisons]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
import tokenize
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from tests.source_tree import source_tree

ROOT = Path(__file__).resolve().parents[1]
VALUE = re.compile(r'(?P<date>\d{4}-\d{2}-\d{2}): "(?P<value>-?\d+(?:\.\d+)?)"')


def mutants(value: str) -> list[str]:
    number = Decimal(value)
    exponent = Decimal(1).scaleb(Decimal(value).as_tuple().exponent)  # type: ignore[arg-type]
    results = []
    for factor in (Decimal("0.9"), Decimal("1.1")):
        changed = (number * factor).quantize(exponent, rounding=ROUND_HALF_UP)
        if changed == number:
            changed = number + exponent * (1 if factor > 1 else -1)
        results.append(str(changed))
    return results


#: Modules that compute no policy: the clause-tree parser of the open data, quote matching,
#: input parsing, and the stand-ins that trace a rule for the population path (a single answer,
#: which the features check, never uses them); the API and audit tests cover them, the features
#: cannot.
NOT_RULES = {"clauses.py", "citations.py", "loader.py", "money.py", "symbolic.py"}


SOURCE: dict[str, str] = {}  # PYTHONPATH that reads the (mutated) checkout, set by main()


def run_features(*extra: str, env: dict[str, str] | None = None) -> bool:
    """True when the features pass (the mutant survived)."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *extra, "tests/step_defs"]
    environment = {**os.environ, **SOURCE, **(env or {})}
    return subprocess.run(command, cwd=ROOT, capture_output=True, check=False, env=environment).returncode == 0


def parameters_read() -> set[tuple[str, str]]:
    """(policy package, key) of every parameter some scenario reads."""
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "usage.txt"
        if not run_features("-p", "tests.mutation_usage", env={"BINGPIN_PARAMETER_USAGE": str(target)}):
            raise SystemExit("the features fail before any mutation: fix them first")
        pairs = (line.split(" ", 1) for line in target.read_text(encoding="utf-8").splitlines() if line)
        return {(package, key) for package, key in pairs}


SWAPS = {">": ">=", ">=": ">", "<": "<=", "<=": "<"}


def comparison_mutants(path: Path) -> list[tuple[int, int, str, str]]:
    """(line, column, operator, replacement) for each comparison operator in the code."""
    source = path.read_text(encoding="utf-8")
    return [
        (token.start[0], token.start[1], token.string, SWAPS[token.string])
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.OP and token.string in SWAPS
    ]


def mutate_comparisons(files: list[Path], record: Callable[[str, bool], None]) -> None:
    for path in files:
        original = path.read_text(encoding="utf-8")
        lines = original.splitlines(keepends=True)
        for line, column, operator, replacement in comparison_mutants(path):
            text = lines[line - 1]
            mutated = text[:column] + replacement + text[column + len(operator) :]
            path.write_text("".join([*lines[: line - 1], mutated, *lines[line:]]), encoding="utf-8")
            try:
                alive = run_features()
            finally:
                path.write_text(original, encoding="utf-8")
            record(f"{path.relative_to(ROOT)}:{line} {operator} -> {replacement}  | {text.strip()}", alive)


def main() -> int:
    with source_tree() as directory:
        SOURCE["PYTHONPATH"] = os.pathsep.join(filter(None, [str(directory), os.environ.get("PYTHONPATH")]))
        return mutation_run()


def mutation_run() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--policy", action="append", help="policy package (e.g. jiaxing); default all")
    parser.add_argument("--kind", choices=["parameters", "comparisons", "all"], default="all")
    args = parser.parse_args()
    files = sorted(ROOT.glob("rules/*/parameters.yaml"))
    code = sorted(p for p in ROOT.glob("rules/*/*.py") if p.parent.name != "texts" and p.name not in NOT_RULES)
    if args.policy:
        files = [f for f in files if f.parent.name in args.policy]
        code = [c for c in code if c.parent.name in args.policy]
    read = parameters_read()
    unread: list[str] = []
    caught = survived = 0
    survivors: list[str] = []

    def record(label: str, alive: bool) -> None:
        nonlocal caught, survived
        if alive:
            survived += 1
            survivors.append(label)
        else:
            caught += 1
        print(f"{'SURVIVED' if alive else 'caught  '} {label}", flush=True)

    if args.kind in ("comparisons", "all"):
        mutate_comparisons(code, record)
    for path in files if args.kind in ("parameters", "all") else []:
        original = path.read_text(encoding="utf-8")
        lines = original.splitlines(keepends=True)
        key = "?"
        for number, line in enumerate(lines):
            header = re.match(r"^  ([\w.]+):\s*$", line)
            if header:
                key = header.group(1)
            open_data = (path.parent.name, key) not in read
            if VALUE.search(line) and open_data:
                unread.append(f"{path.parent.name}: {key}")
            for match in VALUE.finditer(line):
                for changed in mutants(match.group("value")):
                    mutated = line[: match.start("value")] + changed + line[match.end("value") :]
                    path.write_text("".join([*lines[:number], mutated, *lines[number + 1 :]]), encoding="utf-8")
                    try:
                        alive = run_features()
                    finally:
                        path.write_text(original, encoding="utf-8")
                    where = " (read by no calculation: open data)" if open_data else ""
                    label = f"{path.parent.name}: {key} {match.group('date')} {match.group('value')} -> {changed}"
                    record(label + where, alive)
    total = caught + survived
    score = Decimal(100 * caught) / total if total else Decimal(0)
    print(f"\nmutants: {total}, caught: {caught}, survived: {survived}, score: {score:.1f}%")
    for label in survivors:
        print(f"  survivor: {label}")
    if unread:
        print(
            f"of which read by no calculation (open data, pinned by open-data scenarios): {len(set(unread))} parameters"
        )
    return 0 if survived == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
