"""Benchmark: the service under gunicorn (api/serving.py) on loopback, against a trivial app.

``tox -e bench`` or ``python -m tests.bench.run``. In one run, two servers with the same gunicorn
settings (api/serving.py's ``options`` and ``Server``): the service, and the floor, a trivial Flask
app with one JSON endpoint doing one Decimal multiply per person (tests/bench/trivial.py). Each
scenario sends a fixed number of requests at a fixed concurrency, in rounds that interleave both
servers (a change in the machine's load falls on all scenarios alike). Prints requests/s, p50
and p99, each as a ratio to the trivial app (one request: 1 person; a 1,000-case batch: 1,000
persons), the targets, and one calculation in-process. Figures depend on the machine and on what
else runs on it: compare ratios, and re-run before drawing conclusions.
"""

from __future__ import annotations

import argparse
import json
import sys
import timeit
from contextlib import ExitStack
from dataclasses import dataclass

from bingpin.api.resources.calculations import ENDPOINTS
from bingpin.api.schemas.calculations import MedicalAssistanceRequestSchema
from bingpin.api.serving import default_workers
from bingpin.rules.registry import calculate
from tests.bench import cases, load, trivial
from tests.bench.server import serving

#: The figures a scenario is compared with: the trivial app answering one person, or 1,000.
ONE, THOUSAND = "trivial: 1 person", "trivial: 1,000 persons"


@dataclass(frozen=True)
class Scenario:
    name: str
    app: str
    request: load.Request
    total: int
    concurrency: int
    floor: str


def scenarios(scale: float) -> list[Scenario]:
    batch = cases.encode(cases.medical_batch(1000))
    single = cases.encode(cases.README_CASE)

    def count(n: int) -> int:
        return max(10, int(n * scale))

    def get(name: str, path: str) -> Scenario:
        return Scenario(name, "bingpin", load.Request("GET", path), count(6000), 4, ONE)

    return [
        Scenario(ONE, "trivial", load.Request("POST", trivial.PATH, trivial.body(1)), count(6000), 4, ONE),
        Scenario(THOUSAND, "trivial", load.Request("POST", trivial.PATH, trivial.body(1000)), count(150), 1, THOUSAND),
        get("GET /v1/parameters?page_size=20", "/v1/parameters?page_size=20"),
        get("GET /v1/policies", "/v1/policies"),
        get("GET /v1/categories", "/v1/categories"),
        get("GET /healthz", "/healthz"),
        Scenario(
            "POST medical-assistance", "bingpin", load.Request("POST", cases.MEDICAL, single), count(6000), 4, ONE
        ),
        Scenario(
            "batch 1,000 cases",
            "bingpin",
            load.Request("POST", f"{cases.MEDICAL}/batch", batch),
            count(60),
            1,
            THOUSAND,
        ),
        Scenario(
            "batch 1,000, explain=false",
            "bingpin",
            load.Request("POST", f"{cases.MEDICAL}/batch?explain=false", batch),
            count(90),
            1,
            THOUSAND,
        ),
    ]


def in_process() -> float:
    """Microseconds per call of one medical-assistance calculation (best of several runs)."""
    endpoint = ENDPOINTS[0]
    args = MedicalAssistanceRequestSchema().load(cases.README_CASE)
    case = endpoint.build(args)
    number = 5000
    best = min(timeit.repeat(lambda: calculate(endpoint.path, "330400", case), number=number, repeat=7))
    return best / number * 1e6


def report(results: dict[str, tuple[Scenario, load.Result]]) -> list[str]:
    """One line per scenario: its figures and their ratios to the trivial app (its floor)."""
    lines = [
        f"{'scenario':<32} {'n':>6} {'conc':>4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
        f" {'vs trivial':<22} {'req/s x':>7} {'p50 x':>7} {'p99 x':>7} {'errors':>6}",
    ]
    for scenario, result in results.values():
        floor = results[scenario.floor][1]
        p50, p99 = result.percentile(0.5), result.percentile(0.99)
        lines.append(
            f"{scenario.name:<32} {result.count:>6} {scenario.concurrency:>4} {result.per_second:>8.0f}"
            f" {p50 * 1000:>8.2f} {p99 * 1000:>8.2f} {scenario.floor:<22}"
            f" {result.per_second / floor.per_second:>7.2f} {p50 / floor.percentile(0.5):>7.2f}"
            f" {p99 / floor.percentile(0.99):>7.2f} {len(result.errors):>6}"
        )
    return lines


