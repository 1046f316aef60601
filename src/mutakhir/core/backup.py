"""Whole backup and restore: the database and the uploaded files (MEDIA_ROOT), in one archive.

A backup is a .tar.gz holding `mutakhir-backup.json` (format, database vendor, applied migrations, the
SHA-256 of every file), the database (SQLite through its online backup API, PostgreSQL through pg_dump)
and `media/` (import error reports, Musdes minutes, kept extracts: pages that link them answer 500
without them). It holds every NIK, family card and health record: it is written readable by its owner
only, and must be kept encrypted at rest (docs/security.md, "Backups").

Restore checks everything before it changes anything: the archive reads to its end (a truncated one is
refused), every file matches its checksum (an altered one is refused), and the database holds every
table and column of every installed model as of the migrations it has applied, none of which may be
unknown to this version. Then it replaces the database in one step and the media folder after it.
A bare database file (the backup format of earlier versions) is still restored, without media.
"""

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from mutakhir.core.digests import file_sha256

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
MANIFEST = "mutakhir-backup.json"
FORMAT = 1
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """The backup could not be written, or the file is not a usable backup."""


def backup(out: Path) -> None:
    """Write the database and the media files to `out` (mode 0600), replacing a file there."""
    out = Path(out)
    if out.is_dir():
        raise BackupError(_("%(path)s is a folder; give a file name.") % {"path": out})
    tmp = out.with_name(out.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=".mutakhir-backup-") as work:
            db = Path(work) / DATABASE[connection.vendor]
            db.touch(mode=0o600)
            _backup_sqlite(db) if connection.vendor == "sqlite" else _backup_postgresql(db)
            _write_archive(tmp, db)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)  # a half-written backup never takes the name


def _media_files() -> dict[str, Path]:
    media = Path(settings.MEDIA_ROOT)
    return {f"media/{p.relative_to(media).as_posix()}": p for p in sorted(media.rglob("*")) if p.is_file()}


def _write_archive(out: Path, db: Path) -> None:
    files = {db.name: db, **_media_files()}
    applied = sorted(MigrationRecorder(connection).applied_migrations())
    manifest = {"format": FORMAT, "vendor": connection.vendor, "database": db.name, "migrations": applied,
                "files": {name: file_sha256(path) for name, path in files.items()}}
    data = json.dumps(manifest, indent=1).encode()

    def private(info: tarfile.TarInfo) -> tarfile.TarInfo:
        return info.replace(mode=0o600, uid=0, gid=0, uname="", gname="", deep=False)

    with os.fdopen(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw, \
            tarfile.open(fileobj=raw, mode="w:gz", compresslevel=1) as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        tar.addfile(private(info), io.BytesIO(data))
        for name, path in files.items():
            tar.add(path, arcname=name, recursive=False, filter=private)


def restore(path: Path) -> list[tuple[str, str]]:
    """Replace the database and the media files with the backup at `path`, after checking all of it.

    Return the migrations this version has that the backup has not (run `mutakhir migrate` for them).
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("There is no file at %(path)s.") % {"path": path})
    var = Path(settings.VAR_DIR)
    var.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=var, prefix=".restore-") as work:
        db, media = _unpack(path, Path(work))
        tables, applied = _sqlite_schema(db) if connection.vendor == "sqlite" else _pg_schema(db)
        pending = _check_schema(path, tables, applied)
        _restore_sqlite(db) if connection.vendor == "sqlite" else _restore_postgresql(db)
        if media is not None:
            _replace_media(media)
    return pending


def _unpack(path: Path, work: Path) -> tuple[Path, Path | None]:
    """Return the backup's database file and media folder (None for a bare database), checked."""
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC if connection.vendor == "sqlite" else PGDUMP_MAGIC):
        return path, None
    try:
        with tarfile.open(path, "r:gz") as tar:
            members = tar.getmembers()  # reads the archive to its end: a truncated one stops here
            manifest = json.load(tar.extractfile(MANIFEST))
            names = set(manifest["files"])
            if (manifest.get("format") != FORMAT or manifest["database"] not in names
                    or not all(m.isfile() for m in members) or {m.name for m in members} != names | {MANIFEST}):
                raise ValueError(_("its contents do not match its manifest"))
            tar.extractall(work, filter="data")
    except (tarfile.TarError, EOFError, OSError, zlib.error, KeyError, TypeError, ValueError) as exc:
        raise BackupError(_("%(path)s is not a Mutakhir backup, or it is damaged or truncated (%(reason)s): nothing "
                            "was restored.") % {"path": path, "reason": exc}) from exc
    if manifest.get("vendor") != connection.vendor:
        raise BackupError(_("%(path)s is a backup of a %(theirs)s database; this installation runs on %(ours)s: "
                            "nothing was restored.") % {"path": path, "theirs": manifest.get("vendor"),
                                                         "ours": connection.vendor})
    for name, digest in manifest["files"].items():
        if file_sha256(work / name) != digest:
            raise BackupError(_("%(path)s was altered or damaged: %(name)s does not match its checksum. Nothing "
                                "was restored.") % {"path": path, "name": name})
    return work / manifest["database"], work / "media"


def _damaged(path: Path, reason) -> BackupError:
    return BackupError(_("%(path)s is not a usable Mutakhir database (%(reason)s): nothing was restored.")
                       % {"path": path, "reason": reason})


