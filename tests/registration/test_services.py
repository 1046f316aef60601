"""Services: create, validate, duplicates, correct with version, withdraw, history."""

import re

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_DISTRICT, VILLAGE_OTHER_SUB
from django.core.exceptions import PermissionDenied

from mutakhir.accounts.models import Role
from mutakhir.registration import flows
from mutakhir.registration.models import Channel, Registration, Status
from mutakhir.registration.services import (
    DuplicateSuspected,
    VersionConflict,
    allocate_numbers,
    check_registration,
    do_correct_registration,
    do_create_registration,
    do_set_status,
    do_withdraw_registration,
)
from mutakhir.registration.validation import ValidationFailed

from .conftest import HEAD_NIK, payload

pytestmark = pytest.mark.django_db


def create(user, data=None, channel=Channel.ACTIVE, **kwargs):
    return do_create_registration(user, check_registration(user, data or payload(), channel=channel), **kwargs)


def errors_of(user, data, channel=Channel.ACTIVE):
    with pytest.raises(ValidationFailed) as info:
        check_registration(user, data, channel=channel)
    return info.value.problems.errors


def test_it_creates_a_registration_with_number_channel_and_history(registrar, period):
    reg = create(registrar)
    assert re.fullmatch(r"REG-1901-\d{4}-000001", reg.number)
    assert (reg.channel, reg.status, reg.entered_by, reg.update_period) == ("aktif", "submitted", registrar, period)
    assert [m.name for m in reg.members.order_by("position")] == ["Budi Santoso", "Sri Wahyuni", "Adi"]
    assert reg.members.get(relation=1).name_key == "BUDI SANTOSO"
    history = reg.history.get()
    assert history.history_user == registrar and history.history_type == "+"


def test_it_numbers_consecutively_per_district_and_year():
    assert allocate_numbers("1901", 2025, 3) == [f"REG-1901-2025-00000{i}" for i in (1, 2, 3)]
    assert allocate_numbers("1901", 2025) == ["REG-1901-2025-000004"]
    assert allocate_numbers("1902", 2025) == ["REG-1902-2025-000001"]


def test_it_puts_nik_structure_errors_at_the_field(registrar):
    data = payload()
    data["members"][1]["nik"] = "19010145068200x2"
    data["members"][2]["nik"] = "123"
    errors = errors_of(registrar, data)
    assert "digits only" in errors["members.1.nik"][0]
    assert "16 digits" in errors["members.2.nik"][0]


def test_it_warns_when_the_nik_disagrees_with_sex_and_birth_date(registrar):
    data = payload()
    data["members"][0].update(sex=2, birth_date="1981-05-01")
    clean = check_registration(registrar, data, channel=Channel.ACTIVE)
    assert len(clean.warnings["members.0.nik"]) == 2


@pytest.mark.parametrize(("members", "message"), [
    ([{"name": "Ani", "relation": 3}], "no head"),
    ([{"name": "Ani", "relation": 1}, {"name": "Ana", "relation": 1}], "2 heads"),
    ([], "at least one member"),
])
def test_it_requires_exactly_one_head(registrar, members, message):
    assert message in errors_of(registrar, payload(members=members))["members"][0]


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "Budi\x00", "Budi\u202eS"])
def test_it_rejects_markup_and_control_characters_in_names(registrar, name):
    data = payload()
    data["members"][0]["name"] = name
    assert "angle brackets" in errors_of(registrar, data)["members.0.name"][0]


@pytest.mark.parametrize(("code", "message"), [
    ("9999999999", "Unknown village"), (VILLAGE_OTHER_SUB, "outside your area"), ("1901", "Unknown village"),
])
def test_it_checks_the_region(registrar, code, message):
    assert message in errors_of(registrar, payload(region_code=code))["region_code"][0]


def test_it_refuses_a_village_outside_the_periods_district(make_user, period):
    everywhere = make_user("", None, is_superuser=True)  # sees every district; no role may have no region
    errors = errors_of(everywhere, payload(region_code=VILLAGE_OTHER_DISTRICT))
    assert "no open update period" in errors["region_code"][0]


