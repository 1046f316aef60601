"""`mutakhir verification docs|xlsform|import|assign`: the questionnaire and ODK/KoboCollect.

docs [--out docs/questionnaire.md]
xlsform --prelist ID --out form.xlsx [--form-version V]   (writes prelist_<village>.csv beside it; V defaults to
    the questionnaire's digest, the version the web import expects)
import FILE --form-version V [--user NAME]   CSV or JSON export of ODK Central / Kobo; exit 2 if flagged
assign --prelist ID --verifier NAME   assign every unassigned entry of a prelist
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from mutakhir.core.models import PersonalDataAccess
from mutakhir.core.progress import progress_bar
from mutakhir.identification.models import Prelist
from mutakhir.verification.docs import render
from mutakhir.verification.odk_import import import_submissions
from mutakhir.verification.services import VerificationError, do_assign
from mutakhir.verification.submissions import ExportError
from mutakhir.verification.xlsform import form_version as current_form_version
from mutakhir.verification.xlsform import write_xlsform


class Command(BaseCommand):
    help = "The verification questionnaire: docs, XLSForm, import of ODK/Kobo submissions, assignment."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        docs = sub.add_parser("docs", help="Write the questionnaire page.")
        docs.add_argument("--out", default="docs/questionnaire.md")
        xls = sub.add_parser("xlsform", help="Write the XLSForm of a prelist and its CSV attachment.")
        xls.add_argument("--prelist", type=int, required=True)
        xls.add_argument("--out", required=True)
        xls.add_argument("--form-version", default="")
        imp = sub.add_parser("import", help="Import submissions (ODK Central / Kobo export, CSV or JSON).")
        imp.add_argument("file")
        imp.add_argument("--form-version", required=True)
        imp.add_argument("--user", help="Who imports (a username).")
        assign = sub.add_parser("assign", help="Assign the unassigned entries of a prelist to a verifier.")
        assign.add_argument("--prelist", type=int, required=True)
        assign.add_argument("--verifier", required=True)

    def handle(self, *args, action, **opts):
        return getattr(self, f"_{action}")(**opts)

    def _docs(self, out, **_):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(render(), encoding="utf-8")
        self.stdout.write(f"Wrote {out}")

    def _prelist(self, pk):
        prelist = Prelist.objects.filter(pk=pk).first()
        if prelist is None:
            raise CommandError(f"No prelist {pk}.")
        return prelist

    def _xlsform(self, prelist, out, form_version, **_):
        version = form_version or current_form_version()
        form, attachment = write_xlsform(self._prelist(prelist), out, version)
        PersonalDataAccess.record_command(PersonalDataAccess.Action.EXPORT, "prelist", prelist, fields="xlsform")
        self.stdout.write(f"Wrote {form} (version {version}) and {attachment}")

    def _import(self, file, form_version, user, **_):
        who = get_user_model().objects.filter(username=user).first() if user else None
        try:
            with progress_bar("Applying submissions", None) as advance:
                result = import_submissions(file, form_version, user=who, progress=advance)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        for r in result.report:
            self.stdout.write(f"row {r['row']} {r['instance_id']} {r['household']}: [{r['code']}] {r['message']}")
        self.stdout.write(f"{result.applied} applied, {result.flagged} flagged (import #{result.pk}).")
        if result.flagged:
            raise SystemExit(2)

    def _assign(self, prelist, verifier, **_):
        user = get_user_model().objects.filter(username=verifier).first()
        if user is None:
            raise CommandError(f"No user {verifier}.")
        done = 0
        for entry in self._prelist(prelist).entries.current().filter(verification__isnull=True):
            try:
                do_assign(entry, user, actor=user)
                done += 1
            except VerificationError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(f"{done} entries assigned to {verifier}.")
