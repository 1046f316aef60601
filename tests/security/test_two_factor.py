"""Two-step login (TOTP): who must enrol, that nothing is reachable before the code, the full flow."""

import time
from base64 import b32encode

import pytest
from conftest import BANGKA, VILLAGE_IN
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutakhir.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, create_demo_users
from mutakhir.accounts.models import Role, User
from mutakhir.accounts.twofactor import TWO_FACTOR_ROLES

PASSWORD = "sandi-rahasia-123"
SETUP, VERIFY, LOGIN = reverse("two_factor_setup"), reverse("two_factor_verify"), reverse("login")
REGION = {Role.REGISTRAR: VILLAGE_IN, Role.PSM: VILLAGE_IN, Role.TKSK: "190101", Role.DISTRICT_OPERATOR: BANGKA,
          Role.DISTRICT_HEAD: BANGKA, Role.AUDITOR: BANGKA, Role.NATIONAL: None, Role.PROGRAM_MANAGER: None}


@pytest.fixture(autouse=True)
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def code(device, steps_ahead=0):
    """Return the token an authenticator app shows now (or `steps_ahead` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def log_in(client, username):
    return client.post(LOGIN, {"username": username, "password": PASSWORD})


def test_it_requires_two_step_login_of_district_national_program_and_audit_roles():
    expected = {Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD, Role.NATIONAL, Role.PROGRAM_MANAGER, Role.AUDITOR}
    assert set(TWO_FACTOR_ROLES) == expected


@pytest.mark.parametrize("role", list(Role))
def test_it_sends_roles_that_need_it_to_enrolment_and_lets_village_roles_in(role, make_user, client):
    make_user(role, REGION[role], username="u")
    log_in(client, "u")
    response = client.get(reverse("home"))
    if role in TWO_FACTOR_ROLES:
        assert response.status_code == 302 and response["Location"] == f"{SETUP}?next=%2F"
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("path", ["/", "/registry/households/?q=x", "/registry/households/1/", "/admin/",
                                  "/admin/registry/member/"])
def test_it_lets_an_unverified_operator_reach_no_page(path, make_user, make_household, client):
    hh = make_household()
    make_user(Role.DISTRICT_OPERATOR, BANGKA, username="op", is_staff=True)
    log_in(client, "op")
    response = client.get(path.replace("/1/", f"/{hh.pk}/"))
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    member = hh.members.first()
    reveal = client.post(reverse("registry:reveal", args=[member.pk]), {"field": "nik", "reason": "coba-coba"},
                         headers={"HX-Request": "true"})
    assert reveal.status_code == 200 and reveal["HX-Redirect"].startswith(SETUP)
    assert member.nik not in reveal.content.decode()


def test_it_enrols_with_a_qr_code_then_verifies_at_the_next_login(make_user, client):
    user = make_user(Role.DISTRICT_OPERATOR, BANGKA, username="op")
    log_in(client, "op")
    page = client.get(SETUP, {"next": "/registry/households/"})
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "<svg" in html and page.context["secret"].replace(" ", "") in html.replace(" ", "")

    wrong = client.post(SETUP, {"token": "000000", "next": "/registry/households/"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code slows the next try down (1 s, 2 s, 4 s...)
    done = client.post(SETUP, {"token": code(device), "next": "/registry/households/"})
    assert done.status_code == 200 and len(done.context["codes"]) == 10  # backup codes, shown once
    assert 'href="/registry/households/"' in done.content.decode()
    assert client.get("/registry/households/").status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed

    client.post(reverse("logout"))
    log_in(client, "op")
    assert client.get("/")["Location"].startswith(VERIFY)
    assert client.get(SETUP, {"next": "/"})["Location"].startswith(VERIFY)  # no second enrolment
    replay = client.post(VERIFY, {"token": code(device), "next": "/"})
    assert replay.status_code == 200 and replay.context["form"].errors  # a used code is refused
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post(VERIFY, {"token": code(device, steps_ahead=1), "next": "/"})["Location"] == "/"
    assert client.get("/").status_code == 200


def test_it_throttles_guessing_and_ignores_foreign_next_urls(make_user, client):
    user = make_user(Role.NATIONAL, None, username="pokja")
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    log_in(client, "pokja")
    client.post(VERIFY, {"token": "123456"})
    throttled = client.post(VERIFY, {"token": code(device)})  # right code, but within the back-off delay
    assert throttled.status_code == 200 and client.get("/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post(VERIFY, {"token": code(device), "next": "https://evil.example/"})["Location"] == "/"


def test_it_keeps_a_village_account_that_enrolled_to_its_word(make_user, client):
    user = make_user(Role.REGISTRAR, VILLAGE_IN, username="kasi")
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    log_in(client, "kasi")
    assert client.get("/")["Location"].startswith(VERIFY)


def test_it_forgets_a_half_finished_enrolment_at_the_next_login(make_user, client):
    user = make_user(Role.AUDITOR, BANGKA, username="audit")
    log_in(client, "audit")
    first = client.get(SETUP).context["secret"]
    client.post(reverse("logout"))
    log_in(client, "audit")
    assert client.get(SETUP).context["secret"] != first
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_it_enrols_the_demo_accounts_that_need_it_with_the_printed_key(regions, client):
    rows = create_demo_users("1901")
    operator = User.objects.get(username="demo-district-operator")
    device = TOTPDevice.objects.get(user=operator, confirmed=True)
    assert b32encode(device.bin_key).decode() == DEMO_TOTP_SECRET
    assert not TOTPDevice.objects.filter(user__username="demo-registrar").exists()
    assert TOTPDevice.objects.count() == len(TWO_FACTOR_ROLES) < len(rows)
    client.post(LOGIN, {"username": operator.username, "password": DEMO_PASSWORD})
    assert client.post(VERIFY, {"token": code(device), "next": "/"})["Location"] == "/"
