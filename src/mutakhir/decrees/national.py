"""The national installation's API, as the district's side calls it (setting NATIONAL_INBOX an http(s) URL).

Two calls: push a package (POST /api/packages/, the zip as the body) and poll its answer (GET
/api/packages/<id>). Any failure is a PackageError whose message the decree page shows: nothing is
recorded as sent unless the national installation said it received the package.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

from mutakhir.registry.packages import PackageError


def inbox_url() -> str | None:
    """Return the national installation's base URL, or None when packages do not travel by API."""
    url = str(settings.NATIONAL_INBOX or "")
    return url.rstrip("/") if url.startswith(("http://", "https://")) else None


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        detail = json.loads(exc.read()).get("detail")
    except (ValueError, AttributeError, OSError):
        detail = None
    return str(detail or exc.reason)[:500]


def call(method: str, path: str, body: bytes | None = None, content_type: str = "application/zip") -> dict:
    """Call the national API; return its JSON answer or raise PackageError saying what went wrong."""
    headers = {"Authorization": f"Bearer {settings.NATIONAL_INBOX_TOKEN}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(inbox_url() + path, data=body, method=method,  # noqa: S310 (http(s) only)
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=settings.NATIONAL_INBOX_TIMEOUT) as response:  # noqa: S310 (http(s) only)
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise PackageError(_("The national installation answered %(status)s: %(detail)s")
                           % {"status": exc.code, "detail": _detail(exc)}) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PackageError(_("The national installation cannot be reached (%(error)s): try again later.")
                           % {"error": getattr(exc, "reason", exc)}) from exc


def push(data: bytes) -> dict:
    return call("POST", "/api/packages/", data)


def poll(remote_id: int) -> dict:
    return call("GET", f"/api/packages/{int(remote_id)}")
