"""The service under gunicorn with the project's serving configuration (api/serving.py), for the
benchmark and the soak test: ``python -m tests.bench.server --port P [--set key=value ...]``.
``--app trivial`` serves the benchmark's floor (tests/bench/trivial.py) with the same settings.

``--set`` overrides one gunicorn setting for an experiment (e.g. ``max_requests=0`` so that the
soak test watches the same workers from start to end); the overrides are printed by the caller.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.live import free_port, running


def _value(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def main() -> None:
    from bingpin.api.serving import Server, default_workers, options

    class Trivial(Server):
        """The serving configuration and gunicorn setup of the service, loading the trivial app."""

        def load(self) -> Any:
            from tests.bench.trivial import create_app

            return create_app()

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--app", choices=("bingpin", "trivial"), default="bingpin")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    settings = options("127.0.0.1", args.port, args.workers)
    for item in args.set:
        key, _, value = item.partition("=")
        settings[key] = _value(value)
    (Trivial if args.app == "trivial" else Server)(settings).run()


@contextmanager
def serving(
    workers: int, overrides: tuple[str, ...] = (), timeout: float = 60.0, app: str = "bingpin"
) -> Iterator[tuple[str, int]]:
    """Start the server (``app``: bingpin or trivial), yield (base URL, master pid), stop it afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "tests.bench.server", "--port", str(port), "--workers", str(workers)]
    command += ["--app", app]
    for item in overrides:
        command += ["--set", item]
    with running(command, port, timeout=timeout, ready=lambda p: len(worker_pids(p.pid)) == workers) as process:
        yield f"http://127.0.0.1:{port}", process.pid


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: the master's child processes."""
    children: list[int] = []
    for task in Path(f"/proc/{master}/task").glob("*"):
        try:
            children += [int(pid) for pid in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(children)


def rss_kib(pid: int) -> int:
    """Resident memory of one process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
