"""Two-step login backup codes: ten at enrolment and on request, shown once, each accepted once."""

import pytest
from conftest import BANGKA
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from test_two_factor import LOGIN, PASSWORD, SETUP, VERIFY, code

from mutakhir.accounts.models import Role

CODES = reverse("backup_codes")


@pytest.fixture(autouse=True)
def require_2fa(settings):
    settings.REQUIRE_2FA = True


@pytest.fixture
def enrolled(make_user, client):
    """A district operator who has just enrolled; return (user, device, backup codes shown)."""
    user = make_user(Role.DISTRICT_OPERATOR, BANGKA, username="op")
    client.post(LOGIN, {"username": "op", "password": PASSWORD})
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    codes = client.post(SETUP, {"token": code(device), "next": "/"}).context["codes"]
    client.post(reverse("logout"))
    client.post(LOGIN, {"username": "op", "password": PASSWORD})
    return user, device, codes


def test_it_shows_ten_distinct_codes_once_at_enrolment(enrolled, client):
    user, _, codes = enrolled
    assert len(set(codes)) == 10 and all(len(c) == 8 and not c.isdigit() for c in codes)
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get("/")["Location"].startswith(VERIFY)  # not verified yet in the new session
    assert client.get(CODES).status_code == 302  # the codes page is behind the second factor


def test_it_accepts_each_backup_code_once_in_place_of_the_app_code(enrolled, client):
    user, _, codes = enrolled
    done = client.post(VERIFY, {"token": codes[3].upper(), "next": "/"})  # as typed off paper
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9
    client.post(reverse("logout"))
    client.post(LOGIN, {"username": "op", "password": PASSWORD})
    again = client.post(VERIFY, {"token": codes[3], "next": "/"})
    assert again.status_code == 200 and again.context["form"].errors
    assert client.get("/").status_code == 302


def test_it_refuses_unknown_codes_and_throttles_guessing(enrolled, client):
    user, _, codes = enrolled
    assert client.post(VERIFY, {"token": "abcdefgh"}).context["form"].errors
    throttled = client.post(VERIFY, {"token": codes[0]})  # a right code within the back-off delay
    assert throttled.status_code == 200 and client.get("/").status_code == 302


def test_it_makes_new_codes_on_request_and_voids_the_old_ones(enrolled, client):
    user, device, codes = enrolled
    device.refresh_from_db()
    client.post(VERIFY, {"token": code(device, steps_ahead=1), "next": "/"})
    page = client.get(CODES)
    assert page.status_code == 200 and page.context["left"] == 10 and "codes" not in page.context
    new = client.post(CODES).context["codes"]
    assert len(new) == 10 and not set(new) & set(codes)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(new)
    assert client.get(CODES).context.get("codes") is None  # never shown again


def test_it_does_not_take_a_backup_code_as_the_enrolment_code(make_user, client):
    user = make_user(Role.AUDITOR, BANGKA, username="audit")
    client.post(LOGIN, {"username": "audit", "password": PASSWORD})
    client.get(SETUP)
    assert client.post(SETUP, {"token": "abcdefgh"}).context["form"].errors
    assert not TOTPDevice.objects.get(user=user).confirmed
