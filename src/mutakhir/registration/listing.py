"""The registrations list's search and filters (the shared mechanism is core/listing.py)."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from mutakhir.core.listing import ListFilter, choice_field
from mutakhir.registry.display import mask_id
from mutakhir.registry.models import name_key

from .models import Channel, Registration, RegistrationMember, Status

HEAD = 1  # relation code of the head of household


class RegistrationFilter(ListFilter):
    status = choice_field(_("Status"), Status.choices)
    channel = choice_field(_("Channel"), Channel.choices)

    def search(self, queryset, q):
        """Registration number or household ID (exact, any case), or the start of the head's name."""
        heads = RegistrationMember.objects.filter(registration=OuterRef("pk"), relation=HEAD,
                                                  name_key__startswith=name_key(q))
        return queryset.filter(Q(number__iexact=q) | Q(source_key=q) | Exists(heads))


EXPORT_HEADER = [_("Registration number"), _("Village code"), _("Village"), _("Channel"), _("Status"),
                 _("Head of household"), "NIK", "KK", _("Entered")]


def export_row(registration) -> list:
    """One row of the export: the head's NIK and KK masked."""
    head = next((m for m in registration.members.all() if m.relation == HEAD), None)
    return [registration.number, registration.region_id, registration.region.name,
            registration.get_channel_display(), registration.get_status_display(),
            head.name if head else "", mask_id(head.nik) if head else "", mask_id(head.kk) if head else "",
            registration.entered_at.strftime("%Y-%m-%d %H:%M")]


class MusdesFilter(ListFilter):
    def search(self, queryset, q):
        """A registration number the deliberation proposed (exact, any case)."""
        return queryset.filter(Exists(Registration.objects.filter(musdes=OuterRef("pk"), number__iexact=q)))


MUSDES_HEADER = [_("Held on"), _("Village code"), _("Village"), _("Attendance"), _("Households proposed"),
                 _("Minutes")]


def musdes_row(musdes) -> list:
    return [musdes.held_on.isoformat(), musdes.region_id, musdes.region.name, musdes.attendance, musdes.proposed,
            str(_("yes") if musdes.minutes else _("no"))]
