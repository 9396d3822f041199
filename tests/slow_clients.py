"""Slow clients against the service on loopback: many connections trickle their headers (one byte
per ``interval`` seconds) while a normal client sends calculations one after another.

``python -m tests.slow_clients`` (or ``tox -e slowclients``) starts ``bingpin serve`` with its
shipped settings and prints the normal requests' p50/p99/max during the attack and how long the
server let the trickling connections live (default: 200 connections for 30 s; ``--body`` sends
whole headers and trickles the body instead). The default test
run uses :func:`attack` at a smaller scale (tests/test_serving_slow_clients.py). Loopback only;
bounded in connections and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from tests.live import served
from tests.samples import MEDICAL
from tests.samples import MEDICAL_CASE as CASE

#: What a trickling client sends, one byte at a time: a request whose headers never end.
TRICKLE = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4000
#: A slow body instead: these headers at once, then the declared body one byte at a time.
BODY_HEAD = (
    f"POST {MEDICAL} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n"
).encode()


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    #: Seconds each trickling connection lived before the server closed it (None: still open at
    #: the end of the attack, which a header timeout shorter than the attack rules out).
    lifetimes: list[float | None] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")

    def summary(self) -> dict[str, object]:
        closed = [life for life in self.lifetimes if life is not None]
        return {
            "normal_requests": len(self.latencies_ms) + len(self.failures),
            "failed": len(self.failures),
            "p50_ms": round(self.percentile(0.50), 2),
            "p99_ms": round(self.percentile(0.99), 2),
            "max_ms": round(max(self.latencies_ms, default=float("nan")), 2),
            "trickling_connections": len(self.lifetimes),
            "closed_by_server": len(closed),
            "open_at_the_end": len(self.lifetimes) - len(closed),
            "lifetime_median_s": round(statistics.median(closed), 2) if closed else None,
            "lifetime_max_s": round(max(closed), 2) if closed else None,
        }


def _trickle_once(
    address: tuple[str, int], start: float, duration: float, interval: float, body: bool = False
) -> float | None:
    """One slow connection: a byte every ``interval`` s (of its headers, or of its body after the
    headers) until the server closes or ``duration`` ends."""
    opened = time.monotonic()
    try:
        sock = socket.create_connection(address, timeout=5)
    except OSError:
        return 0.0
    with sock:
        sock.settimeout(interval)
        if body:
            sock.sendall(BODY_HEAD)
        for byte in TRICKLE:
            if time.monotonic() - start >= duration:
                return None
            try:
                sock.sendall(bytes([byte]))
                if sock.recv(1) == b"":  # the server closed: recv returns at once
                    return time.monotonic() - opened
            except TimeoutError:
                continue  # still open: nothing to read within the interval
            except OSError:
                return time.monotonic() - opened
    return None


def _trickle(
    address: tuple[str, int], start: float, duration: float, interval: float, body: bool
) -> list[float | None]:
    """One slow client, reconnecting whenever it is cut off, for ``duration`` s."""
    lifetimes: list[float | None] = []
    while time.monotonic() - start < duration:
        lifetimes.append(_trickle_once(address, start, duration, interval, body))
        if lifetimes[-1] == 0.0:
            time.sleep(interval)
    return lifetimes


def _normal(address: tuple[str, int], start: float, duration: float, pause: float, result: Result) -> None:
    """A normal client: one calculation per fresh connection, answered or counted as failed."""
    body = json.dumps(CASE).encode()
    while time.monotonic() - start < duration:
        began = time.perf_counter()
        connection = http.client.HTTPConnection(*address, timeout=5)
        try:
            connection.request("POST", MEDICAL, body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                result.latencies_ms.append((time.perf_counter() - began) * 1000)
            else:
                result.failures.append(f"status {response.status}")
        except OSError as error:
            result.failures.append(repr(error))
        finally:
            connection.close()
        time.sleep(pause)


def attack(
    base_url: str, connections: int, duration: float, interval: float = 1.0, pause: float = 0.02, body: bool = False
) -> Result:
    """Trickle ``connections`` connections (their headers, or with ``body`` their bodies) for
    ``duration`` s while timing normal requests."""
    parts = urllib.parse.urlsplit(base_url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    result = Result()
    lifetimes: list[list[float | None]] = [[] for _ in range(connections)]
    start = time.monotonic()

    def run(index: int) -> None:
        lifetimes[index] = _trickle(address, start, duration, interval, body)

    slow = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(connections)]
    for thread in slow:
        thread.start()
    time.sleep(min(1.0, duration / 4))  # the slow connections are open before the first probe
    _normal(address, start, duration, pause, result)
    for thread in slow:
        thread.join(timeout=interval + 5)
    result.lifetimes = [life for each in lifetimes for life in each]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--header-timeout", type=int, default=None, help="default: the shipped setting")
    parser.add_argument("--body", action="store_true", help="trickle bodies (after whole headers) instead of headers")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a gunicorn setting, to compare (e.g. worker_class=gthread threads=2)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.connections <= 1000 or not 0 < args.duration <= 120:
        parser.error("bounded: at most 1,000 connections and 120 s")
    if args.set:
        from tests.bench.server import serving

        overrides = tuple(args.set) + (() if args.header_timeout is None else (f"keepalive={args.header_timeout}",))
        with serving(args.workers, overrides) as (url, _):
            result = attack(url, args.connections, args.duration, body=args.body)
        served_by = f"gunicorn with api/serving.py and {', '.join(overrides)}"
    else:
        extra = [] if args.header_timeout is None else ["--header-timeout", str(args.header_timeout)]
        with served(workers=args.workers, extra_args=extra) as url:
            result = attack(url, args.connections, args.duration, body=args.body)
        served_by = "bingpin serve" + (f" --header-timeout {args.header_timeout}" if extra else "")
    summary = result.summary()
    print(
        f"{served_by}, {args.workers} workers; {args.connections} connections trickling "
        f"{'bodies' if args.body else 'headers'} for {args.duration} s"
    )
    for key, value in summary.items():
        print(f"  {key:20} {value}")
    p99 = result.percentile(0.99)
    longest = summary["lifetime_max_s"]
    closed = longest is not None and float(str(longest)) < args.duration
    print(f"target: normal requests' p99 < 100 ms during the attack: {p99:.1f} ms {'met' if p99 < 100 else 'MISSED'}")
    print(
        f"target: trickling connections closed by the server after the {'request' if args.body else 'header'} "
        f"timeout: {'met' if closed else 'MISSED'}"
    )
    return 0 if p99 < 100 and closed and not result.failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
