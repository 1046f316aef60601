"""In a real browser, in Indonesian: the national team downloads the signed cut-points of its run, a district
operator imports them from the ranking page, and a run made with them says its desil are national."""

import os

import pytest
from conftest import open_as
from playwright.sync_api import expect
from ranking.registry import fill_registry, fit_registry_model

from mutakhir.accounts.models import Role
from mutakhir.core import signing
from mutakhir.ranking import cutpoints
from mutakhir.ranking.models import CutPointSet, RankingRun
from mutakhir.ranking.services import do_publish_model, do_rank_registry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_national_cut_points_go_from_a_run_page_to_a_district_run(browser, live_server, make_user, make_household,
                                                                  settings, tmp_path):
    settings.MEDIA_ROOT, settings.VAR_DIR = tmp_path / "media", tmp_path / "var"
    cutpoints.trust_national_key(signing.create_key(cutpoints.NATIONAL_KEY))
    fill_registry(make_household)
    version = do_publish_model(fit_registry_model(tmp_path / "survey.csv").to_dict(), name="pmt")
    national_run = do_rank_registry(version)
    national, operator = make_user(Role.NATIONAL), make_user(Role.DISTRICT_OPERATOR, "1901")

    desk = open_as(browser, live_server, national)
    desk.get_by_role("link", name="Buka pemeringkatan").click()
    desk.get_by_role("link", name=f"#{national_run.pk}").click()
    expect(desk.locator("#desil-basis")).to_contain_text("Desil relatif terhadap kabupaten ini")
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Unduh titik potong bertanda tangan").click()
    signed = tmp_path / "cutpoints.json"
    download.value.save_as(signed)

    page = open_as(browser, live_server, operator)
    page.get_by_role("link", name="Buka pemeringkatan").click()
    page.get_by_role("link", name="Impor titik potong nasional").click()
    page.set_input_files("input[type=file]", str(signed))
    page.get_by_role("button", name="Impor").click()
    expect(page.locator("#cutpoints")).to_contain_text(f"Titik potong nasional dari pemeringkatan #{national_run.pk}")
    imported = CutPointSet.objects.get()

    desk.goto("/ranking/")
    desk.select_option("#id_cutpoints", str(imported.pk))
    desk.get_by_role("button", name="Mulai pemeringkatan").click()
    expect(desk.locator("#desil-basis")).to_contain_text("Desil nasional")
    run = RankingRun.objects.latest("pk")
    assert run.cutpoints == imported and run.pk != national_run.pk
