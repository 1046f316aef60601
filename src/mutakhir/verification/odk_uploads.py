"""ODK Central / Kobo exports uploaded from the browser: kept privately, imported by a background job.

The upload (a CSV, a .zip holding the CSV and its `-members.csv` repeat, or JSON) is written under the
app's var/ folder, readable by the app's user only, and deleted when the job ends. A zip is checked by
the zip guard (core/archives.py) before the request ends and unpacked by the job. The job then reads
every prelist the file names, and refuses the whole file if one lies outside the uploader's region;
only then does it call the same `import_submissions` as `mutakhir verification import`.

The region scan is conservative: every column or JSON key whose name ends in `prelist_id`, at any depth,
counts, so no reading of the file by the import can find a prelist the scan did not check. A CSV is read
a row at a time; a JSON file is parsed keeping only those values (its text, within the upload limit, is
held once).
"""

import csv
import json
import os
import shutil
import uuid
import zipfile
from itertools import batched
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

from mutakhir.core.archives import check_archive
from mutakhir.core.jobs import start_job
from mutakhir.core.numbers import small_int
from mutakhir.core.spreadsheets import Spreadsheet

from .access import ODK_IMPORT_JOB, prelists_for_odk
from .models import SubmissionImport
from .odk_evidence import MEDIA, SUFFIXES
from .odk_import import import_submissions
from .submissions import ExportError
from .xlsform import form_version

KEY = "prelist_id"
MAIN, REPEAT, JSON = "export.csv", "export-members.csv", "export.json"


class UploadRefused(Exception):
    """The upload cannot be imported; the message is for the user."""


def max_bytes() -> int:
    """Return the largest export accepted (setting ODK_IMPORT_MAX_BYTES, default 50 MB)."""
    return getattr(settings, "ODK_IMPORT_MAX_BYTES", 50 * 2**20)


def too_large(size: int) -> str:
    return _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
        "size": round(size / 2**20, 1), "limit": max_bytes() // 2**20}


def upload_folder() -> Path:
    return Path(settings.VAR_DIR) / "uploads" / "odk"


def _members(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """Return the zip's main CSV and its members CSV (or None); refuse any other layout."""
    csvs = [n for n in archive.namelist() if n.lower().endswith(".csv")]
    repeats = [n for n in csvs if PurePosixPath(n).name.lower().endswith("-members.csv")]
    mains = [n for n in csvs if n not in repeats]
    if len(mains) != 1 or len(repeats) > 1:
        raise UploadRefused(_("The .zip must hold the export's CSV and at most one members CSV "
                              "(<form>-members.csv); it holds %(names)s.") % {"names": ", ".join(csvs[:6]) or "-"})
    return mains[0], (repeats[0] if repeats else None)


def save_upload(upload) -> Path:
    """Write the upload to a private folder of its own and check it; return the folder. Refused: nothing kept."""
    suffix = Path(upload.name).suffix.lower()
    folder = upload_folder() / uuid.uuid4().hex
    folder.mkdir(parents=True, mode=0o700)
    path = folder / ("upload.zip" if suffix == ".zip" else JSON if suffix == ".json" else MAIN)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                check_archive(archive, UploadRefused)  # zip bombs: refused before anything is inflated
                _members(archive)
        except (zipfile.BadZipFile, UploadRefused) as exc:
            shutil.rmtree(folder)
            raise UploadRefused(str(exc) if isinstance(exc, UploadRefused) else _("The file is not a valid .zip.")) \
                from exc
    return folder


def _uploaded(folder: str) -> Path:
    """Return the job's folder, refusing one outside the upload folder (the job deletes it)."""
    resolved = Path(folder).resolve()
    if resolved.parent != upload_folder().resolve():
        raise ValueError(f"not an uploaded ODK export: {folder}")
    return resolved


def _unpack(folder: Path) -> Path:
    """Return the export to import: the CSV or JSON uploaded, or the zip's CSVs unpacked beside it."""
    archive_path = folder / "upload.zip"
    if not archive_path.exists():
        return folder / JSON if (folder / JSON).exists() else folder / MAIN
    with zipfile.ZipFile(archive_path) as archive:
        check_archive(archive, UploadRefused)
        main, repeat = _members(archive)
        for name, target in ((main, MAIN), (repeat, REPEAT)):
            if name:
                with archive.open(name) as src, (folder / target).open("wb") as out:
                    shutil.copyfileobj(src, out)
        _unpack_media(archive, folder / MEDIA)
    archive_path.unlink()
    return folder / MAIN


def _unpack_media(archive: zipfile.ZipFile, media: Path) -> None:
    """Unpack the photos under a `media/` folder of the zip (ODK Central, Kobo) by their file names alone."""
    for info in archive.infolist():
        path = PurePosixPath(info.filename)
        if info.is_dir() or path.parent.name != MEDIA or not path.name.lower().endswith(SUFFIXES):
            continue
        media.mkdir(mode=0o700, exist_ok=True)
        with archive.open(info) as src, os.fdopen(os.open(media / path.name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                                                          0o600), "wb") as out:
            shutil.copyfileobj(src, out)


def _number(value) -> int | None:
    return small_int(str(value or "").strip())


def _csv_prelists(path: Path) -> set[int | None]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, strict=True)
            columns = [c for c in reader.fieldnames or [] if c and c.endswith(KEY)]
            return {_number(row.get(c)) for row in reader for c in columns}
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ExportError(_("%(path)s is not a readable UTF-8 CSV: %(reason)s")
                          % {"path": path.name, "reason": exc}) from exc


