"""The web verification form, generated from the questionnaire (questionnaire.py).

Fields are optional here so that an incomplete draft can be saved; required items, skip logic and
checks apply on submit (checks.py), the same way as for imported submissions.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutakhir.core.evidence_forms import EvidenceForm, PhotoField

from .models import MemberStatus, Outcome
from .odk_uploads import max_bytes, too_large
from .questionnaire import HOUSEHOLD_ITEMS, MEMBER_ITEMS, Item

YES_NO = [("", "—"), ("1", _("Yes")), ("0", _("No"))]


def form_field(item: Item) -> forms.Field:
    """Return the form field of a questionnaire item."""
    common = {"label": item.label, "required": False}
    if item.kind == "code":
        return forms.TypedChoiceField(choices=[("", "—"), *item.code_list.choices], coerce=int, empty_value=None,
                                      **common)
    if item.kind == "flag":
        return forms.TypedChoiceField(choices=YES_NO, coerce=lambda v: v == "1", empty_value=None, **common)
    if item.kind == "number":
        return forms.FloatField(min_value=0, **common)
    if item.kind == "count":
        return forms.IntegerField(min_value=0, **common)
    if item.kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if item.kind in ("nik", "kk"):
        return forms.RegexField(r"^\d{16}$", max_length=16, widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                                **common)
    return forms.CharField(max_length=255, **common)


def _form_class(name, items, extra=None):
    fields = {i.name: form_field(i) for i in items}
    return type(name, (forms.Form,), {**(extra or {}), **fields})


HouseholdForm = _form_class("HouseholdForm", HOUSEHOLD_ITEMS)
MemberForm = _form_class("MemberForm", MEMBER_ITEMS, {
    "ref": forms.CharField(required=False, widget=forms.HiddenInput),
    "status": forms.ChoiceField(label=_("Member status"), choices=MemberStatus.choices, initial=MemberStatus.NEW),
})
MemberFormSet = forms.formset_factory(MemberForm, extra=1)


class OutcomeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Visit outcome"), choices=[("", "—"), *Outcome.choices], required=False)
    visited_on = forms.DateField(label=_("Visit date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    moved_to = forms.CharField(label=_("Moved to (where)"), max_length=255, required=False)
    merged_into = forms.CharField(label=_("Merged into household (ID)"), max_length=40, required=False)
    new_kk = forms.RegexField(r"^\d{16}$", label=_("New family card no. (KK) of the split household"),
                              max_length=16, required=False)


class VerificationEvidenceForm(EvidenceForm):
    """The house's photos and location: optional, each sent replaces the stored one."""

    photo_front = PhotoField(label=_("Photo: front of the house"))
    photo_inside = PhotoField(label=_("Photo: inside the house"))


def _clean(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def answered_forms(member_formset) -> list:
    """Return the member forms that hold a member (in the order of answers["members"]): not empty new rows."""
    return [form for form in member_formset if form.cleaned_data.get("name") or form.cleaned_data.get("ref")]


def to_answers(household_form: HouseholdForm, member_formset) -> dict:
    """Return the JSON answers of valid forms; empty new member rows are left out."""
    household = {k: _clean(v) for k, v in household_form.cleaned_data.items() if v not in (None, "")}
    members = [{k: _clean(v) for k, v in form.cleaned_data.items() if v not in (None, "")}
               for form in answered_forms(member_formset)]
    return {"household": household, "members": members}


def show_member_issues(member_formset, issues) -> None:
    """Put each member issue (checks.Issue) under its answer in that member's row of the form."""
    forms_ = answered_forms(member_formset)
    for issue in issues:
        if issue.member is not None and issue.member < len(forms_) and issue.field in forms_[issue.member].fields:
            forms_[issue.member].add_error(issue.field, issue.message)


def from_answers(answers: dict) -> tuple[dict, list[dict]]:
    """Return the initial data of the household form and of the member formset."""
    household = {k: ("1" if v is True else "0" if v is False else v) for k, v in answers.get("household", {}).items()}
    return household, list(answers.get("members", []))


class OdkUploadForm(forms.Form):
    file = forms.FileField(label=_("Export of ODK Central or Kobo (.zip with the CSV and its members CSV, .csv or "
                                   ".json)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(too_large(upload.size))
        if not upload.name.lower().endswith((".zip", ".csv", ".json")):
            raise forms.ValidationError(_("Upload the export as a .zip (the CSV with its members CSV), a .csv or a "
                                          ".json file."))
        return upload
