"""Near-identical households: within one import file, and against the period at single entry.

Flagged: the same head (after name normalisation) with the same birth date, or the same members, in one
village. Not flagged: twins heading two households, families sharing a surname, another village.
"""

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_SUB

from mutakhir.accounts.models import Role
from mutakhir.registration.duplicates import canonical_names, similar_address
from mutakhir.registration.imports import import_registrations
from mutakhir.registration.models import Channel, Registration
from mutakhir.registration.services import DuplicateSuspected, check_registration, do_create_registration

from .conftest import payload
from .test_imports import report_rows, write_zip

pytestmark = pytest.mark.django_db

HOUSEHOLDS = [["H1", VILLAGE_IN, "Jl. Kenanga 1", "8", "0"],
              ["H2", VILLAGE_IN, "Dusun III", "8", "0"],  # H1 again, name spelled otherwise: flagged
              ["H3", VILLAGE_IN, "Jl. Mawar 5", "8", "0"],
              ["H4", VILLAGE_IN, "Jl. Mawar 5", "8", "0"],  # H3's twin brother, same house: kept
              ["H5", VILLAGE_IN, "Jl. Anggrek 2", "8", "0"],
              ["H6", VILLAGE_IN, "Jl. Anggrek 9", "8", "0"],  # same surname as H5: kept
              ["H7", VILLAGE_OTHER_SUB, "Jl. Kenanga 1", "8", "0"],  # H1's head in another village: kept
              ["H8", VILLAGE_IN, "Dusun I", "8", "0"],
              ["H9", VILLAGE_IN, "Dusun II", "8", "0"],  # H8's members, the wife as head: flagged
              ["H10", VILLAGE_IN, "Jl. Teratai", "8", "0"]]  # H5's name, no birth date, other address: kept
MEMBERS = [["M1", "H1", "", "", "H. Muhammad Yusuf", "1", "1970-01-01", "1"],
           ["M2", "H2", "", "", "Mohammad Yusup", "1", "1970-01-01", "1"],
           ["M3", "H3", "", "", "Hasan Basri", "1", "1985-02-02", "1"],
           ["M4", "H4", "", "", "Husin Basri", "1", "1985-02-02", "1"],
           ["M5", "H5", "", "", "Agus Santoso", "1", "1990-01-01", "1"],
           ["M6", "H6", "", "", "Budi Santoso", "1", "1991-07-07", "1"],
           ["M7", "H7", "", "", "Muhammad Yusuf", "1", "1970-01-01", "1"],
           ["M8", "H8", "", "", "Tono", "1", "1979-03-03", "1"],
           ["M9", "H8", "", "", "Rina", "2", "1980-01-01", "2"],
           ["M10", "H9", "", "", "Rina", "2", "1980-01-01", "1"],
           ["M11", "H9", "", "", "Tono", "1", "1979-03-03", "2"],
           ["M12", "H10", "", "", "Agus Santoso", "1", "", "1"]]


@pytest.fixture
def operator(make_user, period):
    return make_user(Role.DISTRICT_OPERATOR, BANGKA, username="operator")


def test_names_are_compared_in_canonical_form():
    first, second = canonical_names(["H. Muhammad Yusuf", "Mohammad Yusup"])
    assert first == second and "yus" in first
    assert len(set(canonical_names(["Hasan Basri", "Husin Basri", "Agus Santoso", "Budi Santoso"]))) == 4


def test_addresses_with_other_house_numbers_are_not_similar():
    assert similar_address("Jl. Melati No. 3, Dusun II", "JL MELATI NO 3 DUSUN II")
    assert not similar_address("Dusun 4 No. 162", "Dusun 4 No. 126")  # two houses of one hamlet


def test_it_reports_near_identical_households_of_one_file_with_both_rows(tmp_path, operator, period):
    path = write_zip(tmp_path / "data.zip", HOUSEHOLDS, MEMBERS)
    run = import_registrations(path, period=period, user=operator)
    assert (run.created, run.duplicates) == (8, 2)
    assert set(Registration.objects.values_list("source_key", flat=True)) == {
        "H1", "H3", "H4", "H5", "H6", "H7", "H8", "H10"}
    flagged = {r[5]: r[6] for r in report_rows(run) if r[4] == "duplicate_suspected"}
    assert set(flagged) == {"H2", "H9"}
    assert "household H1 of this file (row 2)" in flagged["H2"] and "birth date" in flagged["H2"]
    assert "household H8 of this file (row 9)" in flagged["H9"] and "same members" in flagged["H9"]
    rows = {r[5]: r[2] for r in report_rows(run) if r[4] == "duplicate_suspected"}
    assert rows == {"H2": 3, "H9": 10}  # the flagged household's own row, beside the other's in the text

    anyway = import_registrations(path, period=period, user=operator, allow_duplicates=True)
    assert (anyway.created, anyway.already, anyway.duplicates) == (2, 8, 2)
    assert {r[4] for r in report_rows(anyway)} == {"duplicate_imported"}


