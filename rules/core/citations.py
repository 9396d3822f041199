"""Citations: which policy, which clause, and the verbatim words relied on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Citation:
    """A verbatim quote from a clause of a policy text."""

    policy: str
    clause: str
    quote: str

    def as_dict(self) -> dict[str, str]:
        return {"policy": self.policy, "clause": self.clause, "quote": self.quote}


def squash(text: str) -> str:
    """Text without whitespace: published texts break lines and insert spaces at random."""
    return _SPACE.sub("", text)


class PolicyText:
    """The published text of a policy, shipped in ``rules/texts``."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.text = resources.files("bingpin.rules.texts").joinpath(filename).read_text(encoding="utf-8")
        self._squashed = squash(self.text)

    def contains(self, quote: str) -> bool:
        """Whether ``quote`` occurs verbatim (ignoring whitespace). ``……`` separates
        verbatim fragments that must occur in that order."""
        position = 0
        for fragment in (squash(part) for part in quote.split("……")):
            if not fragment:
                continue
            found = self._squashed.find(fragment, position)
            if found < 0:
                return False
            position = found + len(fragment)
        return True
