"""Open redirect (issue 23.4): no endpoint that takes `next` sends the user to another site.

Each endpoint is replayed with foreign targets (another host, scheme-relative, backslash, javascript:):
the answer goes to the endpoint's own default page; a page of this site in `next` is still followed.
"""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutakhir.accounts.models import Role
from mutakhir.registry.models import Member
from mutakhir.verivali.models import CivilSync, ProposedChange

pytestmark = pytest.mark.django_db
VILLAGE = "1901011001"
FOREIGN = ["https://evil.example/", "//evil.example/x", "/\\evil.example", "https:evil.example",
           "javascript:alert(1)", "http://testserver.evil.example/"]
CHANGES = "/verivali/sync/changes/"


@pytest.fixture
def change(make_household):
    household = make_household(VILLAGE, members=1)
    member = household.members.get()
    return ProposedChange.objects.create(
        sync=CivilSync.objects.create(region_code="1901", extract="/nonexistent"),
        kind=ProposedChange.Kind.KK_CHANGE, member=member, household=household, region_id=VILLAGE, exact=True,
        current_value=member.kk, proposed_value="1901012504240001", member_version=member.version,
        evidence={"method": "nik", "civil_line": 5})


@pytest.fixture
def operator(client, make_user):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, "1901"))
    return client


def sync_endpoints(change):
    return [f"{CHANGES}{change.pk}/apply/", f"{CHANGES}{change.pk}/reject/", f"{CHANGES}bulk-apply/"]


@pytest.mark.parametrize("target", FOREIGN)
@pytest.mark.parametrize("endpoint", [0, 1, 2], ids=["apply", "reject", "bulk-apply"])
def test_the_sync_decisions_never_follow_a_foreign_next(operator, change, endpoint, target):
    url = sync_endpoints(change)[endpoint]
    response = operator.post(url, {"next": target, "confirmed": "1"})  # bulk apply: after its confirmation page
    assert response.status_code == 302 and response["Location"] == CHANGES
    Member.objects.filter(pk=change.member_id).update(version=99)  # a conflict answers through the same way
    assert operator.post(url, {"next": target, "confirmed": "1"})["Location"] == CHANGES
    if endpoint == 2:  # the confirmation page carries only a page of this site on
        assert f'value="{target}"' not in operator.post(url, {"next": target}).text


def test_the_sync_decisions_follow_a_page_of_this_site(operator, change):
    back = f"{CHANGES}?kind=kk_change&page=2"
    for url in sync_endpoints(change):
        assert operator.post(url, {"next": back, "confirmed": "1"})["Location"] == back


@pytest.fixture
def two_factor(settings, make_user, client):
    """A national analyst past the password, with a confirmed authenticator: the second step is next."""
    settings.REQUIRE_2FA = True
    user = make_user(Role.NATIONAL, None, username="pokja")
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    client.post(reverse("login"), {"username": "pokja", "password": "sandi-rahasia-123"})
    return device


def token(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.parametrize("target", FOREIGN)
def test_the_second_login_step_never_follows_a_foreign_next(two_factor, client, target):
    verify = reverse("two_factor_verify")
    page = client.get(verify, {"next": target})
    assert target not in page.text and 'name="next" value="/"' in page.text
    assert client.post(verify, {"token": token(two_factor), "next": target})["Location"] == "/"


def test_enrolment_links_its_backup_codes_page_only_to_this_site(settings, make_user, client):
    settings.REQUIRE_2FA = True
    make_user(Role.AUDITOR, "1901", username="audit")
    client.post(reverse("login"), {"username": "audit", "password": "sandi-rahasia-123"})
    setup = reverse("two_factor_setup")
    client.get(setup)
    device = TOTPDevice.objects.get(user__username="audit")
    page = client.post(setup, {"token": token(device), "next": "https://evil.example/"})
    assert page.status_code == 200 and "evil.example" not in page.text


@pytest.mark.parametrize("target", FOREIGN)
def test_login_and_language_never_follow_a_foreign_next(make_user, client, target):
    make_user(Role.REGISTRAR, VILLAGE, username="kasi")
    login = client.post(reverse("login"), {"username": "kasi", "password": "sandi-rahasia-123", "next": target})
    assert login["Location"] == reverse("home")
    assert "evil" not in client.post(reverse("set_language"), {"language": "en", "next": target})["Location"]


@pytest.mark.parametrize("target", FOREIGN)
def test_the_flag_decisions_go_back_to_the_flags_page_only(operator, target):
    response = operator.post("/verivali/flags/decide/", {"next": target, "action": "send"})
    assert response.status_code == 302 and response["Location"].startswith("/verivali/flags/")
    assert "evil" not in response["Location"].split("?")[0]
