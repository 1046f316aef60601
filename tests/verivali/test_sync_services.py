"""A sync run against the database, and applying, rejecting and bulk-applying its changes with history."""


import pytest
from django.utils import translation

from mutakhir.core.models import JobRun
from mutakhir.registry.models import EndReason, Household, Member
from mutakhir.verivali import sync_services as services
from mutakhir.verivali.models import CivilSync, ProposedChange

from .sync_data import EXPECTED, NEW_KK, NEW_NIK_E, write_extract

Kind, Status = ProposedChange.Kind, ProposedChange.Status


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def sync(planted, tmp_path):
    sync = CivilSync.objects.create(region_code="1901", extract=str(write_extract(tmp_path / "extract")))
    services.do_run_sync(sync, lambda *args: None)
    return sync


def change(sync, record_id, kind) -> ProposedChange:
    return sync.changes.get(member__record_id=record_id, kind=kind)


def test_it_stores_every_finding_as_a_proposed_change(sync):
    got = {(c.member.record_id, c.kind): (c.exact, c.proposed_value, c.problem) for c in sync.changes.all()}
    assert got == EXPECTED
    assert sync.summary["stored"] == len(EXPECTED)
    assert change(sync, "A-1", Kind.DEATH).region_id == "1901011001"
    assert change(sync, "B-1", Kind.DEATH).evidence["method"] == "name_birth"


def test_a_job_runs_the_sync_in_the_background(planted, operator, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sync = services.do_start_sync(operator, "1901", write_extract(tmp_path / "extract"))
    sync.refresh_from_db()
    assert sync.job.state == JobRun.State.DONE
    assert sync.changes.count() == len(EXPECTED)


def test_a_second_sync_of_the_district_waits_for_the_first(planted, operator, tmp_path):
    extract = write_extract(tmp_path / "extract")
    services.do_start_sync(operator, "1901", extract)
    with pytest.raises(services.SyncError, match="already in progress"):
        services.check_start_sync("1901", extract)


def test_applying_a_death_ends_the_member_with_history(sync, operator):
    services.do_apply(change(sync, "A-1", Kind.DEATH), operator)
    member = Member.objects.get(record_id="A-1")
    assert member.end_reason == EndReason.DIED and member.ended_at
    record = member.history.first()
    assert record.history_change_reason == f"verivali civil sync #{sync.pk}"
    assert record.history_user == operator
    assert Household.objects.get(household_id="HA").ended_at is None  # a member is left


def test_applying_a_move_ends_the_household_once_all_members_moved(sync, operator):
    services.do_apply(change(sync, "C-1", Kind.MOVE), operator)
    assert Member.objects.get(record_id="C-1").end_reason == EndReason.MOVED
    household = Household.objects.get(household_id="HC")
    assert household.end_reason == EndReason.MOVED
    assert household.history.first().history_change_reason == sync.change_reason


def test_applying_kk_and_nik_changes_updates_the_member(sync, operator):
    services.do_apply(change(sync, "D-1", Kind.KK_CHANGE), operator)
    services.do_apply(change(sync, "E-1", Kind.NIK_CORRECTION), operator)
    assert Member.objects.get(record_id="D-1").kk == NEW_KK
    member = Member.objects.get(record_id="E-1")
    assert member.nik == NEW_NIK_E
    assert member.history.first().prev_record.nik == "1901010505900001"


def test_applying_twice_changes_nothing_twice(sync, operator):
    death = change(sync, "A-1", Kind.DEATH)
    services.do_apply(death, operator)
    versions = Member.objects.get(record_id="A-1").history.count()
    with pytest.raises(services.SyncError, match="already decided"):
        services.do_apply(death, operator)
    stale_copy = ProposedChange.objects.get(pk=death.pk)
    stale_copy.status = Status.PROPOSED  # a second request holding the old state
    with pytest.raises(services.SyncError, match="already decided"):
        services.do_apply(stale_copy, operator)
    assert Member.objects.get(record_id="A-1").history.count() == versions


def test_a_member_changed_since_the_sync_gives_a_conflict_and_nothing_is_written(sync, operator):
    member = Member.objects.get(record_id="D-1")
    member.version += 1
    member.kk = "1901010404100009"
    member.save()
    kk = change(sync, "D-1", Kind.KK_CHANGE)
    with pytest.raises(services.StaleChange, match="changed after this sync"):
        services.do_apply(kk, operator)
    kk.refresh_from_db()
    assert kk.status == Status.PROPOSED
    assert Member.objects.get(record_id="D-1").kk == "1901010404100009"


def test_a_flagged_change_cannot_be_applied_only_rejected(sync, operator):
    flagged = change(sync, "I-1", Kind.DEATH)
    with pytest.raises(services.SyncError, match="flagged"):
        services.do_apply(flagged, operator)
    assert Member.objects.get(record_id="I-1").ended_at is None
    services.do_reject(flagged, operator, "registered again in 2025")
    flagged.refresh_from_db()
    assert (flagged.status, flagged.decided_by, flagged.decision_note) == (Status.REJECTED, operator,
                                                                            "registered again in 2025")


def test_a_nik_taken_meanwhile_by_another_member_is_refused(sync, operator):
    Member.objects.filter(record_id="G-1").update(nik=NEW_NIK_E)
    with pytest.raises(services.SyncError, match="another registry member"):
        services.do_apply(change(sync, "E-1", Kind.NIK_CORRECTION), operator)


def test_bulk_apply_applies_only_the_exact_unflagged_ones(sync, operator):
    applied, problems = services.do_bulk_apply(sync.changes.all(), operator)
    exact = {key for key, (is_exact, _value, problem) in EXPECTED.items() if is_exact and not problem}
    assert applied == len(exact) and problems == []
    assert {(c.member.record_id, c.kind) for c in sync.changes.filter(status=Status.APPLIED)} == exact
    assert Member.objects.get(record_id="B-1").ended_at is None  # found by name only: left for review
    assert services.do_bulk_apply(sync.changes.all(), operator) == (0, [])


def test_bulk_apply_reports_a_stale_change_and_applies_the_rest(sync, operator):
    Member.objects.filter(record_id="A-1").update(version=99)
    applied, problems = services.do_bulk_apply(sync.changes.all(), operator)
    assert applied == 3 and len(problems) == 1 and "A-1" in problems[0]
