"""Request-body limits: one for the server, one per route, checked before Django reads a body.

Waitress reads a whole request body (to a temporary file above 512 KB) before the application sees it,
and cannot set a limit per route. So there are two limits (docs/security.md, "Request bodies"):

- the server's, waitress `max_request_body_size` = SERVE_MAX_REQUEST_BODY (the largest upload any page
  takes, plus room for the form): a larger declared body is answered 413 before one byte of it is read;
- each route's, checked here by Content-Length before Django parses the body (CSRF's check is the first
  to read it, so this middleware stands before CsrfViewMiddleware): REQUEST_BODY_MAX_BYTES for every
  page, larger only for the upload pages marked with `@body_limit`.
"""

from collections.abc import Callable

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

FORM_ROOM = 2**20  # multipart boundaries and the form's other fields, beside the file itself


def body_limit(max_bytes: Callable[[], int], message: Callable[[int], str] | None = None):
    """Let the view take bodies up to `max_bytes()` plus FORM_ROOM; `message(size)` explains a refusal."""
    def decorate(view):
        view.max_body_bytes = lambda: max_bytes() + FORM_ROOM  # decorators above copy it (functools.wraps)
        view.body_too_large = message
        return view
    return decorate


def declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def api_operation(view_func, method: str):
    """Return the API function (django-ninja) that answers `method` on this route, or None for a page.

    django-ninja serves each API path with one Django view that closes over its PathView, whose operations
    hold the functions: an API function marked with `@body_limit` (below its `@router` line) is found here.
    """
    for cell in getattr(view_func, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if isinstance(operations, list):
            return next((op.view_func for op in operations if method in op.methods), None)
    return None


class RequestBodyLimitMiddleware:
    """Answer 413, with the route's limit in words, to a body larger than the route takes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        size = declared_length(request)
        view_func = api_operation(view_func, request.method) or view_func
        limit = getattr(view_func, "max_body_bytes", lambda: settings.REQUEST_BODY_MAX_BYTES)()
        if size <= limit:
            return None
        explain = getattr(view_func, "body_too_large", None)
        message = explain(size) if explain else _(
            "The request is %(size)s; this page accepts at most %(max)s.") % {
            "size": filesizeformat(size), "max": filesizeformat(limit)}
        return render(request, "413.html", {"message": message}, status=413)
