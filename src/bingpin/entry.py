"""The ``bingpin`` command's entry point, light enough to be loaded first: a Ctrl-C while the
command is still loading (about a second of imports) ends it as it ends once running, with one
line and exit 130, not a traceback. A command that has settled (``api.stopping.settle``: its work
done, its output in place) ignores a signal to the end of the process, as it has said how it
ended. Its standard output and error may go to a reader that stops reading (``| head``): what is
printed after that is dropped, and the command goes on to its end and its own exit status."""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO


class PipeSafe:
    """A text stream whose reader may leave (a pipe closed: ``bingpin conformance ... | head``):
    from then on what is written is dropped (the descriptor goes to the null device, so that the
    interpreter's last flush finds nothing to fail on either), and the command goes on to its end:
    its report written, its exit status its verdict. Without it the next print raised
    BrokenPipeError, and the command ended as an internal error saying no report was written,
    after writing it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._drop()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._drop()

    def _drop(self) -> None:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, self._stream.fileno())
        finally:
            os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main() -> int:
    sys.stdout, sys.stderr = PipeSafe(sys.stdout), PipeSafe(sys.stderr)
    try:
        from bingpin.api import stopping
        from bingpin.api.cli import main as command

        stopping.ENDS_WITH_COMMAND = True
        return command()
    except KeyboardInterrupt:  # before the command handles signals itself: nothing done yet
        named = [each for each in sys.argv[1:2] if not each.startswith("-")]
        sys.stderr.write(f"{' '.join(['bingpin', *named])}: interrupted (SIGINT); nothing written\n")
        return 130
