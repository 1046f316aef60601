"""Fixtures the verivali sync tests share: a district operator, and the planted members in the database."""

import datetime as dt

import pytest
from django.utils import timezone

from mutakhir.accounts.models import Role
from mutakhir.registration.models import Channel, Registration, RegistrationMember
from mutakhir.registry.models import Household, Member, UpdatePeriod

from .sync_data import HOUSEHOLDS, MEMBERS


@pytest.fixture
def operator(make_user):
    return make_user(Role.DISTRICT_OPERATOR, "1901")


@pytest.fixture
def planted(regions, operator):
    """The planted members in the database, and a registration of I-1 after the death on record."""
    households = {hid: Household.objects.create(household_id=hid, region_id=village)
                  for hid, village in HOUSEHOLDS.items()}
    for record_id, hid, nik, kk, name, sex, birth_date in MEMBERS:
        Member.objects.create(record_id=record_id, household=households[hid], nik=nik, kk=kk, name=name, sex=int(sex),
                              birth_date=dt.date.fromisoformat(birth_date), relation=1)
    period = UpdatePeriod.objects.create(region_id="1901", name="2025", starts_on=dt.date(2025, 1, 1))
    registration = Registration.objects.create(
        number="R-1", update_period=period, region_id="1901022004", channel=Channel.ACTIVE, entered_by=operator,
        entered_at=timezone.make_aware(dt.datetime(2025, 4, 1, 9)))
    RegistrationMember.objects.create(registration=registration, nik="1901010909940001", name="Iwan Setiawan",
                                      birth_date=dt.date(1994, 9, 9))
    return households
