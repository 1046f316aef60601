"""`mutakhir verivali` actions of the signals part: {name: (add_arguments(parser), handle(command, options))}.

`verivali signals FILE --agency electricity|vehicle|payroll|health [--region 19.01] [--user NAME]` imports an
agency extract (layouts in docs/verivali.md), prints its problems and the flags raised;
`verivali flags [--region 19.01] [--status open]` lists flags with their reasons.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from mutakhir.core.progress import progress_bar
from mutakhir.regions.codes import RegionCodeError, normalize_code

from .models import Agency, SignalFlag
from .signals.services import SignalError, check_import, do_create_import, do_import

SHOWN = 50  # problems printed; the rest are on the import's page


def _region(text: str) -> str:
    try:
        return normalize_code(text) if text else ""
    except RegionCodeError as exc:
        raise CommandError(_("Invalid region code %(code)r: %(error)s") % {"code": text, "error": exc}) from exc


def add_import_arguments(parser) -> None:
    parser.add_argument("file", help="The agency's CSV extract.")
    parser.add_argument("--agency", required=True, choices=Agency.values)
    parser.add_argument("--region", default="", help="Region the import covers (19.01); default: national.")
    parser.add_argument("--user", help="Account recorded as the importer.")


def handle_import(command, options) -> None:
    """Import an agency extract (electricity, vehicles, payroll, health insurance) and flag contradictions."""
    path, region = Path(options["file"]), _region(options["region"])
    if not path.is_file():
        raise CommandError(_("No such file: %(path)s") % {"path": path})
    user = get_user_model().objects.filter(username=options["user"]).first() if options["user"] else None
    if options["user"] and user is None:
        raise CommandError(_("Unknown user %(name)s.") % {"name": options["user"]})
    try:
        sha = check_import(options["agency"], path, region)
        signal_import = do_create_import(user, options["agency"], path.name, sha, region)
        with progress_bar(_("Signal import"), total=None) as advance:
            do_import(signal_import, path, lambda done, total, note="": advance(done, total))
    except SignalError as exc:
        raise CommandError(str(exc)) from exc
    for issue in signal_import.issues.all()[:SHOWN]:
        command.stderr.write(issue.message)
    if signal_import.rejected > SHOWN:
        command.stderr.write(_("... %(n)s rows with problems in all (import #%(pk)s).")
                             % {"n": signal_import.rejected, "pk": signal_import.pk})
    command.stdout.write(command.style.SUCCESS(
        _("Import #%(pk)s: %(rows)s rows, %(applied)s applied, %(unmatched)s not in the registry, %(rejected)s with "
          "problems, %(flags)s flags raised.") % {k: getattr(signal_import, k)
                                                 for k in ("pk", "rows", "applied", "unmatched", "rejected", "flags")}))


def add_flags_arguments(parser) -> None:
    parser.add_argument("--region", default="", help="Region code prefix (19.01.01).")
    parser.add_argument("--status", default=SignalFlag.Status.OPEN, choices=SignalFlag.Status.values)
    parser.add_argument("--limit", type=int, default=100)


def handle_flags(command, options) -> None:
    """List flags (household, village, rule, reason)."""
    flags = (SignalFlag.objects.filter(status=options["status"], region__pk__startswith=_region(options["region"]))
             .select_related("household"))
    for flag in flags[:options["limit"]]:
        command.stdout.write(f"{flag.household.household_id}\t{flag.region_id}\t{flag.rule}\t{flag.reason}")
    command.stdout.write(_("%(n)s flags.") % {"n": flags.count()})


ACTIONS = {"signals": (add_import_arguments, handle_import), "flags": (add_flags_arguments, handle_flags)}
