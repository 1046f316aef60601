"""Two installations on this machine exchange a package end to end (issue 22.1).

The national installation is a second process: its own SQLite database and var/ folder, served by waitress
on a free loopback port. The district is this test's installation: NATIONAL_INBOX names the national one's
URL, so sending pushes the signed package over HTTP; the national team applies it through its API, and the
district polls ("update the status") until the answer is "applied".
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import BANGKA

from mutakhir.decrees.dispatch import do_refresh, do_send
from mutakhir.decrees.models import PackageDispatch

pytestmark = pytest.mark.slow
SRC = str(Path(__file__).resolve().parents[2] / "src")

# Run in the national installation: its regions, its team, the district's account, the district key it trusts.
SETUP = """
import json, os, django
django.setup()
from mutakhir.accounts.models import Role, User
from mutakhir.regions.loader import LOKAL_SOURCE, load_regions, lokal_rows
from mutakhir.registration.models import TokenPurpose
from mutakhir.registration.tokens import create_token
from mutakhir.registry.packages.keys import trust_key
load_regions(lokal_rows("19"), LOKAL_SOURCE)
team = User.objects.create_user(username="pokja", password="x-" * 8, role=Role.NATIONAL)
district = User.objects.create_user(username="dinsos-bangka", password="x-" * 8, role=Role.DISTRICT_OPERATOR,
                                    region_id=os.environ["DISTRICT"])
trust_key(os.environ["DISTRICT"], os.environ["DISTRICT_PUBLIC_KEY"])
print(json.dumps({name: create_token(user, purpose=TokenPurpose.PACKAGES)[1]
                  for name, user in (("team", team), ("district", district))}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def national_installation(tmp_path, district_key):
    """Start the national installation; yield (base URL, tokens); stop it."""
    home = tmp_path / "national"
    home.mkdir()
    env = {**os.environ, "PYTHONPATH": SRC, "MUTAKHIR_HOME": str(home), "DJANGO_SETTINGS_MODULE":
           "mutakhir.config.settings_test", "DATABASE_URL": f"sqlite:///{home / 'national.sqlite3'}",
           "DISTRICT": BANGKA, "DISTRICT_PUBLIC_KEY": district_key}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], env=env, check=True, cwd=home)
    tokens = json.loads(subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, cwd=home,
                                       capture_output=True, text=True).stdout.strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}",
                               "mutakhir.config.wsgi:application"], env=env, cwd=home,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: urllib.request.urlopen(f"{url}/api/openapi.json", timeout=2).status == 200)  # noqa: S310
        yield url, tokens
    finally:
        server.terminate()
        server.wait(timeout=20)


def wait_until(ready, seconds: float = 60):
    end = time.monotonic() + seconds
    while True:
        try:
            if ready():
                return
        except OSError:
            pass
        if time.monotonic() > end:
            raise AssertionError("the national installation did not answer in time")
        time.sleep(0.3)


def national_api(url, token, method, path):
    headers = {"Authorization": f"Bearer {token}"}
    request = urllib.request.Request(url + path, method=method, headers=headers)  # noqa: S310 - loopback http
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def test_a_package_goes_from_the_district_to_the_national_installation_and_back(
        national_installation, approved, head, settings):
    url, tokens = national_installation
    settings.NATIONAL_INBOX, settings.NATIONAL_INBOX_TOKEN = url + "/", tokens["district"]
    dispatch = do_send(approved, actor=head)
    assert dispatch.status == PackageDispatch.Status.RECEIVED and dispatch.remote_id and dispatch.received_at
    received = national_api(url, tokens["team"], "GET", f"/api/packages/{dispatch.remote_id}")
    assert (received["sha256"], received["district"], received["decree"]) == (
        dispatch.sha256, BANGKA, approved.number)

    national_api(url, tokens["team"], "POST", f"/api/packages/{dispatch.remote_id}/apply")
    deadline = time.monotonic() + 60
    while do_refresh(dispatch).status != PackageDispatch.Status.APPLIED:
        assert time.monotonic() < deadline, dispatch.status
        time.sleep(0.5)
    assert [a.status for a in dispatch.answers.all()] == ["received", "applied"]
    applied = national_api(url, tokens["district"], "GET", f"/api/packages/{dispatch.remote_id}")
    assert applied["status"] == "applied" and applied["counts"]
