"""The batched ODK import: same checks and results as row by row, a constant number of queries, the
period-wide "member in two households" check, and the row-by-row fallback."""

import json

from conftest import VILLAGE_IN
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from mutakhir.verification import odk_apply
from mutakhir.verification.models import Status, Verification
from mutakhir.verification.odk_import import import_submissions
from mutakhir.verification.services import do_assign

from .fixtures import accept, make_entry
from .test_odk import V, submission


def run(tmp_path, rows, name="export.json"):
    path = tmp_path / name
    path.write_text(json.dumps(rows))
    return import_submissions(path, V)


def own_nik(row, n):
    row["members"][0]["nik"] = f"19010101058{n:05d}"
    return row


def test_it_flags_a_member_verified_already_in_another_household_of_the_period(entry, psm, tksk, make_household,
                                                                               tmp_path):
    accept(entry, psm, tksk)  # Budi (NIK 1901010105800001) lives in the first household
    other = make_entry(entry.prelist, make_household(VILLAGE_IN))
    result = run(tmp_path, [submission(other, psm.username, "uuid:b1")])
    (row,) = result.report
    assert (row["row"], row["code"], result.applied) == (1, "member_twice", 0)
    assert f"listed already in household {entry.household.household_id}" in row["message"]
    assert not Verification.objects.filter(entry=other).exists()  # nothing half-applied


def test_it_ignores_the_household_itself_and_members_who_left(entry, psm, tksk, make_household, tmp_path):
    accept(entry, psm, tksk)
    other = make_entry(entry.prelist, make_household(VILLAGE_IN))
    row = submission(other, psm.username, "uuid:b2")
    row["members"][0]["status"] = "moved"  # Budi moved out of this household: not listed twice
    row["members"][1]["relation"] = "1"
    result = run(tmp_path, [row])
    assert (result.flagged, result.applied) == (0, 1), result.report


def test_it_submits_an_assigned_verification_with_its_history(entry, psm, tmp_path):
    assigned = do_assign(entry, psm, actor=psm)
    result = run(tmp_path, [submission(entry, psm.username, "uuid:h1")])
    assert (result.applied, result.flagged) == (1, 0)
    v = Verification.objects.get()
    assert (v.pk, v.status, v.instance_id) == (assigned.pk, Status.SUBMITTED, "uuid:h1")
    assert v.version == assigned.version + 1
    last = v.history.first()
    assert (last.status, last.history_user, last.history_change_reason) == ("submitted", psm, "submitted (ODK import)")


def test_it_refuses_a_household_submitted_already(entry, psm, tksk, tmp_path):
    accept(entry, psm, tksk)
    result = run(tmp_path, [own_nik(submission(entry, psm.username, "uuid:s1"), 9)])
    assert [r["code"] for r in result.report] == ["already_submitted"]
    assert Verification.objects.get().instance_id is None


def test_it_reports_an_unreadable_prelist_id_as_an_unknown_household(entry, psm, tmp_path):
    result = run(tmp_path, [submission(entry, psm.username, "uuid:p1", prelist_id="abc")])
    assert [r["code"] for r in result.report] == ["unknown_household"]


def test_its_query_count_does_not_grow_with_the_rows(entry, psm, make_household, tmp_path):
    entries = [make_entry(entry.prelist, make_household(VILLAGE_IN)) for _ in range(12)]
    counts = []
    for n, chunk in ((3, entries[:3]), (9, entries[3:])):
        rows = [own_nik(submission(e, psm.username, f"uuid:q{n}-{i}"), n * 100 + i) for i, e in enumerate(chunk)]
        with CaptureQueriesContext(connection) as queries:
            result = run(tmp_path, rows, f"q{n}.json")
        assert (result.applied, result.flagged) == (n, 0), result.report
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_it_falls_back_to_row_by_row_when_a_batch_cannot_be_written(entry, psm, make_household, monkeypatch,
                                                                     tmp_path):
    other = make_entry(entry.prelist, make_household(VILLAGE_IN))
    do_assign(other, psm, actor=psm)

    def collide(*args):
        raise IntegrityError("another import took a household meanwhile")

    monkeypatch.setattr(odk_apply, "_write_batch", collide)
    rows = [submission(entry, psm.username, "uuid:f1"), own_nik(submission(other, psm.username, "uuid:f2"), 7)]
    result = run(tmp_path, rows)
    assert (result.applied, result.flagged) == (2, 0), result.report
    assert set(Verification.objects.values_list("instance_id", "status")) == {("uuid:f1", "submitted"),
                                                                             ("uuid:f2", "submitted")}
