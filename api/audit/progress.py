"""Progress of a run on stderr: records done of the total, and the rate, from the first second.

The total is known before the run when Parquet says how many rows it holds (its metadata); a
CSV's is estimated from the records of the blocks taken so far over the file's size ("of about"),
and exact once the file was read through (the reader reads well ahead of the records answered,
so the share of the file read says little of the run's progress). The records done are counted as they are
answered, inside the batches in flight (``api.stopping.Watch``), not only when a batch is
written, so the first line, at one second, already has a rate (a Dask cluster's records count when
their batch comes back: no line until one has). On a terminal one line is
rewritten in place and cleared at the end; elsewhere (a log, a pipe) a line is written every few
seconds, and one more when the records are all done (a log's last line is not a tick's 90%).
``--quiet``: nothing.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from bingpin.api.stopping import Watch

#: Seconds before the first line, and between lines (on a terminal, between rewrites).
FIRST, EVERY, EVERY_ON_TERMINAL = 1.0, 2.0, 0.5


class Progress:
    """Writes progress lines from a thread of its own while the run goes on (``with Progress(...)``)."""

    def __init__(
        self,
        watch: Watch,
        rows: int | None,
        estimate: Callable[[], tuple[int | None, bool]] | None = None,
        quiet: bool = False,
        stream: TextIO | None = None,
    ) -> None:
        self.watch, self.rows, self.estimate = watch, rows, estimate
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self.terminal = bool(getattr(self.stream, "isatty", lambda: False)())
        #: Records written so far (engines that do not count inside batches: Dask).
        self.written = 0
        self.start = time.monotonic()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._shown = False
        #: The records done as the last line said.
        self._done_shown = 0

    def __enter__(self) -> Progress:
        if not self.quiet:
            self._thread = threading.Thread(target=self._run, name="bingpin-audit-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()
        if self.terminal and self._shown:
            self._write("\r\x1b[K")  # the summary follows on a clean line
        elif self._shown and kind is None and self._done_shown != self.done():  # where the run ended
            self._write(self.line() + "\n")

    def done(self) -> int:
        return max(self.watch.done, self.written)

    def line(self) -> str:
        """``bingpin audit: 120,000 of 1,000,000 records (12%), 45,000 records/s, 2.7 s``."""
        elapsed = time.monotonic() - self.start
        done = self._done_shown = self.done()
        rate = done / elapsed if elapsed > 0 else 0.0
        total, about = self.rows, ""
        if not total and self.estimate is not None:
            total, exact = self.estimate()
            about = "" if exact else "about "
        if total:
            # an estimate is never shown below what is done, nor as done before it is
            shown = max(total, done + 1) if about else total
            part = f"{done:,} of {about}{shown:,} records ({min(done / shown, 1):.0%})"
        else:
            part = f"{done:,} records"
        return f"bingpin audit: {part}, {rate:,.0f} records/s, {elapsed:.1f} s"

    def _run(self) -> None:
        wait = FIRST
        while not self._done.wait(wait):
            if not self.done():
                continue  # nothing done yet (connecting to a cluster): no line saying so every second
            if self.terminal:
                self._write(f"\r{self.line()}\x1b[K")
            else:
                self._write(self.line() + "\n")
            self._shown = True
            wait = EVERY_ON_TERMINAL if self.terminal else EVERY

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal is gone (SIGHUP) or stderr closed: no progress
            self._done.set()
