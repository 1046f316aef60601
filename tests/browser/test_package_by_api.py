"""In a real browser, in Indonesian: with the national team in another installation reached by API, the district
head sends the package from the decree page, then clicks "Perbarui status" until it says applied (issue 22.1).
The national installation's answers are stood in for here; tests/decrees/test_two_installations.py talks to a
real one."""

import os

import pytest
from conftest import VILLAGE_IN, new_page, sign_in
from decrees.test_decrees import compile_decree
from decrees.test_package import complete
from playwright.sync_api import expect
from verification.fixtures import accept, make_entry, make_prelist

from mutakhir.accounts.models import Role
from mutakhir.decrees import national
from mutakhir.decrees.models import PackageDispatch
from mutakhir.decrees.services import do_approve_decree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_the_district_follows_its_package_on_the_national_installation(browser, live_server, make_user,
                                                                       make_household, district_key, settings,
                                                                       monkeypatch):
    operator, head = make_user(Role.DISTRICT_OPERATOR, "1901"), make_user(Role.DISTRICT_HEAD, "1901")
    psm, tksk = make_user(Role.PSM, VILLAGE_IN), make_user(Role.TKSK, "190101")
    entry = make_entry(make_prelist(VILLAGE_IN, operator), make_household(VILLAGE_IN, members=2))
    accept(entry, psm, tksk, complete(entry, floor_material=2))
    decree = do_approve_decree(compile_decree(operator), actor=head)
    settings.NATIONAL_INBOX = "https://nasional.example"
    answers = iter(["received", "received", "applied"])

    def national_answers(method, path, body=None, content_type=""):
        sha = PackageDispatch.objects.get().sha256
        return {"id": 41, "received_at": "2026-12-07T10:00:00+00:00",
                "acknowledgement": {"sha256": sha, "status": next(answers), "reason": "",
                                    "at": "2026-12-07T10:00:00+00:00"}}

    monkeypatch.setattr(national, "call", national_answers)
    page = new_page(browser, live_server.url, locale="id-ID", width=1100)
    sign_in(page, head.username)
    page.get_by_role("link", name="SK untuk ditandatangani").click()
    page.get_by_role("link", name=decree.number).click()
    page.get_by_role("button", name="Kirim paket ke tim nasional").click()
    expect(page.locator("#dispatch-status")).to_have_text("Diterima tim nasional")
    page.get_by_role("button", name="Perbarui status").click()
    expect(page.locator("#dispatch-status")).to_have_text("Diterima tim nasional")
    page.get_by_role("button", name="Perbarui status").click()
    expect(page.locator("#dispatch-status")).to_have_text("Diterapkan ke basis data")
    expect(page.locator("#dispatch-answers tbody tr")).to_have_count(2)  # received, applied: each answer once
    expect(page.get_by_role("button", name="Perbarui status")).to_have_count(0)
