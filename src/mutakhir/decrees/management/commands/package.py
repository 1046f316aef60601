"""`mutakhir package export|import`: the district's package to the national team.

export --decree N --out FILE.zip   N is the decree's id or number; the decree must be approved
import FILE.zip [--user NAME]      validate and merge into the registry; refuses a tampered or repeated package
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from mutakhir.core.models import PersonalDataAccess
from mutakhir.decrees.models import Decree
from mutakhir.decrees.package_export import export_package
from mutakhir.registry.packages import PackageError
from mutakhir.registry.packages.merge import import_package


def find_decree(key: str) -> Decree:
    decree = Decree.objects.filter(Q(number=key) | Q(pk=int(key) if key.isdigit() else None)).first()
    if decree is None:
        raise CommandError(f"No decree {key}.")
    return decree


class Command(BaseCommand):
    help = "Export an approved decree's package, or import a district package at the national level."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export")
        exp.add_argument("--decree", required=True)
        exp.add_argument("--out", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("file")
        imp.add_argument("--user")

    def handle(self, *args, action, **opts):
        try:
            if action == "export":
                decree = find_decree(opts["decree"])
                manifest = export_package(decree, opts["out"])
                PersonalDataAccess.record_command(PersonalDataAccess.Action.EXPORT, "decree", decree.pk,
                                                  fields="package")
                counts = ", ".join(f"{name} {f.get('rows', '')}".strip() for name, f in manifest["files"].items())
                self.stdout.write(f"Wrote {opts['out']}: {counts}")
            else:
                user = get_user_model().objects.filter(username=opts["user"]).first() if opts["user"] else None
                result = import_package(opts["file"], user=user)
                for flag in result.flags:
                    self.stdout.write(f"members.csv row {flag['row']}: [{flag['code']}] {flag['message']}")
                self.stdout.write(f"Merged decree {result.decree_number}: {result.counts}; {len(result.flags)} flagged")
        except PackageError as exc:
            raise CommandError(str(exc)) from exc
