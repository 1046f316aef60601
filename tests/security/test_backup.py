"""`mutakhir backup` / `mutakhir restore`, on the database the suite runs on (SQLite or PostgreSQL): the round trip
with the media files, and the refusals (in Indonesian, the command's language) of broken or incomplete backups."""

import hashlib
import io
import json
import sqlite3
import stat
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from mutakhir.core.backup import MANIFEST, BackupError, _pg_env, _run, restore
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


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT, settings.VAR_DIR = tmp_path / "media", tmp_path / "var"
    return settings.MEDIA_ROOT


def test_the_backup_holds_the_media_files_and_restore_puts_them_back(tmp_path, media, make_household):
    make_household()
    report = media / "registration" / "imports" / "registration-import-1-errors.xlsx"
    report.parent.mkdir(parents=True)
    report.write_bytes(b"NIK 1901014501900001")
    out = tmp_path / "b.backup"
    call_command("backup", out=out)
    report.unlink()
    (media / "later.pdf").write_bytes(b"%PDF-")
    call_command("restore", str(out), interactive=False)
    assert report.read_bytes() == b"NIK 1901014501900001" and not (media / "later.pdf").exists()
    assert stat.S_IMODE(report.stat().st_mode) == 0o600 and stat.S_IMODE(media.stat().st_mode) == 0o700
    assert Household.objects.count() == 1


def rewrite(backup, out, change, *, checksums=True):
    """Write `backup` again to `out` with its database bytes passed through `change` (checksums redone)."""
    with tarfile.open(backup) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar}
    manifest = json.loads(files[MANIFEST])
    name = manifest["database"]
    files[name] = change(files[name])
    if checksums:
        manifest["files"][name] = hashlib.sha256(files[name]).hexdigest()
    files[MANIFEST] = json.dumps(manifest).encode()
    with tarfile.open(out, "w:gz") as tar:
        for member, data in files.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def sql(tmp_path, statement):
    """Return a change that runs `statement` on an SQLite database's bytes."""
    def change(data: bytes) -> bytes:
        db = tmp_path / "altered.sqlite3"
        db.write_bytes(data)
        with sqlite3.connect(db) as con:
            con.executescript(statement)
        return db.read_bytes()
    return change


@pytest.mark.skipif(connection.vendor != "sqlite", reason="alters an SQLite backup")
@pytest.mark.parametrize(("statement", "message"), [
    ("DROP TABLE registry_member", "tidak memuat tabel registry_member (registry.Member)"),
    ("ALTER TABLE registry_household DROP COLUMN address", "tidak memuat kolom registry_household.address"),
    ("INSERT INTO django_migrations (app, name, applied) VALUES ('registry', '9999_future', '2030-01-01')",
     "dibuat oleh versi Mutakhir yang lebih baru (migrasi registry.9999_future tidak dikenal di sini)"),
])
def test_a_backup_missing_part_of_the_schema_is_refused_and_nothing_changes(tmp_path, media, make_household,
                                                                          statement, message):
    make_household()
    call_command("backup", out=tmp_path / "b.backup")
    bad = rewrite(tmp_path / "b.backup", tmp_path / "bad.backup", sql(tmp_path, statement))
    make_household()
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("restore", str(bad), interactive=False)
    assert Household.objects.count() == 2


def test_a_truncated_or_altered_backup_is_refused_in_one_clear_line(tmp_path, media, make_household):
    make_household()
    out = tmp_path / "b.backup"
    call_command("backup", out=out)
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    with pytest.raises(CommandError, match="bukan cadangan Mutakhir, atau rusak atau terpotong"):
        call_command("restore", str(truncated), interactive=False)
    flipped = rewrite(out, tmp_path / "flipped.backup", lambda data: data[:5000] + b"X" + data[5001:], checksums=False)
    with pytest.raises(CommandError, match="telah diubah atau rusak: database.* tidak cocok dengan checksum-nya"):
        call_command("restore", str(flipped), interactive=False)
    make_household()
    assert Household.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs in the PostgreSQL run of the suite")
def test_a_postgresql_backup_missing_a_table_is_refused(tmp_path, media, make_household):
    def without_members(data: bytes) -> bytes:
        dump = tmp_path / "partial.pgdump"
        args, env = _pg_env()
        _run(["pg_dump", "--format=custom", "--exclude-table=registry_member", f"--file={dump}", *args], env)
        return dump.read_bytes()

    make_household()
    call_command("backup", out=tmp_path / "b.backup")
    bad = rewrite(tmp_path / "b.backup", tmp_path / "bad.backup", without_members)
    make_household()
    with pytest.raises(CommandError, match=r"tidak memuat tabel registry_member \(registry.Member\)"):
        call_command("restore", str(bad), interactive=False)
    assert Household.objects.count() == 2
