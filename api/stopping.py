"""Signals that stop a command cleanly: raised as an exception where the command is, so that it
unwinds through its ``finally`` blocks and removes what it was writing.

The signal is raised in the main thread only; the threads working for it (the audit's batches)
see it through :data:`REQUESTED` and through their :class:`Watch`, which long loops look at every
few hundred items (:func:`checked`), so that a stopped command ends within milliseconds instead of
finishing the batches in flight (a batch of scalar rows is seconds of work).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TypeVar

T = TypeVar("T")

#: Set while a stopping signal is being handled: every thread's long loops end.
REQUESTED = threading.Event()
#: How many items a long loop handles between two looks at the stop flags (a few ms of work).
EVERY = 256


class Stopped(Exception):
    """Raised in a working thread when its work was called off (a signal, or the run ending)."""


class Watch:
    """The work of one run, shared by its threads: called off as a whole (:meth:`stop`), and
    counted as it goes (items done, for progress)."""

    def __init__(self) -> None:
        self.called_off = threading.Event()
        self.done = 0
        self._lock = threading.Lock()

    def stop(self) -> None:
        self.called_off.set()

    def stopped(self) -> bool:
        return self.called_off.is_set() or REQUESTED.is_set()

    def count(self, items: int) -> None:
        with self._lock:
            self.done += items


_local = threading.local()


@contextmanager
def watching(watch: Watch) -> Iterator[None]:
    """Inside, this thread's :func:`checked` loops count into ``watch`` and stop with it."""
    before = getattr(_local, "watch", None)
    _local.watch = watch
    try:
        yield
    finally:
        _local.watch = before


def counted() -> int:
    """Items this thread's :func:`checked` loops have counted into its watch so far."""
    return int(getattr(_local, "counted", 0))


def check() -> None:
    """Raise :class:`Stopped` when a stop was requested (of every thread, or of this thread's watch)."""
    watch: Watch | None = getattr(_local, "watch", None)
    if REQUESTED.is_set() or (watch is not None and watch.called_off.is_set()):
        raise Stopped


def checked(items: Iterable[T], every: int = EVERY, counting: bool = True) -> Iterator[T]:
    """``items``, raising :class:`Stopped` (looked at every ``every`` items) once a stop was
    requested, and counting them into this thread's :class:`Watch` (see :func:`watching`) unless
    they are not records (``counting=False``)."""
    pending = 0
    for item in items:
        if pending == every:
            check()
            if counting:
                advance(pending)
            pending = 0
        pending += 1
        yield item
    if counting:
        advance(pending)


def advance(items: int) -> None:
    """Count ``items`` records done into this thread's :class:`Watch`, if it has one."""
    watch: Watch | None = getattr(_local, "watch", None)
    if watch is not None and items:
        watch.count(items)
        _local.counted = counted() + items


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
    inside = threading.Event()

    def again(signum: int) -> None:
        if inside.is_set():  # not once the block is left: the handler there is not this one
            signal.raise_signal(signum)

    def stop(signum: int, frame: FrameType | None) -> None:
        REQUESTED.set()  # the working threads stop too
        if _importing(frame):
            # raised inside the import system, the exception could leave its lock held, and every
            # thread would wait on it for ever: the signal is given again a moment later, until it
            # comes outside (an import takes milliseconds)
            threading.Timer(AGAIN, again, (signum,)).start()
            return
        for each in signals:
            signal.signal(each, signal.SIG_IGN)
        _ASKED[:] = [lambda: exception(signum)]
        raise exception(signum)

    previous = {each: signal.signal(each, stop) for each in signals}
    _HANDLED[:] = signals
    _SETTLED.clear()
    inside.set()
    try:
        yield
    finally:
        inside.clear()
        _HANDLED.clear()
        if not (_SETTLED and ENDS_WITH_COMMAND):
            for each, handler in previous.items():
                signal.signal(each, handler)
        _SETTLED.clear()
        _ASKED.clear()
        REQUESTED.clear()


#: Seconds after which a signal that came inside the import system is given again.
AGAIN = 0.005


def _importing(frame: FrameType | None) -> bool:
    """Whether ``frame`` or a frame it was called from runs the import system's own code."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


#: The stop a signal asked for inside :func:`raising_on` (its exception, made again), once one came.
_ASKED: list[Callable[[], BaseException]] = []


def raise_asked() -> None:
    """Raise again the stop a signal asked for, in the main thread: for a command to call between
    units of work. Python drops an exception raised in a finalizer (a ``__del__``, a weak
    reference's callback, a generator closed by the collector: it only reports it, and a test
    runner turns the report into a warning), and the signal's handler had already ignored the
    signals that could ask again: the stop would be lost, and the run would go on to its end."""
    if _ASKED and threading.current_thread() is threading.main_thread():
        raise _ASKED[0]()


#: The signals :func:`raising_on` handles now (main thread), and whether the command has settled.
_HANDLED: list[int] = []
_SETTLED: list[bool] = []
#: The process ends when its command returns (the ``bingpin`` console script): a settled command's
#: signals stay ignored to the end, where a handler given back would make a traceback at exit.
ENDS_WITH_COMMAND = False


def settle() -> None:
    """From here on the command finishes whatever comes: inside :func:`raising_on`, its signals
    are ignored (until it gives back the handlers it found, unless the process ends with the
    command). For a command past the point where stopping would undo what it has done: an output
    about to be put in place, a summary of it."""
    if threading.current_thread() is threading.main_thread():
        for each in _HANDLED:
            signal.signal(each, signal.SIG_IGN)
        _SETTLED[:] = [True]
