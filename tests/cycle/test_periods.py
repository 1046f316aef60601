"""Update periods: the district operator creates, edits, opens and closes its district's periods."""

import datetime as dt

import pytest
from conftest import BANGKA, SUNGAILIAT, VILLAGE_IN
from django.db import IntegrityError, transaction

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun
from mutakhir.cycle.periods import PeriodError, do_close_period, do_open_period
from mutakhir.decrees.models import Decree
from mutakhir.registry.models import UpdatePeriod
from mutakhir.verification.models import Verification

from . import scenario

pytestmark = pytest.mark.django_db
OPEN, CLOSED = UpdatePeriod.Status.OPEN, UpdatePeriod.Status.CLOSED
REGION = {Role.REGISTRAR: (VILLAGE_IN, "1902012003"), Role.PSM: (VILLAGE_IN, "1902012003"),
          Role.TKSK: (SUNGAILIAT, "190201"), Role.DISTRICT_OPERATOR: (BANGKA, "1902"),
          Role.DISTRICT_HEAD: (BANGKA, "1902"), Role.AUDITOR: (BANGKA, "1902"),
          Role.NATIONAL: (None, None), Role.PROGRAM_MANAGER: (None, None)}
FORM = {"name": "MPM Bangka 2027", "starts_on": "2027-01-04", "registration_deadline": "2027-02-26",
        "identification_deadline": "2027-03-31", "verification_deadline": "2027-05-31",
        "decree_deadline": "2027-06-30", "ends_on": "2027-07-31"}


@pytest.fixture
def operator(make_user):
    return make_user(Role.DISTRICT_OPERATOR, BANGKA)


@pytest.fixture
def period(regions):
    return UpdatePeriod.objects.create(region_id=BANGKA, name="MPM Bangka 2026", starts_on=dt.date(2026, 1, 1))


def test_an_operator_creates_a_closed_period_with_its_deadlines(client, operator):
    client.force_login(operator)
    response = client.post("/cycle/periods/new/", FORM)
    assert response.status_code == 302
    period = UpdatePeriod.objects.get()
    assert (period.region_id, period.status, period.decree_deadline) == (BANGKA, CLOSED, dt.date(2027, 6, 30))
    assert period.history.get().history_user == operator


def test_it_refuses_deadlines_out_of_stage_order(client, operator):
    client.force_login(operator)
    page = client.post("/cycle/periods/new/", {**FORM, "verification_deadline": "2027-03-01"}).content.decode()
    assert "batas waktu verifikasi tidak boleh lebih awal dari batas waktu identifikasi." in page
    assert not UpdatePeriod.objects.exists()


def test_an_operator_edits_a_period(client, operator, period):
    client.force_login(operator)
    assert client.post(f"/cycle/periods/{period.pk}/", {**FORM, "name": "MPM 2026 (revisi)"}).status_code == 302
    period.refresh_from_db()
    assert period.name == "MPM 2026 (revisi)" and period.history.count() == 2


def test_only_one_period_of_a_district_is_open(client, operator, period):
    later = UpdatePeriod.objects.create(region_id=BANGKA, name="2027", starts_on=dt.date(2027, 1, 1), status=CLOSED)
    with pytest.raises(PeriodError, match="Another update period of this district is open"):
        do_open_period(later, actor=operator)
    with pytest.raises(IntegrityError), transaction.atomic():
        UpdatePeriod.objects.filter(pk=later.pk).update(status=OPEN)
    UpdatePeriod.objects.create(region_id="1902", name="Belitung", starts_on=dt.date(2026, 1, 1))  # other district
    client.force_login(operator)
    client.post(f"/cycle/periods/{period.pk}/close/")
    client.post(f"/cycle/periods/{later.pk}/open/")
    assert list(UpdatePeriod.objects.filter(region_id=BANGKA, status=OPEN)) == [later]
    assert later.history.first().history_change_reason == "opened"


def test_closing_waits_for_jobs_drafts_and_verifications(make_user, operator):
    period = scenario.build(make_user)["period"]
    job = JobRun.objects.create(kind="match", region_code=BANGKA, state=JobRun.State.RUNNING)
    draft = Decree.objects.create(region_id=BANGKA, update_period=period, number="400/2/2026", date=period.starts_on,
                                  legal_basis="-", signer_name="B", signer_title="B", created_by=operator)
    unfinished = period.prelists.get().entries.get(category="changed")
    Verification.objects.create(entry=unfinished, region_id=VILLAGE_IN, verifier=operator)
    with pytest.raises(PeriodError) as refused:
        do_close_period(period, actor=operator)
    assert all(s in str(refused.value) for s in ("1 background job", "1 draft decree", "1 verification"))
    job.state = JobRun.State.DONE
    job.save()
    draft.delete()
    Verification.objects.filter(entry=unfinished).update(status="accepted")
    assert do_close_period(period, actor=operator).status == CLOSED
    period.refresh_from_db()
    assert period.status == CLOSED


def test_the_dashboard_shows_the_open_period_and_its_deadlines(client, operator, period):
    period.verification_deadline = dt.date(2026, 5, 29)
    period.save()
    client.force_login(operator)
    page = client.get("/cycle/").content.decode()
    assert "MPM Bangka 2026" in page and "29 Mei 2026" in page


@pytest.mark.parametrize("inside", [True, False], ids=["in", "out"])
@pytest.mark.parametrize("role", list(REGION))
def test_scope_matrix(client, make_user, period, role, inside):
    client.force_login(make_user(role, REGION[role][0 if inside else 1]))
    manager = role == Role.DISTRICT_OPERATOR
    assert client.get("/cycle/periods/new/").status_code == (200 if manager else 403)
    listed = client.get("/cycle/periods/")
    assert listed.status_code == (200 if manager else 403)
    assert ("MPM Bangka 2026" in listed.content.decode()) is (manager and inside)
    for method, url, data in [("get", f"/cycle/periods/{period.pk}/", None),
                              ("post", f"/cycle/periods/{period.pk}/", {**FORM, "name": "X"}),
                              ("post", f"/cycle/periods/{period.pk}/close/", None),
                              ("post", f"/cycle/periods/{period.pk}/open/", None)]:
        response = getattr(client, method)(url, data or {})
        assert response.status_code == (200 if method == "get" else 302) if manager and inside else 404, url
    period.refresh_from_db()
    assert (period.name, period.status) == (("X", OPEN) if manager and inside else ("MPM Bangka 2026", OPEN))
    home = client.get("/").content.decode()
    assert ('href="/cycle/periods/"' in home) is manager
