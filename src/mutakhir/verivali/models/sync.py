"""Verivali models: sync. A civil-registry sync run and the changes it proposes for review.

A finding never changes the registry by itself: it is a `ProposedChange` that a district operator
applies or rejects (exact ones in bulk), and applying writes the registry's history.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutakhir.accounts.scope import filter_visible

__all__ = ["CivilSync", "ProposedChange"]


class CivilSyncQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to syncs of a district inside the user's scope (a whole-registry sync: national scope only)."""
        return filter_visible(self, user, "region_code")


class CivilSync(models.Model):
    """One comparison of the registry's active members with a newer civil-registry extract."""

    region_code = models.CharField(_("district"), max_length=10, blank=True, db_index=True,
                                   help_text=_("Empty means the whole registry."))
    extract = models.CharField(_("civil-registry extract"), max_length=500)
    job = models.OneToOneField("core.JobRun", models.PROTECT, null=True, blank=True, related_name="civil_sync",
                               verbose_name=_("background job"))
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CivilSyncQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("civil-registry sync")
        verbose_name_plural = _("civil-registry syncs")

    def __str__(self):
        return f"sync #{self.pk}"

    @property
    def change_reason(self) -> str:
        """Return the reason written on every history row an applied change of this sync creates."""
        return f"verivali civil sync #{self.pk}"


class ProposedChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to changes of members living in villages inside the user's scope."""
        return filter_visible(self, user, "region_id")


class ProposedChange(models.Model):
    """One finding of a sync: what should change for one registry member, why, and what was decided."""

    class Kind(models.TextChoices):
        DEATH = "death", _("Death")
        MOVE = "move", _("Moved out of the district")
        KK_CHANGE = "kk_change", _("New family card (KK)")
        NIK_CORRECTION = "nik_correction", _("NIK correction")
        # Proposed when applying a death leaves a household without a living member; never applied in bulk.
        HOUSEHOLD_END = "household_end", _("Close the household (no living member)")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")

    class Problem(models.TextChoices):
        NONE = "", _("None")
        DUPLICATE_NIK = "duplicate_nik", _("The NIK appears more than once in the extract")
        REGISTERED_AFTER_DEATH = "registered_after_death", _("Registered again after the recorded death")
        NIK_IN_USE = "nik_in_use", _("The new NIK belongs to another registry member")

    sync = models.ForeignKey(CivilSync, models.CASCADE, related_name="changes", verbose_name=_("sync"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    member = models.ForeignKey("registry.Member", models.PROTECT, related_name="+", verbose_name=_("member"))
    household = models.ForeignKey("registry.Household", models.PROTECT, related_name="+",
                                  verbose_name=_("household"))
    region = models.ForeignKey("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                               verbose_name=_("village"))
    exact = models.BooleanField(_("exact evidence"), default=False,
                                help_text=_("Matched on a valid NIK (or the extract names the old NIK)."))
    problem = models.CharField(_("problem"), max_length=24, choices=Problem.choices, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    current_value = models.CharField(_("current value"), max_length=32, blank=True)
    proposed_value = models.CharField(_("proposed value"), max_length=32, blank=True)
    member_version = models.PositiveIntegerField(_("member version when found"))
    household_version = models.PositiveIntegerField(_("household version when found"), null=True, blank=True,
                                                     help_text=_("Only for closing a household."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED,
                              db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=255, blank=True)

    objects = ProposedChangeQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["sync", "member", "kind"], name="proposed_change_once")]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")

    def __str__(self):
        return f"{self.kind} {self.member_id}"

    @property
    def is_bulk_applicable(self) -> bool:
        return (self.status == self.Status.PROPOSED and self.exact and not self.problem
                and self.kind != self.Kind.HOUSEHOLD_END)

    # How the sync linked the member to the civil registry (the engine's codes), in the reader's language.
    METHODS = {"nik": _("by NIK"), "name_birth": _("by name and birth date"),
               "no_living_member": _("no living member")}

    @property
    def evidence_method(self) -> str:
        method = (self.evidence or {}).get("method", "")
        return str(self.METHODS.get(method, method))

    def get_end_reason_display(self) -> str:
        """Return the end reason a household closing proposes, in the reader's language."""
        from mutakhir.registry.models import EndReason

        return str(EndReason(self.proposed_value).label) if self.proposed_value in EndReason.values else ""
