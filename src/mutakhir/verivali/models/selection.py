"""Verivali models: selection of registry households for re-verification, and the signed outcome report.

A `Selection` is one committed choice for an update period (a district): its rules, the ranking run
the desil came from, and one `SelectionItem` per chosen household with why (reasons), its priority in
its village and the prelist entry it went to. The baseline (the household as the registry held it)
lets the outcome report tell a confirmed household from a corrected one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutakhir.accounts.scope import filter_visible

__all__ = ["Selection", "SelectionItem", "OutcomeSignoff"]


class _DistrictScoped(models.QuerySet):
    region_field = "region_id"

    def visible_to(self, user):
        """Limit to rows inside the user's region scope."""
        return filter_visible(self, user, self.region_field)


class Selection(models.Model):
    update_period = models.ForeignKey("registry.UpdatePeriod", models.PROTECT, related_name="verivali_selections",
                                      verbose_name=_("update period"))
    region = models.ForeignKey("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                               verbose_name=_("district"))
    rules = models.JSONField(_("rules"), default=dict)
    ranking_run = models.ForeignKey("ranking.RankingRun", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("ranking run (desil before)"))
    households = models.PositiveIntegerField(_("households selected"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("selected by"))
    created_at = models.DateTimeField(_("selected at"), auto_now_add=True)

    objects = _DistrictScoped.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("re-verification selection")
        verbose_name_plural = _("re-verification selections")

    def __str__(self):
        return f"{_('Selection')} #{self.pk} {self.update_period}"


class SelectionItem(models.Model):
    selection = models.ForeignKey(Selection, models.CASCADE, related_name="items", verbose_name=_("selection"))
    household = models.ForeignKey("registry.Household", models.PROTECT, related_name="verivali_items",
                                  verbose_name=_("household"))
    region = models.ForeignKey("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                               verbose_name=_("village"))
    priority = models.PositiveIntegerField(_("priority in village"), help_text=_("1 = visited first"))
    score = models.PositiveIntegerField(_("priority score"))
    reasons = models.TextField(_("what to check"), help_text=_("`;`-separated"))
    entry = models.OneToOneField("identification.PrelistEntry", models.PROTECT, null=True, blank=True,
                                 related_name="verivali_item", verbose_name=_("prelist entry"))
    desil_before = models.PositiveSmallIntegerField(_("desil before"), null=True, blank=True)
    baseline = models.JSONField(_("registry data when selected"), default=dict)

    objects = _DistrictScoped.as_manager()

    class Meta:
        ordering = ["selection_id", "region_id", "priority"]
        constraints = [models.UniqueConstraint(fields=["selection", "household"], name="selection_item_once")]
        verbose_name = _("selected household")
        verbose_name_plural = _("selected households")

    def __str__(self):
        return f"{self.selection_id}:{self.household_id}"


class OutcomeSignoff(models.Model):
    """The district's sign-off of the re-verification outcomes of an update period, with its decree."""

    update_period = models.OneToOneField("registry.UpdatePeriod", models.PROTECT, related_name="verivali_signoff",
                                         verbose_name=_("update period"))
    region = models.ForeignKey("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                               verbose_name=_("district"))
    decree = models.ForeignKey("decrees.Decree", models.PROTECT, related_name="+", verbose_name=_("decree (SK)"))
    figures = models.JSONField(_("figures as signed"))
    pdf = models.BinaryField(_("PDF"), editable=False)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("signed by"))
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    objects = _DistrictScoped.as_manager()

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("re-verification outcome sign-off")
        verbose_name_plural = _("re-verification outcome sign-offs")

    def __str__(self):
        return f"{self.update_period} ({self.decree})"
