"""api.parsing.read_json: a text without escapes has its keys counted at once after reading; it
must read every text exactly as the object-by-object check does, duplicate keys included."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

from bingpin.api import parsing

#: Few keys, so that objects often repeat one; strings with and without escapes and quotes' neighbours.
KEYS = st.sampled_from(["a", "b", "é", ":", "a b", '\\"', "\\u0061", "e"])
NUMBERS = st.sampled_from(["0", "-0", "1", "-12", "1.5", "1E2", "1e-2", "-0.0", "18446744073709551616", "9" * 40])
SCALARS = st.one_of(NUMBERS, st.sampled_from(["true", "false", "null"]), KEYS.map(lambda k: f'"{k}"'))


def _text(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pairs = st.lists(st.tuples(KEYS, children, st.sampled_from(["", " "])), max_size=4)
    objects = pairs.map(lambda ps: "{" + ",".join(f'"{k}"{space}:{v}' for k, v, space in ps) + "}")
    arrays = st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
    return objects | arrays


TEXTS = st.recursive(SCALARS, _text, max_leaves=12)


def checked_one_by_one(text: str) -> Any:
    """The text read with every object's keys checked as it is read (the reading with escapes)."""
    return json.loads(text, **parsing._NUMBERS, object_pairs_hook=parsing._object)


def outcome(read: Any, text: str) -> tuple[str, Any]:
    try:
        value = read(text)
    except parsing.DuplicateKeyError as exc:
        return "duplicate", exc.key
    except HTTPException as exc:
        data = getattr(exc, "data", {})
        return data.get("code", "http"), list(data.get("errors", {}))
    return "value", (value, json.dumps(value, default=lambda d: ("decimal", str(d))))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_every_text_reads_as_with_each_object_checked(text: str) -> None:
    got = outcome(lambda t: parsing.read_json(t.encode()), text)
    expected = outcome(checked_one_by_one, text)
    if expected[0] == "duplicate":  # read_json answers a 400 naming the key
        assert got == ("duplicate_key", [expected[1]])
    else:
        assert got == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('{"a": 1, "a": 2}', "a"),
        ('{"cases": [{"x": "1"}, {"y": "2", "y": "2"}]}', "y"),
        ('{"a": {"b": [1, {"c": "x", "c": "x"}]}}', "c"),
        ('{"n": 18446744073709551616, "n": 1}', "n"),  # a number orjson cannot write back
        ('{"d": 1.5, "d": -0}', "d"),
    ],
)
def test_a_key_given_twice_is_refused_without_escapes(text: str, key: str) -> None:
    with pytest.raises(HTTPException) as caught:
        parsing.read_json(text.encode())
    assert caught.value.data["code"] == "duplicate_key" and list(caught.value.data["errors"]) == [key]


def test_numbers_are_read_as_written() -> None:
    value = parsing.read_json(b'{"a": -0, "b": 1.50, "c": 1E-2, "d": 7, "e": ' + b"9" * 40 + b"}")
    assert value == {"a": Decimal("-0"), "b": Decimal("1.50"), "c": Decimal("0.01"), "d": 7, "e": Decimal("9" * 40)}
    assert str(value["a"]) == "-0" and str(value["c"]) == "1E-2" and type(value["d"]) is int
