"""The legal form of a district head's decree (SK): the head's office, the district's standing text and numbering.

A Bagian Hukum accepts a decree titled by the head's office ("KEPUTUSAN BUPATI BANGKA"), numbered from the
district's template, with considerations (Menimbang) and legal bases (Mengingat); the district operator keeps
these in `DistrictDecreeSettings` and every new draft starts from them.
"""

import re

from mutakhir.regions.models import Region

from .models import Decree, DistrictDecreeSettings

DEFAULT_TEMPLATE = "400.9/{seq}/DINSOS/{year}"


def head_office(region: Region) -> str:
    """Return a district head's office: "BUPATI BANGKA" for a kabupaten, "WALI KOTA PANGKAL PINANG" for a kota."""
    title = "WALI KOTA" if region.kind == "kota" else "BUPATI"
    name = re.sub(r"^(kabupaten|kab\.|kota)\s+", "", region.name.strip(), flags=re.IGNORECASE)
    return f"{title} {name.upper()}"


def settings_for(district: str) -> DistrictDecreeSettings:
    """Return the district's decree settings, unsaved defaults when its operator has not written them yet."""
    found = DistrictDecreeSettings.objects.filter(region_id=district).first()
    return found or DistrictDecreeSettings(region_id=district, number_template=DEFAULT_TEMPLATE)


def next_number(template: str, district: str, year: int) -> str:
    """Propose the template's number with the next free sequence of the year (one past the highest in use)."""
    pattern = re.escape(template).replace(r"\{seq\}", r"(\d+)").replace(r"\{year\}", str(year))
    used = [int(m.group(1)) for n in Decree.objects.filter(region_id=district).values_list("number", flat=True)
            if (m := re.fullmatch(pattern, n)) and "{seq}" in template]
    return template.format(seq=max(used, default=0) + 1, year=year)


def lines(text: str) -> list[str]:
    """Split a settings text into its non-empty lines (one consideration or legal basis a line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]
