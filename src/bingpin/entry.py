"""The ``bingpin`` command's entry point, light enough to be loaded first: a Ctrl-C while the
command is still loading (about a second of imports) ends it as it ends once running, with one
line and exit 130, not a traceback. A command that has settled (``api.stopping.settle``: its work
done, its output in place) ignores a signal to the end of the process, as it has said how it
ended."""

from __future__ import annotations

import sys


def main() -> int:
    try:
        from bingpin.api import stopping
        from bingpin.api.cli import main as command

        stopping.ENDS_WITH_COMMAND = True
        return command()
    except KeyboardInterrupt:  # before the command handles signals itself: nothing done yet
        named = [each for each in sys.argv[1:2] if not each.startswith("-")]
        sys.stderr.write(f"{' '.join(['bingpin', *named])}: interrupted (SIGINT); nothing written\n")
        return 130
