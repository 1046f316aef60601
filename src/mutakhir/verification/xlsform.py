"""Generate the ODK/KoboCollect XLSForm of one prelist from the questionnaire, with its CSV attachment.

The household is chosen from the prelist (select_one_from_file prelist_<village>.csv) and its
registry address is pulled from the same file (pulldata). The form carries its prelist and version
as calculated fields, so that an export maps back without relying on server metadata.
"""

import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_  # labels translated per language in _labels()

from mutakhir.core.evidence import LONG_EDGE
from mutakhir.core.spreadsheets import CsvWriter, Spreadsheet
from mutakhir.registry.codes import BY_FIELD

from .models import MemberStatus, Outcome
from .questionnaire import HOUSEHOLD_ITEMS, MEMBER_ITEMS, AgeBetween, Item, When

LANGS = (("id", "Indonesian (id)"), ("en", "English (en)"))
SURVEY_COLUMNS = ["type", "name", *(f"label::{name}" for _, name in LANGS), "required", "relevant", "constraint",
                  "calculation", "appearance", "parameters"]
PHOTO_PARAMETERS = f"max-pixels={LONG_EDGE}"  # the phone scales the photo down before sending it
ANSWERED = "${outcome} = 'verified' or ${outcome} = 'split' or ${outcome} = 'merged'"


def _labels(text) -> list[str]:
    out = []
    for code, _name in LANGS:
        with translation.override(code):
            out.append(gettext(text) if isinstance(text, str) else str(text))
    return out


def _relevant(item: Item) -> str:
    parts = []
    for cond in item.relevant:
        if isinstance(cond, When):
            parts.append("(" + " or ".join(f"${{{cond.field}}} = '{v}'" for v in cond.values) + ")")
        elif isinstance(cond, AgeBetween):
            parts.append(f"${{age}} >= {cond.low} and ${{age}} <= {cond.high}")
    return " and ".join(parts)


def _row(item: Item) -> dict:
    kind = {"code": f"select_one {item.name}", "flag": "select_one yes_no", "number": "decimal",
            "count": "integer", "date": "date"}.get(item.kind, "text")
    constraint = ""
    if item.min_value is not None:
        constraint = f". > {item.min_value:g}"
    elif item.kind == "count":
        constraint = ". >= 0"
    elif item.kind == "date":
        constraint = ". <= today()"
    elif item.kind in ("nik", "kk"):
        constraint = "regex(., '^[0-9]{16}$')"
    return {"type": kind, "name": item.name, "labels": _labels(item.label), "required": "yes" if item.required else "",
            "relevant": _relevant(item), "constraint": constraint}


def survey_rows(prelist_id: int, village: str, version: str) -> list[dict]:
    """Return the survey sheet as dicts (type, name, labels, required, relevant, constraint, calculation)."""
    attachment = f"prelist_{village}"
    rows = [
        {"type": "calculate", "name": "prelist_id", "calculation": f"'{prelist_id}'"},
        {"type": "calculate", "name": "form_version", "calculation": f"'{version}'"},
        {"type": "username", "name": "username"},
        {"type": f"select_one_from_file {attachment}.csv", "name": "household", "labels": _labels(N_("Household")),
         "required": "yes", "appearance": "search"},
        {"type": "calculate", "name": "registry_address",
         "calculation": f"pulldata('{attachment}', 'address', 'name', ${{household}})"},
        {"type": "select_one outcome", "name": "outcome", "labels": _labels(N_("Visit outcome")), "required": "yes"},
        {"type": "date", "name": "visited_on", "labels": _labels(N_("Visit date")), "required": "yes"},
        {"type": "geopoint", "name": "location", "labels": _labels(N_("Location of the house"))},
        {"type": "image", "name": "photo_front", "labels": _labels(N_("Photo: front of the house")),
         "relevant": ANSWERED, "parameters": PHOTO_PARAMETERS},
        {"type": "image", "name": "photo_inside", "labels": _labels(N_("Photo: inside the house")),
         "relevant": ANSWERED, "parameters": PHOTO_PARAMETERS},
        {"type": "text", "name": "moved_to", "labels": _labels(N_("Moved to (where)")), "required": "yes",
         "relevant": "${outcome} = 'moved'"},
        {"type": "text", "name": "merged_into", "labels": _labels(N_("Merged into household (ID)")), "required": "yes",
         "relevant": "${outcome} = 'merged'"},
        {"type": "text", "name": "new_kk", "labels": _labels(N_("New family card no. (KK) of the split household")),
         "required": "yes", "relevant": "${outcome} = 'split'", "constraint": "regex(., '^[0-9]{16}$')"},
        {"type": "begin_group", "name": "hh", "labels": _labels(N_("Housing and assets")), "relevant": ANSWERED},
        *(_row(i) for i in HOUSEHOLD_ITEMS),
        {"type": "end_group", "name": ""},
        {"type": "begin_repeat", "name": "members", "labels": _labels(N_("Members")), "relevant": ANSWERED},
        {"type": "text", "name": "ref", "labels": _labels(N_("Registry record ID (empty for a new member)"))},
        {"type": "select_one member_status", "name": "status", "labels": _labels(N_("Member status")),
         "required": "yes"},
        *(_row(i) for i in MEMBER_ITEMS if i.name != "pregnant"),
        {"type": "calculate", "name": "age",
         "calculation": "if(${birth_date} = '', -1, int((decimal-date-time(today()) - "
                        "decimal-date-time(${birth_date})) div 365.25))"},
        *(_row(i) for i in MEMBER_ITEMS if i.name == "pregnant"),
        {"type": "end_repeat", "name": ""},
    ]
    return rows


