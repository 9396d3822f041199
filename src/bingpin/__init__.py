"""病贫 Bingpin: the reference implementation of local medical-assistance policies.

One import name for the whole distribution: ``bingpin.rules`` (the rules, no Flask),
``bingpin.api`` (the read-only REST API) and ``bingpin.features`` (the Chinese acceptance
suite and the conformance runner that judges any service by it).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bingpin")
except PackageNotFoundError:  # pragma: no cover - only a source tree without metadata
    __version__ = "0+unknown"
