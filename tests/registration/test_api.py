"""The registration API: auth, scope matrix, create/read/list/correct/withdraw, idempotency, versions."""

import io

import pytest
from conftest import ALL_ROLES, BANGKA, VILLAGE_IN, VILLAGE_OTHER_DISTRICT
from django.core.management import call_command

from mutakhir.accounts.models import Role
from mutakhir.registration.models import ApiToken, Registration
from mutakhir.registration.tokens import create_token

from .conftest import payload

pytestmark = pytest.mark.django_db
URL = "/api/registrations/"
# Where each role's account sits for the "in region" case (its own level's region holding VILLAGE_IN).
HOME = {Role.REGISTRAR: VILLAGE_IN, Role.PSM: VILLAGE_IN, Role.TKSK: "190101", Role.DISTRICT_OPERATOR: BANGKA,
        Role.DISTRICT_HEAD: BANGKA, Role.NATIONAL: None, Role.PROGRAM_MANAGER: None, Role.AUDITOR: BANGKA}
# Where the same role sits for the "out of region" case (None = no such case: national roles see all).
AWAY = {Role.REGISTRAR: "1901022004", Role.PSM: "1901022004", Role.TKSK: "190102", Role.DISTRICT_OPERATOR: "1902",
        Role.DISTRICT_HEAD: "1902", Role.AUDITOR: "1902"}
READERS = {Role.REGISTRAR, Role.PSM, Role.TKSK, Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD, Role.NATIONAL,
           Role.AUDITOR}
WRITERS = {Role.REGISTRAR, Role.PSM, Role.TKSK, Role.DISTRICT_OPERATOR}


@pytest.fixture
def call(client):
    def call(method, path, user, body=None, **headers):
        _token, key = create_token(user)
        return getattr(client, method)(path, body, content_type="application/json",
                                       headers={"Authorization": f"Bearer {key}", **headers})
    return call


@pytest.fixture
def existing(call, registrar):
    response = call("post", URL, registrar, payload())
    assert response.status_code == 201, response.content
    return response.json()


def test_it_publishes_the_schema_and_docs(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/registrations/", "/api/registrations/{number}", "/api/registrations/{number}/withdraw"} <= set(
        schema["paths"])
    assert client.get("/api/docs").status_code == 200


def test_it_requires_a_valid_unrevoked_token(client, registrar):
    assert client.get(URL).status_code == 401
    assert client.get(URL, headers={"Authorization": "Bearer nope"}).status_code == 401
    token, key = create_token(registrar)
    assert client.get(URL, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at="2025-01-01T00:00:00Z")
    assert client.get(URL, headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_it_creates_tokens_from_the_command(registrar):
    out, err = io.StringIO(), io.StringIO()
    call_command("apitoken", "create", registrar.username, stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=registrar)
    assert key.startswith("mtk_") and token.key_hash != key and key.startswith(token.prefix)


def test_it_creates_and_reads_a_registration(call, registrar, existing):
    assert existing["channel"] == "api" and existing["version"] == 1 and len(existing["members"]) == 3
    body = call("get", URL + existing["number"], registrar).json()
    assert body["members"][0]["name"] == "Budi Santoso" and body["entered_by"] == registrar.username


def test_it_answers_validation_errors_by_field(call, registrar):
    data = payload()
    data["members"][0]["nik"] = "190101010580000X"
    response = call("post", URL, registrar, data)
    assert response.status_code == 422
    assert "members.0.nik" in response.json()["errors"]


def test_it_replays_an_idempotent_create_and_refuses_a_changed_body(call, registrar):
    first = call("post", URL, registrar, payload(), **{"Idempotency-Key": "abc-1"})
    again = call("post", URL, registrar, payload(), **{"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Registration.objects.count() == 1
    changed = call("post", URL, registrar, payload(address="Jl. Lain"), **{"Idempotency-Key": "abc-1"})
    assert changed.status_code == 422 and "different request body" in changed.json()["detail"]


def test_it_reports_duplicates_with_409_until_confirmed(call, registrar, existing):
    response = call("post", URL, registrar, payload())
    assert response.status_code == 409 and response.json()["duplicates"][0]["number"] == existing["number"]
    assert call("post", URL, registrar, payload(confirm_duplicates=True)).status_code == 201


def test_it_corrects_with_a_version_and_answers_409_on_conflict(call, registrar, existing):
    url = URL + existing["number"]
    response = call("patch", url, registrar, {"version": 1, "address": "Jl. Mawar 1", "reason": "typo"})
    assert response.status_code == 200, response.content
    assert (response.json()["address"], response.json()["version"]) == ("Jl. Mawar 1", 2)
    assert len(response.json()["members"]) == 3
    stale = call("patch", url, registrar, {"version": 1, "address": "Jl. Mawar 2"})
    assert stale.status_code == 409


def test_it_withdraws_then_refuses_changes(call, registrar, existing):
    url = URL + existing["number"]
    assert call("post", url + "/withdraw", registrar, {"version": 1, "reason": "batal"}).json()["status"] == "withdrawn"
    assert call("patch", url, registrar, {"version": 2, "address": "x"}).status_code == 409
    listed = call("get", URL + "?status=withdrawn", registrar).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == existing["number"]


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_scope_matrix(call, make_user, registrar, existing, role, where):
    """Every endpoint × role × inside/outside the registration's region."""
    if where == "out" and role not in AWAY:
        pytest.skip("national roles have no outside")
    user = make_user(role, HOME[role] if where == "in" else AWAY[role])
    number = existing["number"]
    reads = where == "in" and role in READERS
    writes = where == "in" and role in WRITERS
    listed = call("get", URL, user).json()
    assert [r["number"] for r in listed["items"]] == ([number] if reads else [])
    assert call("get", URL + number, user).status_code == (200 if reads else 404)
    patched = call("patch", URL + number, user, {"version": 1, "rt": "009"})
    assert patched.status_code == (200 if writes else 404 if not reads else 403), patched.content
    withdrawn = call("post", URL + number + "/withdraw", user, {"version": 2 if writes else 1, "reason": "uji"})
    assert withdrawn.status_code == (200 if writes else 404 if not reads else 403)
    created = call("post", URL, user, payload(confirm_duplicates=True))
    expected = 201 if writes else 403 if role in READERS or role == Role.PROGRAM_MANAGER else 422
    if where == "out" and role in WRITERS:
        expected = 422  # the village lies outside the account's area
    assert created.status_code == expected, created.content


def test_it_refuses_villages_outside_the_token_users_scope(call, make_user, period):
    psm = make_user(Role.PSM, VILLAGE_IN)
    response = call("post", URL, psm, payload(region_code=VILLAGE_OTHER_DISTRICT))
    assert response.status_code == 422 and "region_code" in response.json()["errors"]


@pytest.mark.parametrize("query", ["page=100000000000000000000", "page=0", "page_size=100000"])
def test_it_refuses_out_of_range_pages_instead_of_failing(call, registrar, query):
    assert call("get", f"{URL}?{query}", registrar).status_code == 422
