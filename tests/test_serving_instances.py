"""Several instances on one machine start, serve and stop independently: no control socket or
other file shared through $HOME (gunicorn 27 would open $HOME/.gunicorn/gunicorn.ctl in each)."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

from tests.live import served


def _healthy(url: str) -> bool:
    with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
        return response.status == 200


def test_two_instances_serve_and_stop_independently(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "XDG_RUNTIME_DIR"}
    env["HOME"] = str(tmp_path)  # one home for both, as two services of one user have
    with served(workers=1, env=env) as first:
        with served(workers=1, env=env) as second:
            assert first != second
            assert _healthy(first) and _healthy(second)
        # The second has stopped; the first goes on, and neither left anything in $HOME.
        assert _healthy(first)
        assert not list(tmp_path.rglob("*.ctl"))
    assert not (tmp_path / ".gunicorn").exists() or not list((tmp_path / ".gunicorn").iterdir())
