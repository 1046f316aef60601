"""In a real browser: an operator matches a period, reviews a pair (seeing why it is uncertain), freezes a prelist
and downloads its PDF, saying why, then freezes every village's after confirming a summary."""

import os
import re

import pytest
from conftest import new_page, sign_in
from playwright.sync_api import expect

from mutakhir.core.models import PersonalDataAccess
from mutakhir.identification.models import Prelist

from . import scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(browser, live_server):
    # The match itself runs within the start request (immediate tasks): a long timeout.
    page = new_page(browser, live_server.url, width=1100, timeout=60_000, accept_downloads=True)
    yield page
    page.context.close()


def test_an_operator_matches_reviews_freezes_and_prints(page, operator, period, tmp_path):
    period, _expected = period
    scenario.duplicate_registry_household("B00000")
    sign_in(page, operator.username)
    page.get_by_role("link", name="Open identification").click()
    page.get_by_label("Update period").select_option(label=f"{period.name} · {period.region.name}")
    page.get_by_role("button", name="Start matching").click()
    expect(page.get_by_role("status").filter(has_text="Done")).to_be_visible()
    expect(page.get_by_role("heading", name="Result")).to_be_visible()

    page.get_by_role("link", name="Open the review queue").first.click()
    page.get_by_role("link", name="REG-0000").click()
    expect(page.get_by_text("Paired").first).to_be_visible()
    expect(page.locator("#review-reasons")).to_contain_text("More than one registry household could be this household.")
    page.get_by_label("Note").fill("same family, registry copy")
    page.get_by_role("button", name="Accept: same household").click()
    expect(page.get_by_text("Nothing to review.")).to_be_visible()

    page.get_by_role("link", name="Initial identification").click()
    page.locator("a[href*='/identification/runs/']").first.click()
    page.get_by_role("button", name="Freeze the prelist of").first.click()
    expect(page.get_by_role("heading", name="Prelist")).to_be_visible()
    page.get_by_role("link", name="Download PDF").click()
    page.get_by_label("Reason for the download").fill("Kunjungan lapangan TKSK")  # no file without a reason
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF") and path.name.endswith(".pdf")
    log = PersonalDataAccess.objects.get(action="export", fields="pdf")
    assert log.reason == "Kunjungan lapangan TKSK"

    # Every village at once: a summary to confirm first, then the prelists.
    page.get_by_role("link", name="Home").click()
    page.get_by_role("link", name="Open identification").click()
    page.locator("a[href*='/identification/runs/']").first.click()
    page.get_by_role("link", name="Freeze the prelists of all villages").click()
    expect(page.get_by_role("heading", name="Freeze the prelists of all villages?")).to_be_visible()
    expect(page.locator("#freeze-summary")).to_contain_text("1 village already has a frozen prelist")
    frozen = Prelist.objects.count()
    page.get_by_role("button", name=re.compile(r"Yes, freeze \d+ prelists")).click()
    expect(page.get_by_role("heading", name="Prelists")).to_be_visible()
    assert Prelist.objects.count() > frozen