def choice_rows() -> list[tuple[str, str, list[str]]]:
    rows = []
    for name, code_list in BY_FIELD.items():
        for code, id_label, en_label in code_list.codes:
            rows.append((name, str(code), [id_label, en_label]))
    for name, choices in (("outcome", Outcome.choices), ("member_status", MemberStatus.choices)):
        rows += [(name, value, _labels(label)) for value, label in choices]
    rows += [("yes_no", "1", ["Ya", "Yes"]), ("yes_no", "0", ["Tidak", "No"])]
    return rows


def write_prelist_csv(prelist, path: Path) -> int:
    """Write the pre-loaded attachment: one row per entry (name = household key, label, address, category)."""
    entries = prelist.entries.select_related("household", "registration")
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = CsvWriter(fh)
        writer.writerow(["name", "label", "address", "category"])
        n = 0
        for n, e in enumerate(entries, 1):  # noqa: B007 - n counts the rows written
            subject = e.household or e.registration
            key = e.household.household_id if e.household else e.registration.number
            writer.writerow([key, f"{key} {subject.address}".strip(), subject.address, e.category])
    return n


def write_xlsform(prelist, out: str | Path, version: str) -> tuple[Path, Path]:
    """Write the XLSForm and, beside it, the prelist CSV to attach; return both paths."""
    out = Path(out)
    wb = Spreadsheet(streamed=False)
    survey = wb.sheet("survey")
    survey.append(SURVEY_COLUMNS)
    for r in survey_rows(prelist.pk, prelist.region_id, version):
        labels = r.get("labels", ["", ""])
        survey.append([r["type"], r["name"], *labels, r.get("required", ""), r.get("relevant", ""),
                       r.get("constraint", ""), r.get("calculation", ""), r.get("appearance", ""),
                       r.get("parameters", "")])
    choices = wb.sheet("choices")
    choices.append(["list_name", "name", *(f"label::{name}" for _, name in LANGS)])
    for list_name, value, labels in choice_rows():
        choices.append([list_name, value, *labels])
    settings = wb.sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append([f"Verifikasi MPM {prelist.region_id} v{prelist.version}", f"mutakhir_verif_{prelist.pk}",
                     version, LANGS[0][1]])
    wb.save(out)
    attachment = out.with_name(f"prelist_{prelist.region_id}.csv")
    write_prelist_csv(prelist, attachment)
    return out, attachment


def form_version() -> str:
    """Return the form's version: a digest of the questionnaire's survey and choices, the same for every prelist.

    It changes when, and only when, the questionnaire (or its labels) changes: a form downloaded again keeps
    its version, and the web import knows the version to expect without remembering downloads.
    """
    content = json.dumps([survey_rows(0, "", ""), choice_rows()], sort_keys=True, default=str)
    return hashlib.sha256(content.encode()).hexdigest()[:12]


def form_zip(prelist, version: str) -> bytes:
    """Return one .zip holding form.xlsx and prelist_<village>.csv, the names ODK Central and Kobo expect."""
    with tempfile.TemporaryDirectory(prefix="mutakhir-xlsform-") as folder:
        form, attachment = write_xlsform(prelist, Path(folder) / "form.xlsx", version)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in (form, attachment):
                archive.write(path, path.name)
    return out.getvalue()
