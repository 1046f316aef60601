"""The national team fits a PMT model from the browser and ranks the registry with it: no command line."""

import csv
import os

import pytest
from conftest import VILLAGE_IN, new_page, sign_in
from playwright.sync_api import expect

from mutakhir.accounts.models import Role
from mutakhir.ranking.models import PmtModelVersion, RankingRun

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = new_page(browser, live_server.url, width=1100, timeout=30_000)
    yield page
    page.context.close()


def write_survey(path) -> str:
    """A small survey with the registry's column names (what the fit page suggests as variables)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:  # noqa: PTH123
        out = csv.writer(handle)
        out.writerow(["household_id", "region", "floor_area_m2", "floor_material", "has_car", "household_size",
                      "log_consumption_pc", "weight"])
        for i in range(120):
            area, floor, car, size = 20 + (i * 7) % 90, (1, 2, 6, 8)[i % 4], i % 5 == 0, 1 + i % 6
            y = 12 + 0.004 * area + {1: 0.4, 2: 0.2, 8: -0.3}.get(floor, 0) + 0.5 * car - 0.1 * size + (i % 7) / 20
            out.writerow([f"S{i}", "1901", area, floor, int(car), size, round(y, 4), 1 + i % 3])
    return str(path)


def test_the_national_team_fits_publishes_and_ranks_from_the_browser(page, make_user, make_household, tmp_path):
    for i in range(6):
        make_household(VILLAGE_IN, members=1 + i % 3, floor_area_m2=20 + 15 * i, floor_material=(1, 2, 6, 8)[i % 4])
    make_user(Role.NATIONAL, username="pokja")
    sign_in(page, "pokja")
    page.get_by_role("link", name="Open ranking").click()
    expect(page.get_by_text("No model version is published yet.")).to_be_visible()
    page.get_by_role("link", name="Fit a model from a survey").first.click()
    page.get_by_label("Survey file (CSV or Parquet)").set_input_files(write_survey(tmp_path / "susenas-2026.csv"))
    page.get_by_role("button", name="Upload and choose the columns").click()
    expect(page.get_by_text("Survey susenas-2026.csv: 120 rows, 8 columns.")).to_be_visible()
    expect(page.get_by_label("Target (to predict)")).to_have_value("log_consumption_pc")
    expect(page.get_by_label("Survey weight")).to_have_value("weight")
    expect(page.get_by_label("Region (one model per region code)")).to_have_value("region")
    page.get_by_role("group", name="Variables").get_by_label("has_car").uncheck()
    page.get_by_label("Cross-validation folds").fill("4")
    page.get_by_role("button", name="Fit the model").click()
    expect(page.get_by_role("heading", name="Cross-validation report")).to_be_visible()
    expect(page.get_by_text("120 of 120 survey rows used")).to_be_visible()
    expect(page.get_by_role("cell", name="Regional models", exact=True)).to_be_visible()
    page.get_by_label("Name").fill("pmt-2026")
    page.get_by_label("Note").fill("SUSENAS Maret 2026")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published pmt-2026 v1: it can now rank the registry.")).to_be_visible()
    version = PmtModelVersion.objects.get()
    assert {v["name"] for v in version.content["variables"]} == {"floor_area_m2", "floor_material", "household_size"}
    assert version.content["validation"]["folds"] == 4 and version.content["survey"]["file"] == "susenas-2026.csv"
    page.get_by_role("button", name="Start ranking").click()
    expect(page.get_by_role("heading", name="Ranking run")).to_be_visible()
    run = RankingRun.objects.get()
    assert run.pmt_model == version and run.households == 6
