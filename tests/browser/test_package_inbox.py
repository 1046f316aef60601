"""In a real browser, in Indonesian: the district head sends an approved decree's package, the national team
checks its dry run and applies it, and the district sees that it was applied (issue 15.1)."""

import os

import pytest
from conftest import VILLAGE_IN, open_as
from decrees.test_decrees import compile_decree
from decrees.test_package import complete
from playwright.sync_api import expect
from verification.fixtures import accept, make_entry, make_prelist

from mutakhir.accounts.models import Role
from mutakhir.decrees.services import do_approve_decree
from mutakhir.registry.models import Household, PackageSubmission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_package_goes_from_the_decree_page_to_the_registry(browser, live_server, make_user, make_household,
                                                            district_key):
    operator, head = make_user(Role.DISTRICT_OPERATOR, "1901"), make_user(Role.DISTRICT_HEAD, "1901")
    psm, tksk, national = make_user(Role.PSM, VILLAGE_IN), make_user(Role.TKSK, "190101"), make_user(Role.NATIONAL)
    entry = make_entry(make_prelist(VILLAGE_IN, operator), make_household(VILLAGE_IN, members=2))
    accept(entry, psm, tksk, complete(entry, floor_material=2))
    decree = do_approve_decree(compile_decree(operator), actor=head)

    page = open_as(browser, live_server, head)
    page.get_by_role("link", name="SK untuk ditandatangani").click()
    page.get_by_role("link", name=decree.number).click()
    page.get_by_role("button", name="Kirim paket ke tim nasional").click()
    expect(page.locator("#dispatch-status")).to_have_text("Diterima tim nasional")

    desk = open_as(browser, live_server, national)
    desk.get_by_role("link", name="Buka kotak masuk paket").click()
    expect(desk.get_by_role("table")).to_contain_text(decree.number)
    desk.get_by_role("table").get_by_role("link").first.click()
    expect(desk.get_by_role("heading", name="Uji coba: yang akan berubah bila diterapkan")).to_be_visible()
    expect(desk.get_by_role("row", name="Rumah tangga").get_by_role("cell")).to_have_text(["0", "1", "0"])
    desk.get_by_role("button", name="Terapkan ke basis data").click()
    expect(desk.locator("#package-status")).to_have_text("Diterapkan ke basis data")  # the test backend runs it at once
    assert PackageSubmission.objects.get().status == "applied"
    assert Household.objects.get(pk=entry.household_id).floor_material == 2

    page.reload()
    expect(page.locator("#dispatch-status")).to_have_text("Diterapkan ke basis data")
