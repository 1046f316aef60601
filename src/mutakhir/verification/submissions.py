"""Read ODK Central / Kobo exports (CSV or JSON) into flat submissions with their member rows.

Column names are reduced to their last path segment (`hh/tenure`, `hh-tenure` -> `tenure`); member
repeats come nested (JSON) or from the repeat's CSV beside the main one (`<stem>-members.csv`),
linked by KEY/PARENT_KEY (ODK Central) or _index/_parent_index (Kobo).
"""

import csv
import re
from pathlib import Path

from django.utils.translation import gettext as _

from mutakhir.core import jsoninput

SEPARATOR = re.compile(r"[/-]")


class ExportError(Exception):
    """The export cannot be read at all."""


def _leaf(key: str) -> str:
    return SEPARATOR.split(key)[-1]


def _flatten(record: dict, out: dict | None = None) -> dict:
    """Flatten groups; a list of dicts is a repeat, kept under its leaf name."""
    out = {} if out is None else out
    for key, value in record.items():
        if isinstance(value, dict):
            _flatten(value, out)
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            out[_leaf(key)] = [_flatten(v) for v in value]
        else:
            out.setdefault(_leaf(key), value)
    return out


def read_json(path: Path) -> list[dict]:
    try:
        data = jsoninput.loads(path.read_bytes())  # a UTF-8 BOM is allowed
    except jsoninput.JsonInputError as exc:
        raise ExportError(_("%(path)s is not valid JSON: %(reason)s") % {"path": path.name, "reason": exc}) from exc
    if isinstance(data, dict):
        data = data.get("value") or data.get("results") or []
    return [_flatten(r) for r in data if isinstance(r, dict)]


def _read_csv(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [{_leaf(k): v for k, v in row.items() if k} for row in csv.DictReader(fh, strict=True)]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ExportError(_("%(path)s is not a readable UTF-8 CSV: %(reason)s")
                          % {"path": path.name, "reason": exc}) from exc


def read_csv(path: Path) -> list[dict]:
    """Read the main CSV and attach the member rows of `<stem>-members.csv` when it exists."""
    rows = _read_csv(path)
    repeat = path.with_name(f"{path.stem}-members.csv")
    members = _read_csv(repeat) if repeat.exists() else []
    by_parent: dict[str, list] = {}
    for m in members:
        by_parent.setdefault(m.get("PARENT_KEY") or m.get("_parent_index") or "", []).append(m)
    for row in rows:
        key = row.get("KEY") or row.get("_index") or ""
        row["members"] = by_parent.get(key, [])
    return rows


def read_export(path: str | Path) -> list[dict]:
    path = Path(path)
    if not path.is_file():
        raise ExportError(_("%(path)s does not exist.") % {"path": path})
    return read_json(path) if path.suffix.lower() == ".json" else read_csv(path)


def instance_id(row: dict) -> str:
    return str(row.get("instanceID") or row.get("KEY") or row.get("_uuid") or "").strip()


def submitter(row: dict) -> str:
    return str(row.get("username") or row.get("SubmitterName") or row.get("_submitted_by") or "").strip()
