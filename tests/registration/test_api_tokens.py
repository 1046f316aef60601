"""API tokens: purpose, expiry, revocation (owner, district operator, administrator), rate limit, command, page."""

import io
from datetime import timedelta

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_DISTRICT
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from mutakhir.accounts.models import Role
from mutakhir.registration.models import ApiToken, TokenPurpose
from mutakhir.registration.tokens import TokenError, create_token
from mutakhir.targeting.models import Program

pytestmark = pytest.mark.django_db
URL = "/api/registrations/"


def get(client, key):
    return client.get(URL, headers={"Authorization": f"Bearer {key}"})


def test_an_expired_token_is_refused(client, registrar):
    token, key = create_token(registrar)
    assert get(client, key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert get(client, key).status_code == 401


def test_a_token_of_another_purpose_gets_403_saying_why(client, make_user):
    operator = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    _token, key = create_token(operator, purpose=TokenPurpose.FEEDS)
    response = get(client, key)
    assert response.status_code == 403
    assert "Civil-registry and agency feeds" in response.json()["detail"]
    assert "Registrations from a village system" in response.json()["detail"]


def test_the_purpose_message_is_indonesian_by_default(make_user):
    from django.test import Client

    _token, key = create_token(make_user(Role.DISTRICT_OPERATOR, BANGKA), purpose=TokenPurpose.FEEDS)
    response = get(Client(), key)
    assert response.status_code == 403 and "Token ini untuk" in response.json()["detail"]


def test_a_token_past_its_rate_limit_gets_429(client, registrar):
    _token, key = create_token(registrar, per_minute=3)
    assert [get(client, key).status_code for _ in range(4)] == [200, 200, 200, 429]
    _other, other_key = create_token(registrar, per_minute=3)
    assert get(client, other_key).status_code == 200  # the limit is the token's, not the user's


def test_creation_refuses_a_purpose_outside_the_role_and_unbounded_lives(registrar, make_user):
    with pytest.raises(TokenError):
        create_token(registrar, purpose=TokenPurpose.PACKAGES)
    with pytest.raises(TokenError):
        create_token(registrar, days=400)
    manager = make_user(Role.PROGRAM_MANAGER)
    with pytest.raises(TokenError):  # a list token names its program
        create_token(manager, purpose=TokenPurpose.LISTS)


def test_the_command_creates_lists_and_revokes(make_user):
    manager = make_user(Role.PROGRAM_MANAGER, username="pm")
    Program.objects.create(name="PKH")
    out = io.StringIO()
    call_command("apitoken", "create", "pm", "--purpose", "lists", "--program", "PKH", "--days", "7",
                 stdout=out, stderr=io.StringIO())
    token = ApiToken.objects.get(user=manager)
    assert token.purpose == "lists" and token.program.name == "PKH"
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)
    listing = io.StringIO()
    call_command("apitoken", "list", "pm", stdout=listing)
    assert token.prefix in listing.getvalue() and "active" in listing.getvalue()
    call_command("apitoken", "revoke", token.prefix, stdout=io.StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(CommandError):
        call_command("apitoken", "create", "pm", "--purpose", "lists", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_page_shows_a_new_key_once_and_revokes_it(client, registrar):
    client.force_login(registrar)
    assert "/accounts/api-tokens/" in client.get("/").content.decode()  # the menu links to it
    response = client.post("/accounts/api-tokens/", {"name": "OpenSID", "purpose": "registrations", "days": "30"},
                           follow=True)
    token = ApiToken.objects.get(user=registrar)
    key = response.context["key"]
    assert key.startswith(token.prefix) and key in response.content.decode()
    assert key not in client.get("/accounts/api-tokens/").content.decode()
    assert get(client, key).status_code == 200
    client.post("/accounts/api-tokens/revoke/", {"token": token.pk})
    assert get(client, key).status_code == 401


def test_a_district_operator_revokes_the_districts_tokens_only(client, registrar, make_user):
    inside, _key = create_token(registrar)
    outside, _key = create_token(make_user(Role.REGISTRAR, VILLAGE_OTHER_DISTRICT))
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    page = client.get("/accounts/api-tokens/").content.decode()
    assert inside.prefix in page and outside.prefix not in page
    assert client.post("/accounts/api-tokens/revoke/", {"token": outside.pk}).status_code == 404
    client.post("/accounts/api-tokens/revoke/", {"token": inside.pk})
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.revoked_at is not None and outside.revoked_at is None


def test_a_registrar_cannot_revoke_anothers_token(client, registrar, make_user):
    other, _key = create_token(make_user(Role.REGISTRAR, VILLAGE_IN))
    client.force_login(registrar)
    assert client.post("/accounts/api-tokens/revoke/", {"token": other.pk}).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
