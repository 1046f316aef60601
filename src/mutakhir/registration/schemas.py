"""JSON shapes of the registration API (pydantic through django-ninja)."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema


class MemberIn(Schema):
    nik: str = Field("", max_length=16, description="16-digit NIK; may be empty")
    kk: str = Field("", max_length=16, description="16-digit family card number")
    name: str = Field(..., min_length=1, max_length=120)
    sex: int | None = Field(None, description="1 male, 2 female")
    birth_date: dt.date | None = None
    birth_place: str = Field("", max_length=80)
    relation: int = Field(..., description="1 head, 2 spouse, 3 child, ... (FORMAT.md)")
    marital_status: int | None = None
    school_attendance: int | None = None
    education: int | None = None
    work_status: int | None = None
    work_sector: int | None = None
    disability: int | None = None
    chronic_illness: int | None = None
    pregnant: int | None = None


class MemberOut(MemberIn):
    position: int


class HouseholdFields(Schema):
    address: str = Field("", max_length=255)
    rt: str = Field("", max_length=5)
    rw: str = Field("", max_length=5)
    floor_area_m2: Decimal | None = Field(None, ge=0, le=Decimal("999999.99"), decimal_places=2)
    tenure: int | None = None
    land_title: int | None = None
    floor_material: int | None = None
    wall_material: int | None = None
    roof_material: int | None = None
    water_source: int | None = None
    lighting: int | None = None
    electricity_power: int | None = None
    cooking_fuel: int | None = None
    toilet: int | None = None
    toilet_type: int | None = None
    sewage: int | None = None
    has_gas_cylinder: bool | None = None
    has_refrigerator: bool | None = None
    has_ac: bool | None = None
    has_motorcycle: bool | None = None
    has_car: bool | None = None
    has_boat: bool | None = None
    has_gold: bool | None = None
    owns_land: bool | None = None
    livestock: int | None = Field(None, ge=0, le=100_000)
    consent: bool = Field(False, description="the applicant agreed to the processing of their data")
    id_document_seen: Literal["", "ktp", "kk", "other"] = Field("", description="identity document shown")
    visit_date: dt.date | None = None
    visit_lat: Decimal | None = Field(None, ge=-90, le=90, decimal_places=6)
    visit_lon: Decimal | None = Field(None, ge=-180, le=180, decimal_places=6)
    reason_proposed: str = Field("", max_length=2000)


class RegistrationIn(HouseholdFields):
    region_code: str = Field(..., pattern=r"^\d{2}\.?\d{2}\.?\d{2}\.?\d{4}$",
                             description="village code, 10 digits (dots allowed)")
    members: list[MemberIn] = Field(..., min_length=1, max_length=40)
    confirm_duplicates: bool = Field(False, description="save although possible duplicates were reported")


class RegistrationPatch(HouseholdFields):
    """Fields to change; omitted fields keep their value. `members`, when given, replaces the list."""

    version: int = Field(..., ge=1, description="the version read; a newer one answers 409")
    reason: str = Field("", max_length=255)
    members: list[MemberIn] | None = Field(None, min_length=1, max_length=40)


class WithdrawIn(Schema):
    version: int = Field(..., ge=1)
    reason: str = Field(..., min_length=1, max_length=255)


class RegistrationRow(Schema):
    number: str
    status: str
    channel: str
    region_code: str
    update_period: int
    entered_at: dt.datetime
    version: int

    @staticmethod
    def resolve_region_code(obj):
        return obj["region_code"] if isinstance(obj, dict) else obj.region_id

    @staticmethod
    def resolve_update_period(obj):
        return obj["update_period"] if isinstance(obj, dict) else obj.update_period_id


class RegistrationOut(RegistrationRow, HouseholdFields):
    entered_by: str
    status_note: str
    members: list[MemberOut]
    warnings: dict[str, list[str]] = {}


class Problem(Schema):
    detail: str | list[dict[str, Any]] = Field(..., description="a message, or django-ninja's list of input errors")
    errors: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    duplicates: list[dict[str, str]] = []
