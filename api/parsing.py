"""Request parsing: JSON numbers become exact decimals, and NaN/Infinity are not JSON."""

from __future__ import annotations

import json
import typing
from decimal import Decimal

import flask
import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request


def _no_constants(name: str) -> typing.NoReturn:
    raise ValueError(f"{name} is not valid JSON")


class Parser(FlaskParser):
    """webargs' Flask parser, reading floats as ``Decimal`` so no amount is rounded on the way in."""

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
