"""Verivali is reachable (main navigation, home, its start page), its selection form reads in Indonesian, and a
re-verification prelist version stays current beside a later match-run version of the village."""

import datetime as dt

import pytest

from mutakhir.accounts.models import Role
from mutakhir.identification.models import Category, MatchRun, Prelist, PrelistEntry
from mutakhir.registry.models import UpdatePeriod

READERS = {Role.DISTRICT_OPERATOR: "1901", Role.NATIONAL: None, Role.AUDITOR: "1901", Role.DISTRICT_HEAD: "1901"}
OTHERS = {Role.REGISTRAR: "1901011001", Role.PSM: "1901011001", Role.TKSK: "190101", Role.PROGRAM_MANAGER: None}
NAV_LINK = '<a href="/verivali/"'


@pytest.fixture(autouse=True)
def indonesian(settings):
    settings.LANGUAGE_CODE = "id"


@pytest.mark.parametrize("role", list(READERS))
def test_readers_get_the_link_in_the_navigation_and_on_home(role, make_user, client):
    client.force_login(make_user(role, READERS[role]))
    home = client.get("/")
    assert home.text.count(NAV_LINK) == 1  # the navigation
    assert 'class="button primary" href="/verivali/"' in home.text and "Buka verivali" in home.text
    index = client.get("/verivali/")
    assert index.status_code == 200 and 'aria-current="page">Verivali</a>' in index.text
    assert ('href="/verivali/sync/"' in index.text) is (role != Role.DISTRICT_HEAD)  # the head has no sync access
    assert 'href="/verivali/selection/"' in index.text


@pytest.mark.parametrize("role", list(OTHERS))
def test_other_roles_get_no_link_and_no_page(role, make_user, client):
    client.force_login(make_user(role, OTHERS[role]))
    home = client.get("/")
    assert NAV_LINK not in home.text and 'href="/verivali/"' not in home.text
    assert client.get("/verivali/").status_code == 403


def test_the_selection_form_has_a_translated_placeholder_and_inline_checkboxes(make_user, client):
    UpdatePeriod.objects.create(region_id="1901", name="2025", starts_on=dt.date(2025, 1, 1))
    client.force_login(make_user(Role.DISTRICT_OPERATOR, "1901"))
    page = client.get("/verivali/selection/").text
    assert "Select an option" not in page
    assert '<option value="" selected>Pilih periode pemutakhiran</option>' in page
    assert '<label class="check" for="id_signals"><input type="checkbox" name="signals"' in page
    assert "verivali/verivali.css" in page
    response = client.get("/verivali/selection/?months=24&quota=30&jump=3")
    assert "Pilih periode pemutakhiran (kabupaten/kota) tempat rumah tangga dipilih." in response.text


@pytest.fixture
def versions(make_user, make_household):
    """v1 and v3 frozen from match runs, v2 a re-verification version, in one village."""
    operator = make_user(Role.DISTRICT_OPERATOR, "1901")
    period = UpdatePeriod.objects.create(region_id="1901", name="2025", starts_on=dt.date(2025, 1, 1))
    run = MatchRun.objects.create(update_period=period, region_id="1901", created_by=operator)
    made = {}
    for version, match_run, category in ((1, run, Category.NEW), (2, None, Category.VERIVALI),
                                         (3, run, Category.NEW)):
        made[version] = Prelist.objects.create(update_period=period, region_id="1901011001", version=version,
                                               match_run=match_run, frozen_by=operator)
        PrelistEntry.objects.create(prelist=made[version], household=make_household("1901011001"),
                                    category=category)
    return operator, made


def _row(page: str, prelist) -> str:
    start = page.index(f'href="/identification/prelists/{prelist.pk}/"')
    return page[start:page.index("</tr>", start)]


def test_the_prelist_list_keeps_the_verivali_version_current_beside_the_newest_match_version(versions, client):
    operator, made = versions
    client.force_login(operator)
    page = client.get("/identification/prelists/").text
    assert "digantikan oleh v3" in _row(page, made[1])
    assert "Verifikasi ulang (verivali)" in _row(page, made[2]) and ">berlaku<" in _row(page, made[2])
    assert "Proses pencocokan #" in _row(page, made[3]) and ">berlaku<" in _row(page, made[3])
    assert "digantikan" not in _row(page, made[2])


def test_a_replaced_match_version_says_so_and_the_others_do_not(versions, client):
    operator, made = versions
    client.force_login(operator)
    assert "(v3) menggantikan versi ini" in client.get(f"/identification/prelists/{made[1].pk}/").text
    for version in (2, 3):
        assert "menggantikan versi ini" not in client.get(f"/identification/prelists/{made[version].pk}/").text
