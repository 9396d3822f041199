"""Where the partition function runs: here, batch after batch, or on a Dask distributed cluster.

Both yield (records, audited) pairs in input order, with a bounded number of batches in flight,
so memory stays bounded whatever the size of the input.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from queue import Full, Queue
from typing import Any

import pyarrow as pa

from bingpin.api.audit.files import AuditError
from bingpin.api.audit.partition import Partition

Pair = tuple[pa.Table, pa.Table, Any]
#: What else to compute from a batch and its audit where the audit ran (the report's tallies).
After = Callable[[pa.Table, pa.Table], Any]


def _none(records: pa.Table, audited: pa.Table) -> None:
    return None


def local(
    part: Partition, batches: Iterable[pa.Table], threads: int | None = None, after: After = _none
) -> Iterator[Pair]:
    """The embedded engine: batches through the partition function on this machine's cores
    (Arrow and NumPy work outside the GIL), while the caller writes the ones already done."""
    threads = threads or min(4, os.cpu_count() or 1)

    def job(batch: pa.Table) -> tuple[pa.Table, Any]:
        audited = part(batch)
        return audited, after(batch, audited)

    if threads == 1:
        for batch in batches:
            yield batch, *job(batch)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="bingpin-audit") as pool:
        pending: deque[tuple[pa.Table, Future[tuple[pa.Table, Any]]]] = deque()
        for batch in prefetched(batches, threads):
            pending.append((batch, pool.submit(job, batch)))
            if len(pending) > threads:
                records, future = pending.popleft()
                yield records, *future.result()
        while pending:
            records, future = pending.popleft()
            yield records, *future.result()


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
    try:
        while True:
            item = queue.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def dask(
    part: Partition, batches: Iterable[pa.Table], scheduler: str | None, in_flight: int = 4, after: After = _none
) -> Iterator[Pair]:
    """The same partition function on the Dask cluster at ``scheduler`` (``tcp://HOST:PORT``)."""
    try:
        from distributed import Client
    except ImportError:
        raise AuditError("--engine dask needs Dask distributed: pip install 'bingpin[dask]'") from None
    if not scheduler:
        raise AuditError("--engine dask needs --scheduler tcp://HOST:PORT (the Dask scheduler's address)")
    try:
        client = Client(scheduler, timeout=30, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise AuditError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    try:
        pending: deque[tuple[pa.Table, object]] = deque()
        for batch in batches:
            pending.append((batch, client.submit(part, batch, pure=False)))
            if len(pending) >= in_flight:
                records, future = pending.popleft()
                audited = future.result()  # type: ignore[attr-defined]
                yield records, audited, after(records, audited)
        while pending:
            records, future = pending.popleft()
            audited = future.result()  # type: ignore[attr-defined]
            yield records, audited, after(records, audited)
    finally:
        client.close()
