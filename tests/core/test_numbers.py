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


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "9" * 30])
@pytest.mark.parametrize(("role", "region", "method", "url", "field"), [
    (Role.NATIONAL, None, "post", "/ranking/runs/start/", "pmt_model"),
    (Role.NATIONAL, None, "get", "/targeting/dashboard/", "run"),
    (Role.REGISTRAR, "1901011001", "get", "/registrations/new/?channel=musdes", "musdes"),
])
def test_an_id_that_is_no_number_is_not_found(client, make_user, role, region, method, url, field, value):
    """A text id raised ValueError (a 500); a 30-digit one must stay a 404 too."""
    client.force_login(make_user(role, region))
    if method == "post":
        response = client.post(url, {field: value})
    else:
        response = client.get(f"{url}{'&' if '?' in url else '?'}{field}={value}")
    if field == "musdes" and not value.isdigit():  # no deliberation chosen: the user is sent to choose one
        assert response.status_code == 302 and response.url == "/registrations/musdes/"
    else:
        assert response.status_code == 404
