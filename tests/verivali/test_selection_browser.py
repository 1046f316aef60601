"""In a real browser: a district operator reviews flags, sends one to re-verification, previews the selection
and commits it; the household shows up on the village's new prelist with what to check."""

import os

import pytest
from conftest import BANGKA, VILLAGE_IN, new_page, sign_in
from playwright.sync_api import expect

from mutakhir.identification.models import PrelistEntry
from mutakhir.verivali.models import SignalFlag

from .signals_data import flag, open_period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(browser, live_server):
    """A desktop-wide English page, patient with a shared, busy machine."""
    page = new_page(browser, live_server.url, width=1200, timeout=60_000)
    yield page
    page.context.close()


def test_an_operator_sends_a_flag_to_reverification_and_selects_it(page, make_user, make_household):
    operator = make_user("district_operator", BANGKA)
    period = open_period()
    flag(make_household(VILLAGE_IN, household_id="H-MOBIL", has_car=False))
    flag(make_household(VILLAGE_IN, household_id="H-LAIN", has_car=False))
    sign_in(page, operator.username)

    page.goto("/verivali/flags/")
    expect(page.locator("table")).to_contain_text("1 car(s) registered")
    page.get_by_label("H-MOBIL").check()
    page.get_by_role("button", name="Send to re-verification").click()
    expect(page.locator(".note")).to_contain_text("1 flag(s) changed.")
    assert SignalFlag.objects.get(household__household_id="H-MOBIL").status == "sent"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Verivali").click()
    page.get_by_role("link", name="Open the selection").click()
    expect(page.locator("#id_period option").first).to_have_text("Choose an update period")
    box, label = page.locator("#id_signals").bounding_box(), page.locator('label[for="id_signals"]').bounding_box()
    assert box["width"] < 40 and label["y"] <= box["y"] + box["height"] / 2 <= label["y"] + label["height"]  # inline
    page.select_option("#id_period", str(period.pk))
    page.fill("#id_months", "0")
    page.fill("#id_quota", "1")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("main")).to_contain_text("1 households selected of 2 candidates.")
    page.get_by_role("button", name="Commit: put these households on the next prelists").click()
    expect(page.locator("table")).to_contain_text("H-MOBIL")
    expect(page.locator("table")).not_to_contain_text("H-LAIN")  # the sent flag comes first; quota 1
    entry = PrelistEntry.objects.get(category="verivali")
    assert entry.household.household_id == "H-MOBIL" and entry.prelist.region_id == VILLAGE_IN
    page.get_by_role("link", name="v1").click()
    expect(page.locator("table")).to_contain_text("Administrative signal: Samsat: 1 car(s) registered")
