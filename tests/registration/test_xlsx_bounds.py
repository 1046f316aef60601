"""A small .xlsx cannot hold the worker: its declared size is ignored, its rows and columns are bounded, and an
import job has a time budget.

The attack: a 10 KB workbook declaring `<dimension ref="A1:XFD1048576"/>` with one cell at XFD1048576;
openpyxl pads every row to the declared size, 17 billion empty cells, an hour per sheet.
"""

import os
import subprocess
import sys
import textwrap

import openpyxl
import pytest
from conftest import BANGKA
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun
from mutakhir.registration.exchange_adapter import DatasetError, xlsx_to_csv
from mutakhir.registration.models import Registration, RegistrationImport

from .test_imports import write_xlsx

pytestmark = pytest.mark.django_db


def with_cell(path, cell: str):
    """Write the valid test workbook plus one value at `cell` of the households sheet."""
    write_xlsx(path)
    workbook = openpyxl.load_workbook(path)
    workbook["households"][cell] = "x"
    workbook.save(path)
    return path


def test_a_workbook_claiming_the_whole_sheet_is_refused_in_seconds(tmp_path):
    attack = with_cell(tmp_path / "attack.xlsx", "XFD1048576")
    assert attack.stat().st_size < 20_000 and b"A1:XFD1048576" in _sheet_xml(attack)
    probe = textwrap.dedent(f"""
        import django; django.setup()
        from pathlib import Path
        from django.utils import translation
        from mutakhir.registration.exchange_adapter import DatasetError, xlsx_to_csv
        translation.activate("id")
        try:
            xlsx_to_csv(Path({str(attack)!r}), Path({str(tmp_path)!r}))
        except DatasetError as exc:
            print(exc)
    """)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mutakhir.config.settings_test"}
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60,
                            check=False)  # before the bound: an hour
    assert result.stdout.strip() == ("Lembar “households”, sel XFD1048576 berada di luar kolom CV: paling banyak 100 "
                                     "kolom yang diterima. Hapus kolom di sebelah kanan data lalu unggah lagi."), \
        result.stderr[-2000:]


def _sheet_xml(path) -> bytes:
    import zipfile
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_data_below_the_row_limit_is_refused_naming_it(tmp_path):
    with pytest.raises(DatasetError, match="has data in row 1,048,576: at most 500,000 rows are accepted"):
        xlsx_to_csv(with_cell(tmp_path / "tall.xlsx", "A1048576"), tmp_path)


def test_empty_cells_beyond_the_limits_are_ignored(tmp_path, settings):
    settings.XLSX_MAX_COLUMNS = 8  # the members sheet has 8 columns, the households sheet 5
    path = write_xlsx(tmp_path / "ok.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["households"]["Z2"].number_format = "0.00"  # a formatted empty cell, as Excel leaves them
    workbook.save(path)
    xlsx_to_csv(path, tmp_path)
    assert (tmp_path / "households.csv").read_text().splitlines()[0] == "household_id,region_code,address," \
                                                                         "floor_material,has_car"


def test_an_import_job_stops_at_its_time_budget(client, make_user, period, tmp_path, settings,
                                                django_capture_on_commit_callbacks):
    settings.IMPORT_JOB_MAX_SECONDS = 0
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA, username="operator"))
    content = write_xlsx(tmp_path / "data.xlsx").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:import"), {"file": SimpleUploadedFile("data.xlsx", content)})
    job, run = JobRun.objects.get(), RegistrationImport.objects.get()
    assert job.state == JobRun.State.DONE and job.result["state"] == run.state == "failed"
    assert run.message.startswith("The import was stopped after 0 minutes, the time an import may take")
    assert not Registration.objects.exists()
