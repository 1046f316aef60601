"""Whole numbers from users: no 500 for 5,000 digits, superscript digits or ids past the database's integer."""

import pytest

from mutakhir.accounts.models import Role
from mutakhir.core.numbers import small_int
from mutakhir.verivali.signals.layouts import BadValue, whole


@pytest.mark.parametrize(("text", "expected"), [
    ("42", 42), ("007", 7), ("9" * 18, int("9" * 18)),
    ("9" * 19, None), ("9" * 5000, None), ("²", None), ("١٢", None), ("-1", None), ("", None), ("1 ", None),
])
def test_small_int(text, expected):
    assert small_int(text) == expected


@pytest.mark.parametrize("text", ["9" * 5000, "²", "1" * 19])
def test_an_extract_column_with_such_a_number_is_a_bad_value(text):
    """`"²".isdigit()` is True and int("²") raised ValueError, ending the whole extract's import."""
    with pytest.raises(BadValue):
        whole(0, 10)(text)


@pytest.mark.django_db
@pytest.mark.parametrize("sync", ["9" * 5000, "²", "9" * 30])
def test_the_change_list_ignores_a_sync_filter_that_is_no_id(client, make_user, sync):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, "1901"))
    assert client.get("/verivali/sync/changes/", {"sync": sync}).status_code == 200
