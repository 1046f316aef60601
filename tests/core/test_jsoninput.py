"""JSON from outside never ends in a 500 (issue 17.10): every failure of json.loads is one JsonInputError."""

import json

import pytest
from conftest import in_english

from mutakhir.core.jsoninput import MAX_DEPTH, JsonInputError, loads

english = pytest.fixture(autouse=True)(in_english)


@pytest.mark.parametrize(("text", "message"), [
    (b"[" * 200_000 + b"]" * 200_000, "nested more than 64 levels deep"),  # RecursionError in json.loads
    ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "nested more than 64 levels deep"),  # parses, still refused
    ('{"a": ' + "9" * 5000 + "}", "more than 4300 digits"),  # ValueError from int()
    ('{"a": NaN}', "NaN is not a finite number"),
    ('[-Infinity]', "-Infinity is not a finite number"),
    ('{"a": 1e999}', "1e999 is not a finite number"),
    (b'{"a": "\xff"}', "not UTF-8"),
    ("{not json", "Expecting property name"),
])
def test_it_refuses_hostile_json_with_a_message(text, message):
    with pytest.raises(JsonInputError, match=message):
        loads(text)


def test_it_reads_ordinary_json_as_the_json_module_does():
    text = json.dumps({"a": [1, 2.5, -3e10, "x", None, True], "b": {"c": [[[]]]}, "n": 10**400})
    assert loads(text) == json.loads(text)
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    assert loads(b"\xef\xbb\xbf[1]") == [1]  # a UTF-8 byte-order mark, as Windows tools write
