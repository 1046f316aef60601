"""Forms of the registration pages; the rules themselves live in validation.py and services.py."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mutakhir.notifications.contacts import check_phone

from .models import HOUSEHOLD_FIELDS, Musdes, Registration, RegistrationMember

MINUTES_MAX_BYTES = 10 * 1024 * 1024
IMPORT_MAX_BYTES = getattr(settings, "REGISTRATION_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
VISIT_FIELDS = ("visit_date", "visit_lat", "visit_lon", "reason_proposed")


class RegistrationForm(forms.ModelForm):
    region_code = forms.CharField(label=_("Village code"), max_length=13)
    confirm_duplicates = forms.BooleanField(label=_("I checked the possible duplicates: save anyway"),
                                            required=False)
    contact_phone = forms.CharField(label=_("Phone (SMS/WhatsApp) for messages about this registration"),
                                    max_length=20, required=False)
    contact_email = forms.EmailField(label=_("E-mail for messages about this registration"), required=False)

    class Meta:
        model = Registration
        fields = ("consent", "id_document_seen", *VISIT_FIELDS, *HOUSEHOLD_FIELDS)
        widgets = {"visit_date": forms.DateInput(attrs={"type": "date"}),
                   "reason_proposed": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, channel, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel != "pasif":
            for name in VISIT_FIELDS[:3]:
                del self.fields[name]
        for field in self.fields.values():
            field.required = False

    def clean_contact_phone(self):
        try:
            return check_phone(self.cleaned_data["contact_phone"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class MemberForm(forms.ModelForm):
    class Meta:
        model = RegistrationMember
        fields = ("nik", "kk", "name", "relation", "sex", "birth_date", "birth_place", "marital_status",
                  "education", "work_status", "disability")
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}),
                   "nik": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                   "kk": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def clean_contact_phone(self):
        try:
            return check_phone(self.cleaned_data["contact_phone"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


MemberFormSet = forms.formset_factory(MemberForm, extra=0, min_num=1, max_num=40, validate_max=True)


def member_formset(data=None, initial=None):
    return MemberFormSet(data, initial=initial or [{"relation": 1}], prefix="members")


class MusdesForm(forms.ModelForm):
    region_code = forms.CharField(label=_("Village code"), max_length=13)

    class Meta:
        model = Musdes
        fields = ("held_on", "attendance", "minutes")
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}

    def clean_minutes(self):
        """Accept a PDF of at most 10 MB, checked by its first bytes, not only its name."""
        upload = self.cleaned_data.get("minutes")
        if not upload:
            return upload
        if upload.size > MINUTES_MAX_BYTES:
            raise forms.ValidationError(_("The minutes file is larger than 10 MB."))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-" or not upload.name.lower().endswith(".pdf"):
            raise forms.ValidationError(_("The minutes must be a PDF file."))
        return upload


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx, or .zip with households.csv and members.csv)"))
    allow_duplicates = forms.BooleanField(
        label=_("Import suspected duplicates anyway"), required=False,
        help_text=_("Only after checking them in the error report of an earlier upload: each one is still listed."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large_message(upload.size))
        if not upload.name.lower().endswith((".xlsx", ".zip")):
            raise forms.ValidationError(_("Upload the .xlsx template or a .zip holding households.csv and "
                                          "members.csv."))
        return upload


def too_large_message(size: int) -> str:
    return str(_("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
               % {"size": round(size / 1024 / 1024, 1), "limit": IMPORT_MAX_BYTES // 1024 // 1024})


class CitizenStatusForm(forms.Form):
    nik = forms.RegexField(label=_("NIK (16 digits)"), regex=r"^\d{16}$", max_length=16,
                           error_messages={"invalid": _("The number must have exactly 16 digits.")},
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    name = forms.CharField(label=_("Full name as on the KTP"), max_length=120)
