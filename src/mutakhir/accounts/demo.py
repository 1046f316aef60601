"""Demo accounts: one per role, scoped inside one district, with a known password (`make demo`).

Accounts that need two-step login are enrolled with one known TOTP key, printed by `make demo`.
"""

from base64 import b32encode

from django.db import transaction
from django.db.models import Count
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutakhir.regions.models import Region
from mutakhir.registry.models import Household

from .models import Role, User
from .twofactor import DEVICE_NAME, TWO_FACTOR_ROLES

DEMO_PASSWORD = "mutakhir-demo"  # noqa: S105 - printed by `make demo`, DEBUG only
DEMO_TOTP_KEY = b"mutakhir-demo-totp-1".hex()  # printed by `make demo` too; demo accounts only
DEMO_TOTP_SECRET = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
# A person's name for each demo account: the header shows the name beside the role, so the role is not the name.
DEMO_NAMES = {
    Role.REGISTRAR: ("Siti", "Rahmawati"), Role.PSM: ("Agus", "Setiawan"), Role.TKSK: ("Dewi", "Lestari"),
    Role.DISTRICT_OPERATOR: ("Budi", "Santoso"), Role.DISTRICT_HEAD: ("Ratna", "Sari"),
    Role.NATIONAL: ("Andi", "Wijaya"), Role.PROGRAM_MANAGER: ("Rina", "Kusuma"), Role.AUDITOR: ("Yusuf", "Hidayat"),
}


@transaction.atomic
def create_demo_users(district_code: str = "1901", password: str = DEMO_PASSWORD) -> list[tuple[str, str, str, str]]:
    """Create or reset `demo-<role>` accounts; return (role label, username, password, region) rows."""
    district = Region.objects.get(code=district_code, level=Region.Level.REGENCY)
    village = _busiest_village(district)
    regions = {
        Role.REGISTRAR: village, Role.PSM: village, Role.TKSK: village.parent,
        Role.DISTRICT_OPERATOR: district, Role.DISTRICT_HEAD: district, Role.AUDITOR: district,
        Role.NATIONAL: None, Role.PROGRAM_MANAGER: None,
    }
    rows = []
    for role in Role:
        username = f"demo-{role.value.replace('_', '-')}"
        user, _ = User.objects.update_or_create(username=username, defaults={
            "role": role, "region": regions[role], "is_active": True, "first_name": DEMO_NAMES[role][0],
            "last_name": DEMO_NAMES[role][1]})
        user.set_password(password)
        user.save(update_fields=["password"])
        TOTPDevice.objects.filter(user=user).delete()
        if role in TWO_FACTOR_ROLES:
            TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True)
        rows.append((str(role.label), username, password, str(regions[role] or "Indonesia")))
    return rows


def _busiest_village(district: Region) -> Region:
    """Return the district's village with the most households (the first village when none)."""
    busiest = (Household.objects.filter(region__pk__startswith=district.code).values("region_id")
               .annotate(n=Count("pk")).order_by("-n", "region_id").first())
    code = busiest["region_id"] if busiest else None
    villages = district.descendants().filter(level=Region.Level.VILLAGE)
    return villages.filter(code=code).first() or villages.first()
