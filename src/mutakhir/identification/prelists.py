"""A frozen prelist for people: rows with what to check, and its printable PDF and XLSX versions."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutakhir.core.spreadsheets import Spreadsheet
from mutakhir.registration.models import RegistrationMember
from mutakhir.registry.display import mask_id
from mutakhir.registry.models import Household, Member

from .models import Category, Prelist

GENERAL_CHECK = {
    Category.NEW: gettext_lazy("All data: new registrant, not in the unified database"),
    Category.UNCHANGED: gettext_lazy("Confirm that nothing changed"),
    Category.VERIVALI: gettext_lazy("Re-verify all data"),
}


@dataclass
class PrelistRow:
    number: int
    entry: object
    head: str
    members: list[tuple[str, str]]  # (name, masked NIK)
    address: str
    category: str
    checks: list[str]


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # an engine field the model does not have
        return name


def _checks(entry, added: dict, gone: dict) -> list[str]:
    if entry.category == Category.VERIVALI and entry.changes:
        from mutakhir.verivali.selection.checks import describe_checks  # verivali writes its own reasons

        checks = describe_checks(entry.changes)
    elif entry.category != Category.CHANGED:
        checks = [str(GENERAL_CHECK[entry.category])]
    else:
        checks = []
        for token in filter(None, entry.changes.split(";")):
            kind, _sep, value = token.partition(":")
            if kind == "member_added":
                checks.append(_("member added: %(name)s") % {"name": added.get(value, value)})
            elif kind == "member_gone":
                checks.append(_("member gone: %(name)s") % {"name": gone.get(value, value)})
            elif kind.startswith("member."):
                checks.append(_("a member's %(field)s") % {"field": _field_label(Member, kind[7:])})
            else:
                checks.append(_field_label(Household, kind))
    if entry.review:
        checks.append(_("match uncertain: confirm it is the same household"))
    return checks


def mark_versions(prelists) -> list[Prelist]:
    """Return the prelists with `from_match` and `replaced_by` (the newer match-run version that replaces it, or None).

    A match-run version holds all of a village's results and replaces the earlier match-run versions; a
    re-verification (verivali) version holds households no other version of the period holds, so no later
    version replaces it: it stays current beside the newest match-run version.
    """
    prelists = list(prelists)
    newest: dict[tuple, int] = {}
    for p in prelists:
        if p.match_run_id is not None:
            key = (p.update_period_id, p.region_id)
            newest[key] = max(newest.get(key, 0), p.version)
    for p in prelists:
        p.from_match = p.match_run_id is not None
        latest = newest.get((p.update_period_id, p.region_id), 0) if p.from_match else 0
        p.replaced_by = latest if latest > p.version else None
    return prelists


def replaced_by(prelist: Prelist) -> int | None:
    """Return the newer match-run version that replaces this match-run version, or None if it is current."""
    if prelist.match_run_id is None:
        return None
    return (Prelist.objects.filter(update_period_id=prelist.update_period_id, region_id=prelist.region_id,
                                   match_run__isnull=False, version__gt=prelist.version)
            .order_by("-version").values_list("version", flat=True).first())


def change_words(entries) -> dict[int, list[str]]:
    """Return, by entry pk, what to check on each entry in words (member names, field labels), in two queries.

    The prelist PDF, its screen and the verification pages say "member gone: Siti", never "member_gone:R…".
    """
    tokens = [t.partition(":") for e in entries for t in e.changes.split(";") if ":" in t]
    added_pks = [int(v[2:]) for k, _s, v in tokens if k == "member_added" and v[2:].isdigit()]
    added = {f"RM{pk}": name
             for pk, name in RegistrationMember.objects.filter(pk__in=added_pks).values_list("pk", "name")}
    gone = dict(Member.objects.filter(record_id__in=[v for k, _s, v in tokens if k == "member_gone"])
                .values_list("record_id", "name"))
    return {entry.pk: _checks(entry, added, gone) for entry in entries}


def head_and_address(subject) -> tuple[str, list, str]:
    """Return the head's name, the current members and the address with RT/RW of a household or registration.

    Reads `subject.members.all()`: prefetch the members to list many subjects.
    """
    people = [m for m in subject.members.all() if getattr(m, "ended_at", None) is None]
    head = next((m for m in people if m.relation == 1), people[0] if people else None)
    address = " ".join(filter(None, [subject.address, subject.rt and f"RT {subject.rt}",
                                     subject.rw and f"RW {subject.rw}"]))
    return (head.name if head else "", people, address)


def rows(prelist: Prelist) -> list[PrelistRow]:
    """Return the prelist's entries as rows for the screen, the PDF and the XLSX."""
    entries = list(prelist.entries.select_related("registration", "household")
                   .prefetch_related("registration__members", "household__members"))
    words = change_words(entries)
    out = []
    for number, entry in enumerate(entries, 1):
        head, people, address = head_and_address(entry.registration or entry.household)
        out.append(PrelistRow(number, entry, head, [(m.name, mask_id(m.nik)) for m in people], address,
                              entry.get_category_display(), words[entry.pk]))
    return out


def pdf(prelist: Prelist) -> bytes:
    """Return the printable prelist of one village (A4 landscape) for field teams."""
    from weasyprint import HTML

    html = render_to_string("identification/prelist_print.html",
                            {"prelist": prelist, "rows": rows(prelist), "printed_at": timezone.now()})
    return HTML(string=html).write_pdf()


def xlsx(prelist: Prelist) -> bytes:
    """Return the prelist as an Excel workbook: one row per household, a blank notes column."""
    book = Spreadsheet()
    sheet = book.sheet(_("Prelist"))
    sheet.append([_("Village"), prelist.region.name, prelist.region_id, _("Version"), prelist.version])
    sheet.append([_("No."), _("Registration"), _("Registry household"), _("Head of household"), _("Members"),
                  _("Address"), _("Category"), _("What to check"), _("Notes")])
    for row in rows(prelist):
        entry = row.entry
        sheet.append([row.number, entry.registration.number if entry.registration else "",
                      entry.household.household_id if entry.household else "", row.head,
                      "; ".join(f"{name} ({nik})" for name, nik in row.members), row.address, row.category,
                      "; ".join(row.checks), ""])
    return book.to_bytes()


def filename(prelist: Prelist, ext: str) -> str:
    return f"prelist-{prelist.region_id}-{prelist.update_period_id}-v{prelist.version}.{ext}"
