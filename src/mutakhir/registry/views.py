"""Registry pages: household search, household page and edit, reveal of a full NIK/KK. Thin: parse, authorise."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mutakhir.accounts.backends import REVEAL_IDENTITY, VIEW_HOUSEHOLD
from mutakhir.core.models import PersonalDataAccess
from mutakhir.ranking.breakdown import latest_breakdown

from .access import can_edit_households, get_household_for_user, get_household_to_edit, get_member_to_reveal
from .display import ASSET_FIELDS, HOUSING_FIELDS, REVEALABLE, display_value, field_rows, mask_id
from .forms import HouseholdEditForm
from .history import household_history
from .search import SearchForm, find_households, remembered_query, search_url
from .services import EDITABLE_FIELDS, EditConflict, do_edit_household


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[(f, f) for f in REVEALABLE], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), min_length=5, max_length=255,
                             help_text=_("Why you need the full number. It is logged."))


@login_required
def search(request):
    """Search by GET for names and regions; a NIK/KK query comes by POST and is kept out of every URL.

    A posted query is answered at a URL without it: a name search at `?q=name`, an identity-number
    search at `?s=<opaque id>` whose query is held in the session (browser history, proxy logs).
    """
    if not request.user.has_perm(VIEW_HOUSEHOLD):
        raise PermissionDenied
    if request.method == "POST":
        form = SearchForm(request.POST, user=request.user)
        if form.is_valid():
            url = search_url(request, form.cleaned_data)
            if not request.htmx:
                return redirect(url, permanent=False)
            return _results(request, form, url)
        return _results(request, form, None)
    data = remembered_query(request)
    if data is None:
        messages.info(request, gettext("This search is no longer available: search again."))
        return _results(request, SearchForm(user=request.user), None)
    form = SearchForm(data, user=request.user, from_url=data is request.GET)
    return _results(request, form, request.get_full_path())


def _results(request, form, url):
    page = find_households(request.user, **form.cleaned_data) if form.is_valid() else None
    query = url.partition("?")[2] if url else ""
    template = "registry/_results.html" if request.htmx.target == "results" else "registry/search.html"
    response = render(request, template, {"form": form, "page": page, "query": QueryDict(query)})
    if request.htmx and request.method == "POST" and url:
        response["HX-Push-Url"] = url
    return response


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
        "can_edit": can_edit_households(request.user) and obj.ended_at is None,
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


@login_required
def edit_household(request, pk):
    """Edit a household's characteristics; of two editors of the same version the second gets a conflict."""
    obj = get_household_to_edit(request.user, pk)
    conflict = None
    if request.method == "POST":
        form = HouseholdEditForm(request.POST, instance=obj)
        if form.is_valid():
            values = form.changed_values()
            if not values:
                messages.info(request, gettext("Nothing changed, so nothing was saved."))
                return redirect("registry:household", pk=pk)
            try:
                do_edit_household(obj, version=form.cleaned_data["version"], values=values,
                                  reason=form.cleaned_data["reason"], actor=request.user)
            except EditConflict as exc:
                conflict = exc
                obj = get_household_to_edit(request.user, pk)  # what is stored now
                form = HouseholdEditForm(instance=obj, initial={"version": obj.version})
            else:
                messages.success(request, gettext("Household saved."))
                return redirect("registry:household", pk=pk)
    else:
        form = HouseholdEditForm(instance=obj, initial={"version": obj.version})
    return render(request, "registry/edit.html", {"household": obj, "form": form, "conflict": conflict,
                                                  "mine": _submitted(request.POST, form) if conflict else []})


def _submitted(data, form) -> list[tuple[str, str]]:
    """Return (label, value) of what the losing editor typed, so it can be entered again."""
    posted = HouseholdEditForm(data, instance=form.instance)
    posted.is_valid()
    fields = form.instance._meta
    return [(str(posted[name].label), display_value(fields.get_field(name), posted.cleaned_data.get(name)))
            for name in posted.changed_data if name in EDITABLE_FIELDS and name in posted.cleaned_data]
