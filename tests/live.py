"""A real ``bingpin serve`` (gunicorn) on a free loopback port, for tests over HTTP."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Run in the child before it starts: SIGTERM when the test process dies (Linux
    ``PR_SET_PDEATHSIG``), so an interrupted run leaves no server behind."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: served() still stops it when it can
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(base_url: str) -> bool:
    """Whether the server at ``base_url`` answers ``GET /healthz`` with 200."""
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def running(
    command: Sequence[str],
    port: int,
    *,
    timeout: float = 30.0,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    ready: Callable[[subprocess.Popen[bytes]], bool] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command``, a server on 127.0.0.1:``port``; yield its process once ``/healthz`` answers
    (and ``ready`` holds), stop it afterwards. Its output goes to a temporary file, whose end is in
    the error when it does not start."""
    base_url = f"http://127.0.0.1:{port}"
    environment = dict(os.environ if env is None else env)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            list(command), cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent
        )
        try:
            deadline = time.monotonic() + timeout
            while not (answers(base_url) and (ready is None or ready(process))):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")[-2000:]
                    raise RuntimeError(f"{' '.join(command)} did not start: {output}")
                time.sleep(0.1)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def served(
    workers: int = 2,
    timeout: float = 30.0,
    bingpin: Sequence[str] = (sys.executable, "-m", "bingpin.api.cli"),
    cwd: Path = ROOT,
    extra_args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Start the service with gunicorn (``bingpin serve`` with ``extra_args``; by default this
    interpreter's, in ``env`` if given), yield its base URL, stop it afterwards."""
    port = free_port()
    command = [*bingpin, "serve", "--port", str(port), "--workers", str(workers), *extra_args]
    with running(command, port, timeout=timeout, cwd=cwd, env=env):
        yield f"http://127.0.0.1:{port}"
