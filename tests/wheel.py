"""The package as users get it: the wheel built from the project's own files, installed into a
fresh virtual environment outside the checkout.

``installed_bingpin`` is a session fixture: ``installed_bingpin()`` or
``installed_bingpin(("audit",))`` gives an :class:`Installed` (one build and one venv per set of
extras per test session). Building uses the setuptools the ``test`` extra installs (no build
isolation, no download); installing uses this interpreter's pip and its cache, so the only network
it may need is the package index, for dependencies the cache does not hold yet.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live import ROOT

#: What the wheel is built from: pyproject's package-dir folders and the files it names.
SOURCES = ("pyproject.toml", "README.md", "src", "api", "rules", "features")
#: Never copied: build leftovers and caches that must not leak into the wheel.
LEFTOVERS = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
PIP = (sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q")


class InstallError(RuntimeError):
    """A build or install step failed; the message carries the tool's own output."""


@dataclass(frozen=True)
class Installed:
    """One fresh venv holding the built wheel (and the extras asked for)."""

    venv: Path
    wheel: Path
    extras: tuple[str, ...]

    @property
    def bin(self) -> Path:
        return self.venv / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin / ("python.exe" if os.name == "nt" else "python")

    @property
    def bingpin(self) -> Path:
        """The console script pip wrote into the venv."""
        return self.bin / ("bingpin.exe" if os.name == "nt" else "bingpin")

    def environment(self, pythonpath: Iterable[Path] = (), **extra: str) -> dict[str, str]:
        """A user's shell in the venv: its bin first on PATH, nothing of this test run's Python
        setup (no PYTHONPATH but ``pythonpath``, no VIRTUAL_ENV of ours)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PYTEST"))}
        env["PATH"] = os.pathsep.join([str(self.bin), env.get("PATH", "")])
        env["VIRTUAL_ENV"] = str(self.venv)
        if pythonpath:
            env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
        env.update(extra)
        return env

    def run(
        self, *args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        """``bingpin ARGS`` from the venv, in ``cwd``."""
        return subprocess.run(
            [str(self.bingpin), *args],
            cwd=cwd,
            env=dict(env) if env is not None else self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _call(command: list[str], what: str, cwd: Path | None = None) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900, check=False)
    if result.returncode != 0:
        raise InstallError(f"{what} failed ({' '.join(command)}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")


def build_wheel(work: Path) -> Path:
    """``pip wheel --no-deps`` of a clean copy of the project's sources (so that no build/ left in the
    checkout can slip stale modules into the wheel); returns the .whl."""
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=LEFTOVERS, symlinks=False)
        else:
            shutil.copy2(origin, source / name)
    wheels = work / "wheels"
    _call([*PIP, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)], "building the wheel")
    (wheel,) = wheels.glob("bingpin-*.whl")
    return wheel


def install(wheel: Path, target: Path, extras: tuple[str, ...] = ()) -> Installed:
    """A new venv at ``target`` (no pip inside: this interpreter's pip installs into it) with the wheel."""
    venv.EnvBuilder(with_pip=False, clear=True).create(target)
    installed = Installed(target, wheel, extras)
    requirement = f"bingpin[{','.join(extras)}] @ {wheel.as_uri()}" if extras else str(wheel)
    _call([*PIP, "--python", str(installed.python), "install", requirement], "installing the wheel")
    return installed


@pytest.fixture(scope="session")
def installed_bingpin(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Installed]:
    """``installed_bingpin(extras=())``: the wheel installed in a fresh venv outside the checkout."""
    wheel = build_wheel(tmp_path_factory.mktemp("wheel"))
    venvs: dict[tuple[str, ...], Installed] = {}

    def get(extras: Iterable[str] = ()) -> Installed:
        key = tuple(sorted(extras))
        if key not in venvs:
            venvs[key] = install(wheel, tmp_path_factory.mktemp("venv") / "venv", key)
        return venvs[key]

    return get
