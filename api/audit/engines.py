"""Where the partition function runs: here, batch after batch, or on a Dask distributed cluster.

Both yield (records, audited, counted) in input order, with a bounded number of batches in
flight, so memory stays bounded whatever the size of the input; ``counted()`` gives what ``after``
computed from the pair (the report's tallies), so that the caller writes a batch while it is
computed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from queue import Full, Queue
from typing import Any

# NumPy's ``unique`` imports ``numpy.ma`` the first time it runs: imported here, before any worker
# thread starts, so that no thread of a run imports while it goes on (the first batch paid the
# import, about 35 ms). A signal that comes while the main thread imports is put off by
# ``stopping.raising_on``.
import numpy.ma  # noqa: F401
import pyarrow as pa

from bingpin.api import stopping
from bingpin.api.audit.files import AuditError, first_line
from bingpin.api.audit.partition import Partition
from bingpin.api.stopping import Watch, watching

Pair = tuple[pa.Table, pa.Table, Callable[[], Any]]
#: Seconds a stopped run waits for its reader to finish the batch it is decoding.
READER_GRACE = 5.0
#: What else to compute from a batch and its audit where the audit ran (the report's tallies).
After = Callable[[pa.Table, pa.Table], Any]


def _none(records: pa.Table, audited: pa.Table) -> None:
    return None


def local(
    part: Partition,
    batches: Iterable[pa.Table],
    threads: int | None = None,
    after: After = _none,
    watch: Watch | None = None,
) -> Generator[Pair, None, None]:
    """The embedded engine: batches through the partition function on this machine's cores
    (Arrow and NumPy work outside the GIL), while the caller writes the ones already done.

    ``watch`` counts the records answered as they are (for progress within a batch); when the
    caller stops taking batches (an error, a signal, the generator closed), the work in flight is
    called off through it and ends within milliseconds, and batches not started are dropped."""
    threads = threads or min(4, os.cpu_count() or 1)
    watch = watch or Watch()

    def audit(batch: pa.Table) -> pa.Table:
        with watching(watch):
            stopping.check()  # a batch that starts after a stop is dropped before any work
            before = stopping.counted()
            table = part(batch)
            watch.count(max(batch.num_rows - (stopping.counted() - before), 0))  # rows no loop counted
            return table

    def tallied(batch: pa.Table, table: pa.Table) -> Any:
        with watching(watch):
            return after(batch, table)

    def job(batch: pa.Table, audited: Future[pa.Table]) -> Any:
        """The batch's audit, handed over as soon as it is done (the caller writes it meanwhile),
        then what ``after`` computes from it."""
        try:
            table = audit(batch)
        except BaseException as error:
            audited.set_exception(error)
            # the error's traceback holds this frame: without the future in it, nothing it holds
            # (the batch, the bodies read so far) waits for a collection to be freed
            del audited
            raise
        audited.set_result(table)
        return tallied(batch, table)

    if threads == 1:
        try:
            for batch in batches:
                table = audit(batch)
                yield batch, table, functools.partial(tallied, batch, table)
        finally:
            watch.stop()
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="bingpin-audit") as pool:
        pending: deque[_Running] = deque()

        def submitted(batch: pa.Table) -> _Running:
            audited: Future[pa.Table] = Future()
            return batch, audited, pool.submit(job, batch, audited)

        try:
            for batch in prefetched(batches, threads):
                pending.append(submitted(batch))
                if len(pending) > threads:
                    yield _taken(pending.popleft())
            while pending:
                yield _taken(pending.popleft())
        finally:  # on the way out early: call the work off, so that the pool's exit waits for nothing long
            watch.stop()
            for _, _, future in pending:
                future.cancel()


#: A batch in the works: the batch, its audit (handed over first), what ``after`` computes from it.
_Running = tuple[pa.Table, Future[pa.Table], Future[Any]]


def _taken(running: _Running) -> Pair:
    """A batch's pair once its audit is done; its error if it failed. No frame the error's
    traceback holds keeps the futures that hold the error (nothing waits for a collection)."""
    records, audited, future = running
    try:
        return records, audited.result(), future.result
    except BaseException:
        del records, audited, future, running
        raise


def prefetched(batches: Iterable[pa.Table], ahead: int) -> Iterator[pa.Table]:
    """``batches``, read by a thread of their own up to ``ahead`` batches ahead (the file is
    decoded while the caller writes); an error while reading is raised here, in order."""
    done = object()
    queue: Queue[Any] = Queue(maxsize=ahead)
    stop = threading.Event()

    def read() -> None:
        def put(item: object) -> bool:
            while not stop.is_set():
                try:
                    queue.put(item, timeout=0.1)
                    return True
                except Full:
                    continue
            return False

        try:
            for batch in batches:
                if not put(batch):
                    return
            put(done)
        except BaseException as error:  # handed to the consumer, raised there
            put(error)

    reader = threading.Thread(target=read, name="bingpin-audit-reader", daemon=True)
    reader.start()
    finished = False
    try:
        while True:
            item = queue.get()
            if item is done:
                finished = True
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        # stopped early: the reader ends once the batch it is decoding is done (well under a second).
        # It is waited for: a thread still inside Arrow when the interpreter exits is ended there by
        # the interpreter, and the process aborts ("terminate called without an active exception").
        # Past READER_GRACE seconds (a stalled disk) the run ends all the same.
        reader.join(None if finished else READER_GRACE)


def scheduler_address(address: str) -> tuple[str, str, int]:
    """``tcp://HOST:PORT`` (or ``HOST:PORT``) as (scheme, host, port), or refused."""
    scheme, sep, location = address.partition("://")
    if not sep:
        scheme, location = "tcp", address
    host, colon, port = location.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host  # [::1]
    if scheme != "tcp" or not colon or not host or not port.isascii() or not port.isdigit():
        raise AuditError(f"--scheduler {address!r} is not a Dask scheduler address: tcp://HOST:PORT")
    if not 0 < int(port) < 65536:
        raise AuditError(f"--scheduler {address!r}: port {port} is not a TCP port (1-65535)")
    return scheme, host, int(port)


