"""In a real browser, by clicking only: a village registrar finds the API tokens page in the menu, makes a
token for their village system, sees the key once, uses it, and revokes it."""

import os
import re

import pytest
from conftest import VILLAGE_IN, new_page, sign_in
from playwright.sync_api import expect

from mutakhir.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def api_status(page, key: str) -> int:
    """What the API answers the key, asked from outside the browser session (no cookies of the page)."""
    response = page.context.request.get("/api/registrations/", headers={"Authorization": f"Bearer {key}"})
    return response.status


def test_a_registrar_makes_uses_and_revokes_a_token(browser, live_server, make_user):
    make_user(Role.REGISTRAR, VILLAGE_IN, username="kasi-token")
    page = new_page(browser, live_server.url, locale="id-ID", width=1200)
    sign_in(page, "kasi-token")
    page.get_by_role("navigation", name="Utama").get_by_role("link", name="Akses API").click()
    expect(page).to_have_url(re.compile(r"/accounts/api-tokens/$"))
    page.get_by_label("Untuk apa token ini").fill("OpenSID Desa Sungailiat")
    page.get_by_label("Keperluan").select_option("registrations")
    page.get_by_role("button", name="Buat token").click()
    key = page.locator("#new-token").inner_text()
    assert key.startswith("mtk_")
    expect(page.get_by_role("cell", name=re.compile("OpenSID Desa Sungailiat"))).to_be_visible()
    assert api_status(page, key) == 200
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)  # shown once
    page.get_by_role("button", name="Cabut").click()
    expect(page.get_by_role("cell", name=re.compile("^dicabut"))).to_be_visible()
    assert api_status(page, key) == 401
    page.context.close()
