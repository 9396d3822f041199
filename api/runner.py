"""One case in, one answer out: the single endpoint's read, rule and serialisation, without HTTP.

The batch endpoint and ``bingpin audit`` answer each case through a :class:`Runner`, so a case's
answer (or its error payload and status) is exactly what the single endpoint answers for the same
body: the same request schema, the same rule through :func:`~bingpin.rules.registry.calculate`,
the same answer frame and the same result schema.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from typing import Any

import gevent
import marshmallow as ma
from gevent import monkey

from bingpin.api import errors
from bingpin.api.compiled import Fallback, compile_dump, compile_load
from bingpin.api.resources.calculations import ENDPOINTS, Endpoint, shape
from bingpin.api.schemas import batch as s
from bingpin.rules.core.errors import BingpinError
from bingpin.rules.registry import calculate

log = logging.getLogger(__name__)

Answer = tuple[int, dict[str, Any] | None, dict[str, Any] | None]

#: Cases answered in a row before a batch lets the worker's other requests run (tens of ms).
TURN = 200


@cache
def _cooperative() -> bool:
    """Whether this process serves requests as gevent greenlets (``bingpin serve``'s worker)."""
    return bool(monkey.is_module_patched("socket"))


def give_way() -> None:
    """Under the gevent worker, let other requests run: a 10,000-case batch (a second or more of
    work) never holds the worker, and so the requests of other clients, for its whole length."""
    if _cooperative():
        gevent.sleep(0.001)  # a timer: the loop polls the network, so waiting requests are read too


class Runner:
    """Answers the cases of one calculation, with one request schema and one result schema."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.request = endpoint.request()
        self.result = s.result_schema(endpoint.view, endpoint.response)()
        # The compiled paths themselves (api.compiled), without a method call around each.
        self.load = compile_load(self.request) or self._marshmallow_load
        self.dump = compile_dump(self.result) or self.result.dump

    def _marshmallow_load(self, body: Any) -> Any:
        return ma.Schema.load(self.request, body)

    def one(self, body: Any, explain: bool = True, *, detailed: bool = True) -> Answer:
        """(status, result, error) exactly as the single endpoint answers ``body``; without
        ``detailed``, an invalid body's error leaves out its field messages (a batch past
        :data:`~api.schemas.batch.MAX_DETAILED_ERRORS` failed cases)."""
        args, refused = self.read(body, detailed)
        return self.answer(args, explain) if refused is None else refused

    def read(self, body: Any, detailed: bool = True) -> tuple[Any, Answer | None]:
        """``body`` read by the request schema (and None), or None and the answer refusing it."""
        try:
            try:
                return self.load(body), None
            except Fallback:
                return self._marshmallow_load(body), None
        except ma.ValidationError as error:
            messages = errors.flatten({"json": error.messages}) if detailed else {}
            return None, (422, None, errors.payload(*errors.CODES[422], messages))

    def answer(self, args: dict[str, Any], explain: bool) -> Answer:
        """(status, result, error) for a body already read (:meth:`read`)."""
        try:
            case = self.endpoint.build(args)
            policy, outcome = calculate(self.endpoint.path, args["jurisdiction"], case, explain)
            result = self.dump(shape(policy, case, outcome, explain=explain))
        except BingpinError as error:
            payload, status = errors.domain_error(error)
            return status, None, payload
        except Exception:
            log.exception("unhandled error in a batch case")
            return 500, None, errors.payload(*errors.CODES[500])
        return 200, result, None

    def bodies(self, envelope: dict[str, Any]) -> list[Any]:
        """Each case of a batch merged over its shared fields: case over ``defaults`` over
        ``jurisdiction``/``date`` (a case that is not an object is left as it is)."""
        shared = {key: envelope[key] for key in s.SHARED if key in envelope}
        shared.update(envelope.get("defaults") or {})
        if not shared:  # nothing to merge: the cases as they are (never changed: each is read, then answered)
            return list(envelope["cases"])
        return [{**shared, **case} if type(case) is dict else case for case in envelope["cases"]]

    def run(self, envelope: dict[str, Any], explain: bool) -> dict[str, Any]:
        return self.report(self.answers(self.bodies(envelope), explain))

    def answers(self, bodies: list[Any], explain: bool, known: list[Answer | None] | None = None) -> list[Answer]:
        """Each body's answer, or the one already ``known`` for it (the population path's); past
        :data:`~api.schemas.batch.MAX_DETAILED_ERRORS` failed cases without field messages, and
        giving way to the worker's other requests every :data:`TURN` cases answered here (a known
        answer costs a look-up)."""
        one = self.one
        answers: list[Answer] = []
        failed = computed = 0
        for index, body in enumerate(bodies):
            answer = known[index] if known is not None else None
            if answer is None:
                if computed % TURN == TURN - 1:
                    give_way()
                computed += 1
                answer = one(body, explain, detailed=failed < s.MAX_DETAILED_ERRORS)
            failed += answer[2] is not None
            answers.append(answer)
        return answers

    def report(self, answers: list[Answer]) -> dict[str, Any]:
        """The batch answer: each case's answer in order, and how many succeeded and failed. Past
        the first :data:`~api.schemas.batch.MAX_DETAILED_ERRORS` failed cases, an error keeps its
        code and message but not its field messages (counted in ``errors_omitted``), so that a
        batch of bad cases answers in bounded size."""
        results, failed = self.entries(enumerate(answers))
        return self.summary(len(results), failed, results)

    def entries(self, answers: Iterable[tuple[int, Answer]]) -> tuple[list[dict[str, Any]], int]:
        """Each (index, answer) as its item of the batch's ``results``, and how many failed (the
        cases left out between them, if any, did not)."""
        results = []
        failed = 0
        for index, (status, result, error) in answers:
            if error is not None:
                failed += 1
                if failed > s.MAX_DETAILED_ERRORS and error["errors"]:
                    error = {**error, "errors": {}}
            results.append({"index": index, "status": status, "result": result, "error": error})
        return results, failed

    def summary(self, count: int, failed: int, results: Any) -> dict[str, Any]:
        """The batch answer around its ``results`` (a list, or its JSON text)."""
        return {
            "calculation": self.endpoint.path,
            "count": count,
            "succeeded": count - failed,
            "failed": failed,
            "errors_omitted": max(failed - s.MAX_DETAILED_ERRORS, 0),
            "results": results,
        }


@cache
def runner_for(calculation: str) -> Runner:
    """The one runner of ``calculation`` (a path such as ``medical-assistance``) in this process."""
    for endpoint in ENDPOINTS:
        if endpoint.path == calculation:
            return Runner(endpoint)
    raise KeyError(calculation)
