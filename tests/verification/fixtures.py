"""Verification fixtures: an update period, a prelist per village, complete answers, staff per role.

The pytest fixtures below are imported by the verification and decrees conftests.
"""

import datetime as dt
import itertools

import pytest
from conftest import BANGKA, SUNGAILIAT, VILLAGE_IN, in_english

from mutakhir.accounts.models import Role
from mutakhir.identification.models import Category, Prelist, PrelistEntry
from mutakhir.registration.models import Channel, Registration, RegistrationMember
from mutakhir.registry.models import UpdatePeriod

_seq = itertools.count(1)

HOUSEHOLD = {"address": "Jl. Kenanga 7", "tenure": 1, "land_title": 6, "floor_area_m2": 36.0, "floor_material": 8,
             "wall_material": 4, "roof_material": 3, "water_source": 5, "lighting": 1, "electricity_power": 1,
             "cooking_fuel": 4, "toilet": 6, "has_motorcycle": True}


def member(name, relation, sex, birth, **kw):
    return {"status": "present", "name": name, "relation": relation, "sex": sex, "birth_date": birth,
            **({"pregnant": 0} if sex == 2 and "2016" > birth > "1971" else {}), **kw}


def answers(nik="1901010105800001", **household):
    """Return complete answers; `nik` is the head's (one person is in one household of a period)."""
    return {"household": {**HOUSEHOLD, **household},
            "members": [member("Budi", 1, 1, "1980-05-01", ref="", nik=nik),
                        member("Siti", 2, 2, "1982-06-05", ref=""), member("Andi", 3, 1, "2010-03-12", ref="")]}


def make_period():
    return UpdatePeriod.objects.get_or_create(region_id=BANGKA, name="MPM Bangka 2025",
                                              defaults={"starts_on": dt.date(2025, 1, 1)})[0]


def make_prelist(village, user):
    period = make_period()
    version = Prelist.objects.filter(update_period=period, region_id=village).count() + 1
    return Prelist.objects.create(update_period=period, region_id=village, version=version, frozen_by=user)


def make_entry(prelist, household=None, category=Category.CHANGED):
    registration = None
    if household is None:
        n = next(_seq)
        registration = Registration.objects.create(
            number=f"REG-1901-2025-{n:06d}", update_period=prelist.update_period, region_id=prelist.region_id,
            channel=Channel.ACTIVE, entered_by=prelist.frozen_by, address="Jl. Baru 1", floor_material=8)
        RegistrationMember.objects.create(registration=registration, name="Rudi", relation=1, sex=1,
                                          birth_date=dt.date(1975, 1, 2), nik="1901010201750001")
        category = Category.NEW
    return PrelistEntry.objects.create(prelist=prelist, household=household, registration=registration,
                                       category=category, changes="floor_material")


def accept(entry, verifier, reviewer, data=None, outcome="verified", **extra):
    """Return the entry's verification, assigned, submitted and accepted."""
    from mutakhir.verification.services import do_assign, do_review, do_save

    v = do_assign(entry, verifier, actor=verifier)
    v = do_save(v, version=v.version, outcome=outcome, answers=data or answers(), actor=verifier, submit=True,
                **extra)
    return do_review(v, accept=True, actor=reviewer)


english = pytest.fixture(autouse=True)(in_english)


@pytest.fixture
def client(client):
    """Ask for English pages: the tests assert on the msgids."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def operator(make_user):
    return make_user(Role.DISTRICT_OPERATOR, "1901")


@pytest.fixture
def psm(make_user):
    return make_user(Role.PSM, VILLAGE_IN)


@pytest.fixture
def tksk(make_user):
    return make_user(Role.TKSK, SUNGAILIAT)


@pytest.fixture
def entry(make_household, operator):
    return make_entry(make_prelist(VILLAGE_IN, operator), make_household(VILLAGE_IN, members=2))
