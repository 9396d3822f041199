"""Hostile services for proving the runner's limits: a raw loopback server whose answers are
whatever bytes a test writes (garbage status lines, trickles, endless chunked bodies), and the
answers themselves, each written to a socket that may be closed on it at any moment."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Answer = Callable[[socket.socket], None]


@contextmanager
def raw_server(answer: Answer) -> Iterator[str]:
    """Serve on a free loopback port: read each request's head, then ``answer(sock)``; yield the base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stopping = threading.Event()

    def one(connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):
            connection.settimeout(30)
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                piece = connection.recv(4096)
                if not piece:
                    return
                head += piece
            answer(connection)

    def accept() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=one, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stopping.set()
        thread.join(timeout=5)
        listener.close()


def sends(data: bytes) -> Answer:
    return lambda connection: connection.sendall(data)


def head(status: str = "200 OK", *headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def json_answer(body: bytes, status: str = "200 OK") -> bytes:
    return head(status, "Content-Type: application/json", f"Content-Length: {len(body)}") + body


def trickle(connection: socket.socket, seconds: float = 60.0) -> None:
    """A valid start, then one byte every 0.2 s (each within any socket timeout), for ``seconds``."""
    connection.sendall(head("200 OK", "Content-Type: application/json", "Content-Length: 100000") + b"[")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        connection.sendall(b" ")
        time.sleep(0.2)


def endless_chunked(connection: socket.socket, limit: int = 300 * 1024 * 1024) -> None:
    """A chunked JSON array that does not end (until ``limit`` bytes, or the client hangs up)."""
    connection.sendall(head("200 OK", "Content-Type: application/json", "Transfer-Encoding: chunked"))
    piece = b'"' + b"x" * 65000 + b'",'
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    connection.sendall(b"2\r\n[ \r\n")
    sent = 0
    while sent < limit:
        connection.sendall(chunk)
        sent += len(chunk)


def silent(connection: socket.socket) -> None:
    """Never answers; returns when the client hangs up."""
    connection.settimeout(120)
    connection.recv(1)
