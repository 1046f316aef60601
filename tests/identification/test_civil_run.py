"""The web match run checks registered people against the district's latest civil-registry extract (the one
the verivali sync uploaded) and finds what `mutakhir match --civil-registry` finds on the same data."""

import csv
import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mutakhir.core.models import JobRun
from mutakhir.identification import inputs
from mutakhir.identification.models import MatchRun, MemberLink
from mutakhir.registration.models import RegistrationMember
from mutakhir.verivali.models import CivilSync
from mutakhir.verivali.sync_services import do_start_sync

NO_EXTRACT = "No civil-registry extract of this district has been synced"
OLD_EXTRACT = "The latest civil-registry extract of this district is 120 days old"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def write_extract(folder, period):
    """The civil registry of the district: every registered person's record, but one NIK corrected by Dukcapil,
    one person missing, and the new registrants' NIKs unknown to it (the scenario gives them 3-prefixed NIKs)."""
    members = list(RegistrationMember.objects.filter(registration__update_period=period).order_by("pk")
                   .select_related("registration"))
    folder.mkdir(parents=True)
    with (folder / "members.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["record_id", "nik", "kk", "name", "sex", "birth_date", "region_code"])
        for i, m in enumerate(members):
            if i == 1 or m.nik.startswith("3"):
                continue
            nik = m.nik[:-4] + "9999" if i == 0 else m.nik
            out.writerow([f"C{i}", nik, m.kk, m.name.upper(), m.sex, m.birth_date.isoformat(),
                          m.registration.region_id])
    return folder


@pytest.fixture
def synced(period, operator, tmp_path, django_capture_on_commit_callbacks):
    """The operator's verivali sync of the extract, finished."""
    period, _expected = period
    with django_capture_on_commit_callbacks(execute=True):
        sync = do_start_sync(operator, "1901", write_extract(tmp_path / "extract", period))
    sync.job.refresh_from_db()
    assert sync.job.state == JobRun.State.DONE, sync.job.error
    return period, sync


def test_the_match_page_warns_without_an_extract_or_with_an_old_one(client, operator, period, tmp_path, settings,
                                                                   django_capture_on_commit_callbacks):
    client.force_login(operator)
    assert "Belum ada ekstrak data kependudukan" in client.get(reverse("identification:index")).content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("identification:index")).content.decode()
    assert page.index(NO_EXTRACT) < page.index("Start matching")  # said before the start button
    with django_capture_on_commit_callbacks(execute=True):
        sync = do_start_sync(operator, "1901", write_extract(tmp_path / "extract", period[0]))
    page = client.get(reverse("identification:index")).content.decode()
    assert NO_EXTRACT not in page and "days old" not in page
    CivilSync.objects.filter(pk=sync.pk).update(created_at=timezone.now() - dt.timedelta(days=120))
    page = client.get(reverse("identification:index")).content.decode()
    assert OLD_EXTRACT in page and "at most 90 days" in page
    settings.CIVIL_REGISTRY_MAX_AGE_DAYS = 150
    assert "days old" not in client.get(reverse("identification:index")).content.decode()


def test_a_web_run_finds_what_the_command_finds_with_the_same_extract(client, operator, synced, tmp_path,
                                                                     django_capture_on_commit_callbacks):
    period, sync = synced
    client.force_login(operator)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("identification:start_run"), {"period": period.pk})
    run = MatchRun.objects.get()
    assert run.job.state == JobRun.State.DONE, run.job.error
    assert run.job.config["civil_sync"] == sync.pk
    web = dict(MemberLink.objects.filter(result__run=run).values_list("registration_member_id", "civil_status"))
    inputs.write_registrations(period, tmp_path / "registrations")
    inputs.write_registry(period, tmp_path / "registry")
    call_command("match", "--registrations", str(tmp_path / "registrations"), "--registry",
                 str(tmp_path / "registry"), "--civil-registry", sync.extract, "--out", str(tmp_path / "out"),
                 "--verbosity", "0")
    with (tmp_path / "out" / "members.csv").open(encoding="utf-8") as f:
        cli = {int(r["record_id"][2:]): r["civil_status"] for r in csv.DictReader(f)}
    assert web == cli
    counts = {s: list(web.values()).count(s) for s in ("matched", "nik_mismatch", "not_found")}
    assert counts["nik_mismatch"] >= 1 and counts["not_found"] >= 2 and counts["matched"] > 50
    assert run.summary["civil_status"] == counts
    page = client.get(reverse("identification:run", args=[run.pk])).content.decode()
    assert f"Checked against the extract of civil-registry sync #{sync.pk}" in page
    assert "NIK differs from the civil registry" in page and "REG-0000" in page and "NEW-0000" in page