def test_an_import_flags_a_registered_head_with_the_same_birth_date(tmp_path, operator, period, registrar):
    do_create_registration(registrar, check_registration(registrar, payload(), channel=Channel.ACTIVE))
    hh = [["H1", VILLAGE_IN, "Dusun IV", "8", "0"], ["H2", VILLAGE_IN, "Jl. Teratai 8", "8", "0"]]
    mm = [["M1", "H1", "", "", "Budi Santoso", "1", "1980-05-01", "1"],
          ["M2", "H2", "", "", "Budi Santoso", "1", "1981-05-01", "1"]]  # another Budi Santoso: kept
    run = import_registrations(write_zip(tmp_path / "data.zip", hh, mm), period=period, user=operator)
    flagged = {r[5]: r[6] for r in report_rows(run) if r[4] == "duplicate_suspected"}
    assert (run.created, set(flagged)) == (1, {"H1"}) and "birth date" in flagged["H1"]


def single(**household):
    data = payload(**household)
    for m in data["members"]:
        m.update(nik="", kk="")
    return data


def test_single_entry_warns_about_a_near_identical_registered_household(registrar):
    first = do_create_registration(registrar, check_registration(registrar, payload(), channel=Channel.ACTIVE))

    same_head = single(address="Dusun IV")
    same_head["members"] = [dict(same_head["members"][0], name="BUDI SANTOSO, S.Pd")]
    with pytest.raises(DuplicateSuspected) as info:
        do_create_registration(registrar, check_registration(registrar, same_head, channel=Channel.ACTIVE))
    assert [(d.number, "birth date" in d.reason) for d in info.value.duplicates] == [(first.number, True)]

    wife_as_head = single(address="Dusun IV")
    wife_as_head["members"][0]["relation"], wife_as_head["members"][1]["relation"] = 2, 1
    with pytest.raises(DuplicateSuspected) as info:
        do_create_registration(registrar, check_registration(registrar, wife_as_head, channel=Channel.ACTIVE))
    assert [(d.number, "same members" in d.reason) for d in info.value.duplicates] == [(first.number, True)]


@pytest.mark.parametrize("change", [
    {"name": "Badu Santoso"},  # a twin brother: same birth date and surname, another given name
    {"name": "Joko Santoso", "birth_date": "1975-01-01"},  # shares the surname only
])
def test_single_entry_keeps_different_households_apart(registrar, change):
    do_create_registration(registrar, check_registration(registrar, payload(), channel=Channel.ACTIVE))
    data = single(address="Dusun IV")
    data["members"] = [dict(data["members"][0], **change)]
    created = do_create_registration(registrar, check_registration(registrar, data, channel=Channel.ACTIVE))
    assert created.number and Registration.objects.count() == 2


def test_the_form_shows_the_near_identical_household_before_saving(client, registrar):
    from django.urls import reverse

    from .test_views import form_data

    client.force_login(registrar)
    url = reverse("registration:new") + "?channel=aktif"
    first = client.post(url, form_data())
    number = Registration.objects.get().number
    assert first.status_code == 302
    again = client.post(url, form_data(**{"members-0-nik": "", "members-0-kk": "", "address": "Dusun IV",
                                          "members-0-name": "Bpk. Budi Santoso"}))
    assert again.status_code == 200 and number in again.text and "birth date" in again.text
    assert 'name="confirm_duplicates"' in again.text and Registration.objects.count() == 1


def test_the_file_report_speaks_indonesian_first(tmp_path, operator, period):
    from django.utils import translation

    with translation.override("id"):
        run = import_registrations(write_zip(tmp_path / "data.zip", HOUSEHOLDS, MEMBERS), period=period, user=operator)
    flagged = {r[5]: r[6] for r in report_rows(run) if r[4] == "duplicate_suspected"}
    assert "hampir sama dengan rumah tangga H1 dalam berkas ini (baris 2)" in flagged["H2"]
    assert "tanggal lahir kepala rumah tangga sama" in flagged["H2"]
