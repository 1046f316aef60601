"""Forms of the registry pages that change data: the household edit form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Household
from .services import EDITABLE_FIELDS, REASON_MAX


class HouseholdEditForm(forms.ModelForm):
    """The household's housing and asset characteristics, the version it was opened at, and why it changes."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for the change"), min_length=5, max_length=REASON_MAX,
                             help_text=_("Kept in the household's history, e.g. “verification visit 12 March”."))

    class Meta:
        model = Household
        fields = EDITABLE_FIELDS

    def changed_values(self) -> dict:
        """Return the cleaned values of the characteristics the editor actually changed."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name in EDITABLE_FIELDS}
