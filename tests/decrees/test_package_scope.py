"""A package touches only its decree's households (issue 23): forged member references and merge targets replayed.

Before the fix a verification naming another household's member (`ref`) or merge target went through the
export and the national merge unchecked, and rewrote that person as someone else.
"""

import hashlib
import json
import re
import zipfile

import pytest
from conftest import VILLAGE_IN, VILLAGE_OTHER_SUB
from django.db import transaction
from verification.fixtures import accept, make_entry, make_prelist

from mutakhir.accounts.models import Role
from mutakhir.core import signing
from mutakhir.decrees.package_export import export_package
from mutakhir.decrees.services import do_approve_decree
from mutakhir.registry.models import Household, Member
from mutakhir.registry.packages import PackageError
from mutakhir.registry.packages.merge import import_package
from mutakhir.verification import services
from mutakhir.verification.models import Verification

from .test_decrees import compile_decree
from .test_package import Rollback, complete, district_work


def rewrite(path, out, name, change):
    """Rewrite one file of a package, its SHA-256 in the manifest and the signature, as an attacker holding the
    package and the district's key (a compromised district server) can."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        files = {n: src.read(n) for n in src.namelist()}
        files[name] = change(files[name])
        manifest = json.loads(files["manifest.json"])
        manifest["files"][name]["sha256"] = hashlib.sha256(files[name]).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()
        files["manifest.sig"] = json.dumps(json.loads(files["manifest.sig"]) | {
            "signature": signing.sign("1901", files["manifest.json"])}).encode()
        for n, data in files.items():
            dst.writestr(n, data)
    return out


def test_the_import_refuses_a_member_of_another_household(national, make_user, make_household, tmp_path):
    victim = make_household(VILLAGE_OTHER_SUB, members=1).members.get()
    with pytest.raises(Rollback), transaction.atomic():
        path, _, _ = district_work(national, make_user, tmp_path)
        raise Rollback
    own = national["verified"].members.order_by("record_id").first().record_id
    forged = rewrite(path, tmp_path / "forged.zip", "members.csv", lambda d: d.replace(own.encode(),
                                                                                       victim.record_id.encode()))
    with pytest.raises(PackageError, match=f"member {victim.record_id} belongs to registry household "
                                           f"{victim.household.household_id}"):
        import_package(forged)
    after = Member.objects.get(pk=victim.pk)
    assert (after.household_id, after.nik, after.name, after.ended_at) == (victim.household_id, victim.nik,
                                                                          victim.name, None)
    assert Household.objects.get(household_id=national["verified"].household_id).floor_material is None


def test_the_import_refuses_a_household_outside_the_decree(national, make_user, make_household, tmp_path):
    other = make_household(VILLAGE_IN, members=1)
    with pytest.raises(Rollback), transaction.atomic():
        path, _, _ = district_work(national, make_user, tmp_path)
        raise Rollback
    target = national["target"].household_id
    forged = rewrite(path, tmp_path / "forged.zip", "households.csv",
                     lambda d: d.replace(target.encode(), other.household_id.encode()))
    with pytest.raises(PackageError, match=f"household {other.household_id} is not one of the decree's households"):
        import_package(forged)


def test_a_forged_verification_saved_before_the_fix_is_not_exported(entry, psm, tksk, operator, make_user,
                                                                    make_household, monkeypatch, tmp_path):
    victim = make_household(VILLAGE_OTHER_SUB, members=1).members.get()
    data = complete(entry)
    data["members"][1]["ref"] = victim.record_id
    monkeypatch.setattr(services.References, "member_issues", lambda *args: [])  # as the server was before
    v = accept(entry, psm, tksk, data)
    monkeypatch.undo()
    decree = do_approve_decree(compile_decree(operator), actor=make_user(Role.DISTRICT_HEAD, "1901"))
    with pytest.raises(PackageError, match=f"Verification #{v.pk} .* Member reference {victim.record_id} is not a "
                                           "member of this household"):
        export_package(decree, tmp_path / "p.zip")
    assert not (tmp_path / "p.zip").exists()


def test_a_merge_into_another_sub_district_saved_before_the_fix_is_not_exported(operator, psm, tksk, make_user,
                                                                              make_household, monkeypatch, tmp_path):
    entry = make_entry(make_prelist(VILLAGE_IN, operator), make_household(VILLAGE_IN, members=1))
    elsewhere = make_household(VILLAGE_OTHER_SUB, members=8)
    monkeypatch.setattr(services.References, "merge_issues", lambda *args: [])
    accept(entry, psm, tksk, complete(entry), outcome="merged", merged_into=elsewhere.household_id)
    monkeypatch.undo()
    Household.objects.filter(pk=elsewhere.pk).update(region_id="1902012003")  # e.g. another district's household
    decree = do_approve_decree(compile_decree(operator), actor=make_user(Role.DISTRICT_HEAD, "1901"))
    with pytest.raises(PackageError, match=f"merged into {elsewhere.household_id}"):
        export_package(decree, tmp_path / "p.zip")


def test_the_merge_history_names_the_decree_verification_and_verifier(national, make_user, tmp_path):
    with pytest.raises(Rollback), transaction.atomic():
        path, manifest, _ = district_work(national, make_user, tmp_path)
        raise Rollback
    import_package(path)
    verified = Household.objects.get(household_id=national["verified"].household_id)
    reason = verified.history.first().history_change_reason
    assert re.fullmatch(rf"SK {re.escape(manifest['decree'])} · verifikasi #\d+ · psm\d+", reason)
    member = verified.members.filter(ended_at__isnull=False).get()
    assert member.history.first().history_change_reason == reason
    assert not Verification.objects.exists()  # the district's work was rolled back: the reason came from the file
