"""What the README shows and tells readers to run: the batch envelope answers as shown, the versions
it names are the code's, and its commands write only outside the checkout or into ignored paths."""

from __future__ import annotations

import json
import re
import shlex
import tomllib

from bingpin.api import VERSION, create_app
from tests.live import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
#: Options of the README's commands that name a file or directory the command writes.
WRITES = ("--out", "--report", "--output", "--output-path", "-w")


def section(title: str) -> str:
    found = re.search(rf"^#+ {re.escape(title)}\n(.*?)^#+ ", README, re.M | re.S)
    assert found is not None, title
    return found.group(1)


def test_the_batch_envelope_answers_as_shown() -> None:
    text = section("Batch calculations: a year of records")
    (curl,) = re.findall(r"```sh\n(curl .+?)\n```", text, re.S)
    request, answer = (json.loads(block) for block in re.findall(r"```json\n(.+?)\n```", text, re.S)[:2])
    path = re.search(r"http://127\.0\.0\.1:8000(/\S+?)'", curl)
    assert path is not None and "-d @batch.json" in curl
    response = create_app().test_client().post(path.group(1), json=request)
    assert response.status_code == 200
    assert response.get_json() == answer
    assert [item["status"] for item in answer["results"]] == [200, 200, 422]  # one refusal shown too


def test_the_versions_named_are_the_codes() -> None:
    package = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    suite = (ROOT / "features" / "SUITE_VERSION").read_text(encoding="utf-8").strip()
    text = section(f"Versions: the API document {VERSION}, the package {package}")
    assert f"| API document {VERSION} |" in text
    assert f"| package {package} |" in text
    assert f"| suite {suite} |" in text


def _ignored_folders() -> set[str]:
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return {line.strip().rstrip("/") for line in lines if line.strip().endswith("/") and "*" not in line}


def test_the_readme_commands_write_only_into_ignored_folders() -> None:
    """Before: the audit example left audit/ and the client example bingpin_client/ in the checkout."""
    ignored = _ignored_folders()
    assert {"build", "dist", "reports"} <= ignored
    written: list[str] = []
    for block in re.findall(r"```sh\n(.+?)\n```", README, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            written += [words[i + 1] for i, word in enumerate(words[:-1]) if word in WRITES]
    assert len(written) >= 5, written  # the audit's output and report, the client, the wheel...
    inside = [path for path in written if not path.startswith(("/", "~")) and path.split("/")[0] not in ignored]
    assert inside == []
