"""A real ``bingpin serve`` (gunicorn) on a free loopback port, for tests over HTTP."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
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
    environment = dict(os.environ if env is None else env)
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=die_with_parent,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    _, err = process.communicate(timeout=5)
                    raise RuntimeError(f"bingpin serve did not start: {err.decode(errors='replace')}") from None
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
