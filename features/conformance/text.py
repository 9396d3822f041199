"""Vendor text made safe to show: on a terminal, in junit.xml and in the HTML report.

A service under test decides what its answers hold. Control characters in them would act on the
reader's terminal (clear the screen, print a fake green line) or make junit.xml invalid XML; a
lone surrogate cannot be written as UTF-8 at all. Each is shown as its escape (``\\x1b``) instead.
"""

from __future__ import annotations

import re

#: C0 but tab and newline, DEL, C1 (with NEL, U+0085), the line and paragraph separators U+2028
#: and U+2029 (line breaks to editors, browsers' text and ``str.splitlines``), lone surrogates,
#: bidirectional overrides and isolates (they reorder what a terminal shows), and the two
#: non-characters XML forbids.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def printable(text: str, *, lines: bool = True) -> str:
    """``text`` with every unsafe character replaced by its Python escape, e.g. ESC as ``\\x1b``;
    ``lines=False``: newlines too (one line of output, which no vendor text can break)."""
    text = UNSAFE.sub(lambda m: ascii(m[0])[1:-1], text)
    return text if lines else text.replace("\n", "\\n")


#: Characters ``json.dumps(..., ensure_ascii=False)`` leaves raw that are unsafe to show or cannot be
#: encoded; JSON has them only inside strings, where ``\\uXXXX`` means the same.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def json_text(text: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with the unsafe characters escaped:
    the same JSON value, readable Chinese, and encodable as UTF-8."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
