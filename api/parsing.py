"""Request parsing: JSON numbers become exact decimals, NaN/Infinity are not JSON, nesting is
bounded before parsing, a key given twice is refused, and a chunked body counts against the same
size limit as one with a ``Content-Length``."""

from __future__ import annotations

import gc
import json
import re
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import flask
import flask_smorest
import marshmallow as ma
import numpy as np
import orjson
from flask_smorest.pagination import PaginationMetadataSchema
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.exceptions import RequestEntityTooLarge

from bingpin.api.errors import clip

#: Deepest nesting of arrays and objects a body may have (a batch of households nests 5 levels).
MAX_DEPTH = 32

#: An escape sequence in a JSON string: ``\"`` and ``\\`` neither open nor close a string.
_ESCAPES = re.compile(rb"\\.", re.S)
_NOT_STRUCTURE = bytes(set(range(256)) - set(b'[]{}"'))
#: Objects and arrays alike: ``{`` as ``[``, ``}`` as ``]``.
_ONE_KIND = bytes.maketrans(b"{}", b"[]")


def _no_constants(name: str) -> typing.NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def _integer(text: str) -> int | Decimal:
    """A JSON integer; ``-0`` and integers too long for ``int()`` stay ``Decimal``, as written,
    so that a money field sees the sign and nothing overflows."""
    if len(text) > 30 or text == "-0":
        return Decimal(text)
    return int(text)


class Exponent(Decimal):
    """A JSON number written with an exponent (``1E-2``): its value, and ``str()`` its literal.
    ``Decimal`` writes ``1E-2`` back as ``0.01`` (and ``1E2`` as ``1E+2``): a field that reads a
    number as written (an amount: no exponent) would take the one and refuse the other."""

    literal: str

    def __new__(cls, text: str) -> Exponent:
        number = super().__new__(cls, text)
        number.literal = text
        return number

    def __str__(self) -> str:
        return self.literal


def _float(text: str) -> Decimal:
    """A JSON number with a fraction or an exponent, exactly; one with an exponent keeps its literal."""
    return Exponent(text) if "e" in text or "E" in text else Decimal(text)


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice (which value was meant is unknowable)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_text(value: typing.Any) -> int:
    """What orjson writes for a number it cannot (a ``Decimal``): no string, as :func:`_keys_kept` counts."""
    return 0


def _keys_kept(quotes: int, value: typing.Any) -> bool:
    """Whether ``value``, read from a JSON text without escapes (with ``quotes`` quotes) without :func:`_object`,
    kept every key of its objects (Python's parser keeps a duplicate key's last value). With no
    escapes, every quote of the text opens or closes a string, and each string is a key or a value
    of ``value``: written again (orjson, a number as no string), it has as many quotes unless a key
    was given twice, whose first pair took a string away with it."""
    try:
        written = orjson.dumps(value, default=_no_text)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits: counted the usual way
        return False
    return int(np.count_nonzero(np.frombuffer(written, np.uint8) == ord('"'))) == quotes  # bytes.count: 7x slower


