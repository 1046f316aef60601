"""`mutakhir backup --out FILE`: a consistent copy of the whole database (SQLite file or pg_dump archive)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mutakhir.core.backup import BackupError, backup
from mutakhir.core.models import PersonalDataAccess


class Command(BaseCommand):
    help = "Back up the whole database to FILE (personal data: keep it encrypted, see docs/security.md)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="Backup file to write (replaced if present).")

    def handle(self, *args, out, **opts):
        try:
            backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        PersonalDataAccess.record_command(PersonalDataAccess.Action.EXPORT, "database", "all", fields="backup")
        self.stdout.write(self.style.SUCCESS(f"Cadangan / backup: {out} ({out.stat().st_size:,} bytes)"))
