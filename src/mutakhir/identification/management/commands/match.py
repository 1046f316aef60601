"""`mutakhir match --registrations DIR --registry DIR [--civil-registry DIR] --out DIR [--engine duckdb|spark]`."""

import json

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from mutakhir.identification.linkage.io import InputError
from mutakhir.identification.linkage.model import ENGINES
from mutakhir.identification.linkage.run import match


class Command(BaseCommand):
    help = ("Initial identification: match registered households against the registry (and the civil registry), "
            "writing households.csv, members.csv and summary.json (FORMAT.md, 'Matching results').")

    def add_arguments(self, parser):
        parser.add_argument("--registrations", required=True, help="dataset folder or .zip of the registrations")
        parser.add_argument("--registry", required=True, help="dataset folder or .zip of the registry (BDT/DTKS)")
        parser.add_argument("--civil-registry", help="civil-registry extract (members.csv), for padan Dukcapil")
        parser.add_argument("--out", required=True, help="output folder")
        parser.add_argument("--engine", choices=ENGINES, default="duckdb")

    def handle(self, *args, registrations, registry, civil_registry, out, engine, **opts):
        columns = (TextColumn("{task.description:<28}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                   TimeElapsedColumn())
        with Progress(*columns, transient=opts["verbosity"] < 1) as bar:
            task = bar.add_task("reading", total=1)

            def progress(done: int, total: int, note: str) -> None:
                bar.update(task, completed=done, total=total, description=note)

            try:
                summary = match(registrations, registry, out, civil=civil_registry, engine=engine, progress=progress)
            except InputError as exc:
                raise CommandError(str(exc)) from None
            except ImportError as exc:
                raise CommandError(f"the {engine} engine is not installed ({exc.name})") from None
        for warning in summary["warnings"]:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        self.stdout.write(json.dumps({k: summary[k] for k in ("categories", "review", "engine", "timings")}))
