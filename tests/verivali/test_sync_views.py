"""Sync pages: the scope matrix (roles x in/out of region) for the list and the actions, and the htmx row."""

import pytest

from mutakhir.accounts.models import Role
from mutakhir.registry.models import Member
from mutakhir.verivali.models import CivilSync, ProposedChange

VILLAGE = "1901011001"
SCOPES = {  # role: (region inside the change's district, region outside it)
    Role.REGISTRAR: (VILLAGE, "1902012003"), Role.PSM: (VILLAGE, "1902012003"), Role.TKSK: ("190101", "190201"),
    Role.DISTRICT_OPERATOR: ("1901", "1902"), Role.DISTRICT_HEAD: ("1901", "1902"), Role.AUDITOR: ("1901", "1902"),
    Role.NATIONAL: (None, None), Role.PROGRAM_MANAGER: (None, None),
}
READERS = {Role.DISTRICT_OPERATOR, Role.NATIONAL, Role.AUDITOR}
DECIDERS = {Role.DISTRICT_OPERATOR, Role.NATIONAL}
CASES = [(role, inside) for role in SCOPES for inside in (True, False) if not (role in (Role.NATIONAL,
         Role.PROGRAM_MANAGER) and not inside)]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def proposed(make_household):
    household = make_household(VILLAGE, members=1)
    member = household.members.get()
    sync = CivilSync.objects.create(region_code="1901", extract="/nonexistent")
    return ProposedChange.objects.create(
        sync=sync, kind=ProposedChange.Kind.KK_CHANGE, member=member, household=household, region_id=VILLAGE,
        exact=True, current_value=member.kk, proposed_value="1901012504240001", member_version=member.version,
        evidence={"method": "nik", "civil_line": 5})


def signed_in(client, make_user, role, inside):
    client.force_login(make_user(role, SCOPES[role][0 if inside else 1]))
    return client


@pytest.mark.parametrize(("role", "inside"), CASES)
def test_it_lists_changes_only_to_readers_inside_the_region(role, inside, proposed, make_user, client):
    response = signed_in(client, make_user, role, inside).get("/verivali/sync/changes/")
    if role not in READERS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert (f'id="change-{proposed.pk}"' in response.text) is inside
    assert "1901012504240001" not in response.text  # KK masked


@pytest.mark.parametrize(("role", "inside"), CASES)
@pytest.mark.parametrize("action", ["apply", "reject"])
def test_it_lets_only_deciders_inside_the_region_decide(role, inside, action, proposed, make_user, client):
    response = signed_in(client, make_user, role, inside).post(f"/verivali/sync/changes/{proposed.pk}/{action}/")
    proposed.refresh_from_db()
    if role in DECIDERS and inside:
        assert response.status_code == 302
        assert proposed.status == ("applied" if action == "apply" else "rejected")
    else:
        assert response.status_code == (404 if role in DECIDERS else 403)
        assert proposed.status == "proposed"


@pytest.mark.parametrize(("role", "inside"), CASES)
def test_bulk_apply_touches_only_the_region_of_the_user(role, inside, proposed, make_user, client):
    response = signed_in(client, make_user, role, inside).post("/verivali/sync/changes/bulk-apply/",
                                                                 {"confirmed": "1"})
    proposed.refresh_from_db()
    assert response.status_code == (302 if role in DECIDERS else 403)
    assert (proposed.status == "applied") is (role in DECIDERS and inside)


def test_the_sync_page_is_scoped(proposed, make_user, client):
    assert signed_in(client, make_user, Role.DISTRICT_OPERATOR, True).get(
        f"/verivali/sync/{proposed.sync_id}/").status_code == 200
    assert signed_in(client, make_user, Role.DISTRICT_OPERATOR, False).get(
        f"/verivali/sync/{proposed.sync_id}/").status_code == 404


def test_htmx_apply_swaps_the_row_and_shows_a_conflict(proposed, make_user, client):
    signed_in(client, make_user, Role.DISTRICT_OPERATOR, True)
    Member.objects.filter(pk=proposed.member_id).update(version=7)
    response = client.post(f"/verivali/sync/changes/{proposed.pk}/apply/", headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert "changed after this sync" in response.text and response.text.startswith("<tr")
    Member.objects.filter(pk=proposed.member_id).update(version=proposed.member_version)
    response = client.post(f"/verivali/sync/changes/{proposed.pk}/apply/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Applied" in response.text


def test_the_filters_narrow_the_list(proposed, make_user, client):
    signed_in(client, make_user, Role.DISTRICT_OPERATOR, True)
    assert f'id="change-{proposed.pk}"' in client.get("/verivali/sync/changes/?kind=kk_change&exact=1").text
    assert f'id="change-{proposed.pk}"' not in client.get("/verivali/sync/changes/?kind=death").text
    assert f'id="change-{proposed.pk}"' not in client.get("/verivali/sync/changes/?exact=0").text


def test_an_operator_starts_a_sync_by_upload(regions, make_user, client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    signed_in(client, make_user, Role.DISTRICT_OPERATOR, True)
    upload = tmp_path / "members.csv"
    upload.write_text("record_id,name,region_code\nC1,AHMAD,1901011001\n", encoding="utf-8")
    with upload.open("rb") as fh:
        response = client.post("/verivali/sync/start/", {"extract": fh})
    sync = CivilSync.objects.get()
    assert response.status_code == 302 and response.url == f"/verivali/sync/{sync.pk}/"
    assert (sync.region_code, sync.job.kind) == ("1901", "civil_sync")
    assert client.get("/verivali/sync/").status_code == 200


def test_bulk_apply_asks_first_with_what_it_will_do(proposed, make_user, client):
    """The first click shows how many changes, members, households and villages; only the confirmation applies."""
    signed_in(client, make_user, Role.DISTRICT_OPERATOR, True)
    listing = client.get("/verivali/sync/changes/?kind=kk_change").content.decode()
    assert "Apply the 1 exact change" in listing
    asked = client.post("/verivali/sync/changes/bulk-apply/", {"kind": "kk_change", "next": "https://evil.example/"})
    proposed.refresh_from_db()
    assert asked.status_code == 200 and proposed.status == "proposed"
    page = asked.content.decode()
    assert "1 change will be written into the registry: 1 member(s) of 1 household(s) in 1 village(s)." in page
    assert "New family card (KK)" in page and 'name="confirmed" value="1"' in page
    assert 'name="kind" value="kk_change"' in page
    assert "evil.example" not in page
    done = client.post("/verivali/sync/changes/bulk-apply/", {"kind": "kk_change", "confirmed": "1",
                                                              "next": "/verivali/sync/changes/?kind=kk_change"})
    proposed.refresh_from_db()
    assert done["Location"] == "/verivali/sync/changes/?kind=kk_change" and proposed.status == "applied"
