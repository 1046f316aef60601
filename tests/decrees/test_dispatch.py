"""The package travels in the app (issue 15.1): signed by the district, checked, dry-run, applied or refused
by the national team, and the answer back on the decree page."""

import json
import zipfile

import pytest
from django.urls import reverse

from mutakhir.accounts.models import Role
from mutakhir.core import signing
from mutakhir.core.models import JobRun
from mutakhir.decrees.dispatch import do_record_acknowledgement, do_send, outbox_path
from mutakhir.decrees.models import PackageDispatch
from mutakhir.registry.models import Household, PackageSubmission
from mutakhir.registry.packages import PackageError, merge
from mutakhir.registry.packages.inbox import acknowledgement, do_refuse, do_start_apply, receive
from mutakhir.registry.packages.keys import revoke_key, trust_key

Status = PackageSubmission.Status


def package_bytes(approved, head, settings):
    settings.NATIONAL_INBOX = "none"
    do_send(approved, actor=head)
    return outbox_path(approved).read_bytes()


def rezip(data: bytes, tmp_path, change) -> bytes:
    src, out = tmp_path / "in.zip", tmp_path / "out.zip"
    src.write_bytes(data)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out, "w") as b:
        for name in a.namelist():
            b.writestr(name, change(name, a.read(name)))
    return out.read_bytes()


def test_sending_delivers_a_signed_package_with_its_dry_run(approved, head, entry):
    dispatch = do_send(approved, actor=head)
    submission = PackageSubmission.objects.get()
    assert (dispatch.status, submission.status, submission.district, submission.decree_number) == (
        PackageDispatch.Status.RECEIVED, Status.RECEIVED, "1901", approved.number)
    assert submission.key_fingerprint == signing.fingerprint(signing.public_key("1901"))
    assert submission.dry_run["households"] == {"new": 0, "changed": 1, "ended": 0}
    assert submission.dry_run["members"] == {"new": 0, "changed": 2, "ended": 0}
    assert submission.dry_run["outcomes"] == {"verified": 1}
    with pytest.raises(PackageError, match="sent already"):
        do_send(approved, actor=head)


def test_applying_merges_in_a_job_and_tells_the_district(approved, head, entry, national_team,
                                                        django_capture_on_commit_callbacks):
    do_send(approved, actor=head)
    submission = PackageSubmission.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        do_start_apply(submission, actor=national_team)
    submission.refresh_from_db()
    assert submission.status == Status.APPLIED and submission.decided_by == national_team
    assert JobRun.objects.get(kind="package-apply").state == JobRun.State.DONE
    assert Household.objects.get(pk=entry.household_id).floor_material == 2
    assert PackageDispatch.objects.get().status == PackageDispatch.Status.APPLIED
    with pytest.raises(PackageError, match="already"):
        do_start_apply(submission, actor=national_team)


