"""The cycle dashboard: counts per stage and desil, scoped to the reader's district or sub-district."""

import re

import pytest
from conftest import BANGKA, SUNGAILIAT, VILLAGE_IN, VILLAGE_OTHER_SUB

from mutakhir.accounts.models import Role
from mutakhir.cycle.stages import by_subdistrict, village_counts
from mutakhir.regions.models import Region

from . import scenario

pytestmark = pytest.mark.django_db
READERS = {Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD, Role.TKSK}
# role -> its account's region inside Bangka, and outside it (Belitung)
REGION = {Role.REGISTRAR: (VILLAGE_IN, "1902012003"), Role.PSM: (VILLAGE_IN, "1902012003"),
          Role.TKSK: (SUNGAILIAT, "190201"), Role.DISTRICT_OPERATOR: (BANGKA, "1902"),
          Role.DISTRICT_HEAD: (BANGKA, "1902"), Role.AUDITOR: (BANGKA, "1902"),
          Role.NATIONAL: (None, None), Role.PROGRAM_MANAGER: (None, None)}


@pytest.fixture
def cycle(make_user):
    return scenario.build(make_user)


def test_it_counts_each_stage_per_village(cycle, make_user):
    operator = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    villages, run = village_counts(operator, cycle["period"])
    assert run == cycle["run"]
    village = villages[VILLAGE_IN]
    assert dict(village.stages["registered"]) == {"aktif": 2, "pasif": 1}
    assert dict(village.stages["identified"]) == {"new": 1, "changed": 1}
    assert [village.total(s) for s in ("prelist", "verified", "decree", "sent", "applied", "ranked")] == \
        [2, 1, 1, 1, 1, 2]
    assert village.stages["verified"]["verified"] == 1 and village.desil[1] == 2
    assert dict(villages[VILLAGE_OTHER_SUB].stages["registered"]) == {"musdes": 1}
    assert villages[VILLAGE_OTHER_SUB].desil[3] == 1
    assert "1902012003" not in villages  # Belitung: its own district, its own period
    subs = by_subdistrict(villages)
    assert [s.code for s in subs] == [SUNGAILIAT, VILLAGE_OTHER_SUB[:6]]
    assert subs[0].total("registered") == 3 and subs[0].name == "Sungailiat"


def test_a_tksk_sees_only_its_sub_district(cycle, make_user):
    tksk = make_user(Role.TKSK, SUNGAILIAT)
    villages, _ = village_counts(tksk, cycle["period"])
    assert set(villages) == {VILLAGE_IN}


def test_it_uses_a_few_grouped_queries_whatever_the_number_of_villages(cycle, make_user, client,
                                                                      django_assert_max_num_queries):
    operator = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    villages = Region.objects.filter(code__startswith=BANGKA, level=Region.Level.VILLAGE).values_list("code", flat=True)
    for village in villages[:30]:
        scenario.register(cycle["period"], operator, village, ["aktif", "pasif"])
    client.force_login(operator)
    with django_assert_max_num_queries(20):  # session, user, permissions, then one query per stage
        page = client.get("/cycle/").content.decode()
    assert page.count('<tr><td>') >= 30  # one row per village, no query per village


def test_the_page_shows_counts_linked_to_their_lists_deadlines_and_charts(cycle, make_user, client):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    page = client.get("/cycle/").content.decode()
    period = cycle["period"].pk
    assert f'href="/registrations/?period={period}&amp;region={VILLAGE_IN}&amp;channel=aktif">2</a>' in page
    assert f'href="/registrations/?period={period}&amp;region={VILLAGE_IN}&amp;category=changed">1</a>' in page
    assert f'href="/identification/prelists/?period={period}&amp;region={VILLAGE_IN}">2</a>' in page
    assert "batas waktu pendaftaran</dt><dd>15 Feb. 2026" in page  # the registration deadline
    assert page.count("<svg") == 4  # funnel, district desil, one per sub-district with desil
    assert 'width="240"' in page  # the longest bar
    assert "data-print" in page and "js/print.js" in page


def test_a_count_link_lists_the_registrations_behind_it(cycle, make_user, client):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    period = cycle["period"].pk
    page = client.get(f"/registrations/?period={period}&region={VILLAGE_IN}&channel=aktif").content.decode()
    assert "2 baris · halaman 1 dari 1" in page
    assert len(re.findall(r'href="/registrations/REG-\d+/"', page)) == 2
    changed = client.get(f"/registrations/?period={period}&region={VILLAGE_IN}&category=changed").content.decode()
    assert len(re.findall(r'href="/registrations/REG-\d+/"', changed)) == 1
    junk = client.get("/registrations/?period=x&region=1'&category=zz").content.decode()
    assert len(re.findall(r'href="/registrations/REG-\d+/"', junk)) == 4  # bad link values are ignored, scope kept


def test_the_prelist_link_lists_the_village_prelist(cycle, make_user, client):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    period = cycle["period"].pk
    other = client.get(f"/identification/prelists/?period={period}&region={VILLAGE_OTHER_SUB}").content.decode()
    assert not re.findall(r'href="/identification/prelists/\d+/"', other)
    page = client.get(f"/identification/prelists/?period={period}&region={VILLAGE_IN}").content.decode()
    assert len(re.findall(r'href="/identification/prelists/\d+/"', page)) == 1


@pytest.mark.parametrize("inside", [True, False], ids=["in", "out"])
@pytest.mark.parametrize("role", list(REGION))
def test_scope_matrix(client, make_user, cycle, role, inside):
    client.force_login(make_user(role, REGION[role][0 if inside else 1]))
    response = client.get("/cycle/")
    if role not in READERS:
        assert response.status_code == 403
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert ("MPM Bangka 2026" in page) is inside
    assert "REG-" not in page  # counts only, no registration numbers
    home = client.get("/").content.decode()
    assert 'href="/cycle/"' in home
    # every count links to a list this reader may open: a TKSK reads no decrees nor ranking runs
    assert ('href="/decrees/"' in page) is (role != Role.TKSK)
    assert ('href="/ranking/"' in page) is (role != Role.TKSK)
    for link in re.findall(r'href="(/[a-z]+/[^"]*)"', page):
        if "static" not in link and link.startswith(("/registrations/", "/identification/", "/verification/",
                                                     "/decrees/", "/ranking/")):
            assert client.get(link.replace("&amp;", "&")).status_code == 200, link
