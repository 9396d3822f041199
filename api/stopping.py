"""Signals that stop a command cleanly: raised as an exception where the command is, so that it
unwinds through its ``finally`` blocks and removes what it was writing."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: The signals that stop a command: Ctrl-C, ``kill``, a closed terminal or dropped ssh session
#: (no SIGHUP on Windows).
STOPPING: tuple[int, ...] = tuple(
    s for s in (getattr(signal, name, None) for name in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None
)


@contextmanager
def raising_on(signals: tuple[int, ...], exception: Callable[[int], BaseException]) -> Iterator[None]:
    """While inside, each of ``signals`` raises ``exception(signum)``, once: a second signal
    during the clean-up is ignored, so the clean-up finishes. A signal the process was started
    ignoring (``nohup``, a background job) stays ignored. Only the main thread may set handlers
    (the commands run there); elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = tuple(each for each in signals if signal.getsignal(each) != signal.SIG_IGN)

    def stop(signum: int, frame: object) -> None:
        for each in signals:
            signal.signal(each, signal.SIG_IGN)
        raise exception(signum)

    previous = {each: signal.signal(each, stop) for each in signals}
    try:
        yield
    finally:
        for each, handler in previous.items():
            signal.signal(each, handler)
