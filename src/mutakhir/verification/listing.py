"""The "all verifications" list's search, filters and export (the shared mechanism is core/listing.py)."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from mutakhir.core.listing import ListFilter, choice_field
from mutakhir.registration.models import RegistrationMember
from mutakhir.registry.models import Member, name_key

from .models import Outcome, Source, Status

HEAD = 1  # relation code of the head of household


class VerificationFilter(ListFilter):
    status = choice_field(_("Status"), Status.choices)
    outcome = choice_field(_("Visit outcome"), Outcome.choices)
    channel = choice_field(_("Source"), Source.choices)
    lookups = {"channel": "source"}

    def search(self, queryset, q):
        """Registration number or household ID (exact, any case), or the start of the head's name."""
        key = name_key(q)
        heads = (Exists(RegistrationMember.objects.filter(registration=OuterRef("registration"), relation=HEAD,
                                                          name_key__startswith=key))
                 | Exists(Member.objects.filter(household=OuterRef("household"), relation=HEAD,
                                                name_key__startswith=key)))
        return queryset.filter(Q(registration__number__iexact=q) | Q(household__household_id=q) | heads)


HEADER = [_("Village code"), _("Village"), _("Registration number"), _("Household ID"), _("Verifier"), _("Status"),
          _("Visit outcome"), _("Source"), _("Visit date")]


def export_row(verification) -> list:
    registration, household, verifier = verification.registration, verification.household, verification.verifier
    return [verification.region_id, verification.region.name, registration.number if registration else "",
            household.household_id if household else "", verifier.username if verifier else "",
            verification.get_status_display(), verification.get_outcome_display(),
            verification.get_source_display(), verification.visited_on.isoformat() if verification.visited_on else ""]
