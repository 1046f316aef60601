"""Scope matrix: every identification endpoint × role × a district in and out of the user's region."""

import datetime as dt

import pytest
from conftest import BANGKA, SUNGAILIAT, VILLAGE_IN

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun
from mutakhir.identification.models import MatchResult, MatchRun, Prelist
from mutakhir.registration.models import Registration
from mutakhir.registry.models import UpdatePeriod

BELITUNG, BELITUNG_VILLAGE = "1902", "1902012003"
READ_RUNS = {Role.DISTRICT_OPERATOR, Role.AUDITOR}
READ_PRELISTS = READ_RUNS | {Role.TKSK, Role.PSM}
LISTS = ("/identification/review/", "/identification/prelists/")
# role -> the region of its account, in Bangka (where the objects are) or in Belitung (out of scope)
REGION = {Role.REGISTRAR: (VILLAGE_IN, BELITUNG_VILLAGE), Role.PSM: (VILLAGE_IN, BELITUNG_VILLAGE),
          Role.TKSK: (SUNGAILIAT, "190201"), Role.DISTRICT_OPERATOR: (BANGKA, BELITUNG),
          Role.DISTRICT_HEAD: (BANGKA, BELITUNG), Role.AUDITOR: (BANGKA, BELITUNG),
          Role.NATIONAL: (None, None), Role.PROGRAM_MANAGER: (None, None)}


@pytest.fixture
def objects(make_user, regions):
    owner = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    period = UpdatePeriod.objects.create(region_id=BANGKA, name="P", starts_on=dt.date(2025, 1, 1))
    job = JobRun.objects.create(kind="match", region_code=BANGKA, state=JobRun.State.DONE)
    run = MatchRun.objects.create(update_period=period, region_id=BANGKA, job=job, created_by=owner)
    registration = Registration.objects.create(number="REG-1", update_period=period, region_id=VILLAGE_IN,
                                               channel="aktif", entered_by=owner)
    result = MatchResult.objects.create(run=run, registration=registration, category="new", review=True)
    prelist = Prelist.objects.create(update_period=period, region_id=VILLAGE_IN, version=1, match_run=run,
                                     frozen_by=owner)
    prelist.entries.create(registration=registration, category="new")
    return {"period": period, "job": job, "run": run, "result": result, "prelist": prelist}


def endpoints(o):
    """(method, url, data, who may use it) for each endpoint."""
    return [
        ("get", "/identification/review/", None, READ_RUNS),
        ("get", f"/identification/runs/{o['run'].pk}/", None, READ_RUNS),
        ("get", f"/identification/review/{o['result'].pk}/", None, READ_RUNS),
        ("get", "/identification/prelists/", None, READ_PRELISTS),
        ("get", f"/identification/prelists/{o['prelist'].pk}/", None, READ_PRELISTS),
        ("get", f"/identification/prelists/{o['prelist'].pk}/pdf/", None, READ_PRELISTS),
        ("get", f"/identification/prelists/{o['prelist'].pk}/xlsx/", None, READ_PRELISTS),
        ("post", f"/identification/prelists/{o['prelist'].pk}/pdf/", {"reason": "Audit BPK 2025"}, READ_PRELISTS),
        ("post", f"/identification/prelists/{o['prelist'].pk}/xlsx/", {"reason": "Audit BPK 2025"}, READ_PRELISTS),
        ("post", "/identification/runs/start/", {"period": o["period"].pk}, {Role.DISTRICT_OPERATOR}),
        ("post", f"/identification/runs/{o['run'].pk}/freeze/", {"village": VILLAGE_IN}, {Role.DISTRICT_OPERATOR}),
        ("post", f"/identification/review/{o['result'].pk}/", {"decision": "defer", "note": "later"},
         {Role.DISTRICT_OPERATOR}),
    ]


def _job_visible(role, inside):
    """The job partial: readers of match runs (issue 17.11: not every role) whose region contains the district."""
    return role in READ_RUNS and REGION[role][0 if inside else 1] in (BANGKA, None)


@pytest.mark.parametrize("inside", [True, False], ids=["in", "out"])
@pytest.mark.parametrize("role", list(REGION))
def test_scope_matrix(client, make_user, objects, role, inside):
    user = make_user(role, REGION[role][0 if inside else 1])
    client.force_login(user)
    for method, url, data, allowed in endpoints(objects):
        response = getattr(client, method)(url, data or {})
        if role not in allowed:
            assert response.status_code in (403, 404), (url, response.status_code)
        elif inside:
            assert response.status_code in (200, 302), (url, response.status_code)
        elif url in LISTS:
            assert response.status_code == 200 and "REG-1" not in response.content.decode(), url
        else:
            assert response.status_code == 404, (url, response.status_code)
    job = client.get(f"/jobs/{objects['job'].pk}/")
    assert job.status_code == (286 if _job_visible(role, inside) else 404)
    index = client.get("/identification/")
    assert index.status_code == (200 if role in READ_RUNS else 302 if role in READ_PRELISTS else 403)
