"""`mutakhir verivali` actions of the sync part: {name: (add_arguments(parser), handle(command, options))}.

`verivali sync --extract DIR [--district CODE] [--user NAME]` compares the registry in the database and
stores the findings as proposed changes for review, under a background-job row (JobRun) like a sync
started on the web page, so the page shows its progress and outcome; with `--registry DIR --out DIR` it
compares files and writes findings.csv and summary.json instead (no database).
"""

import json
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from mutakhir.core.jobs import run_job
from mutakhir.core.models import JobRun
from mutakhir.core.progress import progress_bar
from mutakhir.engines import get_engine
from mutakhir.identification.linkage.io import InputError
from mutakhir.regions.codes import RegionCodeError, normalize_code

from . import sync_access, sync_engine
from .models import CivilSync, ProposedChange
from .sync_services import JOB_KIND, SyncError, check_start_sync, do_run_sync, summary_messages


def add_arguments(parser) -> None:
    parser.add_argument("--extract", required=True, help="Civil-registry extract: folder or .zip with members.csv.")
    parser.add_argument("--district", default="", help="District code (19.01); default: the whole registry.")
    parser.add_argument("--registry", help="Compare this registry dataset instead of the database (file mode).")
    parser.add_argument("--registrations", help="File mode: registrations dataset (households.registered_on).")
    parser.add_argument("--out", help="File mode: folder for findings.csv and summary.json.")
    parser.add_argument("--user", help="Database mode: account recorded as the one who started the sync.")
    parser.add_argument("--engine", choices=sync_engine.ENGINES, default="duckdb",
                        help="Where the comparison runs (duckdb in-process, or spark).")


def handle(command, options) -> None:
    """Compare the registry with a civil-registry extract: deaths, moves, KK changes, NIK corrections."""
    try:
        district = normalize_code(options["district"]) if options["district"] else ""
    except RegionCodeError as exc:
        raise CommandError(_("Invalid district code %(code)r: %(error)s") % {"code": options["district"],
                                                                            "error": exc}) from exc
    started = time.perf_counter()
    with progress_bar(_("Civil-registry sync"), total=None) as advance:
        def progress(done, total, note):
            advance(done, total)

        try:
            summary = (_file_mode(options, district, progress) if options["registry"]
                       else _database_mode(options, district, progress))
        except (InputError, SyncError) as exc:
            raise CommandError(str(exc)) from exc
    for kind, counts in summary["findings"].items():
        command.stdout.write(_("%(kind)s: %(exact)d exact, %(other)d to check, %(flagged)d flagged")
                             % {"kind": ProposedChange.Kind(kind).label, **counts})
    for message in summary_messages(summary):
        command.stderr.write(command.style.WARNING(message))
    command.stdout.write(command.style.SUCCESS(
        _("%(members)d members compared with %(rows)d extract rows in %(seconds).1f s.")
        % {"members": summary["members"], "rows": summary["extract_rows"],
           "seconds": time.perf_counter() - started}))


def _file_mode(options, district: str, progress) -> dict:
    if not options["out"]:
        raise CommandError(_("--out is required with --registry."))
    members, households = sync_engine.read_registry(options["registry"])
    members, households = sync_engine.in_district(members, households, district)
    registrations = options["registrations"] and sync_engine.read_registrations(options["registrations"])
    inputs = sync_engine.SyncInputs(members, households, sync_engine.read_extract(options["extract"]),
                                    registrations or None)
    engine = get_engine(options["engine"])
    try:
        summary = sync_engine.find_changes(engine, inputs, district=district, progress=progress)
        out = Path(options["out"])
        sync_engine.write_findings(engine, out)
    finally:
        engine.close()
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary


def _user(name: str | None):
    if not name:
        return None
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise CommandError(_("Unknown user %(name)s.") % {"name": name})
    if not sync_access.can_decide(user):
        raise CommandError(_("%(name)s may not start civil-registry syncs (district operators and the national "
                             "team may).") % {"name": name})
    return user


def _database_mode(options, district: str, progress) -> dict:
    """Run the sync in this process under a JobRun: the web page shows it, its progress and its outcome."""
    if options["out"] or options["registrations"]:
        raise CommandError(_("--out and --registrations go with --registry (file mode)."))
    user, extract = _user(options["user"]), str(Path(options["extract"]).resolve())
    check_start_sync(district, extract)
    with transaction.atomic():
        job = JobRun.objects.create(kind=JOB_KIND, region_code=district, created_by=user,
                                    config={"extract": extract, "source": "cli",
                                            "engine": options["engine"]})
        CivilSync.objects.create(region_code=district, extract=extract, job=job, created_by=user)
    summary = {}

    def work(job: JobRun, job_progress) -> dict:
        def both(done, total=None, note=""):
            job_progress(done, total, note)
            progress(done, total, note)

        summary.update(do_run_sync(job.civil_sync, both, options["engine"]))
        return summary

    run_job(job.pk, work)  # claims the job, records progress, the outcome or the (masked) error on it
    return summary


ACTIONS = {"sync": (add_arguments, handle)}
