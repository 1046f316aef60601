"""Lists for program systems: the token's program only, the user's region only, the program's columns only,
paged in a stable order, changes since an earlier list, every pull in the access log with its reason."""

import pytest
from conftest import BANGKA, VILLAGE_IN

from mutakhir.accounts.models import Role
from mutakhir.core.models import PersonalDataAccess
from mutakhir.registration.models import TokenPurpose
from mutakhir.registration.tokens import create_token
from mutakhir.registry.models import Member
from mutakhir.targeting import services

pytestmark = pytest.mark.django_db
RULE = "desil <= 4 and any(member.age < 6 or member.age >= 70)"  # T1, T3 (Bangka), T4 (Belitung)
REASON = "Penyaluran PKH tahap 2"


@pytest.fixture
def blist(ranked):
    program = services.do_create_program("Uji", RULE, "household")
    return services.do_build_list(program.current, ranked)


@pytest.fixture
def pull(client):
    def pull(user, path, program, purpose=TokenPurpose.LISTS, **params):
        key = create_token(user, purpose=purpose, program=program if purpose == TokenPurpose.LISTS else None)[1]
        params.setdefault("reason", REASON)
        return client.get(f"/api/lists/{path}", params, headers={"Authorization": f"Bearer {key}"})
    return pull


def households(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["household_id"] for row in response.json()["rows"]]


def test_a_program_manager_pulls_the_whole_list_with_masked_nik_and_it_is_logged(pull, make_user, blist):
    manager = make_user(Role.PROGRAM_MANAGER)
    program = blist.version.program
    assert [row["id"] for row in pull(manager, "", program).json()] == [blist.pk]
    response = pull(manager, f"{blist.pk}/entries", program, status="selected")
    assert households(response) == ["T1", "T3", "T4"]  # region, then score: a stable order
    row = response.json()["rows"][0]
    assert set(row) == {"household_id", "region_code", "desil", "people", "status", "change", "name", "nik"}
    nik = Member.objects.get(household__household_id="T1").nik
    assert row["nik"] != nik and row["nik"][:4] == nik[:4] and "*" in row["nik"]
    log = PersonalDataAccess.objects.get(user=manager)
    assert (log.action, log.object_id, log.reason) == ("export", str(blist.pk), REASON)


def test_a_token_of_another_program_sees_none_of_this_one(pull, make_user, blist):
    manager = make_user(Role.PROGRAM_MANAGER)
    other = services.do_create_program("Lain", "desil <= 1", "household")
    assert pull(manager, "", other).json() == []
    assert pull(manager, f"{blist.pk}/entries", other).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_a_district_sees_its_own_households_only(pull, make_user, blist):
    operator = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    assert households(pull(operator, f"{blist.pk}/entries", blist.version.program, status="selected")) == ["T1", "T3"]


def test_a_village_account_sees_its_village_only(pull, make_user, blist):
    auditor = make_user(Role.AUDITOR, VILLAGE_IN)
    assert households(pull(auditor, f"{blist.pk}/entries", blist.version.program, status="selected")) == ["T1"]


def test_only_the_programs_columns_go_out_and_nik_in_full_only_when_allowed(pull, make_user, blist):
    program = blist.version.program
    program.api_columns = ["household_id", "nik", "secret_column"]
    program.api_full_identity = True
    program.save()
    response = pull(make_user(Role.NATIONAL), f"{blist.pk}/entries", program, status="selected")
    assert response.json()["columns"] == ["household_id", "nik"]
    row = response.json()["rows"][0]
    assert row == {"household_id": "T1", "nik": Member.objects.get(household__household_id="T1").nik}


def test_pages_are_stable_and_cover_the_list_once(pull, make_user, blist):
    manager, program = make_user(Role.PROGRAM_MANAGER), blist.version.program
    whole = households(pull(manager, f"{blist.pk}/entries", program))
    seen, page = [], 1
    while page:
        body = pull(manager, f"{blist.pk}/entries", program, page=page, page_size=2).json()
        seen += [row["household_id"] for row in body["rows"]]
        assert body["count"] == len(whole)
        page = body["next_page"]
    assert seen == whole and len(set(seen)) == len(seen)


def test_changes_since_an_earlier_list(pull, make_user, blist, ranked):
    program = blist.version.program
    services.do_add_version(program, "desil <= 2", "household")
    program.refresh_from_db()
    newer = services.do_build_list(program.current, ranked, previous=blist)
    response = pull(make_user(Role.PROGRAM_MANAGER), f"{newer.pk}/changes", program, since=blist.pk)
    changes = {row["household_id"]: row["change"] for row in response.json()["rows"]}
    assert changes == {"T2": "entered", "T3": "exited"}
    operator = make_user(Role.DISTRICT_OPERATOR, "1902")  # Belitung: T4 stayed, nothing changed there
    assert pull(operator, f"{newer.pk}/changes", program, since=blist.pk).json()["rows"] == []


def test_a_pull_without_a_reason_or_with_another_purposes_token_is_refused(pull, make_user, blist):
    manager, program = make_user(Role.PROGRAM_MANAGER), blist.version.program
    assert pull(manager, f"{blist.pk}/entries", program, reason="").status_code == 422
    national = make_user(Role.NATIONAL)
    assert pull(national, f"{blist.pk}/entries", None, purpose=TokenPurpose.PACKAGES).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_a_manager_sets_the_columns_on_the_program_page_and_a_reader_cannot(client, make_user, blist):
    program = blist.version.program
    url = f"/targeting/programs/{program.pk}/api-columns/"
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    assert client.post(url, {"columns": ["nik"], "full_identity": "on"}).status_code == 403
    client.force_login(make_user(Role.PROGRAM_MANAGER))
    page = client.get(f"/targeting/programs/{program.pk}/").content.decode()
    assert url in page
    client.post(url, {"columns": ["household_id", "desil", "bogus"], "full_identity": "on"})
    program.refresh_from_db()
    assert program.api_columns == ["household_id", "desil"] and program.api_full_identity
