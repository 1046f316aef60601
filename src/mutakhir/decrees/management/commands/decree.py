"""`mutakhir decree verify --decree N FILE`: check a PDF or annex file against the approved decree's SHA-256."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mutakhir.decrees.management.commands.package import find_decree
from mutakhir.decrees.services import matching_file


class Command(BaseCommand):
    help = "Check that a file is an approved decree's PDF or annex (SHA-256)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify")
        verify.add_argument("--decree", required=True)
        verify.add_argument("file")

    def handle(self, *args, action, decree, file, **opts):
        obj = find_decree(decree)
        found = matching_file(obj, Path(file).read_bytes())
        if not found:
            raise CommandError(f"{file} is NOT the approved PDF or annex of decree {obj.number} (SHA-256 differs).")
        sha = obj.pdf_sha256 if found == "pdf" else obj.annex_sha256
        self.stdout.write(f"{file} is the approved {found} of decree {obj.number} (SHA-256 {sha}).")
