"""Ranking pages end to end, and the role × region × endpoint matrix."""

import pytest

from mutakhir.accounts.models import Role, User
from mutakhir.core.models import JobRun, PersonalDataAccess
from mutakhir.ranking.models import PmtModelVersion, RankingResult, RankingRun
from mutakhir.ranking.services import do_publish_model, do_start_ranking
from mutakhir.registry.models import Household

from .registry import fill_registry, fit_registry_model, make_poor, make_rich

IN, OUT = "1901", "1902"  # the district of the regional users, and another one
READERS = {Role.NATIONAL, Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD, Role.AUDITOR}
HOUSEHOLD_READERS = READERS | {Role.TKSK, Role.PSM, Role.REGISTRAR}
REASON = {"reason": "Evaluasi desil triwulan"}  # an export asks why first
USERS = {Role.NATIONAL: None, Role.PROGRAM_MANAGER: None, Role.DISTRICT_OPERATOR: IN, Role.DISTRICT_HEAD: IN,
         Role.AUDITOR: IN, Role.TKSK: "190101", Role.PSM: "1901011001", Role.REGISTRAR: "1901011001"}


@pytest.fixture(scope="module")
def registry_model(tmp_path_factory):
    return fit_registry_model(tmp_path_factory.mktemp("survey") / "survey.csv")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def two_runs(db, registry_model, make_household, django_capture_on_commit_callbacks):
    """Two runs; between them the poorest of each district got rich and the richest poor."""
    version = do_publish_model(registry_model.to_dict(), name="pmt")
    fill_registry(make_household)

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            job = do_start_ranking(None, version)
        return RankingRun.objects.get(job=job)

    first = run()
    for district in (IN, OUT):
        results = first.results.filter(region=district).order_by("percentile")
        make_rich(Household.objects.get(household_id=results.first().household_id))
        make_poor(Household.objects.get(household_id=results.last().household_id))
    return first, run()


def movers_of(first, second, district):
    old = {r.household_id: r.desil for r in first.results.filter(region=district)}
    return [r.household_id for r in second.results.filter(region=district) if old[r.household_id] != r.desil]


@pytest.fixture
def login(client, regions):
    def log_in(role):
        user = User.objects.create_user(f"{role}-user", password="x", role=role, region_id=USERS[role])
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return log_in


def test_the_national_team_publishes_starts_and_follows_a_run(login, registry_model, make_household, tmp_path,
                                                              django_capture_on_commit_callbacks):
    client = login(Role.NATIONAL)
    fill_registry(make_household)
    path = tmp_path / "model.json"
    registry_model.save(path)
    with path.open("rb") as fh:
        response = client.post("/ranking/models/upload/", {"name": "pmt-2025", "file": fh})
    assert response.status_code == 302
    version = PmtModelVersion.objects.get()
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mutakhir-pmt", "version": 1}')
    with bad.open("rb") as fh:
        refused = client.post("/ranking/models/upload/", {"name": "pmt-2025", "file": fh})
    assert refused.status_code == 400 and "target" in refused.content.decode()
    assert "pmt-2025 v1" in client.get("/ranking/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ranking/runs/start/", {"pmt_model": version.pk})
    job = JobRun.objects.get(kind="ranking")
    assert response["Location"] == f"/ranking/jobs/{job.pk}/"
    status = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert status.status_code == 286
    run = RankingRun.objects.get()
    assert client.get(f"/ranking/jobs/{job.pk}/")["Location"] == f"/ranking/runs/{run.pk}/"
    page = client.get(f"/ranking/runs/{run.pk}/").content.decode()
    assert "Households by desil" in page and "No earlier registry run" in page


def test_a_running_job_page_polls(login):
    client = login(Role.NATIONAL)
    job = JobRun.objects.create(kind="ranking", state=JobRun.State.RUNNING, done=1, total=5)
    assert 'hx-trigger="every 2s"' in client.get(f"/ranking/jobs/{job.pk}/").content.decode()


def test_the_movers_page_and_csv(login, two_runs):
    first, second = two_runs
    client = login(Role.NATIONAL)
    page = client.get(f"/ranking/runs/{second.pk}/movers/").content.decode()
    moved = movers_of(first, second, IN) + movers_of(first, second, OUT)
    assert moved and all(hid in page for hid in moved) and "floor area (m²)" in page
    assert "Reason for the download" in client.get(f"/ranking/runs/{second.pk}/movers.csv").content.decode()
    response = client.post(f"/ranking/runs/{second.pk}/movers.csv", REASON)
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("household_id,region,old_desil") and len(lines) == 1 + len(moved)
    log = PersonalDataAccess.objects.get(action="export", object_type="rankingrun")
    assert (log.object_id, log.fields, log.reason) == (str(second.pk), f"movers:{first.pk}", REASON["reason"])
    assert "Page 1 of 1" in client.get(f"/ranking/runs/{second.pk}/movers/?direction=up").content.decode()


@pytest.mark.parametrize("role", list(USERS))
def test_the_role_region_endpoint_matrix(login, role, two_runs):
    first, second = two_runs
    client = login(role)
    reads_runs, reads_results = role in READERS | {Role.PROGRAM_MANAGER}, role in READERS
    in_movers, out_movers = movers_of(first, second, IN), movers_of(first, second, OUT)
    assert client.get("/ranking/").status_code == (200 if reads_runs else 403)
    run_page = client.get(f"/ranking/runs/{second.pk}/")
    assert run_page.status_code == (200 if reads_runs else 404)
    if reads_runs:
        total = RankingResult.objects.filter(run=second, **({} if USERS[role] is None else {"region": IN})).count()
        assert f"{total} households in your area" in run_page.content.decode()
        assert ("Show who moved" in run_page.content.decode()) == reads_results
    movers_page = client.get(f"/ranking/runs/{second.pk}/movers/")
    form = client.get(f"/ranking/runs/{second.pk}/movers.csv")
    csv = client.post(f"/ranking/runs/{second.pk}/movers.csv", REASON)
    assert movers_page.status_code == form.status_code == csv.status_code == (200 if reads_results else 403)
    if reads_results:
        text = movers_page.content.decode() + b"".join(csv.streaming_content).decode()
        assert all(hid in text for hid in in_movers)
        assert all((hid in text) == (role == Role.NATIONAL) for hid in out_movers)
    assert client.get("/ranking/models/upload/").status_code == (200 if role == Role.NATIONAL else 403)
    version = PmtModelVersion.objects.get()
    assert client.post("/ranking/runs/start/", {"pmt_model": version.pk}).status_code == (
        302 if role == Role.NATIONAL else 403)
    assert client.get("/ranking/cutpoints/import/").status_code == (
        200 if role in {Role.NATIONAL, Role.DISTRICT_OPERATOR} else 403)
    assert client.get(f"/ranking/runs/{second.pk}/cutpoints.json").status_code == (  # no national key: back to
        302 if role == Role.NATIONAL else 403)                                        # the run page, told why
    inside = Household.objects.get(household_id="R0000")  # village 1901011001
    outside = Household.objects.get(household_id="R0002")  # village 1902012003
    page = client.get(f"/registry/households/{inside.pk}/")
    assert page.status_code == (200 if role in HOUSEHOLD_READERS else 404)
    if page.status_code == 200:
        assert "Score breakdown" in page.content.decode() and "floor area (m²)" in page.content.decode()
        assert "Desil relative to this district" in page.content.decode()  # no national cut-points here
        assert "the coverage (desil 1–4)" in page.content.decode()
    assert client.get(f"/registry/households/{outside.pk}/").status_code == (200 if role == Role.NATIONAL else 404)
