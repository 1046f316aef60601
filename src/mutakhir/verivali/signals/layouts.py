"""The CSV layouts of the agency extracts (documented in docs/verivali.md), and their value parsers.

Every layout is keyed by `nik` (the person) or `no_kk` (the family card), at least one per row, and
holds one row per key: a person or family appears once in an extract. A parser returns the value or
raises `BadValue` with a message saying what the field must hold.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from mutakhir.core.numbers import small_int
from mutakhir.verivali.models import Agency


class BadValue(ValueError):
    """A field value the layout does not allow: what it must be, as a msgid and its parameters.

    The msgid is kept untranslated so an import problem is shown in each reader's own language.
    """

    def __init__(self, expected: str, **params):
        super().__init__(expected % params)
        self.expected, self.params = expected, params

    @property
    def message(self) -> str:
        return gettext(self.expected) % self.params


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], object]
    required: bool
    help: str


def whole(low: int, high: int):
    def parse(text: str) -> int:
        cleaned = text.replace(".", "").replace(",", "") if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text) else text
        number = small_int(cleaned)
        if number is None or not low <= number <= high:
            raise BadValue(_("a whole number from %(low)s to %(high)s"), low=low, high=high)
        return number
    return parse


def one_of(*values: str):
    def parse(text: str) -> str:
        value = text.upper()
        if value not in values:
            raise BadValue(_("one of %(values)s"), values=", ".join(values))
        return value
    return parse


def pattern(regex: str, example: str):
    compiled = re.compile(regex, re.IGNORECASE)

    def parse(text: str) -> str:
        if not compiled.fullmatch(text):
            raise BadValue(_("a code like %(example)s"), example=example)
        return text.upper()
    return parse


def text(limit: int):
    def parse(value: str) -> str:
        if len(value) > limit or any(ch in value for ch in "<>\x00"):
            raise BadValue(_("plain text of at most %(n)s characters"), n=limit)
        return value
    return parse


def date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadValue(_("a date as YYYY-MM-DD")) from None


KEYS = (Column("nik", str, False, "NIK, 16 digits"), Column("no_kk", str, False, "KK number, 16 digits"))
ROMAN_GRADE = r"(I|II|III|IV)/[a-e]"

LAYOUTS: dict[str, tuple[Column, ...]] = {
    Agency.ELECTRICITY: KEYS + (
        Column("idpel", pattern(r"\d{1,12}", "512345678901"), False, "PLN customer ID (ID pelanggan)"),
        Column("tarif", pattern(r"[RBSIP][1-4]M?T?", "R1, R1M, R2, R3, B1, B2"), True,
               "tariff class: R1/R1M/R2/R3 residential, B business, S social, I industry, P public"),
        Column("daya_va", whole(1, 200_000), True, "installed capacity in VA: 450, 900, 1300, 2200, 3500..."),
        Column("tanggal_data", date, False, "date of the extract, YYYY-MM-DD"),
    ),
    Agency.VEHICLE: KEYS + (
        Column("jumlah_mobil", whole(0, 99), True, "cars registered to the person or family"),
        Column("jumlah_motor", whole(0, 99), True, "motorcycles registered to the person or family"),
        Column("cc_mobil_terbesar", whole(0, 10_000), False, "largest car engine, cc"),
        Column("cc_motor_terbesar", whole(0, 3_000), False, "largest motorcycle engine, cc"),
        Column("tanggal_data", date, False, "date of the extract, YYYY-MM-DD"),
    ),
    Agency.PAYROLL: KEYS + (
        Column("jenis", one_of("ASN", "TNI", "POLRI"), True, "ASN (civil servant), TNI (military) or POLRI (police)"),
        Column("golongan", text(20), False, "grade: ASN I/a to IV/e, or the TNI/Polri rank"),
        Column("instansi", text(120), False, "employing agency"),
        Column("tanggal_data", date, False, "date of the extract, YYYY-MM-DD"),
    ),
    Agency.HEALTH: KEYS + (
        Column("segmen", one_of("PBI", "PPU", "PBPU", "BP"), True,
               "PBI (subsidised), PPU (wage earner), PBPU (self-paying worker), BP (non-worker)"),
        Column("kelas", one_of("1", "2", "3"), True, "care class 1, 2 or 3"),
        Column("status", one_of("AKTIF", "NONAKTIF"), False, "membership status (default AKTIF)"),
        Column("tanggal_data", date, False, "date of the extract, YYYY-MM-DD"),
    ),
}


def columns(agency: str) -> tuple[Column, ...]:
    return LAYOUTS[agency]


def cross_check(agency: str, data: dict) -> tuple[str, BadValue] | None:
    """Return (field, problem) when a row's values disagree with each other, else None."""
    grade = data.get("golongan") if agency == Agency.PAYROLL and data.get("jenis") == "ASN" else None
    if grade and not re.fullmatch(ROMAN_GRADE, grade, re.IGNORECASE):
        return "golongan", BadValue(_("an ASN grade like III/a (I to IV, a to e)"))
    if agency == Agency.HEALTH and data.get("segmen") == "PBI" and data.get("kelas") != "3":
        return "kelas", BadValue(_("class 3 for PBI members (PBI is always class 3)"))
    return None
