"""The complaint queue's search, filters and export (the shared mechanism is core/listing.py)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mutakhir.core.listing import ALL, ListFilter, choice_field
from mutakhir.registry.display import mask_id

from .models import Kind, Status


class QueueFilter(ListFilter):
    """The queue's search and filters: open complaints unless a status (or all) is chosen."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Open")), (ALL, _("All")),
                                                                          *Status.choices])
    category = choice_field(_("Kind"), Kind.choices)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    lookups = {"category": "kind"}

    def search(self, queryset, q):
        """Ticket number or household ID (exact, any case), or the start of the concerned person's name."""
        return queryset.filter(Q(ticket__iexact=q) | Q(household__household_id=q) | Q(subject_name__istartswith=q))

    def apply(self, queryset):
        queryset = super().apply(queryset)
        if not self.is_valid():
            return queryset
        if not self.cleaned_data["status"]:
            queryset = queryset.open()
        return queryset.overdue() if self.cleaned_data["overdue"] else queryset


EXPORT_HEADER = [_("Ticket"), _("Filed"), _("Village code"), _("Village"), _("Kind"), _("Status"), _("Complainant"),
                 _("Complainant NIK"), _("Person or household concerned"), _("Household ID"), _("Assigned to"),
                 _("Answer due")]


def export_row(complaint) -> list:
    """One row of the export: the complainant's name and NIK masked, as on the queue page."""
    household, assignee = complaint.household, complaint.assigned_to
    return [complaint.ticket, complaint.filed_at.strftime("%Y-%m-%d"), complaint.region_id, complaint.region.name,
            complaint.get_kind_display(), complaint.get_status_display(), complaint.masked_complainant,
            mask_id(complaint.complainant_nik) if complaint.complainant_nik else "", complaint.subject_name,
            household.household_id if household else "", assignee.username if assignee else "",
            complaint.due_on.isoformat()]
