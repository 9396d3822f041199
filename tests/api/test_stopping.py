"""A stopping signal is raised where the command is, but never inside the import system."""

from __future__ import annotations

import signal
import time

import pytest

from bingpin.api import stopping


class Interrupted(Exception):
    pass


#: Code run as the import system's own (its frames' file name): a signal comes in the middle.
IMPORTING = """
signal.raise_signal(signal.SIGINT)
for _ in range(1000):
    pass
steps.append("import done")
"""


def test_a_signal_inside_the_import_system_is_raised_once_outside_it() -> None:
    """Before: a Ctrl-C that came while the main thread ran the import system's code (a module
    lock's clean-up, say) raised there and could leave the interpreter's import lock held; the
    audit's threads then waited on it for ever, and the run never ended (about once in ten tries
    at 0.8 s). Now the import finishes first, and the signal is raised just after."""
    steps: list[str] = []
    code = compile(IMPORTING, "<frozen importlib._bootstrap>", "exec")
    with pytest.raises(Interrupted), stopping.raising_on((signal.SIGINT,), lambda signum: Interrupted()):
        exec(code, {"signal": signal, "steps": steps})
        steps.append("after")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.001)
    assert steps[0] == "import done"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_signal_elsewhere_is_raised_at_once() -> None:
    steps: list[str] = []
    with pytest.raises(Interrupted), stopping.raising_on((signal.SIGINT,), lambda signum: Interrupted()):
        signal.raise_signal(signal.SIGINT)
        steps.append("went on")
    assert steps == []


def test_a_signal_put_off_is_not_given_again_once_the_command_is_over() -> None:
    """A signal that came inside the import system as the command ended is not given again to
    whatever handles it next (a KeyboardInterrupt after the command had returned)."""
    code = compile(IMPORTING, "<frozen importlib._bootstrap>", "exec")
    steps: list[str] = []
    with stopping.raising_on((signal.SIGINT,), lambda signum: Interrupted()):
        exec(code, {"signal": signal, "steps": steps})
    time.sleep(0.1)  # a KeyboardInterrupt here if it were
    assert steps == ["import done"]


class Finalized:
    """An object whose finalizer is where a signal comes."""

    def __del__(self) -> None:
        signal.raise_signal(signal.SIGTERM)


def test_a_stop_raised_in_a_finalizer_is_raised_again_between_units_of_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python drops an exception raised in a finalizer (it reports it, and pytest makes the report a
    warning): a conformance run stopped by a SIGTERM or SIGHUP coming there went on to its end,
    every later signal ignored (exit 0, its report written). The stop is raised again before the
    next scenario."""
    dropped: list[BaseException | None] = []
    monkeypatch.setattr("sys.unraisablehook", lambda report: dropped.append(report.exc_value))
    with pytest.raises(Interrupted), stopping.raising_on((signal.SIGTERM,), lambda signum: Interrupted(signum)):
        Finalized()  # dropped at once: the signal's exception is raised inside __del__
        assert len(dropped) == 1 and isinstance(dropped[0], Interrupted)
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN  # a second signal would not ask again
        stopping.raise_asked()
    stopping.raise_asked()  # once outside, nothing is asked
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_nothing_is_raised_when_no_stop_was_asked() -> None:
    with stopping.raising_on((signal.SIGTERM,), lambda signum: Interrupted(signum)):
        stopping.raise_asked()
