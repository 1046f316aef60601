"""The home page's content per role: the role's stages and the registry figures of its scope."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from mutakhir.accounts.models import Role
from mutakhir.complaints import access as complaint_access
from mutakhir.complaints.models import Complaint
from mutakhir.regions.codes import LEVEL_LENGTHS
from mutakhir.regions.models import Region
from mutakhir.registration import access as registration_access
from mutakhir.registry.models import Household, Member

# What each role does (DOMAIN.md, "Who uses it") where no stage page of its own says it.
ROLE_TASKS = {
    Role.AUDITOR: [(_("Read-only overview"), _("Read everything in your scope; you change nothing. Revealing a "
                                               "full NIK or KK needs a reason and is logged."), None, "")],
}
"""Role cards without a page of their own elsewhere on the home page: (title, text, URL name, link)."""

REGISTRATION_CARDS = {
    Role.REGISTRAR: (_("Registrations"), _("Record active registrations of your village: applicants who come "
                                           "to the village office with a KTP or KK.")),
    Role.PSM: (_("Passive registration"), _("Propose households you visit, or that the village deliberation "
                                            "(Musdes) names, for registration.")),
    Role.TKSK: (_("Registrations"), _("Propose households you visit, or that a village deliberation (Musdes) "
                                      "names, and follow the registrations of your sub-district.")),
    Role.DISTRICT_OPERATOR: (_("Registrations"), _("Enter registrations of every channel, import them in bulk "
                                                   "from a spreadsheet, and follow those of the district.")),
}
READ_REGISTRATIONS_CARD = (_("Registrations"), _("The registrations of your area: who registered, through which "
                                                 "channel, and where each stands."))


def registration_card(user) -> dict | None:
    """Return the registrations card of the user's role (title, text, whether to offer the bulk import), if any."""
    if not registration_access.can_read(user):
        return None
    title, text = REGISTRATION_CARDS.get(user.role, READ_REGISTRATIONS_CARD)
    return {"title": title, "text": text, "can_import": registration_access.can_import(user)}


@dataclass
class Figures:
    households: int
    members: int
    ended: int
    by_region: list[tuple[Region | str, int]]
    breakdown_label: str


BREAKDOWN_LABELS = {1: _("By province"), 2: _("By regency/city"), 3: _("By sub-district"), 4: _("By village")}


def registry_figures(user) -> Figures | None:
    """Return the registry figures of the user's scope, broken down one region level below it."""
    prefix = user.scope_prefix
    if prefix is None:
        return None
    households = Household.objects.visible_to(user)
    active = households.active()
    level = next((lvl for lvl, n in LEVEL_LENGTHS.items() if n > len(prefix)), None)
    by_region = []
    if level:
        counts = (active.annotate(child=Substr("region_id", 1, LEVEL_LENGTHS[level])).values("child")
                  .annotate(n=Count("pk")).order_by("child"))
        counts = {row["child"]: row["n"] for row in counts}
        names = Region.objects.in_bulk(list(counts))
        by_region = [(names.get(code, code), n) for code, n in counts.items()]
    totals = households.aggregate(active=Count("pk", filter=Q(ended_at__isnull=True)),
                                  ended=Count("pk", filter=Q(ended_at__isnull=False)))
    return Figures(households=totals["active"], members=Member.objects.visible_to(user).active().count(),
                   ended=totals["ended"], by_region=by_region, breakdown_label=BREAKDOWN_LABELS.get(level, ""))


def complaint_counts(user) -> dict | None:
    """Return the open and overdue complaints of the user's scope, for the roles that read the complaint queue."""
    if not complaint_access.can_read(user):
        return None
    open_complaints = Complaint.objects.visible_to(user).open()
    return {"open": open_complaints.count(), "overdue": open_complaints.overdue().count()}
