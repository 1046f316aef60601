"""Forms of the complaint pages: the public filing and follow forms, and the staff queue and actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutakhir.core.evidence_forms import EvidenceForm, PhotoField
from mutakhir.regions.models import Region

from .models import Kind

TICKET_RE = r"^\s*[Aa][Dd][Uu]-\d{4}-\d{4}-\d{6}\s*$"


class FileComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is your complaint about?"), choices=Kind.choices)
    region_code = forms.CharField(label=_("Village"), required=False, max_length=10)
    village_code = forms.CharField(label=_("Or type the village code"), required=False, max_length=13,
                                   help_text=_("10 digits, e.g. 19.01.01.1001"))
    subject_name = forms.CharField(label=_("Name of the person or household concerned"), required=False,
                                   max_length=120)
    subject_address = forms.CharField(label=_("Their address (hamlet, RT/RW)"), required=False, max_length=255)
    text = forms.CharField(label=_("Your complaint"), max_length=2000, min_length=10,
                           widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}))
    complainant_name = forms.CharField(label=_("Your name"), required=False, max_length=120,
                                       help_text=_("Objections may be anonymous; other complaints need a name."))
    complainant_phone = forms.RegexField(label=_("Your phone number"), required=False, max_length=20,
                                         regex=r"^\+?[0-9][0-9 -]{7,18}$",
                                         error_messages={"invalid": _("Enter a phone number of 8 to 15 digits.")},
                                         widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    complainant_nik = forms.RegexField(label=_("Your NIK (optional)"), required=False, regex=r"^\d{16}$",
                                       max_length=16,
                                       error_messages={"invalid": _("The number must have exactly 16 digits.")},
                                       widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def clean(self):
        data = super().clean()
        code = (data.get("village_code") or data.get("region_code") or "").replace(".", "").strip()
        data["region"] = Region.objects.filter(code=code, level=Region.Level.VILLAGE).first() if code else None
        if data["region"] is None:
            self.add_error("village_code" if data.get("village_code") else "region_code",
                           _("Choose your village, or type its 10-digit code."))
        kind = data.get("kind")
        if kind == Kind.OBJECTION and not data.get("subject_name"):
            self.add_error("subject_name", _("Name the person or household you object to."))
        if kind and kind != Kind.OBJECTION and not data.get("complainant_name"):
            self.add_error("complainant_name", _("Give your name: only objections may be anonymous."))
        return data


class FollowForm(forms.Form):
    ticket = forms.RegexField(label=_("Ticket number"), regex=TICKET_RE, max_length=24,
                              error_messages={"invalid": _("A ticket number looks like ADU-1901-2025-000042.")},
                              widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    code = forms.CharField(label=_("Follow code"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff
        self.fields["assignee"].label_from_instance = lambda u: f"{u.get_full_name() or u.username} · " \
                                                                f"{u.get_role_display()}"


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer to the complainant"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 5, "maxlength": 4000}))


class ReverifyForm(forms.Form):
    household_id = forms.CharField(label=_("Household ID in the unified database"), max_length=40)


class ComplaintEvidenceForm(EvidenceForm):
    """A photo of the house and where it stands: the complainant's (optional), or a handler's from a visit."""

    photo = PhotoField(label=_("Photo of the house (optional)"))
