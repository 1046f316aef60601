"""A household whose last living member died: closing it is proposed, reviewed like any change, never automatic."""

import pytest
from django.utils import translation

from mutakhir.registry.models import EndReason, Household, Member
from mutakhir.verivali import sync_services as services
from mutakhir.verivali.models import CivilSync, ProposedChange

Kind, Status = ProposedChange.Kind, ProposedChange.Status
VILLAGE = "1901011001"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def sync(regions):
    return CivilSync.objects.create(region_code="1901", extract="/nonexistent")


def death(sync, member, exact=True) -> ProposedChange:
    return ProposedChange.objects.create(
        sync=sync, kind=Kind.DEATH, member=member, household=member.household, region_id=member.household.region_id,
        exact=exact, proposed_value="2024-05-01", member_version=member.version, evidence={"method": "nik"})


@pytest.fixture
def two_deaths(sync, make_household):
    household = make_household(VILLAGE, members=2)
    first, second = household.members.order_by("record_id")
    return household, death(sync, first), death(sync, second)


def closing(household) -> ProposedChange:
    return ProposedChange.objects.get(household=household, kind=Kind.HOUSEHOLD_END)


def test_the_last_death_proposes_closing_the_household_without_closing_it(two_deaths, operator):
    household, first, second = two_deaths
    services.do_apply(first, operator)
    assert not ProposedChange.objects.filter(kind=Kind.HOUSEHOLD_END).exists()  # a member is still alive
    services.do_apply(second, operator)
    proposal = closing(household)
    assert (proposal.status, proposal.exact, proposal.proposed_value, proposal.problem) == (
        Status.PROPOSED, False, EndReason.DIED, "")
    assert proposal.member_id == second.member_id and proposal.household_version == household.version
    assert sorted(proposal.evidence["died"]) == sorted(household.members.values_list("record_id", flat=True))
    assert proposal.evidence["death_change"] == second.pk
    household.refresh_from_db()
    assert household.ended_at is None  # proposed only


def test_applying_the_closing_ends_the_household_with_history(two_deaths, operator, sync):
    household, first, second = two_deaths
    services.do_apply(first, operator)
    services.do_apply(second, operator)
    proposal = services.do_apply(closing(household), operator)
    assert (proposal.status, proposal.decided_by) == (Status.APPLIED, operator)
    household.refresh_from_db()
    assert household.end_reason == EndReason.DIED and household.ended_at
    record = household.history.first()
    assert (record.history_change_reason, record.history_user) == (sync.change_reason, operator)
    assert record.prev_record.ended_at is None
    with pytest.raises(services.SyncError, match="already decided"):
        services.do_apply(proposal, operator)
    assert household.history.count() == 2


def test_bulk_apply_never_closes_a_household(two_deaths, operator, sync):
    household, _first, _second = two_deaths
    applied, problems = services.do_bulk_apply(sync.changes.all(), operator)
    assert (applied, problems) == (2, [])
    assert closing(household).status == Status.PROPOSED
    assert services.do_bulk_apply(sync.changes.all(), operator) == (0, [])
    household.refresh_from_db()
    assert household.ended_at is None


def test_a_member_who_lives_again_blocks_the_closing(two_deaths, operator):
    household, first, second = two_deaths
    services.do_apply(first, operator)
    services.do_apply(second, operator)
    Member.objects.create(record_id="NEWBORN", household=household, name="Bayi", relation=3)
    with pytest.raises(services.SyncError, match="living member again"):
        services.do_apply(closing(household), operator)
    assert closing(household).status == Status.PROPOSED
    assert Household.objects.get(pk=household.pk).ended_at is None


def test_a_household_edited_since_the_proposal_gives_a_conflict(two_deaths, operator):
    household, first, second = two_deaths
    services.do_apply(first, operator)
    services.do_apply(second, operator)
    Household.objects.filter(pk=household.pk).update(version=household.version + 1, address="Jl. Baru")
    with pytest.raises(services.StaleChange, match="changed after this change was proposed"):
        services.do_apply(closing(household), operator)
    assert closing(household).status == Status.PROPOSED
    assert Household.objects.get(pk=household.pk).ended_at is None


def test_the_closing_can_be_rejected(two_deaths, operator):
    household, first, second = two_deaths
    services.do_apply(first, operator)
    services.do_apply(second, operator)
    services.do_reject(closing(household), operator, "a child still lives there")
    assert closing(household).status == Status.REJECTED
    assert Household.objects.get(pk=household.pk).ended_at is None


def test_a_move_leaving_nobody_still_ends_the_household_directly(sync, make_household, operator):
    household = make_household(VILLAGE, members=1)
    member = household.members.get()
    move = ProposedChange.objects.create(sync=sync, kind=Kind.MOVE, member=member, household=household,
                                         region_id=VILLAGE, exact=True, proposed_value="1902012003",
                                         member_version=member.version)
    services.do_apply(move, operator)
    assert Household.objects.get(pk=household.pk).end_reason == EndReason.MOVED
    assert not ProposedChange.objects.filter(kind=Kind.HOUSEHOLD_END).exists()


def test_the_change_list_shows_the_closing_to_decide(two_deaths, operator, client):
    household, first, second = two_deaths
    services.do_apply(first, operator)
    services.do_apply(second, operator)
    client.force_login(operator)
    response = client.get("/verivali/sync/changes/?kind=household_end", headers={"Accept-Language": "en"})
    proposal = closing(household)
    assert f'id="change-{proposal.pk}"' in response.text
    assert f"/verivali/sync/changes/{proposal.pk}/apply/" in response.text
    response = client.post(f"/verivali/sync/changes/{proposal.pk}/apply/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert Household.objects.get(pk=household.pk).end_reason == EndReason.DIED
