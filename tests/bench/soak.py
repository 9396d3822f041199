"""Soak: a bounded load on loopback for a fixed time, then errors and worker memory.

``tox -e soak`` or ``python -m tests.bench.soak [--duration 60] [--concurrency 8]``. Serves with
api/serving.py, except ``max_requests=0``: the soak watches the same workers from start to end
(gunicorn would otherwise recycle them every ~10,000 requests and hide a leak). A mix of every
calculation of every jurisdiction, batches, open-data lists, the spec and errors is sent for the
given time; every unexpected status or failed connection counts as an error (target 0). Memory is
each worker's RSS from /proc after a warm-up and at the end (target: growth under 10%).
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from bingpin.api.serving import default_workers
from tests.bench import cases, load
from tests.bench.server import rss_kib, serving, worker_pids


def requests() -> list[load.Request]:
    mix = [load.Request("POST", path, cases.encode(body)) for path, body in cases.calculation_requests()]
    batch = cases.medical_batch(100, seed=7)
    mix += [
        load.Request("POST", f"{cases.MEDICAL}/batch", cases.encode(batch)),
        load.Request("POST", f"{cases.MEDICAL}/batch?explain=false", cases.encode(batch)),
        load.Request("GET", "/healthz"),
        load.Request("GET", "/v1/jurisdictions"),
        load.Request("GET", "/v1/categories"),
        load.Request("GET", "/openapi.json"),
        load.Request("POST", cases.MEDICAL, cases.encode({**cases.README_CASE, "unexpected": 1}), expect=422),
        load.Request("POST", cases.MEDICAL, b'{"jurisdiction": ', expect=400),
        load.Request("GET", "/v1/no-such-list", expect=404),
        load.Request("DELETE", cases.MEDICAL, expect=405),
    ]
    return mix


def memory(master: int) -> dict[int, int]:
    return {pid: rss_kib(pid) for pid in worker_pids(master)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of the same load before measuring")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args(argv)

    mix = requests()

    def pick(index: int) -> load.Request:
        return mix[index % len(mix)]

    with serving(args.workers, ("max_requests=0",)) as (base_url, master):
        booted = memory(master)
        # New connections for the warm-up, so that every worker serves every kind of request.
        load.run(base_url, pick, duration=args.warmup, concurrency=args.concurrency, fresh_connections=True)
        before = memory(master)
        result = load.run(base_url, pick, duration=args.duration, concurrency=args.concurrency)
        after = memory(master)

    same_workers = set(before) == set(after)
    start, end = sum(before.values()), sum(after.values())
    growth = (end - start) / start * 100 if start else float("nan")
    print(
        f"soak: {args.duration:.0f} s, concurrency {args.concurrency}, {args.workers} workers (max_requests=0),"
        f" {len(mix)} kinds of request"
    )
    print(
        f"requests: {result.count} ({result.per_second:.0f}/s), p50 {result.percentile(0.5) * 1000:.1f} ms,"
        f" p99 {result.percentile(0.99) * 1000:.1f} ms"
    )
    print(f"errors: {len(result.errors)}")
    for error in result.errors[:10]:
        print(f"  {error}")
    print(f"worker RSS after boot (KiB): {json.dumps(booted)}")
    print(f"worker RSS at start, after {args.warmup:.0f} s warm-up (KiB): {json.dumps(before)}  total {start}")
    print(f"worker RSS at end (KiB): {json.dumps(after)}  total {end}")
    print(f"growth: {growth:+.1f}% (target < 10%); same workers throughout: {same_workers}")
    sent = Counter(
        mix[i % len(mix)].path.split("?")[0].rsplit("/", 1)[-1] for i in range(result.count + len(result.errors))
    )
    print(f"requests by endpoint: {dict(sent.most_common())}")
    ok = not result.errors and growth < 10 and same_workers
    print("soak: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
