"""Request bodies: every page takes a small one, upload pages their own limit, the server the largest of them."""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mutakhir.core.bodylimit import FORM_ROOM

pytestmark = pytest.mark.django_db


def views(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from views(entry)
        elif isinstance(entry, URLPattern):
            yield entry.callback


def test_a_page_refuses_a_body_over_the_default_before_reading_it(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    response = client.post(reverse("login"), {"username": "x"}, CONTENT_LENGTH="600000000")
    assert response.status_code == 413
    assert "Permintaan berukuran 572,2\xa0MB; halaman ini menerima paling besar 1000\xa0bita." in response.text


def test_a_body_within_the_limit_reaches_the_page(client):
    assert client.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 200


def test_the_upload_pages_take_more_and_the_server_takes_the_largest_of_them():
    limits = {view.__name__: view.max_body_bytes() for view in views() if hasattr(view, "max_body_bytes")}
    assert {"import_new", "musdes_new", "sync_start", "index", "upload", "verify"} <= set(limits)
    assert limits["import_new"] == 50 * 2**20 + FORM_ROOM
    assert max(limits.values()) <= settings.SERVE_MAX_REQUEST_BODY
    assert min(limits.values()) > settings.REQUEST_BODY_MAX_BYTES
