"""Registry pages: household search, household page, reveal of a full NIK/KK. Thin: parse, authorise."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mutakhir.accounts.backends import REVEAL_IDENTITY, VIEW_HOUSEHOLD
from mutakhir.core.models import PersonalDataAccess
from mutakhir.ranking.breakdown import latest_breakdown

from .access import get_household_for_user, get_member_to_reveal
from .display import ASSET_FIELDS, HOUSING_FIELDS, REVEALABLE, field_rows, mask_id
from .history import household_history
from .search import SearchForm, find_households


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[(f, f) for f in REVEALABLE], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), min_length=5, max_length=255,
                             help_text=_("Why you need the full number. It is logged."))


@login_required
def search(request):
    if not request.user.has_perm(VIEW_HOUSEHOLD):
        raise PermissionDenied
    form = SearchForm(request.GET, user=request.user)
    page = find_households(request.user, **form.cleaned_data) if form.is_valid() else None
    template = "registry/_results.html" if request.htmx.target == "results" else "registry/search.html"
    return render(request, template, {"form": form, "page": page})


@login_required
def household(request, pk):
    obj = get_household_for_user(request.user, pk)
    PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, obj, fields="members,housing,assets,history")
    return render(request, "registry/household.html", {
        "household": obj,
        "members": obj.members.order_by(F("ended_at").asc(nulls_first=True), "relation", "record_id"),
        "housing": field_rows(obj, HOUSING_FIELDS),
        "assets": field_rows(obj, ASSET_FIELDS),
        "history": household_history(obj),
        "can_reveal": request.user.has_perm(REVEAL_IDENTITY),
        "ranking": latest_breakdown(obj),
    })


@login_required
@require_POST
def reveal(request, pk):
    member = get_member_to_reveal(request.user, pk)
    form = RevealForm(request.POST)
    field = request.POST.get("field") if request.POST.get("field") in REVEALABLE else "nik"
    revealed = form.is_valid()
    if revealed:
        PersonalDataAccess.record(request, PersonalDataAccess.Action.REVEAL, member, fields=field,
                                  reason=form.cleaned_data["reason"])
    return render(request, "registry/_reveal.html" if request.htmx else "registry/reveal.html", {
        "member": member, "field": field, "form": form, "revealed": revealed, "can_reveal": True,
        "value": getattr(member, field) if revealed else "", "masked": mask_id(getattr(member, field)),
    })
