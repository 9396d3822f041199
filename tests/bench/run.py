"""Benchmark: the service under gunicorn (api/serving.py) on loopback, against a trivial app.

``tox -e bench`` or ``python -m tests.bench.run``. In one run, two servers with the same gunicorn
settings (api/serving.py's ``options`` and ``Server``): the service, and the floor, a trivial Flask
app with one JSON endpoint doing one Decimal multiply per person (tests/bench/trivial.py), sent
the same request bodies. Each scenario sends a fixed number of requests at a fixed concurrency,
in rounds; in every round the trivial app is measured right before the scenario with the same
count and concurrency (one person for one request, 1,000 persons for a 1,000-case batch), so a
change in the machine's load falls on both sides of each ratio. Prints requests/s, p50 and p99
of each scenario and of the trivial app beside it, their ratios (all rounds together, and the
range over rounds), the targets, each request's CPU time in-process beside the trivial app's (the
app called as WSGI, by the thread's CPU clock: steady under a shared machine's load), and one
calculation in-process. Served figures depend on the machine and on what else runs on it:
compare ratios, and re-run before drawing conclusions.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
import timeit
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from werkzeug.test import EnvironBuilder

from bingpin.api import create_app
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
    request: load.Request
    total: int
    concurrency: int
    floor: load.Request
    floor_name: str


@dataclass
class Measured:
    """A scenario's requests and those of the trivial app measured beside it, round by round."""

    scenario: Scenario
    own: load.Result = field(default_factory=load.Result)
    floor: load.Result = field(default_factory=load.Result)
    rounds: list[tuple[float, float]] = field(default_factory=list)

    def add(self, own: load.Result, floor: load.Result) -> None:
        for total, part in ((self.own, own), (self.floor, floor)):
            total.latencies += part.latencies
            total.errors += part.errors
            total.wall += part.wall
        self.rounds.append((own.per_second / floor.per_second, own.percentile(0.5) / floor.percentile(0.5)))

    @property
    def rate(self) -> float:
        """Requests/s as a ratio to the trivial app's."""
        return self.own.per_second / self.floor.per_second

    @property
    def p50(self) -> float:
        """p50 as a ratio to the trivial app's."""
        return self.own.percentile(0.5) / self.floor.percentile(0.5)


def scenarios(scale: float) -> list[Scenario]:
    batch = cases.encode(cases.medical_batch(1000))
    mixed = cases.encode(cases.mixed_medical_batch(1000))
    single = cases.encode(cases.README_CASE)
    one = load.Request("POST", trivial.PATH, trivial.body(1))
    thousand = load.Request("POST", trivial.PATH, trivial.body(1000))

    def count(n: int) -> int:
        return max(10, int(n * scale))

    def get(name: str, path: str) -> Scenario:
        return Scenario(name, load.Request("GET", path), count(4000), 4, one, ONE)

    return [
        get("GET /v1/parameters?page_size=20", "/v1/parameters?page_size=20"),
        get("GET /v1/policies", "/v1/policies"),
        get("GET /v1/categories", "/v1/categories"),
        get("GET /healthz", "/healthz"),
        Scenario("POST medical-assistance", load.Request("POST", cases.MEDICAL, single), count(4000), 4, one, ONE),
        Scenario(
            "batch 1,000 cases", load.Request("POST", f"{cases.MEDICAL}/batch", batch), count(60), 1, thousand, THOUSAND
        ),
        Scenario(
            "batch 1,000, explain=false",
            load.Request("POST", f"{cases.MEDICAL}/batch?explain=false", batch),
            count(90),
            1,
            thousand,
            THOUSAND,
        ),
        Scenario(
            "batch 1,000 mixed",
            load.Request("POST", f"{cases.MEDICAL}/batch", mixed),
            count(60),
            1,
            thousand,
            THOUSAND,
        ),
        Scenario(
            "batch 1,000 mixed, explain=false",
            load.Request("POST", f"{cases.MEDICAL}/batch?explain=false", mixed),
            count(90),
            1,
            thousand,
            THOUSAND,
        ),
    ]


def always(request: load.Request) -> Callable[[int], load.Request]:
    return lambda _: request


def cpu_time(app: Any, request: load.Request, number: int) -> float:
    """Microseconds of this thread's CPU per request, the app called as WSGI in-process (best of 7):
    what the app itself costs, whatever else the machine runs."""
    environ = EnvironBuilder(
        method=request.method, path=request.path, data=request.body, headers=list(request.headers.items())
    ).get_environ()

    def call() -> None:
        answered: list[str] = []
        each = {**environ, "wsgi.input": io.BytesIO(request.body or b"")}
        body = app(each, lambda status, headers, exc_info=None: answered.append(status))
        b"".join(body)
        getattr(body, "close", lambda: None)()
        if not answered[0].startswith(str(request.expect)):
            raise RuntimeError(f"{request.method} {request.path}: {answered[0]}")

    call()
    return min(timeit.repeat(call, number=number, repeat=7, timer=time.thread_time)) / number * 1e6


def in_process_table(plan: list[Scenario]) -> list[str]:
    """Each scenario's CPU time per request in-process, beside the trivial app's for the same body."""
    service, floor = create_app(), trivial.create_app()
    lines = [f"{'in-process, CPU µs per request':<31} {'service':>9} {'trivial app':>12} {'x':>6}"]
    for scenario in plan:
        number = 3 if scenario.floor_name == THOUSAND else 500
        own, base = cpu_time(service, scenario.request, number), cpu_time(floor, scenario.floor, number)
        lines.append(f"{scenario.name:<31} {own:>9.1f} {base:>12.1f} {own / base:>6.2f}")
    return lines


