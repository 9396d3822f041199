"""A real ``bingpin serve`` (gunicorn) on a free loopback port, for tests over HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Start the service with gunicorn (``bingpin serve``; by default this interpreter's), yield its
    base URL, stop it afterwards."""
    port = free_port()
    command = [*bingpin, "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
