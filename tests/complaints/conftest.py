"""Complaint fixtures: an open update period in Bangka, staff per role, a filed complaint."""

import datetime as dt

import pytest
from conftest import BANGKA, VILLAGE_IN, in_english
from django.core.cache import cache

from mutakhir.accounts.models import Role
from mutakhir.complaints import public
from mutakhir.complaints.services import do_file_complaint
from mutakhir.regions.models import Region
from mutakhir.registry.models import UpdatePeriod

english = pytest.fixture(autouse=True)(in_english)


@pytest.fixture(autouse=True)
def fast_and_fresh(monkeypatch):
    """No padding delay, and no rate-limit counters left from earlier tests."""
    monkeypatch.setattr(public, "MIN_SECONDS", 0)
    cache.clear()


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def period(regions):
    return UpdatePeriod.objects.create(region_id=BANGKA, name="MPM Bangka 2025", starts_on=dt.date(2025, 1, 1))


@pytest.fixture
def operator(make_user, period):
    return make_user(Role.DISTRICT_OPERATOR, BANGKA, username="operator")


@pytest.fixture
def file(regions):
    """File a complaint in a village; return (complaint, follow code)."""
    def make(region_code=VILLAGE_IN, **fields):
        values = {"kind": "objection", "text": "Dia punya mobil dan rumah besar.", "subject_name": "Pak Kaya",
                  "subject_address": "Dusun II"} | fields
        return do_file_complaint(region=Region.objects.get(code=region_code), **values)
    return make
