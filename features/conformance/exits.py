"""The exit codes of ``bingpin conformance`` (``os.EX_*`` where one fits), shared by the command
line, the runner and the steps; documented in --help and docs/vendors.md."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

EXIT_CONFORMANT = 0  # every selected @core scenario passed or is waived; diff: no regression
EXIT_NOT_CONFORMANT = 1  # a selected @core scenario failed; diff: a regression
EXIT_USAGE = 2  # a bad option, waiver file, selection or report directory (argparse uses 2 too)
EXIT_INCOMPLETE = 3  # diff: NEW did not run scenarios that OLD ran (without --allow-missing)
EXIT_UNAVAILABLE = 69  # os.EX_UNAVAILABLE: the service did not answer, before or during the run
EXIT_SOFTWARE = 70  # os.EX_SOFTWARE: the suite could not be collected, or the runner failed
EXIT_INTERRUPTED = 130  # 128 + SIGINT: stopped before the end; no report written
EXIT_HANGUP = 129  # 128 + SIGHUP: the terminal went away; no report written
EXIT_TERMINATED = 143  # 128 + SIGTERM: stopped (kill, CI cancel, container stop); no report written


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the run is, so that it unwinds as on Ctrl-C: the
    unfinished reports are removed and no verdict is left behind."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


#: The signals that stop a run cleanly besides Ctrl-C (SIGINT, which Python raises already).
STOPPING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise :class:`Stopped` (once: the cleanup is not cut short)."""

    def stop(signum: int, frame: object) -> None:
        for number in STOPPING:
            signal.signal(number, signal.SIG_IGN)
        raise Stopped(signum)

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (bingpin's own command runs there)
        return
    previous = {number: signal.signal(number, stop) for number in STOPPING}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def interrupted(error: BaseException | None) -> tuple[int, str]:
    """The exit code and the words for a run stopped by ``error``: 128 + the signal's number."""
    if isinstance(error, Stopped):
        return 128 + error.signum, str(error)
    return EXIT_INTERRUPTED, "interrupted"
