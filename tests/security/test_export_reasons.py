"""Every web export of personal data asks why first, and logs who, what and why (core/downloads.py).

The six exports (decree file, prelist, its ODK form, its village-board notice, beneficiary list, ranking
movers) go through the same form; each case here is one of them: a GET or a POST without a valid reason
sends no file and logs nothing, a POST with a reason sends the file and logs it; a user outside the region
gets a 404 on a district's file, or a file without the region's households where the object is national
(lists and ranking runs).
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from conftest import BANGKA, VILLAGE_IN
from django.db.models import Model
from django.urls import reverse
from ranking.test_views import IN, media, movers_of, registry_model, two_runs  # noqa: F401 - fixtures
from targeting.conftest import ranked  # noqa: F401 - a fixture

from mutakhir.accounts.models import Role
from mutakhir.core.models import PersonalDataAccess
from mutakhir.decrees.models import Decree
from mutakhir.identification.models import Prelist
from mutakhir.registration.models import Registration
from mutakhir.registry.models import UpdatePeriod
from mutakhir.targeting import services as targeting

pytestmark = pytest.mark.django_db
REASON = "Audit BPK 2025"
BELITUNG = "1902"


@dataclass
class Export:
    url: str
    obj: Model  # what the access log names
    fields: str
    back: str  # the page the form links back to
    inside: str | None = None  # a household in the file for Bangka, not for Belitung; None: a district's file


@pytest.fixture
def owner(make_user):
    return make_user(Role.DISTRICT_OPERATOR, BANGKA)


@pytest.fixture
def period(owner):
    return UpdatePeriod.objects.create(region_id=BANGKA, name="P", starts_on=dt.date(2025, 1, 1))


@pytest.fixture
def decree_export(owner, period):
    decree = Decree.objects.create(region_id=BANGKA, update_period=period, number="400/1/2025",
                                   date=dt.date(2025, 3, 1), legal_basis="Permensos 3/2021", signer_name="H. Mulkan",
                                   signer_title="Bupati", status=Decree.Status.APPROVED, created_by=owner,
                                   pdf=b"%PDF-1.7 SK", annex=b"PK annex")
    return Export(reverse("decrees:pdf", args=[decree.pk]), decree, "pdf",
                  reverse("decrees:detail", args=[decree.pk]))


@pytest.fixture
def prelist_export(owner, period):
    prelist = Prelist.objects.create(update_period=period, region_id=VILLAGE_IN, version=1, frozen_by=owner)
    registration = Registration.objects.create(number="REG-1", update_period=period, region_id=VILLAGE_IN,
                                               channel="aktif", entered_by=owner)
    prelist.entries.create(registration=registration, category="new")
    return Export(reverse("identification:prelist_xlsx", args=[prelist.pk]), prelist, "xlsx",
                  reverse("identification:prelist", args=[prelist.pk]))


@pytest.fixture
def odk_export(prelist_export):
    prelist = prelist_export.obj
    return Export(reverse("verification:odk_form", args=[prelist.pk]), prelist, "xlsform",
                  reverse("identification:prelist", args=[prelist.pk]))


@pytest.fixture
def notice_export(prelist_export):
    prelist = prelist_export.obj
    return Export(reverse("notifications:notice", args=[prelist.pk]), prelist, "notice",
                  reverse("identification:prelist", args=[prelist.pk]))


@pytest.fixture
def list_export(ranked):  # noqa: F811 - the fixture imported above
    blist = targeting.do_build_list(targeting.do_create_program("Uji", "desil <= 4", "household").current, ranked)
    return Export(reverse("targeting:export", args=[blist.pk, "csv"]), blist, "csv",
                  reverse("targeting:list", args=[blist.pk]), inside="T1")


@pytest.fixture
def movers_export(two_runs):  # noqa: F811 - the fixture imported above
    first, second = two_runs
    return Export(reverse("ranking:movers_csv", args=[second.pk]), second, f"movers:{first.pk}",
                  reverse("ranking:movers", args=[second.pk]), inside=movers_of(first, second, IN)[0])


@pytest.fixture(params=["decree", "prelist", "odk", "notice", "list", "movers"])
def export(request):
    return request.getfixturevalue(f"{request.param}_export")


def login(client, make_user, region=BANGKA):
    user = make_user(Role.DISTRICT_OPERATOR, region)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return user


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_get_asks_why_and_sends_no_file(client, make_user, export):
    login(client, make_user)
    response = client.get(export.url)
    page = response.content.decode()
    assert response.status_code == 200 and "Content-Disposition" not in response
    assert 'name="reason"' in page and 'minlength="5"' in page and "each download is logged" in page
    assert f'href="{export.back}' in page
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize(("data", "error"), [({}, "This field is required"), ({"reason": "    "}, "required"),
                                             ({"reason": "abcd"}, "at least 5 characters"),
                                             ({"reason": "x" * 256}, "at most 255 characters")])
def test_no_file_without_a_reason(client, make_user, export, data, error):
    login(client, make_user)
    response = client.post(export.url, data)
    assert response.status_code == 400 and "Content-Disposition" not in response
    assert error in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_a_reason_sends_the_file_and_logs_who_what_and_why(client, make_user, export):
    user = login(client, make_user)
    response = client.post(export.url, {"reason": f"  {REASON} "}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment; filename=")
    assert body(response)
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.object_type, log.object_id, log.fields, log.reason, log.client) == (
        user, "export", export.obj._meta.model_name, str(export.obj.pk), export.fields, REASON, "10.1.2.3")


def test_outside_the_region_a_district_file_is_not_found(client, make_user, export):
    login(client, make_user, BELITUNG)
    get, post = client.get(export.url), client.post(export.url, {"reason": REASON})
    if export.inside is None:
        assert get.status_code == post.status_code == 404
        assert not PersonalDataAccess.objects.exists()
    else:  # a national list or run: the file holds the user's region only
        assert get.status_code == post.status_code == 200
        assert export.inside.encode() not in body(post) and PersonalDataAccess.objects.count() == 1
