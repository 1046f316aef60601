"""One way to follow a `next` parameter: only to a page of this site, never to another host (open redirect).

A form that sends the user back where they came from carries `next`; anyone can post or link one with
`next=https://evil.example/`, so every view that follows `next` asks `next_url` (Django's
`url_has_allowed_host_and_scheme`: same host, no other scheme, https kept on https).
"""

from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request, default: str = "home") -> str:
    """Return the posted (else queried) `next` if it is a page of this site, else `default` (a URL name or path)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(default)


def redirect_next(request, default: str = "home"):
    """Redirect to `next_url(request, default)`."""
    return redirect(next_url(request, default))
