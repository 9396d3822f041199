"""The ``bingpin`` command's entry point, light enough to be loaded first: a Ctrl-C while the
command is still loading (about a second of imports) ends it as it ends once running, with one
line and exit 130, not a traceback."""

from __future__ import annotations

import sys


def main() -> int:
    try:
        from bingpin.api.cli import main as command

        return command()
    except KeyboardInterrupt:  # before the command handles signals itself
        sys.stderr.write("bingpin: interrupted (SIGINT)\n")
        return 130
