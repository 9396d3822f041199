"""The checkout's folders as the ``bingpin`` package, without installing: a temporary tree of
symlinks (``bingpin/api`` -> ``api/`` ...) for runs that must see edits to the source at once,
such as the mutation run. Everything else imports the installed package."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAPPED = ("api", "rules", "features")


@contextmanager
def source_tree() -> Iterator[Path]:
    """A directory to put first on PYTHONPATH: ``import bingpin`` then reads the checkout."""
    with tempfile.TemporaryDirectory(prefix="bingpin-src-") as directory:
        package = Path(directory) / "bingpin"
        package.mkdir()
        for item in (ROOT / "src" / "bingpin").iterdir():
            (package / item.name).symlink_to(item)
        for name in MAPPED:
            (package / name).symlink_to(ROOT / name, target_is_directory=True)
        yield Path(directory)
