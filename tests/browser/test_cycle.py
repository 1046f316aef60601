"""In a real browser: a district operator opens the cycle dashboard from home, follows a count to the list behind
it, then creates an update period, closes the open one, opens the new one and closes it again."""

import os

import pytest
from conftest import BANGKA, VILLAGE_IN, sign_in
from cycle import scenario
from playwright.sync_api import expect

from mutakhir.accounts.models import Role
from mutakhir.registry.models import UpdatePeriod

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_an_operator_follows_the_cycle_and_manages_periods(page, make_user):
    period = scenario.build(make_user)["period"]
    operator = make_user(Role.DISTRICT_OPERATOR, BANGKA, username="operator")
    sign_in(page, operator.username)
    page.get_by_role("link", name="Open the cycle dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Where the cycle stands")
    expect(page.locator("svg.chart").first).to_be_visible()
    page.locator(f'a[href="/registrations/?period={period.pk}&region={VILLAGE_IN}&channel=aktif"]').click()
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("2 rows · page 1 of 1")
    expect(page.locator("tbody tr")).to_have_count(2)

    page.goto("/")
    page.get_by_role("link", name="Update periods").click()
    page.get_by_role("link", name="New update period").click()
    page.fill("#id_name", "MPM Bangka 2027")
    page.fill("#id_starts_on", "2027-01-04")
    page.fill("#id_registration_deadline", "2027-02-26")
    page.fill("#id_verification_deadline", "2027-01-31")
    page.locator("form button.primary").click()
    expect(page.locator("#id_verification_deadline ~ p.error")).to_contain_text(
        "verification deadline must not fall before registration deadline")
    page.fill("#id_verification_deadline", "2027-05-31")
    page.locator("form button.primary").click()
    expect(page.get_by_role("status")).to_contain_text("Update period created")

    page.get_by_role("row", name="MPM Bangka 2026").get_by_role("button", name="Close").click()
    expect(page.get_by_role("status")).to_contain_text("Update period closed.")
    page.get_by_role("row", name="MPM Bangka 2027").get_by_role("button", name="Open").click()
    expect(page.get_by_role("status")).to_contain_text("Update period opened.")
    page.get_by_role("row", name="MPM Bangka 2027").get_by_role("button", name="Close").click()
    expect(page.get_by_role("status")).to_contain_text("Update period closed.")
    assert not UpdatePeriod.objects.filter(region_id=BANGKA, status=UpdatePeriod.Status.OPEN).exists()
    new = UpdatePeriod.objects.get(name="MPM Bangka 2027")
    assert [h.history_change_reason for h in new.history.order_by("history_id")] == ["created", "opened", "closed"]
