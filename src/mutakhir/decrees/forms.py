from django import forms
from django.utils.translation import gettext_lazy as _

from mutakhir.registry.models import UpdatePeriod


class DecreeForm(forms.Form):
    update_period = forms.ModelChoiceField(UpdatePeriod.objects.none(), label=_("Update period"))
    number = forms.CharField(label=_("Decree number"), max_length=80)
    date = forms.DateField(label=_("Decree date"), widget=forms.DateInput(attrs={"type": "date"}))
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    signer_name = forms.CharField(label=_("Signer"), max_length=120)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=120, initial=_("District head"))

    def __init__(self, *args, district: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["update_period"].queryset = UpdatePeriod.objects.filter(region_id=district)


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
