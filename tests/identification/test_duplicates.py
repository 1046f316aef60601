"""Duplicates in the registry, in the app: search as a background job, review clusters, scope matrix."""

import pytest
from conftest import BANGKA, SUNGAILIAT, VILLAGE_IN

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun, PersonalDataAccess
from mutakhir.identification.models import DedupRun, DuplicateCluster
from mutakhir.registry.models import EndReason, Household

from . import scenario

BELITUNG, BELITUNG_VILLAGE = "1902", "1902012003"


@pytest.fixture
def logged_in(client, operator):
    client.force_login(operator)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def search(logged_in, django_capture_on_commit_callbacks):
    """Start a duplicate search of Bangka from the page and let its task finish."""

    def start():
        with django_capture_on_commit_callbacks(execute=True):
            response = logged_in.post("/identification/duplicates/start/", {"region": BANGKA})
        run = DedupRun.objects.order_by("pk").last()
        assert response.status_code == 302 and response["Location"] == f"/identification/duplicates/runs/{run.pk}/"
        run.job.refresh_from_db()
        assert run.job.state == JobRun.State.DONE, run.job.error
        run.refresh_from_db()
        return run

    return start


def test_it_finds_a_copied_household_and_ends_the_copy(logged_in, operator, period, search):
    copy = scenario.duplicate_registry_household("B00003")
    run = search()
    assert run.summary["household_clusters"] == 1 and run.job.done == run.job.total
    cluster = run.clusters.get(kind=DuplicateCluster.Kind.HOUSEHOLD)
    assert {r.household.household_id for r in cluster.records.all()} == {"B00003", copy.household_id}
    # the copied people are covered by the household cluster: not proposed one by one
    assert not run.clusters.filter(kind=DuplicateCluster.Kind.PERSON, records__household=copy).exists()
    listing = logged_in.get("/identification/duplicates/").content.decode()
    assert f"/identification/duplicates/{cluster.pk}/" in listing
    page = logged_in.get(f"/identification/duplicates/{cluster.pk}/").content.decode()
    member = copy.members.first()
    assert member.name in page and member.nik not in page  # NIK masked
    assert PersonalDataAccess.objects.filter(object_type="duplicatecluster", object_id=str(cluster.pk)).exists()
    keep = cluster.records.get(household__household_id="B00003")
    response = logged_in.post(f"/identification/duplicates/{cluster.pk}/", {"decision": "duplicate", "keep": keep.pk})
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.ended_at and copy.end_reason == EndReason.DUPLICATE and copy.version == 2
    assert all(m.end_reason == EndReason.DUPLICATE and m.ended_at for m in copy.members.all())
    last = copy.history.first()
    assert last.history_change_reason == "Duplicate of B00003" and last.history_user == operator
    assert Household.objects.get(household_id="B00003").ended_at is None
    cluster.refresh_from_db()
    assert cluster.status == DuplicateCluster.Status.DUPLICATE and cluster.kept == "B00003"
    listing = logged_in.get("/identification/duplicates/").content.decode()
    assert f"/identification/duplicates/{cluster.pk}/" not in listing
    again = logged_in.post(f"/identification/duplicates/{cluster.pk}/", {"decision": "distinct", "note": "x"})
    assert again.status_code == 400 and "already been decided" in again.content.decode()


def test_a_cluster_marked_distinct_is_not_proposed_again(logged_in, period, search):
    scenario.duplicate_registry_household("B00005")
    cluster = search().clusters.get(kind=DuplicateCluster.Kind.HOUSEHOLD)
    refused = logged_in.post(f"/identification/duplicates/{cluster.pk}/", {"decision": "distinct", "note": " "})
    assert refused.status_code == 400 and "Give a note" in refused.content.decode()
    no_keep = logged_in.post(f"/identification/duplicates/{cluster.pk}/", {"decision": "duplicate", "keep": "0"})
    assert no_keep.status_code == 400 and "Choose the record to keep" in no_keep.content.decode()
    logged_in.post(f"/identification/duplicates/{cluster.pk}/", {"decision": "distinct", "note": "twin houses"})
    assert not Household.objects.filter(ended_at__isnull=False).exists()
    second = search()
    assert second.summary["skipped"] == 1 and not second.clusters.filter(kind=DuplicateCluster.Kind.HOUSEHOLD)


def test_it_refuses_a_second_search_while_one_runs(logged_in, operator):
    job = JobRun.objects.create(kind="dedup", region_code=BANGKA, state=JobRun.State.RUNNING)
    DedupRun.objects.create(region_id=BANGKA, job=job, created_by=operator)
    response = logged_in.post("/identification/duplicates/start/", {"region": BANGKA}, follow=True)
    assert "already in progress" in response.content.decode() and DedupRun.objects.count() == 1


# --- scope matrix: every endpoint x role x a district in and out of the user's region ---------------------

READ = {Role.DISTRICT_OPERATOR, Role.NATIONAL, Role.AUDITOR}
WRITE = {Role.DISTRICT_OPERATOR, Role.NATIONAL}
REGION = {Role.REGISTRAR: (VILLAGE_IN, BELITUNG_VILLAGE), Role.PSM: (VILLAGE_IN, BELITUNG_VILLAGE),
          Role.TKSK: (SUNGAILIAT, "190201"), Role.DISTRICT_OPERATOR: (BANGKA, BELITUNG),
          Role.DISTRICT_HEAD: (BANGKA, BELITUNG), Role.AUDITOR: (BANGKA, BELITUNG),
          Role.NATIONAL: (None, None), Role.PROGRAM_MANAGER: (None, None)}


@pytest.fixture
def objects(make_user, make_household):
    owner = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    job = JobRun.objects.create(kind="dedup", region_code=BANGKA, state=JobRun.State.DONE)
    run = DedupRun.objects.create(region_id=BANGKA, job=job, created_by=owner)
    cluster = DuplicateCluster.objects.create(run=run, kind=DuplicateCluster.Kind.HOUSEHOLD, key="k", probability=0.99)
    for household in (make_household(VILLAGE_IN), make_household(VILLAGE_IN)):
        cluster.records.create(household=household)
    return {"run": run, "cluster": cluster}


@pytest.mark.parametrize("inside", [True, False], ids=["in", "out"])
@pytest.mark.parametrize("role", list(REGION))
def test_scope_matrix(client, make_user, objects, role, inside):
    client.force_login(make_user(role, REGION[role][0 if inside else 1]))
    run, cluster = objects["run"], objects["cluster"]
    link = f"/identification/duplicates/{cluster.pk}/"
    endpoints = [("get", "/identification/duplicates/", None, READ),
                 ("get", f"/identification/duplicates/runs/{run.pk}/", None, READ),
                 ("get", link, None, READ),
                 ("post", "/identification/duplicates/start/", {"region": BANGKA}, WRITE),
                 ("post", link, {"decision": "distinct", "note": "not the same"}, WRITE)]
    for method, url, data, allowed in endpoints:
        response = getattr(client, method)(url, data or {})
        if role not in allowed:
            assert response.status_code in (403, 404), (url, response.status_code)
        elif inside or role == Role.NATIONAL:
            assert response.status_code in (200, 302), (url, response.status_code)
        elif url == "/identification/duplicates/":
            assert response.status_code == 200 and link not in response.content.decode()
        else:
            assert response.status_code == 404, (url, response.status_code)
    cluster.refresh_from_db()
    decided = role in WRITE and (inside or role == Role.NATIONAL)
    assert cluster.status == (DuplicateCluster.Status.DISTINCT if decided else DuplicateCluster.Status.OPEN)
    assert DedupRun.objects.count() == (2 if decided else 1)
