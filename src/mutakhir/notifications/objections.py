"""The objection window: objections (sanggah) to a village's frozen prelist, and where they go.

The window opens when the village's prelist is frozen and lasts the district's `objection_days`, but never
past the update period's verification deadline: an objection must reach the field team while it can still
act on it. An objection filed within the window is assigned at once to the TKSK of the village's
sub-district (who verifies there). One filed after the window closes is still accepted, as an ordinary
complaint for the district's queue, and marked late, so nobody is turned away but nobody mistakes it for
one the verification took into account. Before any prelist is frozen there is no window: the objection is
an ordinary complaint, not late.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from mutakhir.accounts.models import Role, User
from mutakhir.identification.models import Prelist
from mutakhir.registry.models import UpdatePeriod

from .models import NotificationSettings

DEFAULT_DAYS = 14  # a district without settings: two weeks, Cek Bansos' answer time


@dataclass
class Window:
    opens: dt.date
    closes: dt.date

    def holds(self, day: dt.date) -> bool:
        return self.opens <= day <= self.closes


def objection_days(district: str) -> int:
    found = NotificationSettings.objects.filter(region_id=district).values_list("objection_days", flat=True).first()
    return DEFAULT_DAYS if found is None else found


def window(prelist: Prelist) -> Window:
    """Return the objection window of a frozen prelist."""
    opens = timezone.localtime(prelist.frozen_at).date()
    closes = opens + dt.timedelta(days=objection_days(prelist.region_id[:4]))
    deadline = prelist.update_period.verification_deadline
    return Window(opens, min(closes, deadline) if deadline else closes)


def latest_prelist(village: str) -> Prelist | None:
    """Return the newest frozen prelist of the village in its district's open update period."""
    return (Prelist.objects.filter(region_id=village, update_period__status=UpdatePeriod.Status.OPEN)
            .select_related("update_period").order_by("-version").first())


def village_tksk(village: str) -> User | None:
    return (User.objects.filter(is_active=True, role=Role.TKSK, region_id=village[:6]).order_by("username")
            .first())


def route(complaint) -> None:
    """Before an objection is saved: assign it to the sub-district's TKSK within the window, mark it late after."""
    prelist = latest_prelist(complaint.region_id)
    if prelist is None:
        return
    frame = window(prelist)
    today = timezone.localtime(complaint.filed_at).date()
    if today > frame.closes:
        complaint.late_objection = True
        return
    tksk = village_tksk(complaint.region_id) if frame.holds(today) else None
    if tksk is not None:
        complaint.assigned_to, complaint.status = tksk, "assigned"
