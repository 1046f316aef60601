"""`mutakhir backup` / `mutakhir restore` round trip, on the database the suite runs on (SQLite or PostgreSQL)."""

import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from mutakhir.core.backup import BackupError, restore
from mutakhir.core.models import PersonalDataAccess
from mutakhir.registry.models import Household, Member

pytestmark = pytest.mark.django_db(transaction=True)  # the backup must see committed rows, restore needs no open txn


def round_trip(tmp_path, make_household):
    kept = make_household(members=3)
    out = tmp_path / "mutakhir.backup"
    call_command("backup", out=out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # personal data: owner only
    assert PersonalDataAccess.objects.filter(action="export", object_type="database", fields="backup").exists()
    make_household()
    Member.objects.filter(household=kept).update(name="DIUBAH SETELAH CADANGAN")
    call_command("restore", str(out), interactive=False)
    assert list(Household.objects.values_list("household_id", flat=True)) == [kept.household_id]
    assert Member.objects.filter(household=kept).exclude(name="DIUBAH SETELAH CADANGAN").count() == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs in the SQLite run of the suite")
def test_it_backs_up_and_restores_sqlite(tmp_path, make_household):
    round_trip(tmp_path, make_household)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs in the PostgreSQL run of the suite")
def test_it_backs_up_and_restores_postgresql(tmp_path, make_household):
    round_trip(tmp_path, make_household)


def test_it_refuses_a_file_that_is_not_a_backup_and_leaves_the_data(tmp_path, make_household):
    make_household()
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(BackupError):
        restore(junk)
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing.backup"), interactive=False)
    assert Household.objects.count() == 1


def test_it_asks_before_replacing_the_database(tmp_path, monkeypatch, make_household):
    make_household()
    out = tmp_path / "b.backup"
    call_command("backup", out=out)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(out))