def _sqlite_schema(db: Path) -> tuple[dict[str, set[str]], set[tuple[str, str]]]:
    """Return the tables (with their columns) and the applied migrations of an SQLite file."""
    with db.open("rb") as f:
        header = f.read(len(SQLITE_MAGIC))
    if header != SQLITE_MAGIC:
        raise _damaged(db.name, _("not an SQLite file"))
    source = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise _damaged(db.name, _("its integrity check failed"))
        names = [n for (n,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        tables = {n: {row[1] for row in source.execute(f'PRAGMA table_info("{n}")')} for n in names}
        if "django_migrations" not in tables:
            raise _damaged(db.name, _("it has no migration table"))
        return tables, set(source.execute("SELECT app, name FROM django_migrations"))
    except sqlite3.DatabaseError as exc:
        raise _damaged(db.name, exc) from exc
    finally:
        source.close()


def _pg_schema(dump: Path) -> tuple[dict[str, set[str]], set[tuple[str, str]]]:
    """Return the tables (with their columns) and the applied migrations of a pg_dump archive, unrestored."""
    schema = _run(["pg_restore", "--schema-only", "--file=-", str(dump)], os.environ)
    tables = {}
    for m in re.finditer(r'^CREATE TABLE public\."?(\w+)"? \(\n(.*?)\n\);', schema, re.M | re.S):
        lines = (line.strip() for line in m[2].splitlines())
        tables[m[1]] = {line.split()[0].strip('"') for line in lines if line and not line.startswith("CONSTRAINT")}
    if "django_migrations" not in tables:
        raise _damaged(dump.name, _("it has no migration table"))
    data = _run(["pg_restore", "--data-only", "--table=django_migrations", "--file=-", str(dump)], os.environ)
    rows = re.search(r"^COPY public\.django_migrations \((.*?)\) FROM stdin;\n(.*?)^\\\.$", data, re.M | re.S)
    if rows is None:
        return tables, set()
    columns = [c.strip() for c in rows[1].split(",")]
    app, name = columns.index("app"), columns.index("name")
    return tables, {(f[app], f[name]) for f in (line.split("\t") for line in rows[2].splitlines())}


def _check_schema(path: Path, tables: dict[str, set[str]], applied: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Refuse a backup whose migrations are unknown here, or that lacks a table or column of its migrations.

    Return the migrations still to apply after restoring it (a backup of an earlier version).
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    newer = sorted(m for m in applied if m[0] in loader.migrated_apps and m not in known)
    if newer:
        raise BackupError(_("%(path)s was made by a newer version of Mutakhir (migration %(migration)s is unknown "
                            "here): update Mutakhir first. Nothing was restored.")
                          % {"path": path, "migration": ".".join(newer[0])})
    # The graph holds a squashed migration instead of those it replaces: applied when they all are.
    squashed = {key for key, migration in loader.replacements.items() if set(migration.replaces) <= applied}
    ours = (applied | squashed) & set(loader.graph.nodes)
    gaps = sorted(p.key for m in ours for p in loader.graph.node_map[m].parents if p.key not in ours)
    leaves = [m for m in ours if not any(c.key in ours for c in loader.graph.node_map[m].children)]
    if gaps or not leaves:
        raise BackupError(_("%(path)s has an inconsistent migration state (%(migration)s is missing): nothing was "
                            "restored.") % {"path": path, "migration": ".".join(gaps[0]) if gaps else "0001"})
    problems = []
    for model in loader.project_state(nodes=leaves, at_end=True).apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        if meta.db_table not in tables:
            problems.append(_("table %(table)s (%(model)s)") % {"table": meta.db_table, "model": meta.label})
            continue
        problems += [_("column %(table)s.%(column)s") % {"table": meta.db_table, "column": f.column}
                     for f in meta.local_concrete_fields if f.column not in tables[meta.db_table]]
    if problems:
        raise BackupError(_("%(path)s is incomplete or was altered: it lacks %(missing)s. Nothing was restored.")
                          % {"path": path, "missing": ", ".join(problems[:5]) + (" …" if len(problems) > 5 else "")})
    return sorted(set(loader.graph.nodes) - ours)


def _replace_media(restored: Path) -> None:
    """Put the backup's media folder in place of MEDIA_ROOT (owner-only), then delete the old one."""
    media = Path(settings.MEDIA_ROOT)
    old = media.with_name(media.name + ".before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if media.exists():
        media.rename(old)
    if restored.exists():
        shutil.move(restored, media)
    media.mkdir(parents=True, exist_ok=True)
    for folder in (media, *(p for p in media.rglob("*") if p.is_dir())):
        folder.chmod(0o700)
    shutil.rmtree(old, ignore_errors=True)


def _backup_sqlite(out: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(out)
    try:
        connection.connection.backup(target)  # a consistent snapshot, even while others write
    finally:
        target.close()


def _restore_sqlite(db: Path) -> None:
    source = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        # The backup API replaces the live database page by page under one lock: readers see old or new.
        source.backup(connection.connection)
    finally:
        source.close()


def _pg_env() -> tuple[list[str], dict]:
    """Return connection arguments and environment for pg_dump/pg_restore (the password via PGPASSWORD)."""
    db = connection.settings_dict
    args = [f"--dbname={db['NAME']}"]
    args += [f"--{opt}={db[key]}" for opt, key in (("host", "HOST"), ("port", "PORT"), ("username", "USER"))
             if db.get(key)]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or os.environ.get("PGPASSWORD", "")}
    return args, env


def _run(cmd: list[str], env) -> str:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def _backup_postgresql(out: Path) -> None:
    args, env = _pg_env()
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={out}", *args], env)


def _restore_postgresql(path: Path) -> None:
    args, env = _pg_env()
    connections.close_all()  # our own open transaction would block the DROPs
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", *args, str(path)], env)
