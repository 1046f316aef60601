"""One way to list many rows: a filter form scoped to the user's region, 50-row pages, and an XLSX export.

Each list (registrations, Musdes, prelists, verifications, complaints) subclasses `ListFilter`, names its
search and filter fields, and calls `list_page` or `export_rows`. Filters come from the query string with the
names the district dashboard links with (`village`, `status`, `channel`, `category`, `outcome`), so its counts
open the matching rows.

A search term of 16 digits is a NIK or KK number: it is refused here, since a GET puts it in the address bar,
the browser history and the server logs (identity numbers are searched on the household search page, which
keeps them out of the URL). The queryset passed in is already the user's (`*_for(user)`), so no filter or
export can reach beyond the user's scope; the village filter only narrows it.
"""

import re
from types import SimpleNamespace

from django import forms
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutakhir.regions.codes import RegionCodeError, level_of, normalize_code
from mutakhir.regions.models import Region

from .downloads import attachment, download_with_reason
from .spreadsheets import Spreadsheet

PAGE_SIZE = 50
VILLAGE_LEVEL = 4
SELECT_VILLAGES_FROM_LEVEL = 2  # a district has some hundreds of villages: a drop-down; a province, a code field
ALL = "all"  # a choice that filters nothing, where the empty choice means a default (the open complaints)
IDENTITY_NUMBER = re.compile(r"^\d{16}$")
EXPORT = "export"  # the query parameter asking for the XLSX file
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def village_choices(user) -> list[tuple[str, str]] | None:
    """Return the villages in the user's scope for a drop-down, or None when there are too many to list."""
    prefix = user.scope_prefix
    if prefix is None:
        return []
    if not prefix or level_of(prefix) < SELECT_VILLAGES_FROM_LEVEL:
        return None
    villages = Region.objects.filter(code__startswith=prefix, level=VILLAGE_LEVEL).order_by("code")
    return [("", _("All villages"))] + [(v.code, f"{v.dotted_code} {v.name}") for v in villages]


class ListFilter(forms.Form):
    """Search and filters of one list; subclasses set `village_field`, add choice fields and define `search`.

    Every choice field declared on a subclass filters the model field of the same name (or the one in
    `lookups`), so a filter is one line.
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=120)
    village = forms.CharField(label=_("Village"), required=False, max_length=20)

    village_field = "region_id"
    lookups: dict[str, str] = {}

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        choices = village_choices(user)
        if choices is not None:
            self.fields["village"].widget = forms.Select(choices=choices)

    def clean_q(self):
        q = " ".join(self.cleaned_data["q"].split())
        if IDENTITY_NUMBER.match(q.replace(" ", "")):
            raise forms.ValidationError(_("For privacy a NIK or KK number is not searched from a list: "
                                          "use the household search."))
        return q

    def clean_village(self):
        raw = self.cleaned_data["village"].strip()
        if not raw:
            return ""
        try:
            code = normalize_code(raw)
        except RegionCodeError:
            raise forms.ValidationError(_("Not a village code.")) from None
        prefix = self.user.scope_prefix
        if prefix is None or not code.startswith(prefix) or level_of(code) != VILLAGE_LEVEL:
            raise forms.ValidationError(_("This village is not in your area."))
        return code

    def search(self, queryset, q: str):
        raise NotImplementedError

    def apply(self, queryset):
        """Return `queryset` narrowed by the valid filters (an invalid form narrows to nothing)."""
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["village"]:
            queryset = queryset.filter(**{self.village_field: data["village"]})
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField) and data.get(name) not in ("", None, ALL):
                queryset = queryset.filter(**{self.lookups.get(name, name): data[name]})
        return self.search(queryset, data["q"]) if data["q"] else queryset


def choice_field(label, choices) -> forms.ChoiceField:
    """An optional filter over a model's TextChoices, with an "all" entry first."""
    return forms.ChoiceField(label=label, required=False, choices=[("", _("All"))] + list(choices))


def list_page(request, queryset):
    """Return page `?page=` (50 rows) of `queryset`, the last page for a number past it.

    `page.filters` is the query string without the page number, for the pager's and the export's links.
    """
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop(EXPORT, None)
    page.filters = query.urlencode()
    return page


def wants_export(request) -> bool:
    """Whether the list was asked as XLSX (`?export=xlsx`, the list's own address, so its filters come along)."""
    return request.GET.get(EXPORT) == "xlsx"


def export_rows(request, queryset, *, name: str, header: list, row, title: str):
    """Send the filtered rows as XLSX once the user has given a reason (logged with the filters used).

    `row(obj)` returns the cells of one row; identity numbers in it must already be masked (`mask_id`).
    """
    query = request.GET.copy()
    query.pop(EXPORT, None)
    query.pop("page", None)
    filters = query.urlencode()
    target = SimpleNamespace(_meta=queryset.model._meta, pk="list")

    def send():
        book = Spreadsheet()
        sheet = book.sheet(name[:31])
        sheet.append([str(h) for h in header])
        for obj in queryset.iterator(chunk_size=2000):  # prefetches run per chunk
            sheet.append(row(obj))
        stamp = timezone.localdate().isoformat()
        return attachment(book.to_bytes(), XLSX, f"{name}-{stamp}.xlsx")

    return download_with_reason(request, target, f"list:{filters}"[:200], send, title=title,
                                back=f"{request.path}?{filters}")
