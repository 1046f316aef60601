"""Compile, approve and check decrees (SK): check_* validates, do_* writes (atomic, with history)."""

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.verification.models import Status, Verification

from .annex import annex_xlsx
from .models import Decree, DecreeItem


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


@transaction.atomic
def do_compile_decree(*, district: str, period, number: str, date, legal_basis: str, signer_name: str,
                      signer_title: str, actor, corrects: Decree | None = None, verifications=None) -> Decree:
    """Create a draft decree holding the accepted verifications (a correction: those it reopens)."""
    if verifications is None:
        verifications = compilable(district, period)
    check_compile(district, period, number, corrects, verifications)
    decree = Decree(region_id=district, update_period=period, number=number, date=date, legal_basis=legal_basis,
                    signer_name=signer_name, signer_title=signer_title, corrects=corrects, created_by=actor)
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


@transaction.atomic
def do_approve_decree(decree: Decree, *, actor) -> Decree:
    """Approve the decree, recording who and when, and store its annex (XLSX) and PDF with their SHA-256."""
    from .pdf import render_pdf

    current = Decree.objects.select_for_update().get(pk=decree.pk)
    check_approve(current)
    current.status, current.approved_by, current.approved_at = Decree.Status.APPROVED, actor, timezone.now()
    current.annex = annex_xlsx(current)
    current.annex_sha256 = hashlib.sha256(current.annex).hexdigest()
    current.pdf = render_pdf(current)  # prints the annex's SHA-256
    current.pdf_sha256 = hashlib.sha256(current.pdf).hexdigest()
    current._history_user = actor
    current._change_reason = "approved"
    current.save(update_fields=["status", "approved_by", "approved_at", "annex", "annex_sha256", "pdf", "pdf_sha256"])
    return current


def matching_file(decree: Decree, data: bytes) -> str:
    """Return "pdf" or "annex" when `data` is the decree's approved PDF or annex file (by SHA-256), else ""."""
    sha = hashlib.sha256(data).hexdigest()
    if decree.pdf_sha256 and sha == decree.pdf_sha256:
        return "pdf"
    return "annex" if decree.annex_sha256 and sha == decree.annex_sha256 else ""
