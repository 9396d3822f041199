"""Where a run's reports go, so that what sits at ``--report`` is always one whole run's verdict.

The directory is the runner's own. When a run starts, the previous verdict is taken away (so a
run that ends early, by Ctrl-C, a crash or a service that stops answering, leaves none that reads
as its own); the new reports are written into a fresh directory beside it, made by the runner,
and renamed into place only once all of them are complete (the three reports of a run, or the
matrix's page and data). Nothing is written through a symbolic
link: a link at the report directory is refused, and links inside it are removed with it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

REPORT_FILES = frozenset({"report.json", "junit.xml", "report.html"})
#: What ``bingpin conformance matrix --out DIR`` writes.
MATRIX_FILES = frozenset({"index.html", "matrix.json"})


class ReportDirError(ValueError):
    """A report directory the run must not write to (a usage error)."""


class ReportDir:
    """The directory named by ``option`` (``--report``, or the matrix's ``--out``) that holds ``files``."""

    def __init__(
        self,
        given: str,
        files: frozenset[str] = REPORT_FILES,
        option: str = "--report",
        example: str = "reports/conformance",
    ) -> None:
        if not given.strip():
            raise ReportDirError(f"{option} needs a directory, not an empty string")
        self.target = Path(given)
        if self.target.name in ("", ".", ".."):
            raise ReportDirError(f"{option} {given!r}: name a directory of its own, e.g. {example}")
        self.files = files
        self.work: Path | None = None

    def check(self) -> None:
        """Before anything is run or removed: refuse a link, a file, or a directory of other things."""
        target = self.target
        if target.is_symlink():
            raise ReportDirError(f"{target} is a symbolic link; the reports are never written through one")
        if not target.exists():
            return
        if not target.is_dir():
            raise ReportDirError(f"{target} exists and is not a directory")
        if Path.cwd().resolve().is_relative_to(target.resolve()):
            raise ReportDirError(f"{target} holds the current directory; name a directory of its own")
        foreign = sorted(name for name in os.listdir(target) if name not in self.files)
        if foreign:
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise ReportDirError(
                f"{target} holds other files than the reports ({shown}); writing them replaces the "
                "whole directory, so name one of its own"
            )

    def clear(self) -> None:
        """Take the previous verdict away (raises :class:`OSError`): once a command is accepted, a
        report there is its own or none, whether or not the service then answers."""
        self.check()
        if self.target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", dir=self.target.parent))
            os.replace(self.target, old)  # at once: the path holds no verdict from here on
            shutil.rmtree(old, ignore_errors=True)

    def start(self) -> None:
        """Take the previous verdict away and make the new place (raises :class:`OSError`)."""
        self.clear()
        parent = self.target.parent
        parent.mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.tmp-", dir=parent))

    def path(self, name: str) -> Path:
        """Where to write report file ``name`` during the run."""
        assert self.work is not None and name in self.files
        return self.work / name

    def commit(self) -> None:
        """Put the complete reports at the target (raises :class:`OSError` if something took its place)."""
        assert self.work is not None
        umask = os.umask(0)
        os.umask(umask)
        self.work.chmod(0o777 & ~umask)  # mkdtemp made it private
        os.rename(self.work, self.target)  # fails on a link or a non-empty directory planted meanwhile
        self.work = None

    def abandon(self) -> None:
        """Remove what an unfinished run wrote."""
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None
