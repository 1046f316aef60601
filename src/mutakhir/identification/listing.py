"""The prelists list's search, versions and export (the shared mechanism is core/listing.py)."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from mutakhir.core.listing import ListFilter

from . import prelists
from .models import PrelistEntry


class PrelistFilter(ListFilter):
    def search(self, queryset, q):
        """The prelists holding a registration number or a registry household ID (exact, any case)."""
        entries = PrelistEntry.objects.filter(Q(registration__number__iexact=q) | Q(household__household_id=q),
                                              prelist=OuterRef("pk"))
        return queryset.filter(Exists(entries))


def mark_page(page, queryset) -> None:
    """Mark the page's prelists current or replaced: their newer versions may be on another page."""
    shown = {p.pk for p in page.object_list}
    siblings = (queryset.model.objects.filter(region_id__in={p.region_id for p in page.object_list},
                                              match_run__isnull=False).exclude(pk__in=shown)
                .only("pk", "update_period_id", "region_id", "version", "match_run_id"))
    prelists.mark_versions([*page.object_list, *siblings])


HEADER = [_("Village code"), _("Village"), _("Update period"), _("Version"), _("Households"), _("Frozen"),
          _("Frozen by")]


def export_row(prelist) -> list:
    return [prelist.region_id, prelist.region.name, str(prelist.update_period), prelist.version, prelist.n,
            prelist.frozen_at.strftime("%Y-%m-%d %H:%M"), str(prelist.frozen_by)]
