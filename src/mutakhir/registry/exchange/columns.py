"""The exchange format's columns as data: name, kind, required, limits (FORMAT.md version 1)."""

from dataclasses import dataclass

from mutakhir.registry import codes

FORMAT_VERSION = 1
TABLES = ("households", "members")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, region, number, code, flag, count, date, nik, kk, datetime, end_reason
    required: bool = False
    max_length: int | None = None
    extra: bool = False  # a documented extra column, beyond FORMAT.md's list
    # integer codes allowed for kind "code" (from registry.codes, one place)
    values: frozenset[int] = frozenset()

    @property
    def field(self) -> str:
        """Return the model attribute the column is stored in."""
        return {"region_code": "region_id"}.get(self.name, self.name)


def _code(name, extra=False):
    return Column(name, "code", values=codes.BY_FIELD[name].values, extra=extra)


def _flag(name):
    return Column(name, "flag")


HOUSEHOLDS = (
    Column("household_id", "text", required=True, max_length=40),
    Column("region_code", "region", required=True),
    Column("address", "text", max_length=255),
    Column("rt", "text", max_length=5),
    Column("rw", "text", max_length=5),
    Column("floor_area_m2", "number"),
    *(_code(n) for n in ("floor_material", "wall_material", "roof_material", "water_source", "lighting",
                         "cooking_fuel", "toilet", "tenure")),
    *(_flag(n) for n in ("has_gas_cylinder", "has_refrigerator", "has_ac", "has_motorcycle", "has_car",
                         "has_boat", "has_gold", "owns_land")),
    Column("livestock", "count"),
    # Documented extras: fields of the registry the format does not list (read and written by Mutakhir).
    *(_code(n, extra=True) for n in ("land_title", "electricity_power", "toilet_type", "sewage")),
    Column("ended_at", "datetime", extra=True),
    Column("end_reason", "end_reason", extra=True),
)

MEMBERS = (
    Column("record_id", "text", required=True, max_length=40),
    Column("household_id", "text", required=True, max_length=40),
    Column("nik", "nik"),
    Column("kk", "kk"),
    Column("name", "text", required=True, max_length=120),
    _code("sex"),
    Column("birth_date", "date"),
    Column("birth_place", "text", max_length=80),
    _code("relation"),
    *(_code(n) for n in ("education", "work_status", "work_sector", "disability", "chronic_illness", "pregnant")),
    *(_code(n, extra=True) for n in ("marital_status", "school_attendance")),
    Column("ended_at", "datetime", extra=True),
    Column("end_reason", "end_reason", extra=True),
)

BY_TABLE = {"households": HOUSEHOLDS, "members": MEMBERS}
ID_COLUMN = {"households": "household_id", "members": "record_id"}
ENDED = ("ended_at", "end_reason")


def export_columns(table: str, include_ended: bool) -> tuple[Column, ...]:
    """Return the columns an export writes: the format's, the documented extras, the end if asked."""
    return tuple(c for c in BY_TABLE[table] if include_ended or c.name not in ENDED)
