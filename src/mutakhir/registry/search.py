"""Household search: by NIK/KK (exact), by name (prefix of the search key), by region; keyset pages.

Pages are cut by `household_id` (the default ordering, unique): each page asks for one row more than
it shows to know whether a next page exists, so no COUNT(*) runs over a million households.

A name prefix first asks the name index for at most NAME_PROBE matching households: a rare name gives
them all, and the page is cut from that list (a short sort); a common one gives up, and the households
are walked in `household_id` order, each tested for a matching member, which finds a page in a few
hundred rows. Either way the work does not grow with the number of matches (bench/search.py).
"""

import re
import secrets
from dataclasses import dataclass

from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mutakhir.regions.codes import RegionCodeError, level_of, normalize_code
from mutakhir.regions.models import Region

from .access import households_for
from .models import Member, name_key

PAGE_SIZE = 20
NAME_PROBE = 2000  # up to this many households matching a name prefix, the page is cut from their list
ID_NUMBER = re.compile(r"^\d{16}$")
SESSION_KEY = "registry_searches"
KEPT_SEARCHES = 20  # identity-number searches remembered per session, for paging and the back button


def region_choices(user) -> list[tuple[str, str]]:
    """Return the user's region and the two levels below it, as (code, indented label)."""
    prefix = user.scope_prefix
    if prefix is None:
        return []
    top = level_of(prefix) if prefix else 0
    regions = Region.objects.filter(code__startswith=prefix, level__lte=top + 2).order_by("code")
    choices = [("", _("All of my area"))]
    choices += [(r.code, f"{'— ' * (r.level - max(top, 1))}{r.dotted_code} {r.name}") for r in regions]
    return choices


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name, NIK or KK number"), required=False, max_length=120)
    region = forms.CharField(label=_("Region"), required=False, max_length=20)
    after = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    before = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, user, from_url=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.from_url = from_url
        self.fields["region"].widget = forms.Select(choices=region_choices(user))

    def clean_q(self):
        q = " ".join(self.cleaned_data["q"].split())
        digits = q.replace(" ", "")
        if digits.isdigit() and not ID_NUMBER.match(digits):
            raise forms.ValidationError(_("A NIK or KK number has 16 digits."))
        if digits.isdigit() and self.from_url:
            # Already in a URL (history, logs) by now; refuse rather than make it a habit.
            raise forms.ValidationError(_("For privacy a NIK or KK number is not searched from the address bar: "
                                          "type it in the search box."))
        return digits if digits.isdigit() else q

    def clean_region(self):
        raw = self.cleaned_data["region"].strip()
        if not raw:
            return ""
        try:
            code = normalize_code(raw)
        except RegionCodeError:
            raise forms.ValidationError(_("Not a region code.")) from None
        prefix = self.user.scope_prefix
        if prefix is None or not code.startswith(prefix) or not Region.objects.filter(code=code).exists():
            raise forms.ValidationError(_("This region is not in your area."))
        return code


def search_url(request, criteria: dict) -> str:
    """Return the URL answering a posted search: plain for names, an opaque id for a NIK/KK number."""
    params = QueryDict(mutable=True)
    if ID_NUMBER.match(criteria.get("q", "")):
        kept = request.session.get(SESSION_KEY, {})
        token = secrets.token_urlsafe(12)
        kept[token] = {"q": criteria["q"], "region": criteria.get("region", "")}
        request.session[SESSION_KEY] = dict(list(kept.items())[-KEPT_SEARCHES:])
        params["s"] = token
    else:
        params.update({k: v for k, v in criteria.items() if k in ("q", "region") and v})
    return f"{reverse('registry:search')}?{params.urlencode()}" if params else reverse("registry:search")


def remembered_query(request):
    """Return the search criteria of a GET: the session's copy for `?s=<id>` (None if unknown), else the URL's."""
    token = request.GET.get("s")
    if not token:
        return request.GET
    kept = request.session.get(SESSION_KEY, {}).get(token)
    if kept is None:  # another session's id, or forgotten
        return None
    data = QueryDict(mutable=True)
    data.update(kept)
    data.update({k: v for k, v in request.GET.items() if k in ("after", "before")})
    return data


@dataclass
class Row:
    household: object
    head: object
    active_members: int
    matches: list


@dataclass
class ResultPage:
    rows: list[Row]
    next_after: str | None
    prev_before: str | None


def find_households(user, *, q="", region="", after="", before="", size=PAGE_SIZE) -> ResultPage:
    """Return one page of the households in the user's scope matching the criteria."""
    households = households_for(user)
    if region:
        households = households.filter(region__pk__startswith=region)
    key = ""
    if ID_NUMBER.match(q):
        households = households.filter(pk__in=_member_households(Q(nik=q) | Q(kk=q)))
    elif q:
        key = name_key(q)
        households = _with_member_named(households, key)
    if before:
        households = households.filter(household_id__lt=before).order_by("-household_id")
    else:
        households = households.filter(household_id__gt=after) if after else households
        households = households.order_by("household_id")
    rows = list(households.select_related("region").prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("relation", "record_id")))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if before:
        rows.reverse()
    has_next = bool(before) or more
    has_prev = bool(after) or (bool(before) and more)
    return ResultPage(rows=[_row(h, key) for h in rows],
                      next_after=rows[-1].household_id if rows and has_next else None,
                      prev_before=rows[0].household_id if rows and has_prev else None)


def _member_households(condition):
    # Only household ids: the outer queryset already limits them to the user's scope.
    return Member.objects.filter(condition).values("household_id")


def _name_prefix(key) -> Q:
    condition = Q(name_key__startswith=key)
    if connection.vendor == "sqlite" and key:
        # SQLite's LIKE is case-insensitive, so it cannot use the (binary) index: add the byte range
        # of the prefix, which can. (PostgreSQL's LIKE uses its varchar_pattern_ops index.)
        condition &= Q(name_key__gte=key, name_key__lt=key[:-1] + chr(ord(key[-1]) + 1))
    return condition


def _with_member_named(households, key):
    """Limit households to those with a member whose search key starts with `key`."""
    condition = _name_prefix(key)
    probe = list(Member.objects.filter(condition).order_by().values_list("household_id", flat=True)[:NAME_PROBE + 1])
    if len(probe) <= NAME_PROBE:
        return households.filter(pk__in=set(probe))
    return households.filter(Exists(Member.objects.filter(condition, household=OuterRef("pk"))))


def _row(household, key) -> Row:
    members = [m for m in household.members.all() if m.ended_at is None]
    head = next((m for m in members if m.relation == 1), members[0] if members else None)
    matches = [m for m in members if key and m.name_key.startswith(key) and m is not head]
    return Row(household, head, len(members), matches)
