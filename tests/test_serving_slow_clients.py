"""Slow clients starve nobody: connections trickling their headers are closed after the header
timeout while normal requests are answered (``bingpin serve``, loopback, 10 s, 50 connections).

The figures at full scale (200 connections for 30 s, the shipped header timeout) come from
``python -m tests.slow_clients`` (``tox -e slowclients``): speed is measured there, not asserted here.
"""

from __future__ import annotations

from tests.live import served
from tests.slow_clients import attack

HEADER_TIMEOUT = 2
DURATION = 10.0


def test_trickling_clients_are_cut_off_and_normal_requests_answered() -> None:
    with served(workers=2, extra_args=["--header-timeout", str(HEADER_TIMEOUT)]) as url:
        result = attack(url, connections=50, duration=DURATION)
    assert result.latencies_ms and not result.failures, result.failures[:5]
    closed = [life for life in result.lifetimes if life is not None]
    # Each slow client was cut off and reconnected several times during the attack...
    assert len(closed) >= 50 * 2, result.summary()
    # ...by the header timeout: not before it, and long before the attack ended.
    assert all(HEADER_TIMEOUT - 0.5 <= life < DURATION / 2 for life in closed), result.summary()


def test_a_body_sent_slowly_is_cut_off_after_the_request_timeout() -> None:
    """Headers in time, then the declared body a byte a second: the request's deadline (``--timeout``)
    closes the connection, and normal requests are answered meanwhile."""
    timeout = 3
    with served(workers=2, extra_args=["--header-timeout", "2", "--timeout", str(timeout)]) as url:
        result = attack(url, connections=20, duration=DURATION, body=True)
    assert result.latencies_ms and not result.failures, result.failures[:5]
    closed = [life for life in result.lifetimes if life is not None]
    assert len(closed) >= 20 * 2, result.summary()
    assert all(timeout - 0.5 <= life < DURATION / 2 for life in closed), result.summary()
