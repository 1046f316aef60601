"""Sign off an update period's re-verification outcomes with the decree of the period (district head)."""

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from mutakhir.decrees.models import Decree
from mutakhir.verivali.models import OutcomeSignoff, SelectionItem

from . import exports
from .figures import figures


class OutcomeError(Exception):
    """A sign-off refused, with a message for the user."""


def decree_of(period) -> Decree | None:
    """Return the newest approved decree of the period's district and period."""
    return (Decree.objects.filter(update_period=period, region_id=period.region_id, status=Decree.Status.APPROVED)
            .order_by("-date", "-pk").first())


def check_signoff(period) -> Decree:
    if OutcomeSignoff.objects.filter(update_period=period).exists():
        raise OutcomeError(_("The outcomes of this update period are already signed off."))
    if not SelectionItem.objects.filter(selection__update_period=period).exists():
        raise OutcomeError(_("No household of this update period was selected for re-verification."))
    decree = decree_of(period)
    if decree is None:
        raise OutcomeError(_("The period has no approved decree (SK) yet: the outcomes are signed off with it."))
    return decree


@transaction.atomic
def do_signoff(user, period) -> OutcomeSignoff:
    """Freeze the district's figures and their PDF, linked to the period's decree."""
    decree = check_signoff(period)
    report = figures(period, SelectionItem.objects.filter(region__pk__startswith=period.region_id))
    signoff = OutcomeSignoff(update_period=period, region_id=period.region_id, decree=decree, figures=report,
                             signed_by=user, pdf=b"", pdf_sha256="")
    signoff.pdf = exports.pdf(report, period, decree, signoff)
    signoff.pdf_sha256 = hashlib.sha256(signoff.pdf).hexdigest()
    signoff.save()
    return signoff
