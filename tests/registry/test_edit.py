"""Household edit: history with a reason, optimistic locking (two editors), and who may edit where."""

import pytest
from conftest import ALL_ROLES, BANGKA, SUNGAILIAT, VILLAGE_IN, VILLAGE_OTHER_DISTRICT, VILLAGE_OTHER_SUB
from django.urls import reverse
from django.utils import timezone

from mutakhir.accounts.models import Role
from mutakhir.registry.models import Household
from mutakhir.registry.services import EDITABLE_FIELDS, EditConflict, do_edit_household

ROLE_REGION = {
    Role.REGISTRAR: VILLAGE_IN, Role.PSM: VILLAGE_IN, Role.TKSK: SUNGAILIAT,
    Role.DISTRICT_OPERATOR: BANGKA, Role.DISTRICT_HEAD: BANGKA, Role.AUDITOR: BANGKA,
    Role.NATIONAL: None, Role.PROGRAM_MANAGER: None,
}
VILLAGES = {"same village": VILLAGE_IN, "other sub-district": VILLAGE_OTHER_SUB,
            "other district": VILLAGE_OTHER_DISTRICT}
# Written out by hand: only a district operator edits, and only inside the district.
MAY_EDIT = {(Role.DISTRICT_OPERATOR, "same village"), (Role.DISTRICT_OPERATOR, "other sub-district")}


@pytest.fixture(autouse=True)
def english(client):
    """Pages and messages in English (the msgids); one test switches to Indonesian."""
    client.cookies["django_language"] = "en"


@pytest.fixture
def operator(make_user):
    return make_user(Role.DISTRICT_OPERATOR, BANGKA, first_name="Ani", last_name="Operator")


def form_data(household, **changes):
    """Return the edit form as the browser posts it for `household` (current values) plus `changes`."""
    edit = reverse("registry:edit", args=[household.pk])
    shown = {"True": "true", "False": "false", "None": ""}
    current = {name: shown.get(str(getattr(household, name)), str(getattr(household, name)))
               for name in EDITABLE_FIELDS}
    return edit, {**current, "version": household.version, "reason": "kunjungan verifikasi", **changes}


def test_the_matrix_covers_every_role():
    assert set(ROLE_REGION) == set(ALL_ROLES)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("where", VILLAGES)
def test_it_lets_only_district_operators_edit_inside_their_district(role, where, make_user, make_household, client):
    household = make_household(VILLAGES[where], wall_material=1)
    client.force_login(make_user(role, ROLE_REGION[role]))
    url, data = form_data(household, wall_material="2")
    allowed = (role, where) in MAY_EDIT
    assert client.get(url).status_code == (200 if allowed else 404)
    assert client.post(url, data).status_code == (302 if allowed else 404)
    household.refresh_from_db()
    assert household.wall_material == (2 if allowed else 1)
    page = client.get(reverse("registry:household", args=[household.pk]))
    assert (url.encode() in page.content) == allowed


def test_it_saves_a_change_with_its_reason_and_editor_in_the_history(operator, make_household, client):
    household = make_household(roof_material=3, has_motorcycle=False)
    client.force_login(operator)
    url, data = form_data(household, roof_material="1", has_motorcycle="true", reason="verifikasi 12 Maret")
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert (household.roof_material, household.has_motorcycle, household.version) == (1, True, 2)
    record = household.history.first()
    assert record.history_change_reason == "verifikasi 12 Maret" and record.history_user == operator
    page = client.get(reverse("registry:household", args=[household.pk])).content.decode()
    assert "verifikasi 12 Maret" in page and "Ani Operator" in page


def test_it_requires_a_reason_and_refuses_ended_households(operator, make_household, client):
    household = make_household(roof_material=3)
    client.force_login(operator)
    url, data = form_data(household, roof_material="1", reason="")
    response = client.post(url, data)
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    household.refresh_from_db()
    assert household.roof_material == 3 and household.version == 1
    Household.objects.filter(pk=household.pk).update(ended_at=timezone.now(), end_reason="moved")
    assert client.get(url).status_code == 404


def test_it_gives_the_second_of_two_editors_a_conflict_and_overwrites_nothing(operator, make_user, make_household,
                                                                              client):
    household = make_household(wall_material=1, roof_material=3)
    url, first = form_data(household, wall_material="2", reason="editor pertama")
    _, second = form_data(household, wall_material="5", roof_material="2", reason="editor kedua")  # same version
    client.force_login(operator)
    assert client.post(url, first).status_code == 302
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA, username="budi"))
    response = client.post(url, second)
    assert response.status_code == 200
    household.refresh_from_db()
    assert (household.wall_material, household.roof_material, household.version) == (2, 3, 2)
    assert household.history.count() == 2  # created + the first editor's save, nothing of the second
    page = response.content.decode()
    assert "Somebody else saved this household after you opened it" in page
    assert "Ani Operator" in page and "editor pertama" in page  # who, and why
    conflict = response.context["conflict"]
    assert [c.label for e in conflict.changes for c in e.changes] == ["wall"]
    assert set(dict(response.context["mine"])) == {"Wall", "Roof"}  # what the second editor typed, to re-enter
    assert response.context["form"]["version"].value() == 2  # the form now holds the stored household


def test_it_says_the_conflict_in_indonesian_first(operator, make_household, client):
    household = make_household(wall_material=1)
    url, data = form_data(household, wall_material="2")
    do_edit_household(household, version=1, values={"wall_material": 3}, reason="lebih dulu", actor=operator)
    client.force_login(operator)
    del client.cookies["django_language"]  # the default language
    page = client.post(url, data).content.decode()
    assert "Orang lain telah menyimpan rumah tangga ini" in page


def test_it_lets_exactly_one_of_two_saves_of_the_same_version_win(operator, make_household):
    household = make_household(livestock=0)
    do_edit_household(household, version=1, values={"livestock": 2}, reason="pertama", actor=operator)
    with pytest.raises(EditConflict) as exc:
        do_edit_household(household, version=1, values={"livestock": 7}, reason="kedua", actor=operator)
    household.refresh_from_db()
    assert household.livestock == 2 and household.version == 2
    assert [c.new for e in exc.value.changes for c in e.changes] == ["2"]


def test_it_refuses_fields_that_are_not_characteristics(operator, make_household):
    household = make_household()
    with pytest.raises(ValueError):
        do_edit_household(household, version=1, values={"region_id": VILLAGE_OTHER_DISTRICT}, reason="pindah",
                          actor=operator)
