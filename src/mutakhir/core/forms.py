from django import forms
from django.utils.translation import gettext_lazy as _


class ExportReasonForm(forms.Form):
    """Why a file of personal data is downloaded: the reason goes into the access log with the download."""

    reason = forms.CharField(label=_("Reason for the download"), min_length=5, max_length=255,
                             help_text=_("The file holds personal data: each download is logged with its reason."))
