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
