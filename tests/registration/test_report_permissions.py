"""Error reports, uploads and exports hold full NIKs: written readable by the app's user only, whatever the umask."""

import os
import stat
import subprocess
import sys

import pytest
from conftest import BANGKA

from mutakhir.accounts.models import Role
from mutakhir.core.privatefiles import write_private
from mutakhir.registration.imports import import_registrations

from .test_imports import write_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_umask():
    old = os.umask(0o022)  # the usual default: new files 0644, world-readable
    yield
    os.umask(old)


def test_the_error_report_is_owner_only(tmp_path, make_user, period, settings, open_umask):
    settings.MEDIA_ROOT = tmp_path / "media"
    run = import_registrations(write_zip(tmp_path / "data.zip"), period=period,
                               user=make_user(Role.DISTRICT_OPERATOR, BANGKA))
    assert run.errors and stat.S_IMODE(os.stat(run.report.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(run.report.path)).st_mode) == 0o700


def test_files_the_app_writes_itself_are_owner_only(tmp_path, open_umask):
    path = write_private(tmp_path / "verivali" / "extract.csv", [b"nik\n", b"1901014501900001\n"])
    assert path.read_bytes() == b"nik\n1901014501900001\n" and stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):
        write_private(path, [b"again"])


def test_every_file_a_command_writes_is_owner_only(tmp_path):
    out = tmp_path / "template.xlsx"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mutakhir.config.settings_test"}
    subprocess.run([sys.executable, "-m", "mutakhir", "registration", "template", str(out)], env=env, check=True,
                   timeout=120, preexec_fn=lambda: os.umask(0o022))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
