"""`mutakhir registration import FILE --period ID --user USERNAME` and `mutakhir registration template OUT`."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mutakhir.core.progress import progress_bar
from mutakhir.registration.access import can_import, village_in_scope
from mutakhir.registration.imports import import_registrations
from mutakhir.registration.xlsx_template import build_template
from mutakhir.registry.models import UpdatePeriod


class Command(BaseCommand):
    help = "Bulk-import registrations (.zip of households.csv + members.csv, or .xlsx), or write the template."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("import", help="import a dataset file")
        run.add_argument("file")
        run.add_argument("--period", type=int, required=True, help="update period id")
        run.add_argument("--user", required=True, help="the district operator the registrations are entered as")
        run.add_argument("--errors", help="also write the error report (.xlsx) here")
        run.add_argument("--allow-duplicates", action="store_true",
                         help="import the households the duplicate guard suspects (still listed in the report)")
        template = sub.add_parser("template", help="write the .xlsx template")
        template.add_argument("out")

    def handle(self, *args, action, **options):
        if action == "template":
            Path(options["out"]).write_bytes(build_template())
            return
        user = get_user_model().objects.filter(username=options["user"]).first()
        period = UpdatePeriod.objects.filter(pk=options["period"]).first()
        if user is None or not can_import(user):
            raise CommandError(f"{options['user']!r} is not an active district operator.")
        if period is None or not village_in_scope(user, period.region_id):
            raise CommandError(f"No update period {options['period']} in {user.username}'s area.")
        with progress_bar(_("Importing registrations"), None) as advance:
            run = import_registrations(options["file"], period=period, user=user,
                                       allow_duplicates=options["allow_duplicates"],
                                       progress=lambda done, total, note: advance(done, total))
        self.stdout.write(_("%(state)s: %(created)s created, %(already)s already imported, %(rejected)s households "
                            "rejected (%(duplicates)s suspected duplicates), %(errors)s errors, %(warnings)s warnings.")
                          % {"state": run.get_state_display(), "created": run.created, "already": run.already,
                             "rejected": run.rejected, "duplicates": run.duplicates, "errors": run.errors,
                             "warnings": run.warnings})
        if run.message:
            self.stdout.write(str(run.message))
        if run.report and options["errors"]:
            Path(options["errors"]).write_bytes(run.report.read())
            self.stdout.write(f"Error report: {options['errors']}")
        if run.state == run.State.FAILED:
            raise CommandError("Nothing imported.")