def connect(address: str, timeout: float) -> Any:
    """A Dask client of the scheduler at ``address``, within ``timeout`` seconds, or AuditError.

    The address is read first, the port tried, then the scheduler is asked who it is (Dask's ``identity``) with the
    whole exchange bounded by ``timeout``: a refused or unreachable port, and a service that is not
    a Dask scheduler (an HTTP server, a port that accepts and says nothing, which Dask's own
    handshake would wait on for ever), end the run in seconds, before any client exists."""
    try:
        import dask.config
        from distributed import Client
    except ImportError:
        raise AuditError("--engine dask needs Dask distributed: pip install 'bingpin[dask]'") from None
    _, host, port = scheduler_address(address)
    try:  # a refused or unreachable port at once (Dask's own connect retries until its timeout)
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as error:
        raise AuditError(f"cannot reach the Dask scheduler at {address}: {error.strerror or error}") from None
    try:
        who = asyncio.run(asyncio.wait_for(_identity(address, timeout), timeout))
    except Exception as error:  # whatever the far end did: one line, the run ends
        reason = "no answer" if isinstance(error, TimeoutError) else f"{type(error).__name__}: {first_line(error)}"
        raise AuditError(f"no Dask scheduler answered at {address} within {timeout:g} s ({reason})") from None
    if not isinstance(who, dict) or who.get("type") != "Scheduler":
        kind = who.get("type") if isinstance(who, dict) else type(who).__name__
        raise AuditError(f"{address} is not a Dask scheduler (it answered as {kind!r})")
    seconds = f"{timeout}s"
    try:
        with dask.config.set({"distributed.comm.timeouts.connect": seconds}):
            return Client(address, timeout=seconds, set_as_default=False)
    except Exception as error:
        reason = f"{type(error).__name__}: {first_line(error)}"
        raise AuditError(f"cannot use the Dask scheduler at {address}: {reason}") from None


