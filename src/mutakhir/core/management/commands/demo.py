"""`mutakhir demo`: build the demo database (regions, a synthetic district, accounts) and print logins."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from mutakhir.accounts.demo import create_demo_users
from mutakhir.regions.models import Region
from mutakhir.registry.models import Household


class Command(BaseCommand):
    help = "Prepare the demo: migrate, load regions, generate and import a synthetic district, create accounts."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--district", default="19.01", help="Kemendagri code of the demo district.")

    def handle(self, *args, households, seed, district, **opts):
        call_command("migrate", verbosity=0)
        if Region.objects.filter(level=Region.Level.VILLAGE).count() < 83_000:
            call_command("regions", "load")
        data = Path(settings.VAR_DIR) / f"demo-{district}-{households}-{seed}"
        if not (data / "registry" / "households.csv").exists():
            call_command("synth", households=households, seed=seed, out=str(data), region=district)
        if not Household.objects.exists():
            call_command("registry", "import", str(data / "registry"))
        logins = create_demo_users(district.replace(".", ""))
        table = Table(title="Akun demo / demo logins")
        for column in ("Peran / role", "Pengguna / username", "Sandi / password", "Wilayah / region"):
            table.add_column(column)
        for row in logins:
            table.add_row(*(str(v) for v in row))
        Console().print(table)
        self.stdout.write(f"Data sintetis / synthetic data: {data}")
