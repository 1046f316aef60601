"""`mutakhir registry import|export`: the registry in the exchange format (../shared/FORMAT.md).

import DIR_OR_ZIP [--period ID] [--mode valid-rows|all-or-nothing] [--errors FILE.csv] [--force]
    valid-rows (default) commits every valid row and reports the others; all-or-nothing commits
    nothing unless every row is valid. The report (CSV: severity,file,row,column,code,value,message)
    goes to --errors, by default DATASET-errors.csv beside the dataset, and is written only when there
    is something to report. Exit status: 0 done, 2 done with rejected rows, 1 nothing imported.
export --out DIR_OR_ZIP [--region 19.01] [--format csv|parquet] [--include-ended]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from mutakhir.core.models import PersonalDataAccess
from mutakhir.core.progress import progress_bar
from mutakhir.registry.exchange.errors import DatasetError
from mutakhir.registry.exchange.exporter import export_dataset
from mutakhir.registry.exchange.importer import Mode, Status, describe, import_dataset
from mutakhir.registry.models import UpdatePeriod


class Command(BaseCommand):
    help = "Import or export the registry in the exchange format (CSV or Parquet, a folder or a .zip)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import households and members (upsert by household_id/record_id).")
        imp.add_argument("dataset", help="A dataset folder or a .zip of one.")
        imp.add_argument("--period", type=int, help="Tag the households with this update period (its id).")
        imp.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.VALID_ROWS,
                         help="valid-rows: commit valid rows, report the rest (default); "
                              "all-or-nothing: commit nothing if any row is invalid.")
        imp.add_argument("--errors", help="Where to write the error report (CSV). Default: DATASET-errors.csv.")
        imp.add_argument("--force", action="store_true", help="Import again a dataset already imported.")
        imp.add_argument("--batch-size", type=int, default=5000, help="Rows per transaction (default 5000).")
        exp = sub.add_parser("export", help="Export households and members.")
        exp.add_argument("--out", required=True, help="Output folder (or a path ending in .zip).")
        exp.add_argument("--region", default="", help="Only this region and below, e.g. 19.01.")
        exp.add_argument("--format", choices=["csv", "parquet"], default="csv")
        exp.add_argument("--include-ended", action="store_true",
                         help="Also ended households and members (adds ended_at and end_reason columns).")

    def handle(self, *args, action, **opts):
        if action == "import":
            self._import(**opts)
        else:
            self._export(**opts)

    def _import(self, dataset, period, mode, errors, force, batch_size, **_opts):
        update_period = None
        if period is not None:
            update_period = UpdatePeriod.objects.filter(pk=period).first()
            if update_period is None:
                raise CommandError(_("Update period %(id)s does not exist.") % {"id": period})
        errors_path = Path(errors) if errors else default_errors_path(dataset)
        try:
            with progress_bar(_("Importing"), total=None) as advance:
                result = import_dataset(dataset, mode=mode, period=update_period, errors_path=errors_path,
                                        force=force, batch_size=batch_size, progress=advance)
        except DatasetError as exc:
            raise CommandError(str(exc)) from exc
        batch, log = result.batch, result.log
        if result.skipped:
            when = f"{localtime(batch.started_at):%Y-%m-%d %H:%M}"
            self.stdout.write(_("This dataset was already imported (import %(id)s, %(when)s); nothing to do. "
                                "Use --force to import it again.") % {"id": batch.pk, "when": when})
            return
        self.stdout.write(describe(batch))
        if log.errors or log.warnings:
            self.stdout.write(log.summary(10))
            self.stdout.write(_("%(errors)s errors, %(warnings)s warnings: full report in %(path)s")
                              % {"errors": log.errors, "warnings": log.warnings, "path": errors_path})
        if batch.status == Status.FAILED:
            raise CommandError(_("Nothing was imported."))
        if batch.status == Status.PARTIAL:
            raise CommandError(_("Some rows were rejected."), returncode=2)
        self.stdout.write(self.style.SUCCESS(_("Import %(id)s done.") % {"id": batch.pk}))

    def _export(self, out, region, format, include_ended, **_opts):  # noqa: A002
        with progress_bar(_("Exporting"), total=None) as advance:
            manifest = export_dataset(out, region=region, fmt=format, include_ended=include_ended, progress=advance)
        PersonalDataAccess.record_command(PersonalDataAccess.Action.EXPORT, "region", region or "all",
                                          fields=f"registry:{format}")
        counts = ", ".join(f"{name}: {f['rows']}" for name, f in manifest["files"].items())
        self.stdout.write(self.style.SUCCESS(_("Exported to %(out)s (%(counts)s).") % {"out": out, "counts": counts}))


def default_errors_path(dataset: str) -> Path:
    """Return DATASET-errors.csv beside the dataset folder or zip."""
    path = Path(dataset).resolve()
    stem = path.stem if path.suffix.lower() == ".zip" else path.name
    return path.with_name(f"{stem}-errors.csv")
