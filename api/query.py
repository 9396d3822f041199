"""Query parameters a path does not know are refused, as unknown body fields are: a filter that
is misspelt (``/v1/features?tag=core``) would otherwise answer every item as if it had filtered.

Which names each path and method takes is read from the OpenAPI document the service publishes
(its ``in: query`` parameters: filters, ``page`` and ``page_size``, ``explain``), so the check and
the documentation cannot disagree. Paths the document does not describe (the docs and review
pages) are not checked. A parameter given twice is refused too (none is a list): which of its
values was meant cannot be known, as for a key given twice in a JSON body.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from webargs.flaskparser import abort

#: A Flask rule's variable (``<policy_id>``, ``<string:code>``) as OpenAPI writes it (``{policy_id}``).
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
UNKNOWN = "未知的查询参数 / unknown query parameter"
#: Where a query parameter without a name (``?=1``) is refused: no field bears its name.
NAMELESS = "_request"
NO_NAME = "查询参数没有名称（如 ?=1）/ a query parameter has no name (as in ?=1)"
REPEATED = "查询参数重复，无法确定所指的值 / query parameter given more than once"


#: A whole number as a query parameter is written: ASCII digits, no leading zero, no space or sign
#: but a minus (Python's ``int()`` also takes `` 1``, ``+1``, ``1_0`` and a fullwidth one).
_WHOLE = re.compile(r"-?(0|[1-9][0-9]*)")
#: The schema's own message for a value that is not a whole number (translated as it is).
NOT_WHOLE = "Not a valid integer."


def known_parameters(spec: dict[str, Any], kind: str | None = None) -> dict[tuple[str, str], frozenset[str]]:
    """The query parameters of each (path, method) of an OpenAPI document (of a schema ``kind``:
    those of that type only)."""
    known = {}
    for path, operations in spec.get("paths", {}).items():
        shared = [p for p in operations.get("parameters", []) if p.get("in") == "query"]
        for method, operation in operations.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            names = {
                p["name"]
                for p in [*shared, *operation.get("parameters", [])]
                if p.get("in") == "query" and (kind is None or p.get("schema", {}).get("type") == kind)
            }
            known[path, method.upper()] = frozenset(names)
    return known


def register(app: Flask, spec: dict[str, Any]) -> None:
    """Refuse (422 ``validation_error``, each name a field) a query parameter the document does not
    give the path and method, or one given more than once."""
    known, whole = known_parameters(spec), known_parameters(spec, "integer")

    @app.before_request
    def _known_query() -> None:
        if not request.args or request.url_rule is None or request.method == "OPTIONS":
            return
        method = "GET" if request.method == "HEAD" else request.method
        operation = (_VARIABLE.sub(r"{\1}", request.url_rule.rule), method)
        taken = known.get(operation)
        if taken is None:
            return
        unknown = [name for name in request.args if name not in taken]
        # a parameter given twice (?page_size=100&page_size=1): which value was meant is unknowable,
        # as for a key given twice in a JSON body; none of the service's parameters is a list
        repeated = [name for name in request.args if name in taken and len(request.args.getlist(name)) > 1]
        loose = [name for name in whole[operation] & request.args.keys() if not _WHOLE.fullmatch(request.args[name])]
        if not unknown and not repeated and not loose:
            return
        names = ", ".join(sorted(taken))
        expected = f"（可用：{names} / takes: {names}）" if taken else "（此路径不接受查询参数 / this path takes none）"
        errors: dict[str, list[str]] = {name: [REPEATED] for name in repeated}
        for name in sorted(set(loose) - set(repeated)):
            errors[name] = [NOT_WHOLE]
        for name in unknown:
            field, text = (NAMELESS, NO_NAME) if name == "" else (name, UNKNOWN)
            errors.setdefault(field, []).append(text + expected)
        # under its location: a parameter named ``json`` or ``query`` is a name, not a location
        abort(422, code="validation_error", message="输入无效 / invalid input", errors={"query": errors})
