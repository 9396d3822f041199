"""The suite as vendors install it: the wheel, in a fresh venv outside the checkout, run from a
directory whose own ``api``, ``rules`` and ``features`` packages (and pytest set-up) are on
PYTHONPATH, judges a live service and a wrong one, and installs one import name, ``bingpin``."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conformance.altered import altered, proxy
from tests.conformance.hostile import json_answer, raw_server, sends
from tests.conformance.test_runner_honesty import control_characters, hostile_policy_id, plant_green_verdict, replayed
from tests.conformance.test_runner_limits import DEEP
from tests.live import ROOT, free_port, served
from tests.test_conformance import on_new_year
from tests.wheel import Installed

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
SUITE = (ROOT / "features" / "SUITE_VERSION").read_text(encoding="utf-8").strip()

#: Folders mapped under ``bingpin`` by pyproject's package-dir.
MAPPED = {"api": "bingpin.api", "rules": "bingpin.rules", "features": "bingpin.features", "src/bingpin": "bingpin"}
DECOY = "raise ImportError(\"the vendor's own {name} package was imported instead of bingpin's\")\n"


@pytest.fixture(scope="module")
def installed(installed_bingpin: Callable[..., Installed]) -> Installed:
    return installed_bingpin()


@pytest.fixture(scope="module")
def vendor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vendor's project: its own api/, rules/ and features/ packages, a conftest and a pytest.ini
    that would break any pytest run that read them."""
    project = tmp_path_factory.mktemp("vendor-project")
    for name in ("api", "rules", "features"):
        (project / name).mkdir()
        (project / name / "__init__.py").write_text(DECOY.format(name=name), encoding="utf-8")
    (project / "conftest.py").write_text('raise RuntimeError("the vendor\'s conftest was loaded")\n', encoding="utf-8")
    (project / "pytest.ini").write_text("[pytest]\naddopts = --no-such-option\n", encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def environment(installed: Installed, vendor: Path) -> dict[str, str]:
    return installed.environment(pythonpath=[vendor])


@pytest.fixture(scope="module")
def service(installed: Installed, vendor: Path, environment: dict[str, str]) -> Iterator[str]:
    """``bingpin serve`` of the installed wheel, started from the vendor's directory."""
    with served(bingpin=[str(installed.bingpin)], cwd=vendor, env=environment) as url:
        yield url


def test_the_installed_command_names_its_version_and_explains_the_runner(
    installed: Installed, vendor: Path, environment: dict[str, str]
) -> None:
    version = installed.run("--version", cwd=vendor, env=environment)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"bingpin {VERSION} (suite {SUITE})"
    helped = installed.run("conformance", "--help", cwd=vendor, env=environment)
    assert helped.returncode == 0, helped.stderr
    for option in (
        "--base-url",
        "--report",
        "reports/conformance",
        "--waive",
        "--tags",
        "exit codes",
        "--answer-timeout",
        "--max-answer-bytes",
        "--verbose",
        "conformance matrix",
    ):
        assert option in helped.stdout


def test_outside_a_checkout_the_spec_check_says_there_is_no_spec_here(
    installed: Installed, vendor: Path, environment: dict[str, str]
) -> None:
    result = installed.run("openapi", "--check", cwd=vendor, env=environment)
    assert result.returncode == 2
    assert result.stderr.startswith("there is no openapi/openapi.json here to check")
    assert "out of date" not in result.stderr


def test_a_live_service_passes_the_whole_suite_from_the_installed_wheel(
    installed: Installed, vendor: Path, environment: dict[str, str], service: str
) -> None:
    result = installed.run("conformance", "--base-url", service, "--report", "out", cwd=vendor, env=environment)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((vendor / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["conformant"] is True
    (schema,) = installed.venv.glob("lib/python*/site-packages/bingpin/features/conformance/report.schema.json")
    jsonschema.validate(report, json.loads(schema.read_text(encoding="utf-8")))  # the schema ships too
    assert report["target"]["base_url"] == service
    assert len(report["scenarios"]) == report["suite"]["scenarios"]  # every scenario ran
    assert {s["status"] for s in report["scenarios"]} == {"passed"}
    assert (vendor / "out" / "junit.xml").is_file() and (vendor / "out" / "report.html").is_file()


def test_a_service_that_alters_one_answer_fails_by_name_in_all_three_reports(
    installed: Installed, vendor: Path, environment: dict[str, str], service: str
) -> None:
    with altered(service, on_new_year, "amount", "8999.99") as wrong:
        result = installed.run(
            "conformance", "--base-url", wrong, "--policy", "jiaxing", "--report", "wrong", cwd=vendor, env=environment
        )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert "FAILED JX-IF-002" in result.stdout
    directory = vendor / "wrong"
    report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in report["scenarios"] if s["status"] == "failed"] == ["JX-IF-002"]
    junit = ET.parse(directory / "junit.xml")
    failed = [case.get("name", "") for case in junit.iter("testcase") if case.find("failure") is not None]
    assert len(failed) == 1 and failed[0].startswith("JX-IF-002 ")
    html = (directory / "report.html").read_text(encoding="utf-8")
    assert 'href="#JX-IF-002"' in html and "8999.99" in html


def test_the_wheel_installs_one_import_name(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = wheel.namelist()
        (top_level,) = [n for n in names if n.endswith(".dist-info/top_level.txt")]
        assert wheel.read(top_level).decode().split() == ["bingpin"]
    assert {n.split("/", 1)[0] for n in names if ".dist-info/" not in n} == {"bingpin"}
    # What pip recorded as installed into site-packages (console scripts live outside it: "../../../bin").
    listing = "import importlib.metadata as m; print(*sorted({f.parts[0] for f in m.files('bingpin')}))"
    result = subprocess.run(
        [installed.python, "-c", listing],
        cwd=installed.venv,
        env=installed.environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert [n for n in result.stdout.split() if n != ".."] == ["bingpin", f"bingpin-{VERSION}.dist-info"]


def package_dirs() -> set[str]:
    """Every folder with an __init__.py under the mapped folders, as its import name."""
    found = set()
    for folder, package in MAPPED.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((package, *relative)))
    return found


def test_every_package_folder_is_listed_in_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(pyproject["tool"]["setuptools"]["packages"])
    assert package_dirs() - listed == set(), "add these to [tool.setuptools] packages or they miss the wheel"
    assert listed - package_dirs() == set(), "listed packages without a folder"


def test_the_ci_job_of_the_vendors_guide_works_as_written(
    installed: Installed, environment: dict[str, str], tmp_path: Path
) -> None:
    """The guide's GitHub Actions job, its run steps in order (the fixture's venv stands in for pipx;
    a free port for 8080), starts a service, judges it and leaves the reports where it uploads them."""
    (block,) = re.findall(r"```yaml\n(.+?)```", (ROOT / "docs" / "vendors.md").read_text(encoding="utf-8"), re.S)
    (job,) = yaml.safe_load(block)["jobs"].values()
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs[0] == 'pipx install "$BINGPIN_WHEEL"'
    assert job["env"]["BINGPIN_WHEEL"] == f"ci/bingpin-{VERSION}-py3-none-any.whl"
    port = str(free_port())
    script = "\n".join(run.replace("8080", port) for run in runs[1:])
    result = subprocess.run(
        ["bash", "-eu", "-c", f"trap 'kill $(jobs -p) 2>/dev/null' EXIT\n{script}"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "CONFORMANT" in result.stdout
    (upload,) = [step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact")]
    reports = tmp_path / upload["with"]["path"]
    assert {p.name for p in reports.iterdir()} >= {"report.json", "junit.xml", "report.html"}


def test_the_installed_runner_is_safe_against_a_hostile_service(
    installed: Installed, vendor: Path, environment: dict[str, str], service: str, tmp_path: Path
) -> None:
    """A policy id that is a shell command, control characters and a lone surrogate in answers, a
    link planted in the report directory, a previous green verdict, JSON nested 10^6 deep."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return installed.run("conformance", *args, cwd=vendor, env=environment)

    elsewhere = tmp_path / "precious.json"
    elsewhere.write_text("precious", encoding="utf-8")
    linked = vendor / "linked-report"
    linked.mkdir()
    (linked / "report.json").symlink_to(elsewhere)
    with proxy(service, hostile_policy_id) as hostile:
        result = run("--base-url", hostile, "--tags", "id:SZ-OD-001", "--verbose", "--report", str(linked))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert elsewhere.read_text(encoding="utf-8") == "precious" and not (linked / "report.json").is_symlink()
    (line,) = [line.removeprefix("  replay:   ") for line in result.stdout.splitlines() if "replay:" in line]
    replayed(line, tmp_path)
    assert not (tmp_path / "pwned").exists()

    directory = vendor / "controls"
    plant_green_verdict(directory)
    with proxy(service, control_characters) as hostile:
        result = run("--base-url", hostile, "--tags", "clause:三", "--report", str(directory))
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert "\x1b" not in result.stdout and "\\x1b[2J" in result.stdout
    junit = ET.parse(directory / "junit.xml")
    assert sorted(c.get("name", "")[:9] for c in junit.iter("testcase") if c.find("failure") is not None) == [
        "JX-IF-001",
        "JX-IF-002",
    ]

    with raw_server(sends(json_answer(DEEP))) as deep:
        result = run("--base-url", deep, "--report", "deep")
    assert result.returncode == 69 and len(result.stderr.splitlines()) == 1, result.stderr[-3000:]
    assert "nested deeper than 64 levels" in result.stderr
    with raw_server(sends(json_answer(b"[NaN]"))) as nan:
        result = run("--base-url", nan, "--report", "nan")
    assert result.returncode == 69 and "NaN is not a JSON number" in result.stderr, result.stderr[-3000:]
    (vendor / "deep.json").write_bytes(b"[" * 200_000)
    result = run("diff", str(directory / "report.json"), "deep.json")
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr[-3000:]
    (vendor / "empty.json").write_text('{"scenarios": []}', encoding="utf-8")
    result = run("diff", str(directory / "report.json"), "empty.json")
    assert result.returncode == 3 and "not run in NEW (OLD ran them): " in result.stdout, result.stdout
    empty = run("--report", "")
    assert empty.returncode == 2 and "--report needs a directory" in empty.stderr
