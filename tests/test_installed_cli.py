"""What a user of the installed command reads when something is in the way (the wheel, in a fresh
venv, outside the checkout): a port already in use, an input that is neither Parquet nor CSV, and
the help of each option."""

from __future__ import annotations

import socket
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.audit.test_command import SAMPLE
from tests.live import answers, free_port, running
from tests.wheel import Installed


@pytest.fixture(scope="module")
def installed(installed_bingpin: Callable[..., Installed]) -> Installed:
    return installed_bingpin()


@pytest.fixture
def taken() -> Iterator[int]:
    """A loopback port another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


def test_a_port_in_use_is_one_line_that_suggests_another(installed: Installed, tmp_path: Path, taken: int) -> None:
    """Before: gunicorn tried five times, logged ten lines of errors and exited 1."""
    done = installed.run("serve", "--port", str(taken), "--workers", "1", cwd=tmp_path, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"bingpin serve: port {taken} of 127.0.0.1 is already in use"), line
    assert "choose another port with --port" in line
    assert "Traceback" not in done.stderr and "gunicorn" not in done.stderr


def test_the_port_suggested_is_free_and_serves(installed: Installed, tmp_path: Path, taken: int) -> None:
    done = installed.run("serve", "--port", str(taken), cwd=tmp_path, timeout=60)
    suggested = int(done.stderr.rsplit("--port ", 1)[1])
    assert suggested > taken
    command = [str(installed.bingpin), "serve", "--port", str(suggested), "--workers", "1"]
    with running(command, suggested, cwd=tmp_path, env=installed.environment()):
        assert answers(f"http://127.0.0.1:{suggested}")


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--port", "70000"], "argument --port: invalid port value: '70000'"),
        # 0 started the default number of workers, -3 failed in gunicorn with exit 1
        (["--workers", "0"], "argument --workers: invalid worker count value: '0'"),
        (["--workers", "-3"], "argument --workers: invalid worker count value: '-3'"),
        (["--host", "192.0.2.1", "--port", "PORT"], "bingpin serve: 192.0.2.1 is not an address of this machine"),
        (["--host", "no-such-host.invalid", "--port", "PORT"], "bingpin serve: cannot resolve the host"),
    ],
)
def test_an_address_that_cannot_be_had_is_one_line(
    installed: Installed, tmp_path: Path, arguments: list[str], said: str
) -> None:
    arguments = [str(free_port()) if word == "PORT" else word for word in arguments]
    done = installed.run("serve", *arguments, "--workers", "1", cwd=tmp_path, timeout=60)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr.splitlines()[-1] and "Traceback" not in done.stderr


def test_serve_help_explains_every_option(installed: Installed, tmp_path: Path) -> None:
    done = installed.run("serve", "--help", cwd=tmp_path)
    assert done.returncode == 0
    for text in ("address to listen on", "TCP port to listen on (default 8000)", "worker processes"):
        assert text in " ".join(done.stdout.split()), done.stdout


def test_an_excel_workbook_is_told_which_formats_are_read(installed: Installed, tmp_path: Path) -> None:
    """Before: "cannot read settlements.xlsx: Parquet magic bytes not found in footer"."""
    with zipfile.ZipFile(tmp_path / "settlements.xlsx", "w") as book:  # what an .xlsx is: a zip
        book.writestr("xl/workbook.xml", "<workbook/>")
        book.writestr("settlements.csv", SAMPLE.read_text(encoding="utf-8"))
    done = installed.run(
        "audit", "medical-assistance", "settlements.xlsx", "--out", "results.csv", "--jurisdiction", "330400",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("bingpin audit: cannot read settlements.xlsx: 不是 Parquet 文件（zip 压缩包，如 Excel .xlsx")
    assert "reads Parquet, and CSV (a name ending in .csv or .txt" in line
    assert "save a spreadsheet as CSV (UTF-8) first" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settlements.xlsx"]
