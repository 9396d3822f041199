"""One bounded HTTP exchange with the service under test.

Every answer has a size limit and a total deadline. The deadline covers connecting, the headers
and the whole body: a timer shuts the socket down when it passes, so an answer trickled a byte a
second is cut off like one that never comes. The body is read in pieces and reading stops past
the limit, so an endless (chunked) answer costs the limit, not the memory of the machine.
Redirects are followed only within the same scheme, host and port, and only for GET (307 and 308
for any method); any other redirect is itself the answer. Bodies are never decompressed.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass

from bingpin.features.conformance.text import printable

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
DEFAULT_TIMEOUT = 10.0
DEFAULT_GIVE_UP_AFTER = 5
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
PIECE = 64 * 1024
#: How much of an answer that is refused (too large, not HTTP) the reports keep.
EXCERPT_BYTES = 2000


@dataclass(frozen=True)
class Limits:
    """What one answer may cost: ``max_bytes`` of body, ``timeout`` seconds from first byte sent to last received."""

    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT


class AnswerError(Exception):
    """No usable answer. ``no_answer``: nothing came back (refused, reset, deadline passed), which
    counts towards giving up on the service; ``status`` and ``excerpt``: what did come back."""

    def __init__(self, message: str, *, no_answer: bool = False, status: int | None = None, excerpt: bytes = b""):
        super().__init__(message)
        self.no_answer = no_answer
        self.status = status
        self.excerpt = excerpt


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def fetch(method: str, url: str, data: bytes | None, headers: dict[str, str], limits: Limits) -> Answer:
    """``method url`` within ``limits`` (one deadline for every redirect followed)."""
    deadline = time.monotonic() + limits.timeout
    for _ in range(MAX_REDIRECTS + 1):
        status, location, body = _once(method, url, data, headers, limits, deadline)
        if status not in REDIRECTS or not location:
            return Answer(status, body)
        target = urllib.parse.urljoin(url, location)
        if not same_origin(url, target) or (method != "GET" and status not in (307, 308)):
            return Answer(status, body)  # the redirect is the answer: another host's body never is
        url = target
    raise AnswerError(f"more than {MAX_REDIRECTS} redirects from {url}")


def same_origin(one: str, other: str) -> bool:
    a, b = urllib.parse.urlsplit(one), urllib.parse.urlsplit(other)
    try:
        return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)
    except ValueError:  # a port that is not a number
        return False


def _once(
    method: str, url: str, data: bytes | None, headers: dict[str, str], limits: Limits, deadline: float
) -> tuple[int, str | None, bytes]:
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise AnswerError(f"not a valid URL: {url!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AnswerError(f"not an http(s) URL: {url!r}")
    remaining = max(deadline - time.monotonic(), 0.001)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, port, timeout=remaining)
    passed = threading.Event()
    sockets: list[socket.socket] = []  # the connection lets go of its socket once an answer says "close"

    def cut() -> None:  # runs on the timer's thread: a blocked read returns at once
        passed.set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(remaining, cut)
    timer.daemon = True
    timer.start()
    late = AnswerError(f"no complete answer within {limits.timeout:g} s (--answer-timeout)", no_answer=True)
    try:
        connection.connect()
        if connection.sock is not None:
            sockets.append(connection.sock)
        if passed.is_set():
            raise late
        connection.request(method, urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, "")), data, headers)
        response = connection.getresponse()
        _check_length(response, parts.netloc)
        body = _read(response, limits.max_bytes)
        if passed.is_set():
            raise late
        return response.status, response.getheader("Location"), body
    except AnswerError:
        raise
    except TimeoutError:
        raise late from None
    except http.client.InvalidURL as error:  # ours to send, not the service's answer
        raise AnswerError(f"not a valid URL: {_name(error)}") from None
    except http.client.HTTPException as error:
        if passed.is_set():
            raise late from None
        raise AnswerError(f"not a valid HTTP answer from {parts.netloc}: {_name(error)}") from None
    except OSError as error:
        if passed.is_set():
            raise late from None
        raise AnswerError(f"no answer from {parts.netloc}: {_name(error)}", no_answer=True) from None
    finally:
        timer.cancel()
        connection.close()


#: What a Content-Length may be: one non-negative decimal integer, ASCII digits only.
LENGTH = re.compile(r"[0-9]{1,18}")


def _check_length(response: http.client.HTTPResponse, netloc: str) -> None:
    """Refuse what ``http.client`` would quietly read another way: a negative or malformed
    Content-Length (read to the close instead), or two that disagree (the first taken)."""
    values = response.headers.get_all("Content-Length") or []
    if values and (len(values) > 1 or not LENGTH.fullmatch(values[0].strip(" \t"))):
        shown = ", ".join(repr(v[:40]) for v in values[:5])
        raise AnswerError(
            f"not a valid HTTP answer from {netloc}: Content-Length must be one non-negative integer, not {shown}",
            status=response.status,
        )


def _read(response: http.client.HTTPResponse, limit: int) -> bytes:
    """The body, or :class:`AnswerError` as soon as it is known to be larger than ``limit``."""
    too_large = f"answer larger than {limit} bytes (--max-answer-bytes)"
    if response.length is not None and response.length > limit:
        raise AnswerError(too_large, status=response.status, excerpt=response.read(EXCERPT_BYTES))
    pieces: list[bytes] = []
    size = 0
    while piece := response.read(min(PIECE, limit + 1 - size)):
        pieces.append(piece)
        size += len(piece)
        if size > limit:
            raise AnswerError(too_large, status=response.status, excerpt=pieces[0][:EXCERPT_BYTES])
    return b"".join(pieces)


def _name(error: BaseException) -> str:
    """The error in one line (``str`` of some is empty; ``repr`` escapes what the service sent)."""
    text = printable(str(error), lines=False)
    return f"{type(error).__name__}: {text}"[:300] if text else type(error).__name__
