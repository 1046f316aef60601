"""The whole MPM cycle in the browser, each step by the role that does it in real life (issue 15.7).

A citizen registers at the village desk; the district operator matches and freezes the prelist; the PSM
verifies and the TKSK accepts; the operator drafts and the district head approves the decree and sends its
package; the national team applies it, ranks the registry and draws a program list; the citizen's public
check then shows the household's stage, desil and program. No command line: the setup holds only what
exists before a cycle starts (the region list, the registry, an open update period, accounts, a published
PMT model, a program and the district's signing key).
"""

import datetime as dt
import os
import re

import pytest
from conftest import BANGKA, VILLAGE_IN, new_page, sign_in
from django.core.cache import cache
from playwright.sync_api import expect
from ranking.registry import fill_registry, fit_registry_model

from mutakhir.accounts.models import Role
from mutakhir.ranking.models import RankingResult
from mutakhir.ranking.services import do_publish_model
from mutakhir.registration import status as status_checks
from mutakhir.registration.models import Registration
from mutakhir.registry.models import Household, UpdatePeriod
from mutakhir.targeting.services import do_create_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HEAD_NIK, KK = "1901010105800001", "1901011503200003"
DECREE = "400.9/21/DINSOS/2026"


@pytest.fixture
def cycle(make_user, make_household, district_key, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_SHOWS_DESIL = [BANGKA]  # the district publishes desil and programs on the public check
    monkeypatch.setattr(status_checks, "MIN_SECONDS", 0)
    cache.clear()
    period = UpdatePeriod.objects.create(region_id=BANGKA, name="MPM Bangka 2026", starts_on=dt.date(2026, 1, 1))
    fill_registry(make_household)
    do_publish_model(fit_registry_model(tmp_path / "survey.csv").to_dict(), name="pmt-2026")
    do_create_program("PKH", "desil <= 10", "household")
    users = {role: make_user(role, region, username=name) for role, region, name in (
        (Role.REGISTRAR, VILLAGE_IN, "kasi"), (Role.DISTRICT_OPERATOR, BANGKA, "operator"),
        (Role.PSM, VILLAGE_IN, "psm"), (Role.TKSK, "190101", "tksk"), (Role.DISTRICT_HEAD, BANGKA, "bupati"),
        (Role.NATIONAL, None, "pokja"))}
    return period, users


def as_user(browser, live_server, username):
    page = new_page(browser, live_server.url, width=1100, timeout=60_000)
    sign_in(page, username)
    return page


def register(page) -> str:
    page.get_by_role("link", name="Open registrations").click()
    page.get_by_role("link", name="New registration (at the office)").click()
    expect(page.locator("#id_region_code")).to_have_value(VILLAGE_IN)
    page.fill("#id_address", "Jl. Melati No. 3")
    page.fill("#id_members-0-nik", HEAD_NIK)
    page.fill("#id_members-0-kk", KK)
    page.fill("#id_members-0-name", "Budi Santoso")
    page.select_option("#id_members-0-sex", "1")
    page.click("#add-member")
    page.fill("#id_members-1-name", "Sri Wahyuni")
    page.select_option("#id_members-1-relation", "2")
    page.select_option("#id_members-1-sex", "2")
    page.select_option("#id_id_document_seen", "ktp")
    page.check("#id_consent")
    page.locator("form button.primary").click()
    number = page.locator("#registration-number").inner_text()
    assert Registration.objects.filter(number=number).exists()
    return number


def match_and_freeze(page, period) -> None:
    page.get_by_role("link", name="Open identification").click()
    page.get_by_label("Update period").select_option(label=f"{period.name} · {period.region.name}")
    page.get_by_role("button", name="Start matching").click()
    expect(page.get_by_role("status").filter(has_text="Done")).to_be_visible()
    page.get_by_role("button", name=re.compile("Freeze the prelist of")).first.click()
    expect(page.get_by_role("heading", name="Prelist")).to_be_visible()


def verify(page, number) -> None:
    page.get_by_role("link", name="Open verification").click()
    page.get_by_role("listitem").filter(has_text=number).get_by_role("button", name="Verify this household").click()
    page.select_option("#id_outcome", "verified")
    for field, value in (("tenure", "2"), ("floor_material", "8"), ("wall_material", "4"), ("roof_material", "3"),
                         ("water_source", "5"), ("lighting", "4"), ("cooking_fuel", "10"), ("toilet", "6")):
        page.select_option(f"#id_hh-{field}", value)
    page.fill("#id_hh-floor_area_m2", "24")
    page.fill("#id_m-0-birth_date", "1980-05-01")
    page.fill("#id_m-1-birth_date", "1982-06-05")
    page.select_option("#id_m-1-pregnant", "0")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted")


def accept(page, number) -> None:
    page.get_by_role("link", name="Open verification").click()
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status").first).to_contain_text("Accepted")


def draft_decree(page, period) -> None:
    page.get_by_role("link", name="Open decrees").click()
    page.select_option("#id_update_period", str(period.pk))
    page.fill("#id_number", DECREE)
    page.fill("#id_date", "2026-03-01")
    page.fill("#id_legal_basis", "Permensos 3/2021")
    page.fill("#id_signer_name", "H. Mulkan")
    page.get_by_role("button", name="Compile draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(DECREE)


def approve_and_send(page) -> None:
    page.get_by_role("link", name="Decrees to sign").click()
    page.get_by_role("link", name=DECREE).click()
    page.get_by_role("button", name="Approve the decree").click()
    expect(page.get_by_text("Approved by")).to_be_visible()  # the test backend runs the job at once
    page.get_by_role("button", name="Send the package to the national team").click()
    expect(page.locator("#dispatch-status")).to_have_text("Received by the national team")


def apply_rank_and_draw(page) -> None:
    page.get_by_role("link", name="Open the package inbox").click()
    page.get_by_role("table").get_by_role("link").first.click()
    page.get_by_role("button", name="Apply to the registry").click()
    expect(page.locator("#package-status")).to_have_text("Applied to the registry")
    page.goto("/")
    page.get_by_role("link", name="Open ranking").click()
    page.get_by_role("button", name="Start ranking").click()
    expect(page.get_by_role("heading", name="Ranking run")).to_be_visible()
    page.goto("/")
    page.get_by_role("link", name="Open programs").click()
    page.get_by_role("link", name="PKH").click()
    page.get_by_role("button", name="Draw the list").click()
    expect(page.get_by_role("heading", name=re.compile("Beneficiary list"))).to_be_visible()


def check_status(page, number) -> tuple[str, str, str]:
    page.goto("/")
    page.locator("#main").get_by_role("link", name="Check status").click()
    page.fill("#id_nik", HEAD_NIK)
    page.fill("#id_name", "Budi Santoso")
    page.locator("form button.primary").click()
    expect(page.locator("#status-answer")).to_contain_text(number)
    return (page.locator("#status-stage").inner_text(), page.locator("#status-desil").inner_text(),
            page.locator("#status-programs").inner_text())


def test_the_mpm_cycle_closes_in_the_browser(browser, live_server, cycle):
    period, users = cycle
    number = register(as_user(browser, live_server, "kasi"))
    match_and_freeze(as_user(browser, live_server, "operator"), period)
    verify(as_user(browser, live_server, "psm"), number)
    accept(as_user(browser, live_server, "tksk"), number)
    draft_decree(as_user(browser, live_server, "operator"), period)
    head = as_user(browser, live_server, "bupati")
    approve_and_send(head)
    apply_rank_and_draw(as_user(browser, live_server, "pokja"))
    head.reload()
    expect(head.locator("#dispatch-status")).to_have_text("Applied to the registry")

    household = Household.objects.get(household_id=number)  # the registration is a registry household now
    desil = RankingResult.objects.get(household_id=household.household_id).desil
    citizen = new_page(browser, live_server.url, width=420)
    stage, shown_desil, programs = check_status(citizen, number)
    assert (shown_desil, programs) == (str(desil), "PKH")
    assert stage.startswith("In the program lists: PKH"), stage
