"""National cut-points end to end: the national team downloads them from its run page (or the CLI), a district
operator imports them on the web (or the CLI), registry runs use them and say so; another model's are refused."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from mutakhir.accounts.models import Role, User
from mutakhir.core import signing
from mutakhir.ranking import cutpoints
from mutakhir.ranking.models import CutPointSet, RankingRun
from mutakhir.ranking.services import do_publish_model, do_rank_registry

from .registry import fill_registry, fit_registry_model


@pytest.fixture(scope="module")
def registry_model(tmp_path_factory):
    return fit_registry_model(tmp_path_factory.mktemp("survey") / "survey.csv")


@pytest.fixture
def national(settings, tmp_path, db, registry_model, make_household):
    """A national run of the registry with a published model, and the national key trusted here."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    cutpoints.trust_national_key(signing.create_key(cutpoints.NATIONAL_KEY))
    fill_registry(make_household)
    version = do_publish_model(registry_model.to_dict(), name="pmt")
    return do_rank_registry(version)


def log_in(client, role, region=None):
    user = User.objects.create_user(f"{role}-cut", password="x", role=role, region_id=region)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return user


def test_a_district_imports_national_cut_points_and_its_runs_say_so(client, national):
    log_in(client, Role.NATIONAL)
    relative = client.get(f"/ranking/runs/{national.pk}/").content.decode()
    assert "Desil relative to this district" in relative
    download = client.get(f"/ranking/runs/{national.pk}/cutpoints.json")
    assert download.status_code == 200 and download["Content-Disposition"].endswith(f'-{national.pk}.json"')
    client.logout()
    log_in(client, Role.DISTRICT_OPERATOR, "1901")
    assert "/ranking/cutpoints/import/" in client.get("/ranking/").content.decode()
    tampered = json.loads(download.content)
    tampered["payload"]["national"][0] -= 1
    refused = client.post("/ranking/cutpoints/import/",
                          {"file": SimpleUploadedFile("c.json", json.dumps(tampered).encode())})
    assert refused.status_code == 400 and "changed after the national team signed it" in refused.content.decode()
    assert not CutPointSet.objects.exists()
    done = client.post("/ranking/cutpoints/import/", {"file": SimpleUploadedFile("c.json", download.content)})
    assert done.status_code == 302
    imported = CutPointSet.objects.get()
    assert imported.national_run == national.pk and imported.imported_by.role == Role.DISTRICT_OPERATOR
    run = do_rank_registry(national.pmt_model, cutpoint_set=imported)
    assert dict(run.results.values_list("household_id", "desil")) == dict(
        national.results.values_list("household_id", "desil"))
    page = client.get(f"/ranking/runs/{run.pk}/").content.decode()
    assert f"National cut-points of run #{national.pk} (pmt v1)" in page and "relative to this district" not in page


def test_a_run_refuses_cut_points_of_another_model_in_indonesian(client, national, registry_model,
                                                                 django_capture_on_commit_callbacks):
    imported = cutpoints.import_cutpoints(cutpoints.publish(national))
    other = do_publish_model(registry_model.to_dict() | {"target": "other"}, name="pmt-lain")
    log_in(client, Role.NATIONAL)
    client.cookies["django_language"] = "id"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ranking/runs/start/", {"pmt_model": other.pk, "cutpoints": imported.pk},
                               follow=True)
    assert "milik model pmt v1" in response.content.decode()
    assert RankingRun.objects.count() == 1  # no run, no job started


def test_the_cli_publishes_imports_and_ranks_with_cut_points(national, tmp_path, capsys):
    out = tmp_path / "cutpoints.json"
    call_command("ranking", "publish-cutpoints", "--run", str(national.pk), "--out", str(out))
    with translation.override("en"):
        call_command("ranking", "import-cutpoints", str(out))
    imported = CutPointSet.objects.get()
    assert f"Imported {imported} (ID {imported.pk})" in capsys.readouterr().out
    call_command("ranking", "run", "--model", str(national.pmt_model_id), "--cutpoints", str(imported.pk))
    assert RankingRun.objects.latest("pk").cutpoints == imported
    call_command("ranking", "national-key", "show")
    assert signing.fingerprint(signing.public_key(cutpoints.NATIONAL_KEY)) in capsys.readouterr().out


@pytest.mark.parametrize(("coverage", "said"), [(4, "outside the coverage (desil 1–4)"),
                                                 (5, "within the coverage (desil 1–5)")])
def test_the_citizen_check_says_whether_the_desil_is_in_the_coverage(client, make_household, settings, coverage,
                                                                     said):
    from django.core.cache import cache

    from mutakhir.registration import status

    cache.clear()
    settings.PUBLIC_SHOWS_DESIL, settings.DESIL_COVERAGE = ["*"], coverage
    household = make_household(members=1)
    household.members.update(nik="1901010105800001", name="Budi Santoso", name_key="BUDI SANTOSO")
    run = RankingRun.objects.create(region_code="", model={}, model_sha256="0" * 64, engine="duckdb", source="t",
                                    households=1)
    run.results.create(household_id=household.household_id, score=7.0, percentile=45, desil=5,
                       region_percentile=45, region="1901", model_region="*")
    floor, status.MIN_SECONDS = status.MIN_SECONDS, 0
    try:
        client.cookies["django_language"] = "en"
        page = client.post("/publik/cek-status/", {"nik": "1901010105800001", "name": "Budi Santoso"}).text
    finally:
        status.MIN_SECONDS = floor
    assert f'<small id="status-coverage">({said})</small>' in page


def test_a_district_pulls_the_cut_points_by_api_and_imports_them(national, api_call, make_user):
    from mutakhir.registration.models import TokenPurpose

    call = api_call(TokenPurpose.PACKAGES)
    district, registrar = make_user(Role.DISTRICT_OPERATOR, "1901"), make_user(Role.REGISTRAR, "1901011001")
    url = f"/api/pmt-models/{national.pmt_model.name}/{national.pmt_model.version}/cutpoints"
    pulled = call("get", url, district)
    assert pulled.status_code == 200
    imported = cutpoints.import_cutpoints(json.dumps(pulled.json()).encode(), actor=district)
    assert imported.national_run == national.pk
    assert call("get", url, registrar).status_code == 403
    assert call("get", f"/api/pmt-models/{national.pmt_model.name}/99/cutpoints", district).status_code == 404
    from django.db import connection

    with connection.cursor() as cursor:  # runs are immutable: as if it had been a district's own run
        table = RankingRun._meta.db_table
        cursor.execute(f"UPDATE {table} SET region_code = '1901' WHERE id = %s", [national.pk])  # noqa: S608
    assert call("get", url, district).status_code == 404
