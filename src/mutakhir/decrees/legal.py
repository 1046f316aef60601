"""The legal form of a district head's decree (SK): the head's office, the district's standing text and numbering.

A Bagian Hukum accepts a decree titled by the head's office ("KEPUTUSAN BUPATI BANGKA"), numbered from the
district's template, with considerations (Menimbang) and legal bases (Mengingat); the district operator keeps
these in `DistrictDecreeSettings` and every new draft starts from them.
"""

import re

from mutakhir.regions.models import Region

from .models import Decree, DistrictDecreeSettings

DEFAULT_TEMPLATE = "400.9/{seq}/DINSOS/{year}"


def bare_name(region: Region) -> str:
    """Return a district's name without "Kabupaten"/"Kota": "Bangka", "Pangkal Pinang"."""
    return re.sub(r"^(kabupaten|kab\.|kota)\s+", "", region.name.strip(), flags=re.IGNORECASE)


def head_office(region: Region) -> str:
    """Return a district head's office: "BUPATI BANGKA" for a kabupaten, "WALI KOTA PANGKAL PINANG" for a kota."""
    title = "WALI KOTA" if region.kind == "kota" else "BUPATI"
    return f"{title} {bare_name(region).upper()}"


# What a district's first decree says until its operator writes its own (the seeds' legal frame of MPM).
DEFAULT_CONSIDERATIONS = (
    "bahwa untuk ketepatan sasaran program penanganan fakir miskin dan orang tidak mampu, Data Terpadu "
    "Kesejahteraan Sosial perlu dimutakhirkan melalui Mekanisme Pemutakhiran Mandiri;\n"
    "bahwa berdasarkan pertimbangan sebagaimana dimaksud di atas, perlu menetapkan Keputusan tentang hasil "
    "verifikasi dan validasi Data Terpadu Kesejahteraan Sosial;")
DEFAULT_LEGAL_BASES = (
    "Undang-Undang Nomor 13 Tahun 2011 tentang Penanganan Fakir Miskin;\n"
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;\n"
    "Peraturan Menteri Sosial Nomor 3 Tahun 2021 tentang Pengelolaan Data Terpadu Kesejahteraan Sosial;")


def settings_for(district: str) -> DistrictDecreeSettings:
    """Return the district's decree settings, unsaved defaults when its operator has not written them yet."""
    found = DistrictDecreeSettings.objects.filter(region_id=district).first()
    if found:
        return found
    region = Region.objects.filter(pk=district).first()
    place = bare_name(region).title() if region else ""
    return DistrictDecreeSettings(region_id=district, number_template=DEFAULT_TEMPLATE, place=place,
                                  considerations=DEFAULT_CONSIDERATIONS, legal_bases=DEFAULT_LEGAL_BASES)


def next_number(template: str, district: str, year: int) -> str:
    """Propose the template's number with the next free sequence of the year (one past the highest in use)."""
    pattern = re.escape(template).replace(r"\{seq\}", r"(\d+)").replace(r"\{year\}", str(year))
    used = [int(m.group(1)) for n in Decree.objects.filter(region_id=district).values_list("number", flat=True)
            if (m := re.fullmatch(pattern, n)) and "{seq}" in template]
    return template.format(seq=max(used, default=0) + 1, year=year)


def lines(text: str) -> list[str]:
    """Split a settings text into its non-empty lines (one consideration or legal basis a line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]
