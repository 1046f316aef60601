"""`mutakhir regions load [--prefix 19.01] [--csv FILE]`: load the Kemendagri region list."""

from django.core.management.base import BaseCommand, CommandError

from mutakhir.core.progress import progress_bar
from mutakhir.regions.loader import LOKAL_SOURCE, RegionFileError, csv_rows, load_regions, lokal_rows
from mutakhir.regions.models import Region


class Command(BaseCommand):
    help = "Load the Kemendagri regions (official 2025 list, or a newer CSV)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load regions.")
        load.add_argument("--prefix", default="", help="Only this region and what lies under it (e.g. 19.01).")
        load.add_argument("--csv", help="A newer official list: CSV with code,name[,bps_code,postal_code].")
        sub.add_parser("stats", help="Count regions per level.")

    def handle(self, *args, action, **opts):
        if action == "stats":
            for level, label in Region.Level.choices:
                self.stdout.write(f"{label}: {Region.objects.filter(level=level).count()}")
            return
        try:
            rows = list(csv_rows(opts["csv"]) if opts["csv"] else lokal_rows(opts["prefix"]))
            with progress_bar("Memuat wilayah / loading regions", total=len(rows)) as advance:
                n = load_regions(rows, opts["csv"] or LOKAL_SOURCE, progress=lambda done, total: advance(done))
        except (RegionFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{n} regions loaded."))