def _object(pairs: list[tuple[str, typing.Any]]) -> dict[str, typing.Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return result


def too_deep(data: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether a JSON text nests arrays and objects deeper than ``limit``, decided before parsing
    (Python's parser recurses). Its quotes and brackets are taken out once: fewer opening brackets
    than the bound cannot nest deeper than it, so most texts skip the count, and a well-formed one
    within the bound (the usual batch) is seen to be so by :func:`_balanced`; the rest are counted
    by :func:`depth`."""
    return _too_deep(data, data.translate(_STEPS, _NOT_STRUCTURE), limit)


def _too_deep(data: bytes, structure: bytes, limit: int) -> bool:
    if structure.count(_OPENING) <= limit:
        return False
    return not _balanced(data, structure, limit) and depth(data, limit) > limit


#: Brackets and quotes as one more than what each does to the count of open brackets (outside
#: strings): an opening bracket 2, a closing one 0, a quote 1.
_STEPS = bytes.maketrans(b'[{]}"', bytes([2, 2, 0, 0, 1]))
_QUOTE = 1
_OPENING, _QUOTES = bytes([2]), bytes([_QUOTE])
#: Most quotes and brackets :func:`_balanced` reads at once (its memory: a few times this).
_MOST = 1 << 20


def _balanced(data: bytes, structure: bytes, limit: int) -> bool:
    """Whether, outside strings, every bracket is closed, none before it was opened, and never more
    than ``limit`` stand open: then nothing nests deeper than ``limit``, as :func:`depth` counts.
    Its quotes and brackets (``structure``, as :func:`too_deep` takes them out) read as a few array
    operations; False when there are too many, or escapes (a ``\\"`` does not close a string)."""
    if b"\\" in data:
        return False
    steps = np.frombuffer(structure, np.int8)
    if not len(steps) or len(steps) > _MOST:
        return False
    inside = np.cumsum(steps == _QUOTE, dtype=np.int32) & 1
    levels = np.cumsum((steps - 1) * (1 - inside), dtype=np.int32)
    return int(levels[-1]) == 0 and int(levels.min()) >= 0 and int(levels.max()) <= limit


def depth(data: bytes, limit: int = MAX_DEPTH) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings do not count),
    counted up to ``limit + 1`` by C-speed passes over the bytes, with no recursion.

    Each pass removes the innermost ``[]`` pairs, one level of nesting. Brackets no pass can pair
    (malformed JSON) count as levels: the parser would descend into each unclosed one.
    """
    if b"\\" in data:
        data = _ESCAPES.sub(b"", data)
    # Quotes and brackets only; then every other piece between quotes is outside the strings.
    structure = b"".join(data.translate(_ONE_KIND, _NOT_STRUCTURE).split(b'"')[::2])
    level = 0
    while structure and level <= limit:
        inner = structure.replace(b"[]", b"")
        if len(inner) == len(structure):
            return level + structure.count(b"[")
        structure = inner
        level += 1
    return level


@contextmanager
def no_collection() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: parsed JSON and a batch's answers have no cycles, and
    a body of millions of small arrays or objects would otherwise be traversed again and again while
    it is built (a 16 MiB body of ``[]`` took 1.9 s to parse instead of 0.4 s; a batch of 1,000
    cases spent a tenth of its time in collections that found nothing)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: A UTF-16 surrogate: Python's parser leaves one in a string when a ``\u`` escape names half of a
#: pair without the other (``"\ud800"``). It is not Unicode text: no answer that repeats it can
#: be written (RFC 7493, I-JSON, refuses such strings).
_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(value: typing.Any) -> bool:
    """Whether parsed JSON holds a lone surrogate in a key or a string (only a text with a ``\\u``
    escape can: callers walk no other)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            if any(_SURROGATE.search(key) for key in item):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


#: How :func:`read_json` reads numbers and constants.
_NUMBERS: dict[str, typing.Any] = {"parse_float": _float, "parse_int": _integer, "parse_constant": _no_constants}
_NO_VALUE = object()


def read_json(data: bytes) -> typing.Any:
    """Parse a request body: ``Decimal`` for numbers, refusals with their own code as 400s."""
    structure = data.translate(_STEPS, _NOT_STRUCTURE)
    if _too_deep(data, structure, MAX_DEPTH):
        abort(
            400,
            code="nesting_too_deep",
            message=f"JSON 嵌套过深（最多 {MAX_DEPTH} 层）/ JSON nested deeper than {MAX_DEPTH} levels",
            errors={"_request": [f"最多 {MAX_DEPTH} 层数组和对象 / at most {MAX_DEPTH} levels of arrays and objects"]},
        )
    text = data.decode("utf-8")
    try:
        with no_collection():
            # without escapes, an object's keys are counted at once after reading, not object by object
            value = _NO_VALUE if b"\\" in data else json.loads(text, **_NUMBERS)
            if value is _NO_VALUE or not _keys_kept(structure.count(_QUOTES), value):
                value = json.loads(text, **_NUMBERS, object_pairs_hook=_object)
    except DuplicateKeyError as exc:
        abort(
            400,
            code="duplicate_key",
            message=f"JSON 对象中的键重复：{exc.key} / duplicate key in a JSON object: {exc.key}",
            errors={exc.key: ["键重复，无法确定所指的值 / key given more than once"]},
        )
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise
        raise json.JSONDecodeError(str(exc), text, 0) from exc
    if b"\\u" in data and lone_surrogate(value):
        abort(
            400,
            code="malformed_json",
            message="JSON 字符串含单独的代理项（如 \\ud800），不是 Unicode 文本 / a JSON string holds a lone surrogate "
            "(such as \\ud800), which is not Unicode text",
            errors={"_request": ["代理项须成对出现 / a surrogate escape needs its pair (\\ud83d\\ude00)"]},
        )
    return value


def body(req: flask.Request) -> bytes:
    """The request body, within ``max_content_length`` whether or not it was sent chunked: werkzeug
    stops reading a chunked body at the limit, so one more byte on the wire means it was over."""
    data = req.get_data(cache=True)
    limit = req.max_content_length
    if req.content_length is None and limit is not None and len(data) >= limit and req.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
    return data


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
        data = body(req)
        encoding = req.headers.get("Content-Encoding", "").strip().lower()
        if data and encoding not in ("", "identity"):  # not decoded: read as JSON, it is not what was sent
            said = f"不支持的内容编码 Content-Encoding: {clip(encoding, 40)} / Content-Encoding not supported"
            abort(
                415,
                message=said,
                messages={"_request": ["请求体须不经压缩发送 / send the body uncompressed (no Content-Encoding)"]},
            )
        if not is_json_request(req):
            if data:
                abort(415, messages={"json": ["请求体须为 application/json / body must be application/json"]})
            return core.missing
        return read_json(data)


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
