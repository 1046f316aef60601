"""`mutakhir restore FILE [--noinput]`: replace the database and media files with a `mutakhir backup`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mutakhir.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the whole database with the backup in FILE. Everything written since that backup is lost."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="Do not ask for confirmation.")

    def handle(self, *args, file, interactive, **opts):
        if interactive and input(f"Replace the whole database with {file}? Type 'yes': ").strip() != "yes":
            raise CommandError("Restore cancelled.")
        try:
            pending = restore(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Dipulihkan / restored from {file}"))
        if pending:
            n = len(pending)
            self.stdout.write(f"Cadangan dari versi sebelumnya: jalankan `mutakhir migrate` ({n} migrasi). / "
                              f"A backup of an earlier version: run `mutakhir migrate` ({n} migrations).")