def targets(results: dict[str, tuple[Scenario, load.Result]]) -> list[tuple[str, str, bool]]:
    """(target, figure, met) for each target of the service, as ratios to the trivial app."""

    def rate(name: str) -> float:
        return results[name][1].per_second / results[ONE][1].per_second

    def p50(name: str) -> float:
        return results[name][1].percentile(0.5) / results[THOUSAND][1].percentile(0.5)

    found = [
        (f"{name}: req/s >= 0.8x the trivial app", f"{rate(name):.2f}x", rate(name) >= 0.8)
        for name in ("GET /v1/parameters?page_size=20", "GET /v1/policies", "GET /v1/categories")
    ]
    found.append(
        (
            "one calculation: req/s >= 0.75x the trivial app",
            f"{rate('POST medical-assistance'):.2f}x",
            rate("POST medical-assistance") >= 0.75,
        )
    )
    for name in ("batch 1,000 cases", "batch 1,000, explain=false"):
        found.append((f"{name}: p50 <= 5x the trivial app's 1,000 persons", f"{p50(name):.2f}x", p50(name) <= 5))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply every request count (e.g. 0.1 for a quick look)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="passes over the scenarios, interleaved (default 3)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a gunicorn setting")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    plan = scenarios(args.scale)
    merged = {scenario.name: load.Result() for scenario in plan}
    with ExitStack() as stack:
        urls = {
            app: stack.enter_context(serving(args.workers, tuple(args.set), app=app))[0]
            for app in ("trivial", "bingpin")
        }
        for scenario in plan:  # warm every worker up on every path
            request = scenario.request
            load.run(
                urls[scenario.app],
                lambda _, r=request: r,
                total=max(10, scenario.total // 20),
                concurrency=4,
                fresh_connections=True,
            )
        # Rounds, each scenario in turn: a change in the machine's load falls on all of them alike.
        for _ in range(args.rounds):
            for scenario in plan:
                request = scenario.request
                part = load.run(
                    urls[scenario.app],
                    lambda _, r=request: r,
                    total=max(1, scenario.total // args.rounds),
                    concurrency=scenario.concurrency,
                )
                merged[scenario.name].latencies += part.latencies
                merged[scenario.name].errors += part.errors
                merged[scenario.name].wall += part.wall
    results = {scenario.name: (scenario, merged[scenario.name]) for scenario in plan}
    micro = in_process()

    overrides = f", overrides: {' '.join(args.set)}" if args.set else ""
    print(
        f"both apps under gunicorn with api/serving.py: {args.workers} workers each{overrides};"
        f" {args.rounds} rounds; client: {sys.executable} threads, keep-alive"
    )
    print("\n".join(report(results)))
    print(f"in-process: one medical-assistance calculation (rules.registry.calculate): {micro:.1f} µs")
    print("targets:")
    for label, figure, met in targets(results):
        print(f"  {label}: {figure} {'met' if met else 'MISSED'}")
    errors = [error for _, result in results.values() for error in result.errors]
    for error in errors[:10]:
        print(f"error: {error}")
    if args.json:
        figures = {
            name: {
                "requests": result.count,
                "per_second": result.per_second,
                "p50_ms": result.percentile(0.5) * 1000,
                "p99_ms": result.percentile(0.99) * 1000,
                "errors": len(result.errors),
            }
            for name, (_, result) in results.items()
        }
        figures["in_process_us"] = {"medical_assistance": micro}
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, ensure_ascii=False, indent=2)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
