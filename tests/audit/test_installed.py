"""``bingpin audit`` as users run it: the built wheel in a fresh venv, outside the checkout."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.audit.test_command import SAMPLE, summary_shown_in_readme
from tests.wheel import Installed


@pytest.fixture(scope="module")
def installed(installed_bingpin: Callable[..., Installed]) -> Installed:
    return installed_bingpin()


def test_the_installed_command_audits_the_shipped_sample(installed: Installed, tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "settlements.csv")
    done = installed.run(
        "audit", "medical-assistance", "settlements.csv", "--out", "audit/results.parquet",
        "--jurisdiction", "330400", "--compare", "paid", "--report", "audit/report",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    summary_shown_in_readme(done.stdout)
    assert (tmp_path / "audit" / "results.parquet").is_file()
    assert (tmp_path / "audit" / "report" / "index.html").is_file()


def test_the_dask_engine_without_the_extra_says_how_to_get_it(installed: Installed, tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "settlements.csv")
    done = installed.run(
        "audit", "medical-assistance", "settlements.csv", "--out", "results.parquet", "--jurisdiction", "330400",
        "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip() == "bingpin audit: --engine dask needs Dask distributed: pip install 'bingpin[dask]'"
    assert not (tmp_path / "results.parquet").exists()