async def _identity(address: str, timeout: float) -> Any:
    from distributed.comm import connect as dask_connect

    comm = await dask_connect(address, timeout=timeout)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        comm.abort()


class Workers:
    """Waits for a batch's result while the cluster has a worker to compute it.

    Dask waits for ever for a worker to run a task on: a cluster whose workers all died (a worker
    that cannot import bingpin dies while it decodes the task, and the scheduler logs "Lost all
    workers") or that never had one would hold the run with nothing said. Every ``POLL`` seconds
    of waiting the scheduler is asked how many workers it has; none for more than ``bound``
    seconds ends the run."""

    POLL = 1.0

    def __init__(self, client: Any, address: str, bound: float) -> None:
        self.client, self.address, self.bound = client, address, bound
        self.seen = self.count() > 0

    def count(self) -> int:
        return len(self.client.nthreads())  # {worker: threads}: small, whatever the cluster's size

    def result(self, future: Any) -> Any:
        alone: float | None = None  # since when the cluster has had no worker
        while True:
            try:
                return future.result(timeout=self.POLL)
            except TimeoutError:
                if future.done():  # the batch's own TimeoutError, raised on the worker
                    return future.result()
            if self.count():
                self.seen, alone = True, None
                continue
            now = time.monotonic()
            alone = now if alone is None else alone
            if now - alone > self.bound:
                raise AuditError(self.reason())

    def reason(self) -> str:
        if self.seen:
            return (
                f"no Dask worker left at {self.address}: the workers died or left and none came back within "
                f"{self.bound:g} s (--connect-timeout); a worker that cannot import bingpin dies while loading "
                "the task: is bingpin installed on every worker?"
            )
        return (
            f"the Dask scheduler at {self.address} has no worker: none joined within {self.bound:g} s "
            "(--connect-timeout); start workers with bingpin installed and run again"
        )


def dask(
    part: Partition,
    batches: Iterable[pa.Table],
    scheduler: str | None,
    in_flight: int = 4,
    after: After = _none,
    timeout: float = 10.0,
) -> Generator[Pair, None, None]:
    """The same partition function on the Dask cluster at ``scheduler`` (``tcp://HOST:PORT``).

    A batch that fails on a worker ends the run as soon as its result is due, with the worker's
    error as the reason (the rest are cancelled and the client closed without waiting). So does a
    cluster without a worker for more than ``timeout`` seconds (none joined, or all died: a worker
    that cannot import bingpin dies while loading the task), and a batch whose workers keep dying
    (Dask's ``KilledWorker``)."""
    if not scheduler:
        raise AuditError("--engine dask needs --scheduler tcp://HOST:PORT (the Dask scheduler's address)")
    from distributed import KilledWorker

    client = connect(scheduler, timeout)
    pending: deque[tuple[pa.Table, Any]] = deque()

    def done() -> Pair:
        records, future = pending.popleft()
        try:
            audited = watch.result(future)
        except AuditError:
            raise
        except KilledWorker as error:
            tries = getattr(error, "allowed_failures", None)
            times = f" {tries + 1} times" if isinstance(tries, int) else ""
            raise AuditError(
                f"the Dask workers died{times} running a batch (KilledWorker), so the scheduler gave it up: "
                "is bingpin installed on every worker, and does each have the memory for a batch?"
            ) from None
        except Exception as error:
            raise AuditError(f"a Dask worker failed on a batch: {type(error).__name__}: {first_line(error)}") from None
        return records, audited, functools.partial(after, records, audited)

    try:
        watch = Workers(client, scheduler, timeout)
        for batch in batches:
            pending.append((batch, client.submit(part, batch, pure=False)))
            if len(pending) >= in_flight:
                yield done()
        while pending:
            yield done()
    finally:
        with contextlib.suppress(Exception):  # the run's own outcome matters, not the goodbye
            client.cancel([future for _, future in pending])
        with contextlib.suppress(Exception):
            client.close(timeout=1 if stopping.REQUESTED.is_set() else min(timeout, 5))  # a stop: no waiting