def test_an_apply_that_fails_midway_leaves_the_registry_unchanged(approved, head, entry, national_team, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    do_send(approved, actor=head)
    submission = PackageSubmission.objects.get()
    monkeypatch.setattr(merge, "name_history", lambda *args: 1 / 0)  # after the rows are written
    with django_capture_on_commit_callbacks(execute=True):  # the task backend records the failure on the job
        do_start_apply(submission, actor=national_team)
    submission.refresh_from_db()
    assert submission.status == Status.RECEIVED
    assert Household.objects.get(pk=entry.household_id).floor_material is None
    assert JobRun.objects.get(kind="package-apply").state == JobRun.State.FAILED


def test_refusing_tells_the_district_why_and_it_may_send_again(approved, head, national_team):
    do_send(approved, actor=head)
    with pytest.raises(PackageError, match="at least 5"):
        do_refuse(PackageSubmission.objects.get(), reason="no", actor=national_team)
    do_refuse(PackageSubmission.objects.get(), reason="Data RT/RW tidak lengkap", actor=national_team)
    dispatch = PackageDispatch.objects.get()
    assert (dispatch.status, dispatch.reason) == (PackageDispatch.Status.REFUSED, "Data RT/RW tidak lengkap")
    assert do_send(approved, actor=head).status == PackageDispatch.Status.RECEIVED


def test_a_tampered_byte_is_refused(approved, head, national_team, settings, tmp_path):
    data = package_bytes(approved, head, settings)
    changed = rezip(data, tmp_path, lambda name, d: d.replace(b'"decree"', b'"decree" ') if name == "manifest.json"
                    else d)
    refused = receive(changed, user=national_team)
    assert refused.status == Status.REFUSED and "signature does not match" in refused.reason
    unsigned = rezip(data, tmp_path, lambda name, d: b"" if name == "manifest.sig" else d)
    assert "not signed" in receive(unsigned, user=national_team).reason


def test_a_wrong_or_revoked_key_is_refused(approved, head, national_team, settings, tmp_path):
    data = package_bytes(approved, head, settings)
    key = trust_key("1901", signing.public_key("1901"))
    revoke_key(key.fingerprint)
    assert "revoked" in receive(data, user=national_team).reason
    signing.create_key("1901", replace=True)  # another key, nobody trusts
    approved.dispatch.delete()
    other = package_bytes(approved, head, settings)
    assert "does not trust" in receive(other, user=national_team).reason


def test_an_acknowledgement_file_carries_the_answer_between_installations(approved, head, national_team, settings):
    data = package_bytes(approved, head, settings)
    assert PackageDispatch.objects.get().status == PackageDispatch.Status.SENT
    PackageDispatch.objects.update(sha256="0" * 64)  # the national installation is elsewhere: no shared record
    submission = receive(data, user=national_team)
    PackageDispatch.objects.update(sha256=submission.sha256)
    do_refuse(submission, reason="Tanda tangan SK tidak terbaca", actor=national_team)
    PackageDispatch.objects.update(status="sent", reason="")
    ack = json.dumps(acknowledgement(PackageSubmission.objects.get())).encode()
    with pytest.raises(PackageError, match="another package"):
        do_record_acknowledgement(approved, ack.replace(submission.sha256.encode(), b"f" * 64))
    dispatch = do_record_acknowledgement(approved, ack)
    assert (dispatch.status, dispatch.reason) == (PackageDispatch.Status.REFUSED, "Tanda tangan SK tidak terbaca")


def test_only_the_national_team_opens_the_inbox(client, make_user, approved, head, national_team):
    do_send(approved, actor=head)
    submission = PackageSubmission.objects.get()
    for role, region in ((Role.DISTRICT_OPERATOR, "1901"), (Role.DISTRICT_HEAD, "1901"), (Role.AUDITOR, None),
                         (Role.PROGRAM_MANAGER, None)):
        client.force_login(make_user(role, region))
        assert client.get(reverse("registry:inbox")).status_code == 403
        assert client.get(reverse("registry:package", args=[submission.pk])).status_code == 404
        assert client.post(reverse("registry:apply_package", args=[submission.pk])).status_code == 404
    client.force_login(national_team)
    page = client.get(reverse("registry:package", args=[submission.pk]))
    assert page.status_code == 200 and approved.number.encode() in page.content


def test_the_demo_is_one_installation_that_trusts_its_own_district_key(settings, tmp_path):
    from mutakhir.core.management.commands.demo import trust_demo_key
    from mutakhir.registry.models import DistrictKey

    settings.VAR_DIR = tmp_path
    DistrictKey.objects.all().delete()
    trust_demo_key("1901")
    trust_demo_key("1901")  # make demo runs again: same key
    key, = DistrictKey.objects.all()
    assert (key.district, key.public_key) == ("1901", signing.public_key("1901"))
    assert oct(signing.key_path("1901").stat().st_mode & 0o777) == "0o600"


def test_the_inbox_page_starts_an_apply_outside_any_transaction(transactional_db, client, approved, head,
                                                                 national_team):
    """The web view calls do_start_apply in autocommit: its row lock needs its own transaction (PostgreSQL raised
    TransactionManagementError: select_for_update cannot be used outside of a transaction)."""
    do_send(approved, actor=head)
    submission = PackageSubmission.objects.get()
    client.force_login(national_team)
    response = client.post(reverse("registry:apply_package", args=[submission.pk]))
    assert response.status_code == 302
    assert JobRun.objects.filter(kind="package-apply").exists()
