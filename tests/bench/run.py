"""Benchmark: the service under gunicorn (api/serving.py) on loopback, against its own floor.

``tox -e bench`` or ``python -m tests.bench.run``. In one run: /healthz (a trivial JSON answer
of the same app: the floor), one medical-assistance calculation, a GET of an open-data list, a
batch of 1,000 cases (with and without explanations), each with a fixed request count and
concurrency; then one calculation in-process (``rules.registry.calculate``). Prints requests/s,
p50 and p99 with each figure's ratio to the floor, and the targets. Figures depend on the
machine and on what else runs on it: compare ratios, and re-run before drawing conclusions.
"""

from __future__ import annotations

import argparse
import json
import sys
import timeit
from dataclasses import dataclass

from bingpin.api.resources.calculations import ENDPOINTS
from bingpin.api.schemas.calculations import MedicalAssistanceRequestSchema
from bingpin.api.serving import default_workers
from bingpin.rules.registry import calculate
from tests.bench import cases, load
from tests.bench.server import serving


@dataclass(frozen=True)
class Scenario:
    name: str
    request: load.Request
    total: int
    concurrency: int


def scenarios(scale: float) -> list[Scenario]:
    batch = cases.encode(cases.medical_batch(1000))
    single = cases.encode(cases.README_CASE)

    def count(n: int) -> int:
        return max(10, int(n * scale))

    return [
        Scenario("floor: GET /healthz", load.Request("GET", "/healthz"), count(6000), 4),
        Scenario("POST medical-assistance", load.Request("POST", cases.MEDICAL, single), count(6000), 4),
        Scenario("GET /v1/categories", load.Request("GET", "/v1/categories"), count(3000), 4),
        Scenario("batch 1,000 cases", load.Request("POST", f"{cases.MEDICAL}/batch", batch), count(60), 1),
        Scenario(
            "batch 1,000, explain=false",
            load.Request("POST", f"{cases.MEDICAL}/batch?explain=false", batch),
            count(100),
            1,
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


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}" if floor else "-"


def report(results: list[tuple[Scenario, load.Result]]) -> list[str]:
    floor = results[0][1]
    lines = [
        f"{'scenario':<30} {'n':>6} {'conc':>4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
        f" {'req/s÷floor':>11} {'p50÷floor':>9} {'p99÷floor':>9} {'errors':>6}",
    ]
    for scenario, result in results:
        p50, p99 = result.percentile(0.5) * 1000, result.percentile(0.99) * 1000
        lines.append(
            f"{scenario.name:<30} {result.count:>6} {scenario.concurrency:>4} {result.per_second:>8.0f}"
            f" {p50:>8.2f} {p99:>8.2f} {_ratio(result.per_second, floor.per_second):>11}"
            f" {_ratio(p50, floor.percentile(0.5) * 1000):>9} {_ratio(p99, floor.percentile(0.99) * 1000):>9}"
            f" {len(result.errors):>6}"
        )
    return lines


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
    with serving(args.workers, tuple(args.set)) as (base_url, _):
        for scenario in plan:  # warm every worker up on every path
            request = scenario.request
            load.run(
                base_url,
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
                    base_url,
                    lambda _, r=request: r,
                    total=max(1, scenario.total // args.rounds),
                    concurrency=scenario.concurrency,
                )
                merged[scenario.name].latencies += part.latencies
                merged[scenario.name].errors += part.errors
                merged[scenario.name].wall += part.wall
    results = [(scenario, merged[scenario.name]) for scenario in plan]
    micro = in_process()

    overrides = f", overrides: {' '.join(args.set)}" if args.set else ""
    print(
        f"gunicorn with api/serving.py: {args.workers} workers{overrides}; client: {sys.executable} threads, keep-alive"
    )
    print("\n".join(report(results)))
    print(f"in-process: one medical-assistance calculation (rules.registry.calculate): {micro:.1f} µs")
    floor = results[0][1].per_second
    single = results[1][1].per_second
    batch = results[3][1].percentile(0.5) * 1000
    quiet = results[4][1].percentile(0.5) * 1000
    print("targets:")
    for label, figure, met in [
        ("single calculation >= 0.6 of the floor's req/s", f"{single / floor:.2f}", single >= 0.6 * floor),
        ("1,000-case batch p50 < 25 ms", f"{batch:.1f} ms", batch < 25),
        ("1,000-case batch, explain=false, p50 < 25 ms", f"{quiet:.1f} ms", quiet < 25),
        ("in-process calculation < 50 µs", f"{micro:.1f} µs", micro < 50),
    ]:
        print(f"  {label}: {figure} {'met' if met else 'MISSED'}")
    errors = [error for _, result in results for error in result.errors]
    for error in errors[:10]:
        print(f"error: {error}")
    if args.json:
        figures = {
            scenario.name: {
                "requests": result.count,
                "per_second": result.per_second,
                "p50_ms": result.percentile(0.5) * 1000,
                "p99_ms": result.percentile(0.99) * 1000,
                "errors": len(result.errors),
            }
            for scenario, result in results
        }
        figures["in_process_us"] = {"medical_assistance": micro}
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, ensure_ascii=False, indent=2)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
