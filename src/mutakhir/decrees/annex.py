"""The decree's annex: one row per household (masked NIK), as a summary by village and as an XLSX file.

WeasyPrint needs about 25 ms and 0.1 MB per annex table row (bench/verification.py, "annex-table"): a big
district's 125,000 rows would take close to an hour and over 10 GB. So the annex is always written as an
XLSX file, stored on the decree with its SHA-256, and the decree PDF prints that SHA-256, binding the
file to the signed PDF; the PDF holds the full table only up to PDF_TABLE_MAX_ROWS rows, a summary by
village above that.
"""

from collections import Counter, defaultdict
from itertools import groupby

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from mutakhir.core.spreadsheets import Spreadsheet
from mutakhir.regions.models import Region
from mutakhir.registry.display import mask_id
from mutakhir.verification.models import Outcome

PDF_TABLE_MAX_ROWS = 2000
PROGRESS_EVERY = 5000
FIELDS = ("region_id", "outcome", "answers", "entry__category", "entry__household__household_id",
          "entry__registration__number")


def _row(v) -> tuple:
    members = (v.answers or {}).get("members", [])
    head = next((m for m in members if m.get("relation") == 1), members[0] if members else {})
    return (v.subject_key, head.get("name", ""), mask_id(head.get("nik", "")), v.entry.get_category_display(),
            v.get_outcome_display())


def annex_rows(decree):
    """Yield (village code, (key, head name, masked NIK, category, outcome)) in village order, streaming."""
    items = (decree.verifications.select_related("entry__household", "entry__registration").only(*FIELDS)
             .order_by("region_id", "pk"))
    for v in items.iterator(chunk_size=2000):
        yield v.region_id, _row(v)


def annex(decree) -> list[tuple]:
    """Return the annex by village: [(village, [(key, head name, masked NIK, category, outcome)])]."""
    grouped = [(code, [row for _code, row in rows]) for code, rows in groupby(annex_rows(decree), lambda r: r[0])]
    villages = Region.objects.in_bulk([code for code, _rows in grouped])
    return [(villages[code], rows) for code, rows in grouped]


PHOTOGRAPHED = ~Q(photo_front="") | ~Q(photo_inside="")
LOCATED = Q(latitude__isnull=False, longitude__isnull=False)


def summary(decree) -> list[tuple]:
    """Return [(village, households, Counter of outcomes and evidence)] by village, counted in the database.

    Beside the outcomes, each Counter holds "photo" (verifications with at least one photo of the house) and
    "location" (with the house's coordinates): the field evidence behind the decree (docs/evidence.md).
    """
    counts, households = defaultdict(Counter), Counter()
    rows = (decree.verifications.values("region_id", "outcome")
            .annotate(n=Count("pk"), photo=Count("pk", filter=PHOTOGRAPHED), location=Count("pk", filter=LOCATED))
            .order_by())
    for row in rows:
        counts[row["region_id"]][row["outcome"]] += row["n"]
        households[row["region_id"]] += row["n"]
        counts[row["region_id"]]["photo"] += row["photo"]
        counts[row["region_id"]]["location"] += row["location"]
    villages = Region.objects.in_bulk(list(counts))
    return [(villages[code], households[code], counts[code]) for code in sorted(counts)]


def summary_rows(decree) -> tuple[list, list]:
    """Return the summary as table headings and rows: village, households, one column per outcome, evidence."""
    heads = [_("Village"), _("Households"), *[str(label) for label in Outcome.labels], _("With photo"),
             _("With location")]
    rows = [[f"{village.name} {village.dotted_code}", n, *[counts.get(o, 0) for o in Outcome.values],
             counts["photo"], counts["location"]]
            for village, n, counts in summary(decree)]
    return heads, rows


def annex_xlsx(decree, progress=None) -> bytes:
    """Write the whole annex as XLSX (streamed: write-only workbook), one sheet, village columns first.

    `progress(rows)` is called every PROGRESS_EVERY rows.
    """
    book = Spreadsheet()
    sheet = book.sheet(_("Annex"))
    sheet.append([_("Decree"), decree.number])
    sheet.append([_("Village code"), _("Village"), _("Household"), _("Head"), "NIK", _("Category"),
                  _("Visit outcome")])
    names = dict(Region.objects.filter(code__startswith=decree.region_id, level=4).values_list("code", "name"))
    for n, (code, row) in enumerate(annex_rows(decree), start=1):
        sheet.append([code, names.get(code, ""), *row])
        if progress and n % PROGRESS_EVERY == 0:
            progress(n)
    return book.to_bytes()
