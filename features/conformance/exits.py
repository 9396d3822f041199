"""The exit codes of ``bingpin conformance`` (``os.EX_*`` where one fits), shared by the command
line, the runner and the steps; documented in --help and docs/vendors.md."""

from __future__ import annotations

import signal
from contextlib import AbstractContextManager

from bingpin.api.stopping import raising_on

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


def stopped_by_signals() -> AbstractContextManager[None]:
    """While inside, SIGTERM and SIGHUP raise :class:`Stopped` (once: the cleanup is not cut short)."""
    return raising_on(STOPPING, Stopped)


def interrupted(error: BaseException | None) -> tuple[int, str]:
    """The exit code and the words for a run stopped by ``error``: 128 + the signal's number."""
    if isinstance(error, Stopped):
        return 128 + error.signum, str(error)
    return EXIT_INTERRUPTED, "interrupted"
