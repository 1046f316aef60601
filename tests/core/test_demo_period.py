"""`mutakhir demo` opens an update period with registrations, so that stages 2-5 can be tried at once."""

import csv

import pytest
from conftest import BANGKA, VILLAGE_IN

from mutakhir.accounts.models import Role
from mutakhir.core.management.commands.demo import DEMO_IMPORTER, open_demo_period
from mutakhir.registration.models import Registration
from mutakhir.registry.models import UpdatePeriod

pytestmark = pytest.mark.django_db


def write(folder, name, rows):
    with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerows(rows)


def test_it_opens_one_period_and_imports_the_registrations_once(make_user, tmp_path):
    make_user(Role.DISTRICT_OPERATOR, BANGKA, username=DEMO_IMPORTER)
    write(tmp_path, "households", [["household_id", "region_code", "address"], ["H1", VILLAGE_IN, "Jl. Melati 3"]])
    write(tmp_path, "members", [["record_id", "household_id", "nik", "kk", "name", "sex", "birth_date", "relation"],
                                ["M1", "H1", "1901010105800001", "1901011503200003", "Budi Santoso", "1",
                                 "1980-05-01", "1"]])
    period = open_demo_period(BANGKA, tmp_path)
    assert (period.region_id, period.status) == (BANGKA, UpdatePeriod.Status.OPEN)
    assert list(Registration.objects.values_list("update_period", flat=True)) == [period.pk]
    assert open_demo_period(BANGKA, tmp_path) == period  # a second `make demo` adds nothing
    assert UpdatePeriod.objects.count() == 1 and Registration.objects.count() == 1