def test_it_requires_consent_document_and_visit_details(make_user, registrar):
    errors = errors_of(registrar, payload(consent=False, id_document_seen=""))
    assert set(errors) == {"consent", "id_document_seen"}
    psm = make_user(Role.PSM, VILLAGE_IN)
    errors = errors_of(psm, payload(visit_lat="-1.9"), channel=Channel.PASSIVE)
    assert set(errors) == {"visit_date", "visit_lat"}
    data = payload(visit_date="2025-02-01", visit_lat="-1.9", visit_lon="106.1", reason_proposed="rumah bambu")
    reg = create(psm, data, channel=Channel.PASSIVE)
    assert (reg.channel, str(reg.visit_lon), reg.reason_proposed) == ("pasif", "106.1", "rumah bambu")


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.PROGRAM_MANAGER, Role.DISTRICT_HEAD])
def test_it_refuses_roles_that_do_not_enter(make_user, period, role):
    with pytest.raises(PermissionDenied):
        check_registration(make_user(role, BANGKA), payload(), channel=Channel.ACTIVE)


def test_it_refuses_a_channel_the_role_does_not_use(registrar):
    with pytest.raises(PermissionDenied):
        check_registration(registrar, payload(), channel=Channel.PASSIVE)


def test_it_asks_before_saving_a_possible_duplicate(registrar):
    first = create(registrar)
    with pytest.raises(DuplicateSuspected) as info:
        create(registrar)
    assert [d.number for d in info.value.duplicates] == [first.number]
    assert HEAD_NIK in info.value.duplicates[0].reason
    assert create(registrar, confirm_duplicates=True).number != first.number


def test_it_flags_the_same_head_at_a_similar_address(registrar):
    first = create(registrar)
    data = payload(address="JL MELATI NO 3 DUSUN II")
    for m in data["members"]:
        m.update(nik="", kk="", birth_date="")  # neither the same birth date nor the same members
    with pytest.raises(DuplicateSuspected) as info:
        create(registrar, data)
    assert "similar address" in info.value.duplicates[0].reason and info.value.duplicates[0].number == first.number
    data["address"] = "Dusun IV, kebun karet"
    assert create(registrar, data)


def test_it_ignores_withdrawn_registrations_when_looking_for_duplicates(registrar):
    first = create(registrar)
    do_withdraw_registration(registrar, first, version=1, reason="salah input")
    assert create(registrar).status == Status.SUBMITTED


def test_it_corrects_with_the_current_version_and_refuses_a_stale_one(registrar):
    reg = create(registrar)
    data = payload(address="Jl. Melati No. 5")
    data["members"] = data["members"][:2]
    clean = check_registration(registrar, data, channel=Channel.ACTIVE)
    do_correct_registration(registrar, reg, clean, version=1, reason="alamat salah")
    reg.refresh_from_db()
    assert (reg.version, reg.address, reg.members.count()) == (2, "Jl. Melati No. 5", 2)
    assert reg.history.first().history_change_reason == "alamat salah"
    with pytest.raises(VersionConflict):
        do_correct_registration(registrar, reg, clean, version=1)


def test_it_withdraws_only_along_the_flow(registrar):
    reg = create(registrar)
    with pytest.raises(ValidationFailed):
        do_withdraw_registration(registrar, reg, version=1, reason=" ")
    do_withdraw_registration(registrar, reg, version=1, reason="pemohon membatalkan")
    reg.refresh_from_db()
    assert (reg.status, reg.status_note, reg.version) == (Status.WITHDRAWN, "pemohon membatalkan", 2)
    with pytest.raises(flows.TransitionError):
        do_set_status(registrar, reg, Status.IN_IDENTIFICATION)
    with pytest.raises(flows.TransitionError):
        do_correct_registration(registrar, reg, check_registration(registrar, payload(), channel=Channel.ACTIVE),
                                version=2)


def test_it_scopes_querysets_by_region(registrar, make_user):
    reg = create(registrar)
    assert list(Registration.objects.visible_to(make_user(Role.TKSK, "190101"))) == [reg]
    assert not Registration.objects.visible_to(make_user(Role.TKSK, "190102")).exists()
    assert not Registration.objects.visible_to(make_user("", None)).exists()
