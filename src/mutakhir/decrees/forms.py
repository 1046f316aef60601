from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutakhir.regions.models import Region
from mutakhir.registry.models import UpdatePeriod

from .legal import head_office, next_number, settings_for
from .models import DistrictDecreeSettings


class DecreeForm(forms.Form):
    update_period = forms.ModelChoiceField(UpdatePeriod.objects.none(), label=_("Update period"))
    number = forms.CharField(label=_("Decree number"), max_length=80)
    date = forms.DateField(label=_("Decree date"), widget=forms.DateInput(attrs={"type": "date"}))
    considerations = forms.CharField(label=_("Considerations (Menimbang)"), max_length=4000,
                                     widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One consideration a line."))
    legal_basis = forms.CharField(label=_("Legal bases (Mengingat)"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("One law or regulation a line."))
    signer_name = forms.CharField(label=_("Signatory's name"), max_length=120)
    signer_title = forms.CharField(label=_("Signatory's office"), max_length=120)
    place = forms.CharField(label=_("Place of signing"), max_length=80)

    def __init__(self, *args, district: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["update_period"].queryset = UpdatePeriod.objects.filter(region_id=district)
        self._propose(district)

    def _propose(self, district: str) -> None:
        """Start a new draft from the district's decree settings, with the next number of its template."""
        standing = settings_for(district)
        region = Region.objects.filter(pk=district).first()  # none: an account without a district
        today = timezone.localdate()
        proposed = {"date": today, "number": next_number(standing.number_template, district, today.year),
                    "considerations": standing.considerations, "legal_basis": standing.legal_bases,
                    "signer_name": standing.signer_name, "place": standing.place,
                    "signer_title": standing.signer_title or (region and head_office(region))}
        for name, value in proposed.items():
            self.fields[name].initial = value


class DecreeSettingsForm(forms.ModelForm):
    class Meta:
        model = DistrictDecreeSettings
        fields = ["considerations", "legal_bases", "number_template", "signer_name", "signer_title", "place"]
        widgets = {"considerations": forms.Textarea(attrs={"rows": 4}),
                   "legal_bases": forms.Textarea(attrs={"rows": 4})}

    def clean_number_template(self):
        template = self.cleaned_data["number_template"]
        try:
            template.format(seq=1, year=2000)
        except (KeyError, IndexError, ValueError):
            raise forms.ValidationError(_("The template may hold only {seq} and {year} in braces.")) from None
        if "{seq}" not in template:
            raise forms.ValidationError(_("The template needs {seq}, the decree's sequence in the year."))
        return template


class CorrectionForm(DecreeForm):
    verifications = forms.TypedMultipleChoiceField(label=_("Verifications to reopen"), coerce=int,
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, decree, **kwargs):
        super().__init__(*args, district=decree.region_id, **kwargs)
        self.fields["verifications"].choices = [(v.pk, v.subject_key) for v in decree.verifications.all()]
        del self.fields["update_period"]


class VerifyPdfForm(forms.Form):
    file = forms.FileField(label=_("Decree PDF or annex (XLSX)"))



class AcknowledgementForm(forms.Form):
    file = forms.FileField(label=_("The national team's acknowledgement (.json)"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > 64 * 1024:
            raise forms.ValidationError(_("An acknowledgement file is small (under 64 KB): this is not one."))
        return file
