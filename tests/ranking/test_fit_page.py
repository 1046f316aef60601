"""Fitting a PMT model in the app: upload a survey, choose its columns, fit in the background, publish."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from mutakhir.accounts.models import Role, User
from mutakhir.core.models import JobRun
from mutakhir.ranking.columns import default_settings, read_columns
from mutakhir.ranking.models import PmtModelVersion, PmtSurvey

from .data import draw, write


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def survey_file(tmp_path):
    """A survey whose columns carry the registry's names, plus one the registry lacks and a village code."""
    cols = draw(300, 4)
    cols["household_size"] = cols.pop("hh_size")
    cols["n_children"] = [i % 4 for i in range(300)]
    cols["region_code"] = [f"{r}011001" for r in cols["region"]]
    return write(tmp_path / "susenas.csv", cols)


@pytest.fixture
def national(client, regions):
    user = User.objects.create_user("pokja", password="x", role=Role.NATIONAL)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return user


def upload(client, path, name="susenas.csv"):
    with open(path, "rb") as handle:  # noqa: PTH123
        return client.post(reverse("ranking:fit_upload"), {"file": SimpleUploadedFile(name, handle.read())})


def initial(form) -> dict:
    """Return the form's suggested choices as POST data."""
    return {k: v for k, v in form.initial.items() if v not in (None, "")}


def test_it_suggests_target_weight_region_and_the_registrys_variables(survey_file):
    rows, columns = read_columns(survey_file)
    settings = default_settings(columns)
    assert rows == 300 and {"name": "household_id", "numeric": False} in columns
    assert (settings.target, settings.weight, settings.region_column) == ("log_consumption_pc", "weight", "region")
    assert settings.categorical == ["floor_material"] and settings.log == ["floor_area_m2", "household_size"]
    assert settings.ignore == ["n_children", "region_code"]  # not in the registry; the village code is no variable


def test_the_national_team_fits_and_publishes_the_same_model_as_the_command(
        client, national, survey_file, tmp_path, django_capture_on_commit_callbacks):
    response = upload(client, survey_file)
    survey = PmtSurvey.objects.get()
    assert response.url == reverse("ranking:fit_settings", args=[survey.pk]) and survey.rows == 300
    page = client.get(response.url)
    assert b"susenas.csv" in page.content and b'value="log_consumption_pc" selected' in page.content
    data = initial(page.context["form"]) | {"folds": 3}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ranking:fit_settings", args=[survey.pk]), data)
    job = JobRun.objects.get(kind="pmt_fit")
    assert response.url == reverse("ranking:fit_job", args=[job.pk]) and job.state == JobRun.State.DONE, job.error
    page = client.get(response.url).content.decode()
    assert "Cross-validation report" in page and "Exclusion error at 40%" in page and "300 of 300 survey rows" in page
    response = client.post(reverse("ranking:fit_job", args=[job.pk]), {"name": "pmt-2026", "note": "SUSENAS 2026"})
    assert response.url == reverse("ranking:index")
    version = PmtModelVersion.objects.get()
    assert (version.name, version.version, version.uploaded_by) == ("pmt-2026", 1, national)
    call_command("pmt", "fit", "--data", survey_file, "--target", "log_consumption_pc", "--weight", "weight",
                 "--region-column", "region", "--categorical", "floor_material",
                 "--log", "floor_area_m2,household_size", "--ignore", "n_children,region_code", "--folds", "3",
                 "--out", str(tmp_path / "m.json"))
    cli = json.loads((tmp_path / "m.json").read_text())
    assert version.content["models"] == cli["models"] and version.content["validation"]["regional"] == \
        cli["validation"]["regional"]
    assert version.content["survey"]["sha256"] == cli["survey"]["sha256"] == survey.sha256
    index = client.get(reverse("ranking:index")).content.decode()
    assert "Published pmt-2026 v1: it can now rank the registry." in index and '<option value="' in index


def test_it_refuses_a_file_that_is_no_survey(client, national, tmp_path):
    (tmp_path / "notes.txt").write_text("a,b\n1,2\n")
    response = upload(client, tmp_path / "notes.txt", name="notes.txt")
    assert response.status_code == 400 and b"must be a .csv or .parquet file" in response.content
    (tmp_path / "empty.csv").write_text("a,b\n")
    response = upload(client, tmp_path / "empty.csv", name="empty.csv")
    assert response.status_code == 400 and b"has no rows" in response.content
    assert not PmtSurvey.objects.exists()


def test_it_refuses_a_column_used_twice(client, national, survey_file, django_capture_on_commit_callbacks):
    survey = PmtSurvey.objects.get(pk=upload(client, survey_file).url.split("/")[-2])
    page = client.get(reverse("ranking:fit_settings", args=[survey.pk]))
    data = initial(page.context["form"])
    url = reverse("ranking:fit_settings", args=[survey.pk])
    response = client.post(url, data | {"variables": [*data["variables"], "weight"]})
    assert response.status_code == 400 and b"both a variable and the target, weight" in response.content
    response = client.post(url, data | {"categorical": ["household_size"]})
    assert response.status_code == 400 and b"cannot be taken as a logarithm: household_size" in response.content
    assert not JobRun.objects.exists()


def test_a_failed_fit_says_why_and_offers_no_publishing(client, national, tmp_path, django_capture_on_commit_callbacks):
    path = write(tmp_path / "s.csv", {"log_consumption_pc": [7, 8], "weight": [0, 0], "floor_area_m2": [1, 2]})
    survey = PmtSurvey.objects.get(pk=upload(client, path, name="s.csv").url.split("/")[-2])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ranking:fit_settings", args=[survey.pk]),
                    {"target": "log_consumption_pc", "weight": "weight", "variables": ["floor_area_m2"], "folds": 2})
    job = JobRun.objects.get()
    page = client.get(reverse("ranking:fit_job", args=[job.pk])).content.decode()
    assert "The job failed" in page and "Publish this model" not in page
    assert client.post(reverse("ranking:fit_job", args=[job.pk]), {"name": "x"}).status_code == 200
    assert not PmtModelVersion.objects.exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.NATIONAL])
def test_only_the_national_team_fits(client, regions, role, survey_file):
    region = {Role.REGISTRAR: "1901011001", Role.PSM: "1901011001", Role.TKSK: "190101"}.get(role, "1901")
    client.force_login(User.objects.create_user("u", password="x", role=role, region_id=region))
    assert upload(client, survey_file).status_code == 403
    assert client.get(reverse("ranking:fit_upload")).status_code == 403
