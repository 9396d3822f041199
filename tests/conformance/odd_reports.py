"""Files the one bounded reader of report.json (``api.catalog.results.report_object``) refuses,
whichever command reads them (``conformance diff``, ``conformance matrix``): the file and what
the refusal says."""

from __future__ import annotations

import pytest

UNREADABLE = [
    pytest.param(b"[" * 200_000, "nested deeper than 32 levels", id="deep"),
    pytest.param(
        b'{"scenarios": [' + b"{" * 100 + b"}" * 100 + b"]}", "nested deeper than 32 levels", id="deep-inside"
    ),
    pytest.param(b"[]", "the report must be an object", id="list"),
    pytest.param(b'{"scenarios": {}}', "scenarios must be a list", id="scenarios"),
    pytest.param(b"\xff\xfe", "not UTF-8", id="utf8"),
    pytest.param(b"{", "not JSON", id="json"),
]