def in_process() -> float:
    """Microseconds per call of one medical-assistance calculation (best of several runs)."""
    endpoint = ENDPOINTS[0]
    args = MedicalAssistanceRequestSchema().load(cases.README_CASE)
    case = endpoint.build(args)
    number = 5000
    best = min(timeit.repeat(lambda: calculate(endpoint.path, "330400", case), number=number, repeat=7))
    return best / number * 1e6


def report(results: list[Measured]) -> list[str]:
    """One line per scenario: its figures, the trivial app's beside it, and their ratios."""
    lines = [
        f"{'scenario':<31} {'n':>5} {'conc':>4} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} | {'trivial app':<22}"
        f" {'req/s':>6} {'p50 ms':>7} | {'req/s x':>7} {'(rounds)':>11} {'p50 x':>7} {'(rounds)':>13} {'errors':>6}",
    ]
    for measured in results:
        own, floor, scenario = measured.own, measured.floor, measured.scenario
        rates = [rate for rate, _ in measured.rounds]
        p50s = [p50 for _, p50 in measured.rounds]
        lines.append(
            f"{scenario.name:<31} {own.count:>5} {scenario.concurrency:>4} {own.per_second:>6.0f}"
            f" {own.percentile(0.5) * 1000:>7.2f} {own.percentile(0.99) * 1000:>7.2f} | {scenario.floor_name:<22}"
            f" {floor.per_second:>6.0f} {floor.percentile(0.5) * 1000:>7.2f} | {measured.rate:>7.2f}"
            f" {f'{min(rates):.2f}-{max(rates):.2f}':>11} {measured.p50:>7.2f} {f'{min(p50s):.2f}-{max(p50s):.2f}':>13}"
            f" {len(own.errors) + len(floor.errors):>6}"
        )
    return lines


def targets(results: list[Measured]) -> list[tuple[str, str, bool]]:
    """(target, figure, met) for each target of the service, as ratios to the trivial app."""
    by_name = {measured.scenario.name: measured for measured in results}
    found = [
        (f"{name}: req/s >= 0.8x the trivial app", f"{by_name[name].rate:.2f}x", by_name[name].rate >= 0.8)
        for name in ("GET /v1/parameters?page_size=20", "GET /v1/policies", "GET /v1/categories")
    ]
    single = by_name["POST medical-assistance"].rate
    found.append(("one calculation: req/s >= 0.75x the trivial app", f"{single:.2f}x", single >= 0.75))
    for name in ("batch 1,000 cases", "batch 1,000, explain=false"):
        p50 = by_name[name].p50
        found.append((f"{name}: p50 <= 5x the trivial app's 1,000 persons", f"{p50:.2f}x", p50 <= 5))
    # four policies, every category, dates across a year, some amounts received, some ages
    for name, bound in (("batch 1,000 mixed, explain=false", 4), ("batch 1,000 mixed", 10)):
        p50 = by_name[name].p50
        found.append((f"{name}: p50 <= {bound}x the trivial app's 1,000 persons", f"{p50:.2f}x", p50 <= bound))
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
    results = [Measured(scenario) for scenario in plan]
    with ExitStack() as stack:
        urls = {
            app: stack.enter_context(serving(args.workers, tuple(args.set), app=app))[0]
            for app in ("trivial", "bingpin")
        }
        for scenario in plan:  # warm every worker up on every path
            for url, request in ((urls["trivial"], scenario.floor), (urls["bingpin"], scenario.request)):
                load.run(
                    url,
                    always(request),
                    total=max(10, scenario.total // 20),
                    concurrency=4,
                    fresh_connections=True,
                )
        # Rounds; in each, the trivial app right before each scenario, with the same count and concurrency.
        for _ in range(args.rounds):
            for measured in results:
                scenario = measured.scenario
                total = max(1, scenario.total // args.rounds)
                parts = [
                    load.run(url, always(request), total=total, concurrency=scenario.concurrency)
                    for url, request in ((urls["trivial"], scenario.floor), (urls["bingpin"], scenario.request))
                ]
                measured.add(parts[1], parts[0])
    micro = in_process()
    cpu = in_process_table(plan)  # CPU time of the app alone: steady whatever else the machine runs

    overrides = f", overrides: {' '.join(args.set)}" if args.set else ""
    print(
        f"both apps under gunicorn with api/serving.py: {args.workers} workers each{overrides};"
        f" {args.rounds} rounds; client: {sys.executable} threads, keep-alive"
    )
    print("\n".join(report(results)))
    print("\n".join(cpu))
    print(f"in-process: one medical-assistance calculation (rules.registry.calculate): {micro:.1f} µs")
    print("targets:")
    for label, figure, met in targets(results):
        print(f"  {label}: {figure} {'met' if met else 'MISSED'}")
    errors = [error for measured in results for error in measured.own.errors + measured.floor.errors]
    for error in errors[:10]:
        print(f"error: {error}")
    if args.json:
        figures: dict[str, Any] = {
            measured.scenario.name: {
                "requests": measured.own.count,
                "per_second": measured.own.per_second,
                "p50_ms": measured.own.percentile(0.5) * 1000,
                "p99_ms": measured.own.percentile(0.99) * 1000,
                "trivial_per_second": measured.floor.per_second,
                "trivial_p50_ms": measured.floor.percentile(0.5) * 1000,
                "per_second_ratio": measured.rate,
                "p50_ratio": measured.p50,
                "errors": len(measured.own.errors) + len(measured.floor.errors),
            }
            for measured in results
        }
        figures["in_process_us"] = {"medical_assistance": micro}
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, ensure_ascii=False, indent=2)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
