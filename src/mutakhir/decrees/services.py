"""Compile, approve and check decrees (SK): check_* validates, do_* writes (atomic, with history)."""

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.core.jobs import start_job
from mutakhir.core.models import JobRun
from mutakhir.verification.models import Status, Verification

from .annex import annex_xlsx
from .models import Decree, DecreeItem

APPROVE_JOB = "decree-approve"


class DecreeError(Exception):
    """A change refused with a message for the user."""


def compilable(district: str, period) -> "list[Verification]":
    """Return the accepted verifications of a district and period that no decree holds yet."""
    return list(Verification.objects.filter(region__pk__startswith=district, status=Status.ACCEPTED,
                                            entry__prelist__update_period=period, decree_items__isnull=True)
                .order_by("region_id", "pk"))


def check_compile(district: str, period, number: str, corrects: Decree | None, verifications) -> None:
    if period.region_id != district:
        raise DecreeError(_("The update period belongs to another district."))
    if Decree.objects.filter(number=number).exists():
        raise DecreeError(_("A decree with this number exists already."))
    if corrects is not None and (not corrects.is_approved or corrects.region_id != district):
        raise DecreeError(_("Only an approved decree of this district can be corrected."))
    if not verifications:
        raise DecreeError(_("There is no accepted verification to put in the decree."))
    check_once_per_household(period, verifications)


def check_once_per_household(period, verifications) -> None:
    """Refuse two verifications of one household (registration or registry household) in the period's decrees.

    The database keeps one verification per household and period; this also stops two made before it did
    (the migration leaves the second one's keys empty) from entering the decrees, this one or another.
    """
    chosen, owner = {v.pk for v in verifications}, {}
    rows = (Verification.objects.filter(entry__prelist__update_period=period)
            .values_list("pk", "entry__registration_id", "entry__household_id", "decree_items__id"))
    for pk, registration, household, item in rows.iterator(chunk_size=5000):
        if pk not in chosen and item is None:
            continue
        for key in (("r", registration), ("h", household)):
            if key[1] is not None and owner.setdefault(key, pk) != pk:
                first, second = Verification.objects.filter(pk__in=[owner[key], pk]).order_by("pk")
                raise DecreeError(_("Household %(household)s has two verifications in this update period (#%(a)s "
                                    "and #%(b)s): a household is verified once per period. Return the one that "
                                    "should not count.")
                                  % {"household": second.subject_key, "a": first.pk, "b": second.pk})


@transaction.atomic
def do_compile_decree(*, district: str, period, number: str, date, legal_basis: str, signer_name: str,
                      signer_title: str, actor, corrects: Decree | None = None, verifications=None,
                      considerations: str = "", place: str = "") -> Decree:
    """Create a draft decree holding the accepted verifications (a correction: those it reopens)."""
    if verifications is None:
        verifications = compilable(district, period)
    check_compile(district, period, number, corrects, verifications)
    decree = Decree(region_id=district, update_period=period, number=number, date=date, legal_basis=legal_basis,
                    signer_name=signer_name, signer_title=signer_title, corrects=corrects, created_by=actor,
                    considerations=considerations, place=place)
    decree._history_user = actor
    decree.save()
    DecreeItem.objects.bulk_create([DecreeItem(decree=decree, verification=v) for v in verifications])
    return decree


def check_approve(decree: Decree) -> None:
    if decree.is_approved:
        raise DecreeError(_("This decree is approved already."))
    pending = decree.verifications.exclude(status=Status.ACCEPTED).count()
    if pending:
        raise DecreeError(_("%(n)s verifications of this decree are not accepted.") % {"n": pending})


def approval_jobs(decree: Decree):
    """Return the decree's approval jobs, newest first."""
    return JobRun.objects.filter(kind=APPROVE_JOB, config__decree=decree.pk).order_by("-created_at", "-pk")


@transaction.atomic
def do_start_approval(decree: Decree, *, actor) -> JobRun:
    """Create the approval job of a draft decree (scoped to its district); its task starts on commit.

    The decree row is locked while checking, so two clicks start one job; the job itself approves only by
    compare-and-set, so even two jobs approve once.
    """
    from .tasks import approve_decree_task  # tasks import this module

    current = Decree.objects.select_for_update().get(pk=decree.pk)
    check_approve(current)
    if approval_jobs(current).filter(state__in=[JobRun.State.QUEUED, JobRun.State.RUNNING]).exists():
        raise DecreeError(_("The approval of this decree is running already."))
    return start_job(approve_decree_task, APPROVE_JOB, user=actor, region_code=current.region_id,
                     config={"decree": current.pk, "number": current.number})


def do_approve_decree_job(job: JobRun, progress) -> dict:
    """Approve the job's decree (the task's work) and return the SHA-256 of its files."""
    decree = do_approve_decree(Decree.objects.get(pk=job.config["decree"]), actor=job.created_by, progress=progress)
    return {"decree": decree.pk, "pdf_sha256": decree.pdf_sha256, "annex_sha256": decree.annex_sha256}


def _seal(decree: Decree) -> str:
    """Return a digest of the decree's verifications and their versions (any change to one changes it)."""
    digest = hashlib.sha256()
    rows = decree.items.order_by("verification_id").values_list("verification_id", "verification__version")
    for pk, version in rows.iterator(chunk_size=5000):
        digest.update(f"{pk}:{version};".encode())
    return digest.hexdigest()


def do_approve_decree(decree: Decree, *, actor, progress=None) -> Decree:
    """Approve the decree, recording who and when, and store its annex (XLSX) and PDF with their SHA-256.

    All or nothing: the files are made first (minutes on a large district, outside any transaction, so the
    progress shows and SQLite stays writable), then one short transaction checks that the verifications
    did not change meanwhile and turns the decree approved by compare-and-set (draft -> approved) with its
    files. A failure, or a second approval, leaves no trace.
    """
    from .pdf import render_pdf

    step = progress or (lambda done, total=None, note="": None)
    current = Decree.objects.get(pk=decree.pk)
    check_approve(current)
    seal, total = _seal(current), current.items.count()
    current.approved_by, current.approved_at = actor, timezone.now()
    step(0, total, _("Writing the annex (XLSX)"))
    current.annex = annex_xlsx(current, progress=lambda done: step(done, total, _("Writing the annex (XLSX)")))
    current.annex_sha256 = hashlib.sha256(current.annex).hexdigest()
    step(total, total, _("Rendering the decree PDF"))
    current.pdf = render_pdf(current)  # prints the annex's SHA-256
    current.pdf_sha256 = hashlib.sha256(current.pdf).hexdigest()
    with transaction.atomic():
        check_approve(Decree.objects.select_for_update().get(pk=current.pk))
        if _seal(current) != seal:
            raise DecreeError(_("The decree's verifications changed while its files were made: approve it again."))
        if Decree.objects.filter(pk=current.pk, status=Decree.Status.DRAFT).update(
                status=Decree.Status.APPROVED) != 1:
            raise DecreeError(_("This decree is approved already."))
        current.status = Decree.Status.APPROVED
        current._history_user = actor
        current._change_reason = "approved"
        current.save(update_fields=["status", "approved_by", "approved_at", "annex", "annex_sha256", "pdf",
                                    "pdf_sha256"])
    return current


def matching_file(decree: Decree, data: bytes) -> str:
    """Return "pdf" or "annex" when `data` is the decree's approved PDF or annex file (by SHA-256), else ""."""
    sha = hashlib.sha256(data).hexdigest()
    if decree.pdf_sha256 and sha == decree.pdf_sha256:
        return "pdf"
    return "annex" if decree.annex_sha256 and sha == decree.annex_sha256 else ""
