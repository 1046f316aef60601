"""A small update period in the database: registry households of Bangka and registrations re-registering them.

A third of the registry registers again (every fifth of those with a motorcycle now: changed), ten
households are new, and one registry household has a duplicate copy, so its registration needs review.
"""

import datetime as dt

from mutakhir.registration.models import Registration, RegistrationMember
from mutakhir.registry.models import Household, Member, UpdatePeriod

from .fixtures import registry

BANGKA = "1901"
HOUSEHOLD_FIELDS = ("address", "rt", "rw", "floor_area_m2", "roof_material")
MEMBER_FIELDS = ("nik", "kk", "name", "birth_place")


def _household(row: dict, household_id: str) -> Household:
    return Household.objects.create(household_id=household_id, region_id=row["region_code"],
                                    has_motorcycle=row["has_motorcycle"] == "1",
                                    **{f: row[f] for f in HOUSEHOLD_FIELDS})


def _member_fields(m: dict) -> dict:
    return {**{f: m[f] for f in MEMBER_FIELDS}, "sex": int(m["sex"]), "relation": int(m["relation"]),
            "work_status": int(m["work_status"]), "birth_date": dt.date.fromisoformat(m["birth_date"])}


def _registration(period, user, number: str, row: dict, members: list[dict], **changes) -> Registration:
    fields = {f: row[f] for f in HOUSEHOLD_FIELDS}
    fields["has_motorcycle"] = row["has_motorcycle"] == "1"
    reg = Registration.objects.create(number=number, update_period=period, region_id=row["region_code"],
                                      channel="aktif", entered_by=user, consent=True, **{**fields, **changes})
    for i, m in enumerate(members):
        RegistrationMember.objects.create(registration=reg, position=i, **_member_fields(m))
    return reg


def build(user, n_registry: int = 60, n_new: int = 10, seed: int = 7) -> tuple[UpdatePeriod, dict]:
    """Create the period, registry and registrations; return (period, {registration number: expected})."""
    period = UpdatePeriod.objects.create(region_id=BANGKA, name="MPM Bangka 2025", starts_on=dt.date(2025, 1, 1))
    households, members = registry(n_registry, seed)
    by_hh = {}
    for m in members:
        by_hh.setdefault(m["household_id"], []).append(m)
    for row in households:
        hh = _household(row, row["household_id"])
        Member.objects.bulk_create([Member(household=hh, record_id=m["record_id"], name_key=m["name"].upper(),
                                           **_member_fields(m)) for m in by_hh[row["household_id"]]])
    expected = {}
    for k, row in enumerate(households[: n_registry // 3]):
        changed = k % 5 == 1
        number = f"REG-{k:04d}"
        extra = {"has_motorcycle": True} if changed else {}
        _registration(period, user, number, row, by_hh[row["household_id"]], **extra)
        expected[number] = (row["household_id"], "changed" if changed else "unchanged")
    new_households, new_members = registry(n_new, seed + 99)
    new_by_hh = {}
    for m in new_members:
        new_by_hh.setdefault(m["household_id"], []).append({**m, "nik": "3" + m["nik"][1:]})
    for k, row in enumerate(new_households):
        number = f"NEW-{k:04d}"
        _registration(period, user, number, row, new_by_hh[row["household_id"]])
        expected[number] = (None, "new")
    return period, expected


def duplicate_registry_household(household_id: str) -> Household:
    """Copy a registry household with its members under new ids (a duplicate in the registry)."""
    original = Household.objects.get(household_id=household_id)
    members = list(original.members.all())
    copy = Household.objects.create(household_id=f"D{household_id}", region_id=original.region_id,
                                    **{f: getattr(original, f) for f in (*HOUSEHOLD_FIELDS, "has_motorcycle")})
    for m in members:
        m.pk, m.household, m.record_id = None, copy, f"D{m.record_id}"
        m.save()
    return copy
