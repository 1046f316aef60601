"""Sessions end after inactivity, after eight hours, and when the browser closes."""

import time

from conftest import VILLAGE_IN
from django.conf import settings
from django.urls import reverse

from mutakhir.accounts.middleware import LOGIN_AT, SEEN_AT
from mutakhir.accounts.models import Role

LOGIN = reverse("login")


def log_in(make_user, client):
    make_user(Role.REGISTRAR, VILLAGE_IN, username="kasi")
    client.post(LOGIN, {"username": "kasi", "password": "sandi-rahasia-123"})
    assert client.get("/").status_code == 200


def age(client, key, seconds):
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_it_keeps_an_active_session(make_user, client):
    log_in(make_user, client)
    age(client, SEEN_AT, settings.SESSION_IDLE_SECONDS - 90)
    assert client.get("/").status_code == 200
    assert int(time.time()) - client.session[SEEN_AT] < 5  # the visit counts as activity
    assert client.session.get_expire_at_browser_close()


def test_it_logs_out_after_inactivity(make_user, client):
    log_in(make_user, client)
    age(client, SEEN_AT, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get(reverse("registry:search"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("registry:search"))["Location"].startswith(LOGIN)


def test_it_logs_out_eight_hours_after_login_however_active(make_user, client):
    log_in(make_user, client)
    age(client, LOGIN_AT, settings.SESSION_COOKIE_AGE + 1)
    assert client.get("/")["Location"].startswith(LOGIN)


def test_it_tells_htmx_to_load_the_login_page_rather_than_swap_it_in(make_user, client):
    log_in(make_user, client)
    age(client, SEEN_AT, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get(reverse("registry:search"), headers={"HX-Request": "true", "HX-Target": "results"})
    assert response["HX-Redirect"].startswith(LOGIN)
