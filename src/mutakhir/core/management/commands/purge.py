"""`mutakhir purge [--dry-run]`: delete what has outlived its retention period (core/retention.py)."""

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from mutakhir.core.progress import progress_bar
from mutakhir.core.retention import purge, retention_days, rules


class Command(BaseCommand):
    help = "Delete access logs, job results, login records, sessions and import reports past their retention."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; change nothing.")

    def handle(self, *args, dry_run, **opts):
        with progress_bar("Retensi / retention", total=len(rules())) as advance:
            done = purge(dry_run=dry_run, progress=advance)
        table = Table(title="Akan dihapus / would delete (dry run)" if dry_run else "Dihapus / deleted")
        for column in ("data", "kept (days)", "rows"):
            table.add_column(column)
        for rule, count in done:
            table.add_row(rule.label, str(retention_days(rule.period)) if rule.period else "until expiry", f"{count:,}")
        Console(file=self.stdout).print(table)
