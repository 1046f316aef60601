"""`mutakhir decree verify --decree N FILE.pdf`: check a PDF against the approved decree's SHA-256."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mutakhir.decrees.management.commands.package import find_decree
from mutakhir.decrees.services import pdf_matches


class Command(BaseCommand):
    help = "Check that a PDF is an approved decree's PDF (SHA-256)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify")
        verify.add_argument("--decree", required=True)
        verify.add_argument("file")

    def handle(self, *args, action, decree, file, **opts):
        obj = find_decree(decree)
        if not pdf_matches(obj, Path(file).read_bytes()):
            raise CommandError(f"{file} is NOT the approved PDF of decree {obj.number} (SHA-256 differs).")
        self.stdout.write(f"{file} is the approved PDF of decree {obj.number} (SHA-256 {obj.pdf_sha256}).")
