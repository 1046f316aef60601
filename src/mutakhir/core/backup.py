"""Whole-database backup and restore: SQLite through its online backup API, PostgreSQL through pg_dump.

A backup holds every NIK, family card and health record in the database: it is written readable by its
owner only, and must be kept encrypted at rest (docs/security.md, "Backups").
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection, connections

SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """The backup could not be written, or the file is not a usable backup."""


def backup(out: Path) -> None:
    """Write a consistent copy of the default database to `out` (mode 0600), replacing a file there."""
    out = Path(out)
    if out.is_dir():
        raise BackupError(f"{out} is a folder; give a file name")
    tmp = out.with_name(out.name + ".partial")
    tmp.unlink(missing_ok=True)
    tmp.touch(mode=0o600)
    try:
        _backup_sqlite(tmp) if connection.vendor == "sqlite" else _backup_postgresql(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)  # a half-written backup never takes the name


def restore(path: Path) -> None:
    """Replace the whole default database with the backup at `path`, after checking the file."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no file at {path}")
    _restore_sqlite(path) if connection.vendor == "sqlite" else _restore_postgresql(path)


def _backup_sqlite(out: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(out)
    try:
        connection.connection.backup(target)  # a consistent snapshot, even while others write
    finally:
        target.close()


def _restore_sqlite(path: Path) -> None:
    with path.open("rb") as f:
        if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not an SQLite backup")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is damaged (integrity check failed)")
        if not source.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone():
            raise BackupError(f"{path} is not a Mutakhir database")
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


def _run(cmd: list[str], env: dict) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {result.stderr.strip()[-2000:]}")


def _backup_postgresql(out: Path) -> None:
    args, env = _pg_env()
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={out}", *args], env)


def _restore_postgresql(path: Path) -> None:
    args, env = _pg_env()
    _run(["pg_restore", "--list", str(path)], env)  # a readable custom-format archive, or stop here
    connections.close_all()  # our own open transaction would block the DROPs
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", *args, str(path)], env)
