"""The Kemendagri hierarchy: province > regency/city > sub-district > village."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .codes import dotted


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency/city")
        SUBDISTRICT = 3, _("Sub-district")
        VILLAGE = 4, _("Village")

    code = models.CharField(_("code"), max_length=10, primary_key=True, help_text=_("Kemendagri code, no dots"))
    name = models.CharField(_("name"), max_length=120, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20, help_text=_("provinsi, kabupaten, kota, kecamatan, desa..."))
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    # BPS codes differ from Kemendagri's below regency level: kept apart, never mixed.
    bps_code = models.CharField(_("BPS code"), max_length=10, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=80, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.dotted_code} {self.name}"

    @property
    def dotted_code(self) -> str:
        return dotted(self.code)

    def descendants(self):
        """Return every region below this one (by code prefix)."""
        return Region.objects.filter(code__startswith=self.code).exclude(code=self.code)
