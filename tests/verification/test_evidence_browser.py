"""In a real browser: a PSM verifies a household with a photo of its front and the phone's location; the TKSK who
supervises sees the photo and the coordinates beside the answers."""

import os

import pytest
from conftest import SUNGAILIAT, VILLAGE_IN, new_page, sign_in
from evidence.photos import gps_of, jpeg_with_gps
from playwright.sync_api import expect

from mutakhir.accounts.models import Role
from mutakhir.core.models import PersonalDataAccess
from mutakhir.verification.models import Status, Verification

from .fixtures import make_entry, make_prelist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
HERE = {"latitude": -1.876543, "longitude": 106.123456, "accuracy": 12}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_psm_sends_a_photo_and_location_and_the_tksk_sees_them(browser, live_server, make_user, make_household,
                                                                   tmp_path, settings):
    operator, psm = make_user(Role.DISTRICT_OPERATOR, "1901"), make_user(Role.PSM, VILLAGE_IN)
    tksk = make_user(Role.TKSK, SUNGAILIAT)
    entry = make_entry(make_prelist(VILLAGE_IN, operator), make_household(VILLAGE_IN, members=2))
    front = tmp_path / "depan.jpg"
    front.write_bytes(jpeg_with_gps(size=(320, 240)))

    page = new_page(browser, live_server.url, geolocation=HERE, permissions=["geolocation"])
    sign_in(page, psm.username)
    page.get_by_role("link", name="Open verification").click()
    page.get_by_role("button", name="Verify this household").click()
    page.select_option("#id_outcome", "verified")
    page.fill("#id_hh-address", "Jl. Kenanga 7")
    page.fill("#id_hh-floor_area_m2", "36")
    for field, value in (("tenure", "2"), ("floor_material", "8"), ("wall_material", "4"), ("roof_material", "3"),
                         ("water_source", "5"), ("lighting", "4"), ("cooking_fuel", "10"), ("toilet", "6")):
        page.select_option(f"#id_hh-{field}", value)
    page.fill("#id_m-0-birth_date", "1980-05-01")
    page.fill("#id_m-1-birth_date", "2018-02-03")
    page.set_input_files("#id_ev-photo_front", str(front))
    page.get_by_role("button", name="Record my location").click()
    expect(page.locator("[data-geolocate-status]")).to_contain_text("-1.876543, 106.123456")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted")
    v = Verification.objects.get(entry=entry)
    assert v.status == Status.SUBMITTED and v.photo_front and v.location_accuracy == 12
    assert gps_of((settings.MEDIA_ROOT / v.photo_front.name).read_bytes()) == {}
    page.context.close()

    page = new_page(browser, live_server.url, width=1100)
    sign_in(page, tksk.username)
    page.get_by_role("link", name="Open verification").click()
    page.get_by_role("link", name=entry.household.household_id).click()
    evidence = page.locator("section.evidence")
    expect(evidence).to_contain_text("-1.876543, 106.123456")
    photo = evidence.get_by_role("img", name="Photo: front of the house")
    expect(photo).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 320", arg=photo.element_handle())
    expect(page.get_by_role("button", name="Accept")).to_be_visible()  # beside the answers, on the review page
    page.screenshot(path="/tmp/mutakhir-verification-evidence.png", full_page=True)  # noqa: S108
    assert PersonalDataAccess.objects.filter(user=tksk, fields="photo_front", object_id=str(v.pk)).exists()
    page.context.close()
