"""Personal data written to files by management commands is logged with the server account that ran them."""

import getpass
import sys

import pytest
from django.core.management import call_command

from mutakhir.core.models import PersonalDataAccess
from mutakhir.registry.exchange.exporter import export_dataset

pytestmark = pytest.mark.django_db


def exported(object_type: str) -> PersonalDataAccess:
    return PersonalDataAccess.objects.get(action=PersonalDataAccess.Action.EXPORT, object_type=object_type)


def test_a_command_export_names_the_server_account_and_the_masked_command(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["mutakhir", "registry", "export", "--out", "x.zip", "--why",
                                      "1901014512880007"])
    PersonalDataAccess.record_command(PersonalDataAccess.Action.EXPORT, "region", "19.01", fields="registry:csv")
    access = exported("region")
    assert access.user is None and access.operator.startswith(getpass.getuser() + "@")
    assert access.reason == "mutakhir registry export --out x.zip --why 1901************"
    assert (access.object_id, access.fields) == ("19.01", "registry:csv")
    assert str(access) == f"{access.operator} export region:19.01"


def test_the_registry_export_command_is_logged(make_household, tmp_path):
    make_household()
    call_command("registry", "export", "--out", str(tmp_path / "out"), "--region", "19.01")
    assert (exported("region").object_id, exported("region").fields) == ("19.01", "registry:csv")


def test_the_duplicates_of_the_database_are_logged_but_not_those_of_a_file(make_household, tmp_path):
    make_household(members=3)
    call_command("dedup", "--out", str(tmp_path / "out"))
    assert (exported("region").object_id, exported("region").fields) == ("all", "duplicates")
    export_dataset(tmp_path / "dataset")
    call_command("dedup", "--registry", str(tmp_path / "dataset"), "--out", str(tmp_path / "again"))
    assert PersonalDataAccess.objects.count() == 1
