"""Request parsing: JSON numbers become exact decimals, and NaN/Infinity are not JSON."""

from __future__ import annotations

import json
import typing
from decimal import Decimal

import flask
import flask_smorest
import marshmallow as ma
from flask_smorest.pagination import PaginationMetadataSchema
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request


def _no_constants(name: str) -> typing.NoReturn:
    raise ValueError(f"{name} is not valid JSON")


class Parser(FlaskParser):
    """webargs' Flask parser, reading floats as ``Decimal`` so no amount is rounded on the way in,
    with one instance of each argument schema (webargs would build one per request)."""

    def __init__(self, *args: typing.Any, **kwargs: typing.Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[type[ma.Schema], ma.Schema] = {}

    def _get_schema(self, argmap: typing.Any, req: flask.Request) -> ma.Schema:
        # Schemas hold no state while loading, so one instance serves every request and thread.
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas[argmap] = argmap()
            return schema
        return super()._get_schema(argmap, req)

    def _raw_load_json(self, req: flask.Request) -> typing.Any:
        data = req.get_data(cache=True)
        if not is_json_request(req):
            if data:
                abort(415, messages={"json": ["请求体须为 application/json / body must be application/json"]})
            return core.missing
        try:
            text = data.decode("utf-8")
            return json.loads(text, parse_float=Decimal, parse_constant=_no_constants)
        except (UnicodeDecodeError, ValueError) as exc:
            if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
                raise
            raise json.JSONDecodeError(str(exc), text, 0) from exc


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with this service's parser."""

    ARGUMENTS_PARSER = Parser()

    def _document_pagination_metadata(self, spec: typing.Any, resp_doc: dict[str, typing.Any]) -> None:
        """``X-Pagination`` carries a JSON object: documented as JSON content, as OpenAPI 3 has it
        for a header that is not a plain value (flask-smorest documents a bare object schema)."""
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = {
            "description": "分页信息（JSON）/ pagination metadata (JSON)",
            "content": {"application/json": {"schema": PaginationMetadataSchema}},
        }
