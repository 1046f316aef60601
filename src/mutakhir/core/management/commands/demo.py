"""`mutakhir demo`: build the demo database (regions, a synthetic district, accounts, a published PMT model,
the example programs) and print logins."""

import io
from pathlib import Path

import qrcode
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from mutakhir.accounts.demo import DEMO_TOTP_SECRET, create_demo_users
from mutakhir.accounts.twofactor import TWO_FACTOR_ROLES
from mutakhir.core import signing
from mutakhir.ranking import cutpoints
from mutakhir.ranking.columns import default_settings, read_columns
from mutakhir.ranking.fit import fit_pmt
from mutakhir.ranking.models import PmtModelVersion
from mutakhir.ranking.services import do_publish_model
from mutakhir.regions.models import Region
from mutakhir.registration.models import Registration
from mutakhir.registry.models import Household, UpdatePeriod
from mutakhir.registry.packages.keys import trust_key
from mutakhir.targeting.services import do_seed_programs

DEMO_IMPORTER = "demo-district-operator"
DEMO_MODEL = "pmt-demo"


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
        open_demo_period(district.replace(".", ""), data / "registrations")
        trust_demo_key(district.replace(".", ""))
        version = publish_demo_model(data / "survey" / "households.csv")
        do_seed_programs()
        two_step = {str(role.label) for role in TWO_FACTOR_ROLES}
        table = Table(title="Akun demo / demo logins")
        for column in ("Peran / role", "Pengguna / username", "Sandi / password", "Wilayah / region", "2FA"):
            table.add_column(column, overflow="fold", no_wrap=column.startswith(("Pengguna", "Sandi")))  # whole logins
        for row in logins:
            table.add_row(*(str(v) for v in row), "TOTP" if row[0] in two_step else "—")
        Console().print(table)
        self._print_totp()
        self.stdout.write(f"Data sintetis / synthetic data: {data}")
        self.stdout.write(f"Model PMT / PMT model: {version} (R² {version.content['validation']['regional']['r2']})")

    def _print_totp(self):
        """Print the demo accounts' TOTP key, as text and as a QR code for an authenticator app."""
        self.stdout.write(f"2FA (TOTP): kunci / key {DEMO_TOTP_SECRET}  (oathtool --totp -b {DEMO_TOTP_SECRET})")
        qr = qrcode.QRCode(border=1)
        qr.add_data(f"otpauth://totp/Mutakhir:demo?secret={DEMO_TOTP_SECRET}&issuer=Mutakhir")
        text = io.StringIO()
        qr.print_ascii(out=text, invert=True)
        self.stdout.write(text.getvalue())


def open_demo_period(district_code: str, registrations: Path) -> UpdatePeriod:
    """Open the district's update period with the synthetic registrations in it (once), so that matching,
    prelists, verification and the decree can be tried at once rather than after an administrator's set-up."""
    period, _created = UpdatePeriod.objects.get_or_create(
        region_id=district_code, status=UpdatePeriod.Status.OPEN,
        defaults={"name": "Pemutakhiran demo", "starts_on": timezone.localdate()})
    if not Registration.objects.filter(update_period=period).exists():
        call_command("registration", "import", str(registrations), "--period", str(period.pk), "--user", DEMO_IMPORTER)
    return period


def trust_demo_key(district_code: str) -> None:
    """Give the district its package signing key and trust it here: the demo is district and national team in one
    installation, so a package sent from a decree page lands in the national inbox at once, and national
    cut-points downloaded from a run page can be imported here."""
    if not signing.key_path(district_code).exists():
        signing.create_key(district_code)
    trust_key(district_code, signing.public_key(district_code))
    if not signing.key_path(cutpoints.NATIONAL_KEY).exists():  # the national team's, which signs cut-points
        signing.create_key(cutpoints.NATIONAL_KEY)
    cutpoints.trust_national_key(signing.public_key(cutpoints.NATIONAL_KEY))


def publish_demo_model(survey: Path) -> PmtModelVersion:
    """Fit the PMT on the synthetic survey with the fit page's suggested settings and publish it (once), so that
    a ranking run and a program list work right after `make demo`, as after a national team's fit in the app."""
    published = PmtModelVersion.objects.filter(name=DEMO_MODEL).order_by("-version").first()
    if published:
        return published
    _rows, columns = read_columns(survey)
    model = fit_pmt(survey, default_settings(columns))
    return do_publish_model(model.to_dict(), name=DEMO_MODEL,
                            note="Model demo: survei sintetis / demo model: synthetic survey")
