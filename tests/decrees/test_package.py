"""The package round trip: export an approved decree, then merge it into a fresh national registry state."""

import datetime as dt
import io
import zipfile

import pytest
from conftest import VILLAGE_IN, VILLAGE_OTHER_DISTRICT
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from verification.fixtures import HOUSEHOLD, accept, make_entry, make_prelist

from mutakhir.accounts.models import Role
from mutakhir.core.models import PersonalDataAccess
from mutakhir.decrees.models import Decree, PackageImport
from mutakhir.decrees.package_export import export_package
from mutakhir.decrees.services import do_approve_decree
from mutakhir.registry.models import Household, Member
from mutakhir.registry.packages import PackageError
from mutakhir.registry.packages.merge import import_package
from mutakhir.verification import services
from mutakhir.verification.services import Invalid, prefill

from .test_decrees import compile_decree


class Rollback(Exception):
    """Leave the district's work behind: the import then runs on the national state only."""


def complete(entry, **household):
    data = prefill(entry)
    data["household"] = {**data["household"], **HOUSEHOLD, **household}
    for m in data["members"]:
        m["birth_date"] = "1980-01-01" if m["relation"] == 1 else "2010-01-01"
        if m["sex"] == 2:
            m["pregnant"] = 0
    return data


def district_work(national, make_user, tmp_path):
    operator, head = make_user(Role.DISTRICT_OPERATOR, "1901"), make_user(Role.DISTRICT_HEAD, "1901")
    psm, tksk = make_user(Role.PSM, VILLAGE_IN), make_user(Role.TKSK, "190101")
    prelist = make_prelist(VILLAGE_IN, operator)
    e = {name: make_entry(prelist, hh) for name, hh in national.items() if name != "target"}
    data = complete(e["verified"], floor_material=2)
    data["members"][2]["status"] = "died"
    data["members"].append({"status": "new", "name": "Bayi", "relation": 3, "sex": 1, "birth_date": "2025-01-05"})
    accept(e["verified"], psm, tksk, data, visited_on=dt.date(2025, 2, 1))
    data = complete(e["split"])
    data["members"][1]["status"] = "split"
    accept(e["split"], psm, tksk, data, outcome="split", new_kk="1901011111110001")
    accept(e["moved"], psm, tksk, {}, outcome="moved", moved_to="Kota Pangkalpinang")
    accept(e["merged"], psm, tksk, complete(e["merged"]), outcome="merged",
           merged_into=national["target"].household_id)
    accept(e["refused"], psm, tksk, {}, outcome="refused")
    new = make_entry(prelist)
    accept(new, psm, tksk, complete(new))
    decree = do_approve_decree(compile_decree(operator), actor=head)
    path = tmp_path / "package.zip"
    manifest = export_package(decree, path)
    return path, manifest, new.registration.number


def test_it_round_trips_into_a_fresh_registry(national, make_user, tmp_path):
    with pytest.raises(Rollback), transaction.atomic():
        path, manifest, new_key = district_work(national, make_user, tmp_path)
        raise Rollback
    assert manifest["signer"] == {"name": "H. Mulkan", "title": "Bupati Bangka"}
    assert manifest["files"]["outcomes.csv"]["rows"] == 6
    result = import_package(path)
    assert result.flags == []
    assert result.counts["outcomes"] == {"verified": 2, "split": 1, "moved": 1, "merged": 1, "refused": 1}
    verified = Household.objects.get(household_id=national["verified"].household_id)
    assert verified.floor_material == 2
    ended = verified.members.filter(ended_at__isnull=False).get()
    assert (ended.end_reason, timezone.localtime(ended.ended_at).date()) == ("died", dt.date(2025, 2, 1))
    assert verified.members.filter(name="Bayi", ended_at__isnull=True).exists()
    split = Household.objects.get(household_id=national["split"].household_id + "-S")
    assert split.members.get().kk == "1901011111110001"
    moved = Household.objects.get(household_id=national["moved"].household_id)
    assert moved.end_reason == "moved" and not moved.members.filter(ended_at__isnull=True).exists()
    assert Household.objects.get(household_id=national["merged"].household_id).end_reason == "merged"
    assert national["target"].members.count() == 3
    assert Member.objects.filter(household__household_id=new_key, name="Rudi").exists()
    with pytest.raises(PackageError, match="imported already"):
        import_package(path)


