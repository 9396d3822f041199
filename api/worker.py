"""The gunicorn worker of ``bingpin serve``: gunicorn's gevent worker, with a deadline on each
request as well as on its headers.

gunicorn's gevent worker closes a connection whose request line and headers take longer than
``keepalive`` seconds, but then reads the body and writes the answer with no time limit: a client
that trickles a declared body would hold its connection for ever. Here each request, from its
headers to the last byte of its answer, gets ``timeout`` seconds (30): past that, the connection
is closed without an answer, as for slow headers. The work itself (microseconds; about a second
for a 10,000-case batch) is never interrupted: a gevent timeout fires only while waiting for the
network.
"""

from __future__ import annotations

from typing import Any

import gevent
from gunicorn.workers.ggevent import GeventWorker


class Worker(GeventWorker):
    """gunicorn's gevent worker; a request still waiting on its client after ``timeout`` s is cut off."""

    def handle_request(self, listener_name: Any, req: Any, sock: Any, addr: Any) -> Any:
        deadline = gevent.Timeout(self.cfg.timeout)
        deadline.start()
        try:
            return super().handle_request(listener_name, req, sock, addr)
        except gevent.Timeout as exc:
            if exc is not deadline:
                raise
            self.log.debug("Closing a connection whose request took over %s s", self.cfg.timeout)
            raise StopIteration() from None  # gunicorn's AsyncWorker closes the connection
        finally:
            deadline.cancel()