def _json_prelists(path: Path) -> set[int | None]:
    found: set[int | None] = set()

    def keep_prelists(pairs):  # each object is dropped once read: only the prelist numbers stay
        found.update(_number(v) for k, v in pairs if k.endswith(KEY) and not isinstance(v, dict | list))

    try:
        json.loads(path.read_text(encoding="utf-8-sig"), object_pairs_hook=keep_prelists)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ExportError(_("%(path)s is not valid JSON: %(reason)s")
                          % {"path": path.name, "reason": getattr(exc, "msg", type(exc).__name__)}) from exc
    return found


def check_region(path: Path, user) -> None:
    """Refuse the export if it names a prelist the user may not import into (or cannot be read)."""
    named = (_json_prelists(path) if path.suffix == ".json" else _csv_prelists(path)) - {None}
    allowed = set()
    for chunk in batched(sorted(named), 500):
        allowed.update(prelists_for_odk(user).filter(pk__in=chunk).values_list("pk", flat=True))
    outside = sorted(named - allowed)
    if outside:
        raise UploadRefused(_("The file holds submissions for prelists outside your area (%(ids)s): nothing was "
                              "imported.") % {"ids": ", ".join(map(str, outside[:5])) + (" …" if outside[5:] else "")})


def do_start_import(user, folder: Path, source: str):
    """Queue the import job of an upload, in the uploader's region; its task starts once the transaction commits."""
    from .tasks import import_odk_task  # the task imports this module

    config = {"folder": str(folder), "source": source[-255:], "form_version": form_version()}
    return start_job(import_odk_task, ODK_IMPORT_JOB, user=user, region_code=user.scope_prefix or "", config=config)


def do_import_job(job, progress) -> dict:
    """Unpack, check the region, import (the task's work); a refused file is a result, with its reason."""
    folder = _uploaded(job.config["folder"])
    try:
        path = _unpack(folder)
        progress(0, None, _("Checking the region of the submissions"))
        check_region(path, job.created_by)
        note = _("Checking and applying the submissions")
        result = import_submissions(path, job.config["form_version"], user=job.created_by,
                                    progress=lambda done, total: progress(done, total, note))
    except (UploadRefused, ExportError) as exc:
        return {"refused": str(exc)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the export holds personal data: kept only until it is read
    SubmissionImport.objects.filter(pk=result.pk).update(source=job.config["source"])  # the user's file name
    return {"import": result.pk, "applied": result.applied, "flagged": result.flagged}


def report_xlsx(result: SubmissionImport) -> bytes:
    """Return the import's row-level report as XLSX: row, instance ID, household, code, message."""
    book = Spreadsheet()
    sheet = book.sheet(_("Report"))
    sheet.append([_("Row"), _("Instance ID"), _("Household"), _("Code"), _("Message")])
    for r in result.report:
        sheet.append([r["row"], r["instance_id"], r["household"], r["code"], r["message"]])
    return book.to_bytes()