def test_it_refuses_a_tampered_package(national, make_user, tmp_path):
    with pytest.raises(Rollback), transaction.atomic():
        path, _, _ = district_work(national, make_user, tmp_path)
        raise Rollback
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data.replace(b",8,", b",2,") if name == "households.csv" else data)
    with pytest.raises(CommandError, match="changed after export"):
        call_command("package", "import", str(tampered))
    assert Household.objects.get(household_id=national["verified"].household_id).floor_material is None


def test_the_export_command_is_logged_with_the_server_account(national, make_user, tmp_path):
    district_work(national, make_user, tmp_path)
    decree = Decree.objects.get()
    call_command("package", "export", "--decree", decree.number, "--out", str(tmp_path / "cli.zip"))
    access = PersonalDataAccess.objects.get(object_type="decree")
    assert (access.action, access.object_id, access.fields, access.user) == ("export", str(decree.pk), "package", None)
    assert access.operator


def test_it_exports_only_an_approved_decree(entry, psm, tksk, operator, tmp_path):
    accept(entry, psm, tksk)
    decree = compile_decree(operator)
    with pytest.raises(CommandError, match="not approved"):
        call_command("package", "export", "--decree", decree.number, "--out", str(tmp_path / "p.zip"))


def test_it_refuses_a_package_listing_a_person_in_two_households(entry, psm, tksk, operator, make_user, monkeypatch,
                                                                 tmp_path):
    head = make_user(Role.DISTRICT_HEAD, "1901")
    first, second = make_entry(entry.prelist), make_entry(entry.prelist)  # both register Rudi, one NIK
    accept(first, psm, tksk, complete(first))
    with pytest.raises(Invalid, match="listed already in household"):  # the district refuses it itself...
        accept(second, psm, tksk, complete(second))
    monkeypatch.setattr(services, "member_issues", lambda *args: [])  # ...a package from elsewhere may not have
    accept(second, psm, tksk, complete(second))
    path = tmp_path / "twice.zip"
    with pytest.raises(Rollback), transaction.atomic():
        export_package(do_approve_decree(compile_decree(operator), actor=head), path)
        raise Rollback
    with pytest.raises(PackageError) as refused:
        import_package(path)
    message = str(refused.value)
    assert "two households; nothing was merged" in message
    assert "NIK 1901********0001: households " in message
    assert first.registration.number in message and second.registration.number in message
    assert "members.csv rows 2, 3" in message
    assert not Household.objects.filter(household_id=first.registration.number).exists()


def test_it_merges_and_flags_a_person_present_in_another_districts_household(national, make_user, make_household,
                                                                             tmp_path):
    with pytest.raises(Rollback), transaction.atomic():
        path, _, _ = district_work(national, make_user, tmp_path)
        raise Rollback
    person = national["verified"].members.order_by("record_id").first()
    elsewhere = make_household(VILLAGE_OTHER_DISTRICT, members=1)
    elsewhere.members.update(nik=person.nik)
    out = io.StringIO()
    call_command("package", "import", str(path), stdout=out)
    result = PackageImport.objects.get()
    flag, = result.flags
    assert (flag["code"], flag["household"], flag["other_household"], flag["other_region"]) == (
        "member_elsewhere", national["verified"].household_id, elsewhere.household_id, VILLAGE_OTHER_DISTRICT)
    assert flag["nik"] == person.nik[:4] + "********" + person.nik[-4:]
    assert f"registry household {elsewhere.household_id}" in out.getvalue() and "1 flagged" in out.getvalue()
    assert Household.objects.get(household_id=national["verified"].household_id).floor_material == 2  # merged
